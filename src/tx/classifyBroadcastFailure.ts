import { ChaincallError } from "../errors/ChaincallError.js";

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
const NEVER_CONNECTED_TEXT = /\b(ECONNREFUSED|ENOENT|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH)\b/;

/** JSON-RPC "internal error": a gateway's or a node's own failure, which proves nothing about the transaction. */
const INTERNAL_ERROR = -32603;

/**
 * Sorts a broadcast failure by what it proves (see `BroadcastFailure`), walking the error's cause chain.
 * @example if (classifyBroadcastFailure(err) === "unknown") await askTheChain(hash);
 */
export function classifyBroadcastFailure(err: unknown): BroadcastFailure {
  if (err instanceof ChaincallError && (err.code === "TIMEOUT" || err.code === "ABORTED")) return "unknown";
  let rpcCode: number | undefined;
  let neverConnected = false;
  let current: any = err;
  for (let depth = 0; current && depth < 10; depth++) {
    if (current instanceof ChaincallError && (current.code === "TIMEOUT" || current.code === "ABORTED")) return "unknown";
    // An HTTP answer that is not a JSON-RPC one (502, 503, an HTML page): a gateway spoke, maybe after forwarding.
    // (`httpStatus`: the HTTP transport's HttpAnswerError; the others: ethers' own HTTP errors.)
    if (current.code === "SERVER_ERROR" || typeof current.httpStatus === "number" || typeof current.response?.statusCode === "number") return "unknown";
    if (typeof current.code === "string" && NEVER_CONNECTED.test(current.code)) neverConnected = true;
    if (typeof current.message === "string" && NEVER_CONNECTED_TEXT.test(current.message) && !/ECONNRESET|hang up/i.test(current.message)) neverConnected = true;
    for (const candidate of [current.info?.error, current.error]) {
      if (candidate && typeof candidate.code === "number" && rpcCode === undefined) rpcCode = candidate.code;
    }
    current = current.cause ?? current.error ?? current.info?.error;
  }
  if (rpcCode !== undefined) return rpcCode === INTERNAL_ERROR ? "unknown" : "refused";
  if (neverConnected) return "unsent";
  return "unknown";
}
