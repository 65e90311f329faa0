import type { Interface } from "ethers";
import type { Client } from "../client/connect";
import { sendTransaction, type SendTransactionParameters } from "../tx/sendTransaction";
import { waitForReceipt } from "../tx/waitForReceipt";
import type { Output } from "./output";
import { summarizeReceipt, type ReceiptSummary } from "./printReceipt";

export interface BroadcastOptions {
  output: Output;
  confirmations: number;
  /** Print the hash and return without waiting. */
  async: boolean;
  timeoutMs: number;
  interfaces: readonly Interface[];
}

/**
 * The send path shared by `send` and `deploy`: broadcast, print the hash at once (human mode), wait for
 * the receipt with progress on a terminal; a reverted, dropped or replaced transaction fails (exit 1).
 * @returns the hash, and the receipt summary unless `async`
 */
export async function broadcastAndWait(client: Client, request: SendTransactionParameters, options: BroadcastOptions): Promise<{ hash: string; nonce: number; receipt?: ReceiptSummary }> {
  const tx = await sendTransaction(client, request);
  // The hash comes first, before any wait, so a killed or timed-out run still tells what was sent.
  options.output.lines([options.async ? tx.hash : `hash        ${tx.hash}`]);
  if (options.async) return { hash: tx.hash, nonce: tx.nonce };
  // Dropped, replaced and reverted transactions end the wait with typed errors (exit 1), never "success".
  const receipt = await waitForReceipt(client, tx.hash, {
    confirmations: options.confirmations,
    timeoutMs: options.timeoutMs,
    nonce: tx.nonce,
    from: tx.from,
    onProgress: (p) => options.output.progress(p.stage === "pending" ? `pending  ${tx.hash}` : `${p.stage === "mined" ? "mined   " : "confirmed"} in block ${p.blockNumber} (${p.confirmations}/${options.confirmations})`),
  });
  return { hash: tx.hash, nonce: tx.nonce, receipt: summarizeReceipt(receipt, options.interfaces) };
}
