import { ChaincallError } from "./ChaincallError.js";
import { causeChain, findCause, links } from "./findCause.js";
import { type NodeMessage, textSays } from "./nodeMessages.js";

/**
 * The JSON-RPC error code a node answered with (`-32000`, `3` for a revert, `-32603`…), wherever along the
 * cause chain it sits (the node's error object, ethers' `error` / `info.error`, our `cause`); undefined when
 * no node answered with a JSON-RPC error.
 * @example if (rpcErrorCode(err) === -32603) retryLater();
 */
export function rpcErrorCode(err: unknown): number | undefined {
  const found = findCause(err, (e) => Number.isInteger((e as { code?: unknown }).code));
  return found === undefined ? undefined : (found as { code: number }).code;
}

/**
 * True when no node answered: a `ChaincallError` along the cause chain has `failure: "unreachable"`
 * (connection refused, host not found, IPC socket absent, connection reset, WebSocket upgrade refused).
 * @example if (isUnreachable(err)) tryAnotherNode();
 */
export function isUnreachable(err: unknown): boolean {
  return findCause(err, (e) => e instanceof ChaincallError && e.failure === "unreachable") !== undefined;
}

/**
 * Every short text along the cause chain, outermost first: each error's `shortMessage` (or `message` when it
 * has none: ethers' `message` repeats the whole request), `details`, an HTTP answer's body (`responseBody`,
 * `body`, `info.responseBody`), a node's `data` when it is words rather than hex, and a node's `error` given
 * as bare text.
 * @example errorTexts(err).join(" | ")
 */
export function errorTexts(err: unknown): string[] {
  const texts: string[] = [];
  const push = (value: unknown) => {
    if (typeof value === "string") texts.push(value);
  };
  if (typeof err === "string") texts.push(err);
  for (const node of causeChain(err)) {
    const e = node as Record<string, unknown> & { info?: { responseBody?: unknown } | null };
    push(e.shortMessage ?? e.message);
    push(e.details);
    push(e.responseBody);
    push(e.body);
    push(e.info?.responseBody);
    if (typeof e.data === "string" && !/^0x[0-9a-fA-F]*$/.test(e.data)) texts.push(e.data);
    for (const link of links(e)) push(link);
  }
  return texts;
}

/**
 * True when a text along the cause chain (see `errorTexts`) has one of the wordings of `meaning` in the
 * table of node messages (src/errors/nodeMessages.ts): for what a node says only in words.
 * @example if (nodeSaid(err, "alreadyKnown")) return hash;
 */
export function nodeSaid(err: unknown, meaning: NodeMessage): boolean {
  return textSays(errorTexts(err).join("\n"), meaning);
}
