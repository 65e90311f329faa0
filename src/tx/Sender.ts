import type { SigningKey, TransactionLike, TransactionResponse } from "ethers";
import type { ChaincallProvider } from "../client/createProvider.js";
import type { AccountQueue, QueueAccount, QueueJob } from "./AccountQueue.js";
import type { SendJournal } from "./sendJournal.js";
import type { StallCheck } from "./stallCheck.js";

/**
 * One account sending through one client: what every stage of the send pipeline (prepare, queue, job,
 * journal, settle) needs of it. Made by `createSender`.
 */
export interface Sender {
  readonly provider: ChaincallProvider;
  /** The account's address, checksummed. */
  readonly address: string;
  readonly chainId: bigint;
  /** The node's genesis hash (dev chains): with the chain id, the node's identity in the journal. */
  readonly genesis?: string;
  /** The held key; undefined for an account the node manages (`eth_sendTransaction`). */
  readonly key?: SigningKey;
  /** Gas estimate headroom in percent. */
  readonly gasHeadroomPercent: number;
  readonly journal: SendJournal;
  /** Dev chains only: watches that what a burst sent gets mined, and re-broadcasts it when not (see `stallCheck`). */
  readonly stall?: StallCheck;
  /** The process-wide nonce queue of this account at this node. */
  readonly queue: AccountQueue;
  /** The queue's view of this account: its node-side count, recovery, settling, gap filling. */
  readonly account: QueueAccount;
  /** How the queue signs and broadcasts one prepared transaction once its nonce is fixed. */
  job(tx: TransactionLike<string>): QueueJob<unknown, TransactionResponse>;
  /** A block at or before now (one answer serves a burst): where a search by nonce may start. */
  recentBlockNumber(): Promise<number>;
}
