import { BLOCK_TAGS, type BlockSelector } from "../client/blockSelector.js";
import { ChaincallError } from "../errors/ChaincallError.js";
import { readAddress } from "../utils/address.js";

// The one parser of what a user types for an address, a target, an account, a block or a transaction hash:
// every command checks its input here, before any connection.

// A contract name as the address book and the ABI folder know it.
const NAME = /^[A-Za-z_$][A-Za-z0-9_$.-]*$/;

/**
 * Checks an address: 40 hex digits after 0x, and a correct EIP-55 checksum when mixed-case. Returns it
 * checksummed.
 * @throws ChaincallError `INVALID_ARGUMENT`
 * @example parseAddress("0x5fbdb2315678afecb367f032d93f642f64180aa3") // "0x5FbDB2315678afecb367f032d93F642f64180aa3"
 */
export function parseAddress(text: string): string {
  const read = readAddress(text);
  if (read.ok) return read.address;
  if (read.problem === "format") throw new ChaincallError("INVALID_ARGUMENT", `invalid address "${text}" (expected 0x and 40 hex digits)`);
  throw new ChaincallError("INVALID_ARGUMENT", `bad checksum in address ${text}`, {
    metaMessages: [`hint: did you mean ${read.expected}?`],
  });
}

/** A `<target>` checked: a name (ABI and address book entry), an address, or both. */
export interface ParsedTarget {
  name?: string;
  address?: string;
}

/**
 * Checks a `<target>`: `0x…`, `Name`, or `Name@0x…` (an ABI name at an address the book does not hold).
 * @throws ChaincallError `INVALID_ARGUMENT`
 * @example parseTarget("CallDemo@0x5FbDB2315678afecb367f032d93F642f64180aa3") // { name: "CallDemo", address: "0x5FbDB…" }
 */
export function parseTarget(text: string): ParsedTarget {
  const at = text.lastIndexOf("@");
  const isAddress = /^0x/i.test(text);
  const name = at >= 0 ? text.slice(0, at) : isAddress ? undefined : text;
  const addressPart = at >= 0 ? text.slice(at + 1) : isAddress ? text : undefined;
  const address = addressPart === undefined ? undefined : parseAddress(addressPart);
  if (name !== undefined && !NAME.test(name))
    throw new ChaincallError("INVALID_ARGUMENT", `invalid target "${text}" (expected 0x…, Name, or Name@0x…)`);
  return { name, address };
}

/** An account argument: an address now, or an address-book name resolved once connected. */
export type AccountArgument = { address: string; name?: undefined } | { name: string; address?: undefined };

/**
 * Checks an account argument: a `0x` address (EIP-55 checksum verified when mixed-case) or a contract
 * name from the address book (`CallDemo`).
 * @throws ChaincallError `INVALID_ARGUMENT`
 * @example parseAccount("CallDemo") // { name: "CallDemo" }
 */
export function parseAccount(text: string): AccountArgument {
  if (/^0x/i.test(text)) return { address: parseAddress(text) };
  if (!NAME.test(text))
    throw new ChaincallError(
      "INVALID_ARGUMENT",
      `invalid address "${text}" (expected 0x and 40 hex digits, or a name from the address book)`,
    );
  return { name: text };
}

/**
 * Checks a transaction hash: 0x and 64 hex digits. Returns it lowercase.
 * @throws ChaincallError `INVALID_ARGUMENT`
 * @example parseTxHash("0x9B27…0DEA") // "0x9b27…0dea"
 */
export function parseTxHash(text: string): string {
  if (!/^0x[0-9a-fA-F]{64}$/.test(text))
    throw new ChaincallError("INVALID_ARGUMENT", `invalid transaction hash "${text}" (expected 0x and 64 hex digits)`);
  return text.toLowerCase();
}

/** A block checked, in the two forms it is used in. */
export interface ParsedBlock {
  /** For the SDK actions. */
  block: BlockSelector;
  /** As reported in --json (and as ethers takes a block tag): the tag or hash as given, the number as a number. */
  shown: string | number;
}

/** What `parseBlock` accepts besides numbers. */
export interface ParseBlockOptions {
  /** The option's name in the error message. Default `--block`. */
  option?: string;
  /** The tags it takes. Default every tag: latest|pending|safe|finalized|earliest. */
  tags?: readonly string[];
  /** Whether a 32-byte block hash is taken. Default true. */
  hashes?: boolean;
}

/**
 * Checks a block: a tag, a decimal or 0x number, or (unless `hashes` is false) a 32-byte block hash.
 * Nothing (undefined or "") is `latest`.
 * @throws ChaincallError `INVALID_ARGUMENT`
 * @example parseBlock("0x10").block // 16
 */
export function parseBlock(value: string | undefined, options: ParseBlockOptions = {}): ParsedBlock {
  const { option = "--block", tags = BLOCK_TAGS, hashes = true } = options;
  if (value === undefined || value === "") return { block: "latest", shown: "latest" };
  if (tags.includes(value)) return { block: value as BlockSelector, shown: value };
  if (hashes && /^0x[0-9a-fA-F]{64}$/.test(value)) return { block: { blockHash: value.toLowerCase() }, shown: value.toLowerCase() };
  const n = parseBlockNumber(value);
  if (n !== undefined) return { block: n, shown: n };
  const expected = hashes ? `${tags.join("|")}, a number or a block hash` : `a block number or one of ${tags.join(", ")}`;
  throw new ChaincallError("INVALID_ARGUMENT", `invalid ${option} "${value}" (expected ${expected})`);
}

/**
 * A block number as decimal or 0x hex, within JavaScript's safe integers; undefined when `value` is not one.
 * @example parseBlockNumber("0x10") // 16
 */
function parseBlockNumber(value: string): number | undefined {
  if (!/^(\d{1,16}|0x[0-9a-fA-F]{1,13})$/.test(value)) return undefined;
  const n = Number(value.startsWith("0x") ? BigInt(value) : value);
  return Number.isSafeInteger(n) ? n : undefined;
}
