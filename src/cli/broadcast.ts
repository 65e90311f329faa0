import { formatEther, formatUnits, type Interface, type TransactionResponse } from "ethers";
import type { Client } from "../client/connect.js";
import { ChaincallError } from "../errors/ChaincallError.js";
import { assertSendAllowed, guardedChainName } from "../tx/assertSendAllowed.js";
import { resolveFees } from "../tx/resolveFees.js";
import { type SendTransactionParameters, sendTransaction, type TransactionOverrides } from "../tx/sendTransaction.js";
import { waitForReceipt } from "../tx/waitForReceipt.js";
import type { Output } from "./output.js";
import { type ReceiptSummary, summarizeReceipt } from "./printReceipt.js";

export interface BroadcastOptions {
  output: Output;
  confirmations: number;
  /** Print the hash and return without waiting. */
  async: boolean;
  timeoutMs: number;
  interfaces: readonly Interface[];
  /** `--yes`: broadcast on mainnet without asking. */
  yes: boolean;
  /** What the mainnet prompt says of the recipient: `CallDemo.setYear(uint256)`, or for a deploy `a new CallDemo contract`. */
  describeTo?: string;
}

/**
 * The send path shared by `send` and `deploy`: the mainnet guard, broadcast, print the hash at once
 * (human mode), wait for the receipt with progress on a terminal; a reverted, dropped or replaced
 * transaction fails (exit 1).
 * @returns the hash, and the receipt summary unless `async`
 */
export async function broadcastAndWait(
  client: Client,
  request: SendTransactionParameters,
  options: BroadcastOptions,
): Promise<{ hash: string; nonce: number; receipt?: ReceiptSummary }> {
  const fees = await confirmMainnet(client, [{ to: request.to ?? null, value: request.value ?? 0n, describeTo: options.describeTo }], {
    yes: options.yes,
    overrides: request,
  });
  const tx = await sendTransaction(client, { ...request, ...fees });
  // The hash comes first, before any wait, so a killed or timed-out run still tells what was sent.
  options.output.lines([options.async ? tx.hash : `hash        ${tx.hash}`]);
  if (options.async) return { hash: tx.hash, nonce: tx.nonce };
  const receipt = await waitWithProgress(client, tx, options);
  return { hash: tx.hash, nonce: tx.nonce, receipt };
}

/**
 * Waits for a sent transaction (bounded by `timeoutMs`), with pending → mined → confirmations progress on
 * stderr when it is a terminal. Dropped, replaced and reverted transactions end the wait with typed errors
 * (exit 1), never "success".
 */
export async function waitWithProgress(
  client: Client,
  tx: TransactionResponse,
  options: Pick<BroadcastOptions, "output" | "confirmations" | "timeoutMs" | "interfaces">,
): Promise<ReceiptSummary> {
  const started = Date.now();
  const receipt = await waitForReceipt(client, tx.hash, {
    confirmations: options.confirmations,
    timeoutMs: options.timeoutMs,
    nonce: tx.nonce,
    from: tx.from,
    onProgress: (p) => {
      const seconds = `${((Date.now() - started) / 1000).toFixed(1)} s`;
      // Aligned with the result lines (`hash        0x…`, `status      success`) that frame them.
      if (p.stage === "pending")
        options.output.progress(
          `pending     ${tx.hash} (nonce ${tx.nonce}), waiting for ${options.confirmations} confirmation${options.confirmations === 1 ? "" : "s"}`,
        );
      else
        options.output.progress(
          `${(p.stage === "mined" ? "mined" : "confirmed").padEnd(12)}in block ${p.blockNumber} (${p.confirmations}/${options.confirmations}) after ${seconds}`,
        );
    },
  });
  return summarizeReceipt(receipt, options.interfaces);
}

/** One transaction as the mainnet prompt shows it. */
export interface PlannedSend {
  /** Recipient; null for a contract creation. */
  to: string | null;
  value: bigint;
  describeTo?: string;
}

