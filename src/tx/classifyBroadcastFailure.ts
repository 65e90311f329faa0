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

/**
 * The answers nodes give only as text (no code tells them apart): the one table of the send pipeline's text
 * patterns. `neverConnected` is a socket error code quoted in a message; `connectionLost` keeps a reset from
 * counting as never connected.
 */
const NODE_TEXT = {
  /** "I have this transaction already", in geth's, Nethermind's, Besu's, Erigon's and reth's spellings. */
  alreadyKnown: /already known|known transaction|already imported|already exists|AlreadyKnown/i,
  /** Hardhat refuses a queued nonce while automining ("Nonce too high. Expected nonce to be 5 but got 6"). */
  nonceTooHigh: /nonce too high/i,
  neverConnected: /\b(ECONNREFUSED|ENOENT|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH)\b/,
  connectionLost: /ECONNRESET|hang up/i,
} as const;

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
    if (typeof current.message === "string" && NODE_TEXT.neverConnected.test(current.message) && !NODE_TEXT.connectionLost.test(current.message)) neverConnected = true;
    for (const candidate of [current.info?.error, current.error]) {
      if (candidate && typeof candidate.code === "number" && rpcCode === undefined) rpcCode = candidate.code;
    }
    current = current.cause ?? current.error ?? current.info?.error;
  }
  if (rpcCode !== undefined) return rpcCode === INTERNAL_ERROR ? "unknown" : "refused";
  if (neverConnected) return "unsent";
  return "unknown";
}

// The messages along an error's cause chain: ethers' own, the node's JSON-RPC error, a socket's.
function causeTexts(err: unknown): string {
  const texts: string[] = [];
  let current = err as { message?: unknown; shortMessage?: unknown; cause?: unknown; error?: { message?: unknown }; info?: { error?: { message?: unknown } } } | undefined;
  for (let depth = 0; current && depth < 6; depth++) {
    texts.push(String(current.shortMessage ?? ""), String(current.message ?? ""), String(current.info?.error?.message ?? ""), String(current.error?.message ?? ""));
    current = current.cause as typeof current;
  }
  return texts.join(" ");
}

/**
 * True for a node's "I have this transaction already" answer, in its various spellings (text only: nodes
 * give it no code of its own).
 * @example if (isAlreadyKnown(err)) return hash; // the node has exactly this transaction
 */
export function isAlreadyKnown(err: unknown): boolean {
  return NODE_TEXT.alreadyKnown.test(causeTexts(err));
}

/**
 * True for Hardhat's "nonce too high" refusal (a queued nonce while automining): the code, `NONCE_ERROR`,
 * is the one of "nonce too low" too, so only the text tells them apart.
 * @example if (isNonceTooHigh(err)) retryWithNextNonce();
 */
export function isNonceTooHigh(err: unknown): boolean {
  return NODE_TEXT.nonceTooHigh.test(causeTexts(err));
}
