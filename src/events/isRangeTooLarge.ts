import { errorTexts, nodeSaid } from "../errors/classify.js";
import { NODE_MESSAGES } from "../errors/nodeMessages.js";

/**
 * True when a failed `eth_getLogs` says its block range (or result count) was too large, looking at every
 * text along the error's cause chain (node message, error data, HTTP body). The providers' wordings are the
 * `rangeTooLarge` row of `NODE_MESSAGES` (src/errors/nodeMessages.ts); rate limits worded alike are not.
 * @example if (isRangeTooLarge(err)) split(range);
 */
export function isRangeTooLarge(err: unknown): boolean {
  return nodeSaid(err, "rangeTooLarge") && !nodeSaid(err, "notARangeProblem");
}

/**
 * The last block of the narrower range a node suggested in its refusal, when it suggests one that starts at
 * `from` and ends before `to`: Infura "Try with this block range [0x…, 0x…]", Alchemy "this block range
 * should work: [0x…, 0x…]", reth "retry with the range 100-200". Anything else (reth can suggest the very
 * range it refused) gives undefined, and the caller halves the range instead.
 * @example suggestedRangeEnd(new Error("query returned more than 10000 results. Try with this block range [0x10, 0x1f]."), 16, 100) // 31
 */
export function suggestedRangeEnd(err: unknown, from: number, to: number): number | undefined {
  const text = errorTexts(err).join("\n");
  const found = NODE_MESSAGES.suggestedRange.map((pattern) => pattern.exec(text)).find((match) => match !== null);
  if (!found) return undefined;
  const start = Number(found[1]);
  const end = Number(found[2]);
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end)) return undefined;
  return start === from && end >= from && end < to ? end : undefined;
}