/**
 * SPEC §7.8: on mainnet (chain id 1) nothing is broadcast unless `--yes` was given, or the user agrees on a
 * terminal after seeing chain, sender, recipient, value and max fee. The fees shown are returned as
 * overrides, so what is signed is what was agreed to. Other chains pass through untouched.
 * @param options.canAsk whether stdin and stderr are a terminal free for a prompt (default: both are TTYs)
 * @returns fee overrides to sign with (empty when nothing was asked)
 * @throws ChaincallError `INVALID_ARGUMENT` without a terminal and without --yes (nothing is signed);
 *   `ABORTED` when the user declines
 */
export async function confirmMainnet(
  client: Client,
  sends: readonly PlannedSend[],
  options: { yes: boolean; overrides?: TransactionOverrides; canAsk?: boolean },
): Promise<TransactionOverrides> {
  const chainName = guardedChainName(client.chainId);
  if (!chainName || options.yes || sends.length === 0) return {};
  const canAsk = options.canAsk ?? Boolean(process.stdin.isTTY && process.stderr.isTTY);
  const what = sends.length === 1 ? "a transaction" : `${sends.length} transactions`;
  // Without a terminal there is nobody to ask: the guard refuses.
  if (!canAsk)
    assertSendAllowed(client, {
      confirmed: false,
      count: sends.length,
      reason: "no terminal to ask on",
      hints: ["hint: pass --yes to broadcast on mainnet without a prompt"],
    });
  // The fees the prompt shows, complete (the user's own where given, the node's suggestion otherwise): the
  // signer uses exactly these.
  const resolved = await resolveFees(client, options.overrides ?? {});
  const fees: TransactionOverrides =
    resolved.type === 0 ? resolved : { maxFeePerGas: resolved.maxFeePerGas, maxPriorityFeePerGas: resolved.maxPriorityFeePerGas };
  const gwei = (wei: bigint) => `${formatUnits(wei, "gwei")} gwei`;
  const total = sends.reduce((sum, s) => sum + s.value, 0n);
  const recipients = [
    ...new Set(
      sends.map((s) => (s.to === null ? (s.describeTo ?? "a new contract") : `${s.to}${s.describeTo ? ` (${s.describeTo})` : ""}`)),
    ),
  ];
  const lines = [
    `About to broadcast ${what} on ${chainName}:`,
    `  chain     ${client.chainId} (${chainName}) at ${client.endpoint}`,
    `  from      ${client.signer?.address ?? "?"}`,
    ...recipients.slice(0, 5).map((r, i) => `  ${i === 0 ? "to        " : "          "}${r}`),
    ...(recipients.length > 5 ? [`            … and ${recipients.length - 5} more`] : []),
    `  value     ${formatEther(total)} ETH${sends.length > 1 ? " in total" : ""}`,
    fees.gasPrice !== undefined
      ? `  max fee   ${gwei(fees.gasPrice)} per gas (legacy gas price)`
      : `  max fee   ${gwei(fees.maxFeePerGas!)} per gas (priority fee ${gwei(fees.maxPriorityFeePerGas!)})`,
  ];
  process.stderr.write(`${lines.join("\n")}\n`);
  const answer = await ask("Broadcast? [y/N] ");
  if (!/^y(es)?$/i.test(answer.trim())) throw new ChaincallError("ABORTED", `not broadcast: declined at the prompt (${chainName})`);
  return fees;
}

// One line from the terminal; Ctrl-C and Ctrl-D decline.
async function ask(question: string): Promise<string> {
  const { createInterface } = await import("node:readline");
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  try {
    return await new Promise<string>((resolve, reject) => {
      const declined = (how: string) => reject(new ChaincallError("ABORTED", `not broadcast: prompt ${how}`));
      rl.once("SIGINT", () => declined("cancelled (Ctrl-C)"));
      rl.once("close", () => declined("closed"));
      rl.question(question, resolve);
    });
  } finally {
    rl.removeAllListeners("close");
    rl.close();
  }
}
