import type { BlockSelector } from "./blockSelector.js";
import type { Client } from "./connect.js";
import { readAccountQuantity } from "./getBalance.js";

/** What `getTransactionCount` reads: an account, at a block. */
export interface GetTransactionCountParameters {
  /** The account (`0x` and 40 hex digits; mixed case must be a valid checksum). */
  address: string;
  /** The block to count at; `pending` counts the transactions waiting in the node's pool. Default `latest`. */
  block?: BlockSelector;
}

/**
 * An account's nonce: the number of transactions it has sent (`eth_getTransactionCount`).
 * @param client a client from `connect()`
 * @param parameters the address, and optionally the block
 * @throws ChaincallError `INVALID_ARGUMENT` (nothing is sent), `RPC_ERROR` (also for an answer that is not a quantity), `TIMEOUT`
 * @example const next = await getTransactionCount(client, { address, block: "pending" }); // 7
 */
export async function getTransactionCount(client: Client, parameters: GetTransactionCountParameters): Promise<number> {
  return Number(await readAccountQuantity(client, parameters, "eth_getTransactionCount"));
}
