import type { Interface, TransactionReceipt } from "ethers";
import { decodeLogs, type DecodedLog } from "../abi/decodeLogs.js";

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
  for (const event of summary.events) {
    if (event.name) {
      const args = Object.entries(event.args).map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`);
      lines.push(`event       ${event.name}(${args.join(", ")})`);
    } else {
      lines.push(`event       unknown at ${event.address} topic0=${event.topics[0] ?? "none"}`);
    }
  }
  return lines;
}
