/**
 * What nodes and RPC providers answer when an `eth_getLogs` range is too wide or matches too many logs.
 * Splitting the range helps with every one of these; nothing else does. One list, with where each text
 * was seen, so a new provider's wording is a one-line addition.
 */
export const RANGE_TOO_LARGE_PATTERNS: readonly RegExp[] = [
  // Infura (-32005), and geth-based relays copying it: "query returned more than 10000 results"
  // (docs.infura.io eth_getLogs constraints; aurora-is-near/aurora-relayer#327).
  /query returned more than \d+ results/i,
  // Infura's live block-range limit (-32602): "range 1000000 exceeds limit of 10000" (INFURA/infura#237);
  // reth: "query exceeds max block range 100000", "query exceeds max results 20000, retry with the range a-b"
  // (paradigmxyz/reth#23810); BSC-style geth forks: "exceed maximum block range: 5000".
  /\bexceeds? (the )?(max(imum)? )?(block )?(range|results|limit)/i,
  // Alchemy: "Log response size exceeded. You can make eth_getLogs requests with up to a 2K block range …"
  // and "Log response size exceeded. Please reduce query block range." (bancorprotocol/webapp#523).
  /log response size exceeded/i,
  /response size (is )?(too (large|big)|exceeded)/i,
  // QuickNode (-32614, on HTTP 413): "eth_getLogs is limited to a 10,000 range" (OffchainLabs/arbitrum-sdk#609).
  /is limited to a [\d,]+ (block )?range/i,
  // Tenderly: "range 9009594 is bigger than range limit 2000" (bobanetwork/boba_legacy#827).
  /bigger than (the )?range limit/i,
  // Scroll's geth: "block range is bigger than maxBlockRange" (scroll-tech/go-ethereum#529); Frontier:
  // "block range is too wide (maximum 10)"; others: "block range too large", "block range limit exceeded".
  /block range (is )?(too (large|wide|big)|bigger than|greater than|limit)/i,
  // Cloudflare's gateway: "Exceeded max range limit for eth_getLogs: 800".
  /exceeded max(imum)? (block )?range/i,
];

// Texts that match the patterns above but are about rate limits, which a smaller range does not fix.
const NOT_A_RANGE_PROBLEM = /rate.?limit|too many requests|compute units|capacity|credits|beyond (the )?current head/i;

/**
 * True when a failed `eth_getLogs` says its block range (or result count) was too large, looking at every
 * text along the error's cause chain (node message, error data, HTTP body).
 * @example if (isRangeTooLarge(err)) split(range);
 */
export function isRangeTooLarge(err: unknown): boolean {
  const text = errorTexts(err).join("\n");
  return RANGE_TOO_LARGE_PATTERNS.some((pattern) => pattern.test(text)) && !NOT_A_RANGE_PROBLEM.test(text);
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
  const hex = /\[\s*(0x[0-9a-fA-F]+)\s*,\s*(0x[0-9a-fA-F]+)\s*\]/.exec(text);
  const dec = /range (\d+)\s*-\s*(\d+)/i.exec(text);
  const found = hex ?? dec;
  if (!found) return undefined;
  const start = Number(found[1]);
  const end = Number(found[2]);
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end)) return undefined;
  return start === from && end >= from && end < to ? end : undefined;
}

// The node's words hide at different depths: ChaincallError → ethers error → { error: { message, data } },
// or an HTTP error whose body holds the JSON-RPC error (QuickNode answers 413).
function errorTexts(err: unknown): string[] {
  const texts: string[] = [];
  const seen = new Set<unknown>();
  const visit = (value: unknown, depth: number): void => {
    if (depth > 8 || value === null || value === undefined || seen.has(value)) return;
    if (typeof value === "string") {
      texts.push(value);
      return;
    }
    if (typeof value !== "object") return;
    seen.add(value);
    const v = value as Record<string, unknown>;
    for (const key of ["message", "shortMessage", "details", "responseBody", "body"]) {
      if (typeof v[key] === "string") texts.push(v[key] as string);
    }
    if (typeof v.data === "string") texts.push(v.data);
    else if (v.data && typeof v.data === "object") visit(v.data, depth + 1);
    for (const key of ["cause", "error", "info", "payload"]) visit(v[key], depth + 1);
  };
  visit(err, 0);
  return texts;
}
