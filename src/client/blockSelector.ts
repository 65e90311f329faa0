import { assertArgument } from "../errors/assertArgument.js";

/** Block tags every node understands as a block parameter. */
export const BLOCK_TAGS = ["latest", "pending", "safe", "finalized", "earliest"] as const;

/** A block tag. */
export type BlockTagName = (typeof BLOCK_TAGS)[number];

/** Which block an action reads at: a tag, a number, or a block hash (EIP-1898). */
export type BlockSelector = BlockTagName | number | bigint | { blockHash: string };

/**
 * Checks a block selector and returns it as the JSON-RPC block parameter: a tag, a hex quantity, or
 * `{ blockHash }`.
 * @throws ChaincallError `INVALID_ARGUMENT`
 * @example toRpcBlock(5, "block") // "0x5"
 */
export function toRpcBlock(block: BlockSelector | undefined, name: string): string | { blockHash: string } {
  if (block === undefined) return "latest";
  if (typeof block === "string" && (BLOCK_TAGS as readonly string[]).includes(block)) return block;
  if (typeof block === "number" || typeof block === "bigint") {
    const ok = typeof block === "bigint" ? block >= 0n : Number.isSafeInteger(block) && block >= 0;
    assertArgument(ok, name, "a block number ≥ 0", block);
    return `0x${block.toString(16)}`;
  }
  const hash = typeof block === "object" && block !== null ? (block as { blockHash?: unknown }).blockHash : undefined;
  assertArgument(
    typeof hash === "string" && /^0x[0-9a-fA-F]{64}$/.test(hash),
    name,
    `${BLOCK_TAGS.join(", ")}, a block number, or { blockHash } (0x and 64 hex digits)`,
    block,
  );
  return { blockHash: hash.toLowerCase() };
}
