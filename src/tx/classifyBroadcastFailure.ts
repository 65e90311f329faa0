import { ChaincallError } from "../errors/ChaincallError.js";
import { nodeSaid, rpcErrorCode } from "../errors/classify.js";
import { causeChain } from "../errors/findCause.js";
import { textSays } from "../errors/nodeMessages.js";

/**
 * What a failed `eth_sendRawTransaction` proves:
 * - `refused`: the node answered with a JSON-RPC error of its own (nonce, funds, fees, …): it does not have
 *   the transaction;
 * - `unsent`: the request never left (the connection was refused, the host not found or the IPC socket absent before anything was
 *   written): nobody has the transaction;
 * - `unknown`: anything else (HTTP 5xx or another non-JSON-RPC answer, JSON-RPC -32603 "internal error", a
 *   timeout, a reset or closed connection after the request was written): the node may have it, so the
 *   chain must be asked before its nonce is given to another transaction.
 */
export type BroadcastFailure = "refused" | "unsent" | "unknown";

// Socket errors raised before a request is written: the connection never opened.
const NEVER_CONNECTED = /^(ECONNREFUSED|ENOENT|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH)$/;

/** JSON-RPC "internal error": a gateway's or a node's own failure, which proves nothing about the transaction. */
const INTERNAL_ERROR = -32603;

/**
 * Sorts a broadcast failure by what it proves (see `BroadcastFailure`), walking the error's cause chain.
 * @example if (classifyBroadcastFailure(err) === "unknown") await askTheChain(hash);
 */
export function classifyBroadcastFailure(err: unknown): BroadcastFailure {
  let neverConnected = false;
  for (const link of causeChain(err)) {
    if (link instanceof ChaincallError && (link.code === "TIMEOUT" || link.code === "ABORTED")) return "unknown";
    const e = link as { code?: unknown; message?: unknown; httpStatus?: unknown; response?: { statusCode?: unknown } | null };
    // An HTTP answer that is not a JSON-RPC one (502, 503, an HTML page): a gateway spoke, maybe after forwarding.
    // (`httpStatus`: the HTTP transport's HttpAnswerError; the others: ethers' own HTTP errors.)
    if (e.code === "SERVER_ERROR" || typeof e.httpStatus === "number" || typeof e.response?.statusCode === "number") return "unknown";
    if (typeof e.code === "string" && NEVER_CONNECTED.test(e.code)) neverConnected = true;
    if (typeof e.message === "string" && textSays(e.message, "neverConnected") && !textSays(e.message, "connectionLost"))
      neverConnected = true;
  }
  const rpcCode = rpcErrorCode(err);
  if (rpcCode !== undefined) return rpcCode === INTERNAL_ERROR ? "unknown" : "refused";
  if (neverConnected) return "unsent";
  return "unknown";
}

/**
 * True for a node's "I have this transaction already" answer, in its various spellings (text only: nodes
 * give it no code of its own).
 * @example if (isAlreadyKnown(err)) return hash; // the node has exactly this transaction
 */
export function isAlreadyKnown(err: unknown): boolean {
  return nodeSaid(err, "alreadyKnown");
}

/**
 * True for Hardhat's "nonce too high" refusal (a queued nonce while automining): the code, `NONCE_ERROR`,
 * is the one of "nonce too low" too, so only the text tells them apart.
 * @example if (isNonceTooHigh(err)) retryWithNextNonce();
 */
export function isNonceTooHigh(err: unknown): boolean {
  return nodeSaid(err, "nonceTooHigh");
}
