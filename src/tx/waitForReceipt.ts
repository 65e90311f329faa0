import type { TransactionReceipt } from "ethers";
import type { Client } from "../client/connect";
import { ChaincallError } from "../errors/ChaincallError";
import { withDeadline } from "../utils/withDeadline";

export interface WaitForReceiptParameters {
  /** Blocks that must include or follow the transaction's block (1 = mined). Default 1. */
  confirmations?: number;
  /** Give up after this many ms. Default 120 000; every wait has a bound. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Poll interval in ms. Default 100 on local chains (31337, 1337), 1 000 elsewhere. */
  pollIntervalMs?: number;
  /** Called as the wait progresses (for progress lines on a terminal). */
  onProgress?: (event: { stage: "pending" | "mined" | "confirmations"; confirmations: number; blockNumber?: number }) => void;
}

/** Default bound of a receipt wait. */
export const DEFAULT_WAIT_TIMEOUT_MS = 120_000;

/**
 * Waits until a transaction is mined with the requested confirmations, polling the receipt. It never
 * waits without bound: the timeout (default 2 min) or the signal ends it.
 * @throws ChaincallError `TIMEOUT` naming the hash, or `ABORTED`
 * @example const receipt = await waitForReceipt(client, hash, { confirmations: 1, timeoutMs: 30_000 });
 */
export async function waitForReceipt(client: Client, hash: string, parameters: WaitForReceiptParameters = {}): Promise<TransactionReceipt> {
  const confirmations = parameters.confirmations ?? 1;
  if (!Number.isInteger(confirmations) || confirmations < 0) throw new ChaincallError("INVALID_ARGUMENT", `confirmations must be a whole number ≥ 0, got ${confirmations}`);
  const local = client.chainId === 31337n || client.chainId === 1337n;
  const interval = parameters.pollIntervalMs ?? (local ? 100 : 1_000);
  return withDeadline(
    async (signal) => {
      let reported = 0;
      parameters.onProgress?.({ stage: "pending", confirmations: 0 });
      while (!signal.aborted) {
        const receipt = await client.provider.getTransactionReceipt(hash);
        if (receipt) {
          const head = confirmations > 1 ? await client.provider.getBlockNumber() : receipt.blockNumber;
          const have = head - receipt.blockNumber + 1;
          if (reported === 0) parameters.onProgress?.({ stage: "mined", confirmations: 1, blockNumber: receipt.blockNumber });
          if (have > reported && reported > 0) parameters.onProgress?.({ stage: "confirmations", confirmations: have, blockNumber: receipt.blockNumber });
          reported = Math.max(reported, have);
          if (have >= confirmations) return receipt;
        }
        await sleep(interval, signal);
      }
      throw signal.reason;
    },
    { timeoutMs: parameters.timeoutMs ?? DEFAULT_WAIT_TIMEOUT_MS, signal: parameters.signal, what: `the receipt of ${hash}` },
  );
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}
