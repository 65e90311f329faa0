import { assertArgument } from "../errors/assertArgument.js";
import { ChaincallError } from "../errors/ChaincallError.js";
import { DEFAULT_RPC_URL, type ParsedRpcUrl, parseRpcUrl, registerUrlSecrets } from "./parseRpcUrl.js";

/** The most nodes one client fails over between: more is a mistake (or a loop), not redundancy. */
export const MAX_RPC_URLS = 16;

/**
 * Checks and parses `connect`'s `rpcUrl`: one address, or a non-empty list of at most `MAX_RPC_URLS`
 * distinct addresses (failover, in order of preference). Every URL's secrets are registered first, so no
 * error about one of them shows its keys.
 * @param rpcUrl the address or addresses; undefined is the default node
 * @param name the parameter's name in messages
 * @throws ChaincallError `INVALID_ARGUMENT` for an empty or oversized list, a non-string item, a malformed
 *   or unsupported URL, or the same node twice
 * @example parseRpcUrls(["http://a:8545", "ws://b:8546"]).map((t) => t.kind) // ["http", "ws"]
 */
export function parseRpcUrls(rpcUrl: unknown, name = "rpcUrl"): ParsedRpcUrl[] {
  if (rpcUrl === undefined) return [parseRpcUrl(DEFAULT_RPC_URL)];
  if (typeof rpcUrl === "string") return [parseRpcUrl(rpcUrl)];
  assertArgument(Array.isArray(rpcUrl), name, "a URL, an IPC path, or a list of them", rpcUrl);
  const list = rpcUrl as unknown[];
  // Registered before any check can fail: the message about item 3 must not show item 1's key.
  for (const item of list.slice(0, MAX_RPC_URLS)) if (typeof item === "string") registerUrlSecrets(item);
  assertArgument(list.length > 0, name, "a non-empty list of URLs", rpcUrl);
  assertArgument(list.length <= MAX_RPC_URLS, name, `at most ${MAX_RPC_URLS} URLs`, rpcUrl);
  const targets: ParsedRpcUrl[] = [];
  const seen = new Map<string, number>();
  for (const [index, item] of list.entries()) {
    assertArgument(typeof item === "string", `${name}[${index}]`, "a URL or an IPC path", item);
    const target = parseRpcUrl(item);
    const earlier = seen.get(target.address);
    if (earlier !== undefined) {
      throw new ChaincallError("INVALID_ARGUMENT", `${name}[${index}] is the same node as ${name}[${earlier}] (${target.display})`);
    }
    seen.set(target.address, index);
    targets.push(target);
  }
  return targets;
}
