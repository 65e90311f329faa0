import type { Interface, TransactionReceipt } from "ethers";
import { type DecodedLog, decodeLogs } from "../abi/decodeLogs.js";
import { formatNamedArgs } from "../abi/formatValue.js";

/** A receipt as the CLI reports it. */
export interface ReceiptSummary {
  hash: string;
  status: "success" | "reverted";
  blockNumber: number;
  gasUsed: bigint;
  from: string;
  to: string | null;
  contractAddress: string | null;
  events: DecodedLog[];
}

/** Summarises a receipt with its logs decoded by the known ABIs. */
export function summarizeReceipt(receipt: TransactionReceipt, interfaces: readonly Interface[]): ReceiptSummary {
  return {
    hash: receipt.hash,
    status: receipt.status === 1 ? "success" : "reverted",
    blockNumber: receipt.blockNumber,
    gasUsed: receipt.gasUsed,
    from: receipt.from,
    to: receipt.to,
    contractAddress: receipt.contractAddress,
    events: decodeLogs(receipt.logs, interfaces),
  };
}

/** The human lines of a receipt (the hash is printed earlier, when the transaction is sent). */
export function receiptLines(summary: ReceiptSummary): string[] {
  const lines = [`status      ${summary.status}`, `block       ${summary.blockNumber}`, `gasUsed     ${summary.gasUsed}`];
  if (summary.contractAddress) lines.push(`contract    ${summary.contractAddress}`);
  for (const event of summary.events) lines.push(eventLine(event));
  return lines;
}

/**
 * The one line of an event in a receipt, as `send` and `receipt` print it: `event       YearChanged(previous=2020, …)`,
 * or where it came from when no known ABI decodes it.
 * @example eventLine(summary.events[0]) // "event       YearChanged(previous=2020, current=2021, by=0xf39F…)"
 */
export function eventLine(event: DecodedLog): string {
  return `event       ${event.name ? formatNamedArgs(event.name, event.args) : `unknown at ${event.address} topic0=${event.topics[0] ?? "none"}`}`;
}
