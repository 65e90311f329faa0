import type { Interface } from "ethers";
import { encodeCalldata } from "../../abi/encodeCalldata.js";
import { toJsonValue } from "../../abi/formatValue.js";
import type { Client } from "../../client/connect.js";
import { callContract, readContract } from "../../client/readContract.js";
import { sendTransaction, type TransactionOverrides } from "../../tx/sendTransaction.js";
import { waitWithProgress } from "../broadcast.js";
import { nothingReturnedNote } from "../commands/call.js";
import type { Output } from "../output.js";
import type { Line } from "./parseLines.js";
import type { Outcome } from "./printLines.js";

/**
 * Runs one read line through the SDK's `readContract` (batched by the client with the other reads): its
 * outcome, never a throw.
 * @example const outcome = await runRead(client, line); // { line: 1, result: ["2020"] }
 */
export async function runRead(client: Client, line: Line): Promise<Outcome> {
  const { fragment } = line.target;
  const parameters = { address: line.address!, fragment, args: line.args };
  try {
    // A signature without return types: the raw return data, as `call` prints it.
    if (line.target.contract === undefined && fragment.outputs.length === 0)
      return { line: line.line, result: await callContract(client, parameters) };
    const values = await readContract(client, parameters);
    if (fragment.outputs.length === 0)
      return { line: line.line, result: [], note: nothingReturnedNote(fragment, line.targetText, line.argsText) };
    return { line: line.line, result: values.map((v, i) => toJsonValue(v, fragment.outputs[i])) };
  } catch (err) {
    return { line: line.line, error: err };
  }
}

/** How the sends of a batch run. */
export interface RunSendOptions {
  /** Where the waits report (their progress is silenced: `progress` counts instead). */
  output: Output;
  confirmations: number;
  async: boolean;
  timeoutMs: number;
  interfaces: Interface[];
  progress: { sent(): void; settled(): void };
}

/**
 * Sends one line's transaction and (unless `async`) waits for its receipt: its outcome, never a throw. A
 * send that went out and then failed (reverted, dropped, replaced, timed out) still names its hash.
 * @example const outcome = await runSend(client, line, overrides, options); // { line: 3, hash, nonce, status: "success", … }
 */
export async function runSend(client: Client, line: Line, overrides: TransactionOverrides, options: RunSendOptions): Promise<Outcome> {
  let sent: { hash: string; nonce: number } | undefined;
  try {
    const data = encodeCalldata(line.target.fragment, line.args);
    const tx = await sendTransaction(client, { ...overrides, to: line.address!, data, value: line.value, gasLimit: line.gasLimit });
    sent = { hash: tx.hash, nonce: tx.nonce };
    options.progress.sent();
    if (options.async) return { line: line.line, ...sent };
    const { hash, ...receipt } = await waitWithProgress(client, tx, options);
    return { line: line.line, hash, nonce: tx.nonce, ...receipt };
  } catch (err) {
    return { line: line.line, ...(sent ?? {}), error: err };
  } finally {
    options.progress.settled();
  }
}

/**
 * Progress of the sends on a terminal: one line when all are broadcast, one when all have settled.
 * @example const progress = countProgress(output, sends.length, false);
 */
export function countProgress(output: Output, total: number, async: boolean): RunSendOptions["progress"] {
  let sent = 0;
  let settled = 0;
  output.progress(`${total} send${total === 1 ? "" : "s"} …`);
  return {
    sent() {
      if (++sent === total && !async) output.progress(`${total} broadcast, waiting for receipts …`);
    },
    settled() {
      if (++settled === total) output.progress(`${sent} of ${total} sent${async ? "" : ", all settled"}`);
    },
  };
}
