import type { Client } from "../client/connect.js";
import { ChaincallError } from "../errors/ChaincallError.js";
import { resolveDeployment } from "../registry/addressBook.js";
import type { Globals } from "./options.js";
import { EXIT_FAILURE } from "./output.js";
import { checkAddress } from "./target.js";

// Argument checks and renderings shared by the chain-query commands (receipt, tx, balance, nonce,
// block-number, logs): everything the user typed is checked here, before any connection.

/** Block tags every node understands as a block parameter. */
export const BLOCK_TAGS = ["latest", "pending", "safe", "finalized", "earliest"] as const;

/**
 * Checks a transaction hash: 0x and 64 hex digits.
 * @throws ChaincallError `INVALID_ARGUMENT`
 * @example parseTxHash("0x9b27…0dea") // "0x9b27…0dea" (lowercase)
 */
export function parseTxHash(text: string): string {
  if (!/^0x[0-9a-fA-F]{64}$/.test(text)) {
    throw new ChaincallError("INVALID_ARGUMENT", `invalid transaction hash "${text}" (expected 0x and 64 hex digits)`);
  }
  return text.toLowerCase();
}

/** A `--block` value checked, in the two forms it is used in. */
export interface BlockParameter {
  /** The JSON-RPC block parameter: a tag, a hex quantity, or `{ blockHash }` (EIP-1898). */
  rpc: string | { blockHash: string };
  /** As reported in --json: the tag or hash as given, the number as a number. */
  shown: string | number;
}

/**
 * Checks a block: latest|pending|safe|finalized|earliest, a decimal or 0x number, or a 32-byte block hash.
 * @throws ChaincallError `INVALID_ARGUMENT`
 * @example parseBlockParameter("5").rpc // "0x5"
 */
export function parseBlockParameter(value: string | undefined, option = "--block"): BlockParameter {
  if (value === undefined || value === "") return { rpc: "latest", shown: "latest" };
  if ((BLOCK_TAGS as readonly string[]).includes(value)) return { rpc: value, shown: value };
  if (/^0x[0-9a-fA-F]{64}$/.test(value)) return { rpc: { blockHash: value.toLowerCase() }, shown: value.toLowerCase() };
  const n = parseBlockNumber(value);
  if (n !== undefined) return { rpc: `0x${n.toString(16)}`, shown: n };
  throw new ChaincallError("INVALID_ARGUMENT", `invalid ${option} "${value}" (expected ${BLOCK_TAGS.join("|")}, a number or a block hash)`);
}

/**
 * A block number as decimal or 0x hex, within JavaScript's safe integers; undefined when `value` is not one.
 * @example parseBlockNumber("0x10") // 16
 */
export function parseBlockNumber(value: string): number | undefined {
  if (!/^(\d{1,16}|0x[0-9a-fA-F]{1,13})$/.test(value)) return undefined;
  const n = Number(value.startsWith("0x") ? BigInt(value) : value);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** An account argument: an address now, or an address-book name resolved once connected. */
export type AccountArgument = { address: string; name?: undefined } | { name: string; address?: undefined };

/**
 * Checks an account argument: a `0x` address (EIP-55 checksum verified when mixed-case) or a contract
 * name from the address book (`CallDemo`).
 * @throws ChaincallError `INVALID_ARGUMENT`
 */
export function parseAccount(text: string): AccountArgument {
  if (/^0x/i.test(text)) return { address: checkAddress(text) };
  if (!/^[A-Za-z_$][A-Za-z0-9_$.-]*$/.test(text)) {
    throw new ChaincallError("INVALID_ARGUMENT", `invalid address "${text}" (expected 0x and 40 hex digits, or a name from the address book)`);
  }
  return { name: text };
}

/**
 * The account's address: as given, or the address book's entry for the connected chain.
 * @throws ChaincallError `NOT_FOUND` for a name the book of this chain does not have
 */
export function resolveAccount(account: AccountArgument, client: Client, globals: Globals): string {
  return account.address ?? resolveDeployment(globals.deploymentsDir, client, account.name).address;
}

/**
 * "Not on this chain": a well-formed hash the node does not know is a runtime failure (exit 1, as cast
 * does), not bad input, though its code is `NOT_FOUND`.
 */
export function notOnChain(message: string, hints: string[] = []): ChaincallError {
  return new ChaincallError("NOT_FOUND", message, { metaMessages: hints, exitCode: EXIT_FAILURE });
}

/**
 * A block number as the node sent it (a JSON-RPC quantity: `0x` and at most 13 hex digits, so it is a safe
 * integer), or an `RPC_ERROR` naming the node: a garbled answer must never print as `NaN` or `Infinity`.
 * @example parseNodeQuantity("0x10", "eth_blockNumber", "http://127.0.0.1:8545") // 16
 */
export function parseNodeQuantity(value: unknown, method: string, endpoint: string): number {
  if (typeof value === "string" && /^0x(0|[1-9a-fA-F][0-9a-fA-F]{0,12})$/.test(value)) return Number(value);
  const shown = typeof value === "string" ? JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value) : typeof value === "object" ? (value === null ? "null" : "an object") : String(value);
  throw new ChaincallError("RPC_ERROR", `${endpoint} answered ${method} with ${shown}, not a block number (0x-hex quantity)`);
}

/**
 * Wei in ether with all 18 decimals, as `cast balance --ether` prints it.
 * @example formatEtherFixed(1500000000000000001n) // "1.500000000000000001"
 */
export function formatEtherFixed(wei: bigint): string {
  const sign = wei < 0n ? "-" : "";
  const abs = wei < 0n ? -wei : wei;
  const unit = 10n ** 18n;
  return `${sign}${abs / unit}.${(abs % unit).toString().padStart(18, "0")}`;
}

/**
 * One event as one line: `YearChanged(previous=2020, current=2021, by=0xf39F…)`, the way `send` prints
 * events; strings as they are unless they hold control characters (then JSON-quoted, so a line stays one
 * line), everything else as compact JSON.
 */
export function formatEvent(name: string, args: Record<string, unknown>): string {
  const shown = Object.entries(args).map(([key, value]) => `${key}=${typeof value === "string" && !/[\u0000-\u001f]/.test(value) ? value : JSON.stringify(value)}`);
  return `${name}(${shown.join(", ")})`;
}

/** Key/value lines with the keys padded to one column, as `send` prints a receipt. */
export function keyValueLines(entries: [key: string, value: string | number | bigint | null | undefined][]): string[] {
  return entries.filter(([, value]) => value !== undefined).map(([key, value]) => `${key.padEnd(11)} ${value ?? "-"}`);
}
