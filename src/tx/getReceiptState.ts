import type { TransactionReceipt, TransactionResponse } from "ethers";
import type { Client } from "../client/connect.js";
import { checkClient, checkHex, checkObject } from "../errors/assertArgument.js";

/** What `getReceiptState` looks up. */
export interface GetReceiptStateParameters {
  /** The transaction hash (`0x` and 64 hex digits). */
  hash: string;
}

/**
 * Where a transaction stands on the node: mined (with its receipt), pending (in the node's pool, no receipt
 * yet), or unknown (another network's, or dropped).
 */
export type ReceiptState =
  | { state: "mined"; receipt: TransactionReceipt }
  | { state: "pending"; transaction: TransactionResponse }
  | { state: "unknown" };

/**
 * A transaction's receipt, or why there is none: asks for the receipt and, when there is none, for the
 * transaction, so that a pending transaction is told apart from one the node does not know. Does not wait.
 * @param client a client from `connect()`
 * @param parameters the hash
 * @throws ChaincallError `INVALID_ARGUMENT` (nothing is sent), `RPC_ERROR`, `TIMEOUT`
 * @example const found = await getReceiptState(client, { hash }); if (found.state === "mined") console.log(found.receipt.status);
 */
export async function getReceiptState(client: Client, parameters: GetReceiptStateParameters): Promise<ReceiptState> {
  checkClient(client);
  checkObject(parameters, "parameters");
  const hash = checkHex(parameters.hash, "parameters.hash", { bytes: 32 }).toLowerCase();
  const receipt = await client.provider.getTransactionReceipt(hash);
  if (receipt) return { state: "mined", receipt };
  const transaction = await client.provider.getTransaction(hash);
  return transaction ? { state: "pending", transaction } : { state: "unknown" };
}
