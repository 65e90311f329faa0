import type { SigningKey, TransactionLike } from "ethers";
import type { ChaincallProvider } from "../client/createProvider.js";
import { ChaincallError } from "../errors/ChaincallError.js";
import { isDevChain } from "../utils/isDevChain.js";
import { accountQueue, type QueueAccount } from "./AccountQueue.js";
import { estimateFees } from "./estimateFees.js";
import { localKeyJob } from "./localKeyJob.js";
import { nodeAccountJob } from "./nodeAccountJob.js";
import { poolSafeBatches } from "./poolSafeBatches.js";
import type { Sender } from "./Sender.js";
import { sendGate } from "./sendGate.js";
import { createSendJournal } from "./sendJournal.js";
import { unknownOutcome } from "./settleOutcome.js";
import { loadFastSigner } from "./signDigest.js";
import { stallCheck } from "./stallCheck.js";

/** Who sends, where, and how it is journalled. */
export interface CreateSenderParameters {
  /** The account's address, checksummed. */
  address: string;
  /** The key, when this process holds it; omitted for an account the node manages. */
  key?: SigningKey;
  chainId: bigint;
  /** Journal file for signed transactions; `null` turns the journal off. */
  journal: string | null;
  /** The node's genesis block hash (dev chains), recorded in journal entries as part of the node's identity. */
  genesis?: string;
  /** Gas estimate headroom in percent. Default 20. */
  gasHeadroomPercent?: number;
}

/**
 * The send pipeline's view of one account at one client's node: its nonce queue (shared in the process by
 * every client of that node and account), its journal, and the job that signs and broadcasts for it (a held
 * key's, or the node's for an account it manages).
 * @example const sender = createSender(provider, { address, key: wallet.signingKey, chainId: 31337n, journal: null });
 */
export function createSender(provider: ChaincallProvider, parameters: CreateSenderParameters): Sender {
  const { address, key, chainId, genesis } = parameters;
  const journal = createSendJournal(parameters.journal, { chainId, genesis }, address);
  // A held key signs: the fast signer loads in the background meanwhile (noble signs until it is there).
  if (key) void loadFastSigner();
  let blockNumberAsked: { at: number; value: Promise<number> } | undefined;
  const sender: Sender = {
    provider,
    address,
    chainId,
    genesis,
    key,
    gasHeadroomPercent: parameters.gasHeadroomPercent ?? 20,
    journal,
    stall: isDevChain(chainId) ? stallCheck(provider, address) : undefined,
    queue: accountQueue(provider.boundary.endpoint, chainId, address),
    account: queueAccount(),
    job: (tx) => (key ? localKeyJob(sender, key, tx) : nodeAccountJob(sender, tx)),
    // Any block at or before the send will do, so one answer serves a whole burst.
    recentBlockNumber() {
      const now = Date.now();
      if (!blockNumberAsked || now - blockNumberAsked.at > 1_000) {
        const value = provider.getBlockNumber();
        const asked = { at: now, value };
        blockNumberAsked = asked;
        value.catch(() => {
          if (blockNumberAsked === asked) blockNumberAsked = undefined;
        });
      }
      return blockNumberAsked.value;
    },
  };

  // The queue's view of this account: its node-side count, and how to use up a nonce with a no-op.
  function queueAccount(): QueueAccount {
    return {
      fetchNonce: async () => {
        const count = await provider.getTransactionCount(address, "pending");
        journal.lost(count);
        sender.stall?.forgetFrom(count);
        return count;
      },
      // Transactions of an earlier run whose outcome is unknown keep their nonces (held keys: the node-signed
      // ones have no hash to ask about).
      recover: () =>
        key
          ? journal
              .unsettled()
              .map((e) =>
                unknownOutcome(
                  sender,
                  e.hash,
                  e.nonce,
                  new ChaincallError("RPC_ERROR", `transaction ${e.hash} was journalled with an unknown outcome`),
                ),
              )
          : [],
      // A node-signed one (no hash) is asked about through the client that sent it: it knows what was sent.
      settle: (pending) => (pending.hash ? unknownOutcome(sender, pending.hash, pending.nonce, pending).settle() : pending.settle()),
      afterBurst: async () => (await sender.stall?.afterBurst()) !== undefined,
      // In an order Anvil's pool cannot strand (see poolSafeBatches), never beside an estimate of this provider's (see SendGate).
      writeBatch: poolSafeBatches(provider, address, (requests) => sendGate(provider).write(() => provider.sendInOrder(requests))),
      fill: async (nonce) => {
        const fees = await estimateFees(provider, chainId);
        const tx: TransactionLike<string> = { chainId, from: address, to: address, value: 0n, data: "0x", gasLimit: 21_000n, ...fees };
        const job = sender.job(tx);
        await job.send(await job.sign(nonce));
      },
    };
  }
  return sender;
}
