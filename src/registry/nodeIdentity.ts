import { assertArgument, checkChainId, checkHex } from "../errors/assertArgument.js";
import { isDevChain } from "../utils/isDevChain.js";

/**
 * Which node an address-book or journal entry belongs to: the chain id, and on dev chains the genesis block
 * hash. Every Hardhat and Anvil calls itself chain 31337 (Ganache 1337), and each one started afresh has a
 * genesis block of its own (its timestamp is the start time), so the genesis hash tells two of them apart.
 */
export interface NodeIdentity {
  /** The chain id. */
  chainId: bigint;
  /** The genesis block's hash; known for dev chains (see `isDevChain`), absent elsewhere. */
  genesis?: string;
}

/**
 * Checks a node identity argument: a chain id (bigint or number), or `{ chainId, genesis? }` (a `Client` is
 * one: it has both fields).
 * @throws ChaincallError `INVALID_ARGUMENT`
 */
export function checkNodeIdentity(value: unknown, name: string): NodeIdentity {
  if (typeof value === "bigint" || typeof value === "number") return { chainId: checkChainId(value, name) };
  assertArgument(typeof value === "object" && value !== null && "chainId" in value, name, "a chain id or { chainId, genesis }", value);
  const given = value as { chainId: unknown; genesis?: unknown };
  const chainId = checkChainId(given.chainId, `${name}.chainId`);
  if (given.genesis === undefined || given.genesis === null) return { chainId };
  return { chainId, genesis: checkHex(given.genesis, `${name}.genesis`, { bytes: 32 }).toLowerCase() };
}

/** How an entry recorded with `recorded` relates to the node `node`. */
export type IdentityMatch = "same" | "other-chain" | "other-node" | "unknown-node";

/**
 * Whether an entry belongs to a node: another chain id is `other-chain`; with the node's genesis known, a
 * different recorded genesis is `other-node`, and none at all on a dev chain is `unknown-node` (an entry
 * from before identities were recorded: it could be any local node's).
 */
export function matchIdentity(recorded: { chainId?: unknown; genesis?: unknown }, node: NodeIdentity): IdentityMatch {
  if (recorded.chainId !== undefined && String(recorded.chainId) !== node.chainId.toString()) return "other-chain";
  if (node.genesis === undefined) return "same";
  if (typeof recorded.genesis === "string") return recorded.genesis.toLowerCase() === node.genesis ? "same" : "other-node";
  return isDevChain(node.chainId) ? "unknown-node" : "same";
}

/** A genesis hash as notes print it: `0x1234abcd…`. */
export function shortGenesis(genesis: string): string {
  return `${genesis.slice(0, 10)}…`;
}

/**
 * Entries left out because they belong to another node of the same chain id, and how to say so:
 * `ignored 520 entries from another node (genesis 0xabc…)`.
 */
export interface IgnoredEntries {
  /** How many entries were left out. */
  count: number;
  /** The genesis hashes they were recorded with (distinct). */
  genesis: string[];
  /** How many of them carry no identity at all (recorded before identities were). */
  unknown: number;
}

/** An empty tally of ignored entries. */
export function noIgnoredEntries(): IgnoredEntries {
  return { count: 0, genesis: [], unknown: 0 };
}

/** Counts one ignored entry in `tally`. */
export function countIgnored(tally: IgnoredEntries, recorded: { genesis?: unknown }): void {
  tally.count++;
  if (typeof recorded.genesis !== "string") tally.unknown++;
  else if (!tally.genesis.includes(recorded.genesis.toLowerCase())) tally.genesis.push(recorded.genesis.toLowerCase());
}

/** The note for ignored entries, e.g. `ignored 520 entries from another node (genesis 0x1234abcd…)`; "" for none. */
export function describeIgnored(tally: IgnoredEntries, what = "entries"): string {
  if (tally.count === 0) return "";
  const parts: string[] = [];
  if (tally.genesis.length)
    parts.push(
      `genesis ${tally.genesis.slice(0, 3).map(shortGenesis).join(", ")}${tally.genesis.length > 3 ? ` and ${tally.genesis.length - 3} more` : ""}`,
    );
  if (tally.unknown) parts.push(`${tally.unknown} recorded without a node identity`);
  const one = tally.count === 1 ? what.replace(/ies$/, "y").replace(/s$/, "") : what;
  return `ignored ${tally.count} ${one} from another node (${parts.join("; ")})`;
}
