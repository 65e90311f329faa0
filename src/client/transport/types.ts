import type { JsonRpcError, JsonRpcPayload, JsonRpcResult } from "ethers";
import { assertArgument } from "../../errors/assertArgument.js";
import type { ChaincallError } from "../../errors/ChaincallError.js";
import type { TransportKind } from "../parseRpcUrl.js";

/** One answer of a JSON-RPC request: a result, or the node's own error for that request. */
export type JsonRpcAnswer = JsonRpcResult | JsonRpcError;

/** Limits of one request. */
export interface RequestOptions {
  /** The caller's deadline for this request, retries included, in ms (> 0; clamped to the longest timer). */
  timeoutMs: number;
  /** Aborts the request (and its retries). */
  signal?: AbortSignal;
}

/** Limits of a transport, whatever carries it. */
export interface TransportOptions {
  /** The largest answer accepted, in bytes; a larger one is an `RPC_ERROR`. Default `DEFAULT_MAX_RESPONSE_BYTES`. */
  maxResponseBytes?: number;
}

/** 32 MiB: far above any sane JSON-RPC answer (a full block with transactions is a few MB), far below what hurts. */
export const DEFAULT_MAX_RESPONSE_BYTES = 32 * 1024 * 1024;

/**
 * A transport's answer size limit: `options.maxResponseBytes`, checked, or the default.
 * @throws ChaincallError `INVALID_ARGUMENT` when it is not a whole number of bytes > 0
 * @example readMaxResponseBytes({}) // DEFAULT_MAX_RESPONSE_BYTES
 */
export function readMaxResponseBytes(options: TransportOptions): number {
  const maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  assertArgument(
    Number.isSafeInteger(maxResponseBytes) && maxResponseBytes > 0,
    "maxResponseBytes",
    "a whole number of bytes > 0",
    maxResponseBytes,
  );
  return maxResponseBytes;
}

/**
 * How chaincall talks JSON-RPC to one node (HTTP, WebSocket or IPC), or to several (failover). The
 * provider above it knows nothing of sockets; everything about sockets, deadlines, sizes and retries is here.
 */
export interface Transport {
  readonly kind: TransportKind;
  /** The node's printable address (no credentials, no API keys). */
  readonly endpoint: string;
  /**
   * Sends one JSON-RPC request or batch and resolves with its answers (the node's JSON-RPC errors included,
   * in any order: the caller matches them by id).
   *
   * Rejects with a `ChaincallError` when the node gave no JSON-RPC answer — `RPC_ERROR` (cannot reach, an
   * HTTP status, a malformed or oversized answer, a closed connection), `TIMEOUT` or `ABORTED` — keeping
   * the socket-level error as `cause` (its `code`, e.g. `ECONNREFUSED`), so that `classifyBroadcastFailure`
   * can tell a request that never left from one whose fate is unknown.
   *
   * At the deadline the request is aborted and its socket destroyed. Idempotent requests are retried within
   * the deadline (429 with Retry-After, 502/503/504, resets) with capped exponential backoff;
   * `eth_sendRawTransaction` and `eth_sendTransaction` never are.
   */
  request(payload: JsonRpcPayload | JsonRpcPayload[], options: RequestOptions): Promise<JsonRpcAnswer[]>;
  /** Ends every socket, timer and pending request (pending ones reject); the process can exit afterwards. Safe to call twice. */
  close(): void;
  /**
   * Opens a connection of its own to the node (WebSocket or IPC, credentials as the transport has them), for
   * subscriptions whose owner must know when they end: one connection, never reopened. Absent where the
   * transport cannot subscribe (HTTP, or a failover over HTTP nodes only).
   * @throws ChaincallError `RPC_ERROR` ("cannot reach <node>"), `TIMEOUT`, `ABORTED`
   */
  openDedicated?(options: RequestOptions): Promise<SubscriptionConnection>;
}

/** A JSON-RPC connection with subscriptions (`eth_subscribe`), as `Transport.openDedicated` opens it. */
export interface SubscriptionConnection extends Transport {
  /**
   * `eth_subscribe` with `params`; `onNotification` receives the `result` of each `eth_subscription`
   * notification for it, those that arrived before the answer included. Resolves with the subscription id.
   * @throws ChaincallError the node's refusal (e.g. no subscriptions on this transport), `RPC_ERROR`, `TIMEOUT`
   */
  subscribe(params: unknown[], onNotification: (result: unknown) => void, options: RequestOptions): Promise<string>;
  /** False once the connection has ended (it is not reopened). */
  readonly isOpen: boolean;
  /** Settles (never rejects) when the connection ends, with the reason. */
  readonly closed: Promise<ChaincallError>;
}

/** Methods that change state when repeated: never re-sent by a transport on its own. */
export const NON_IDEMPOTENT_METHODS: ReadonlySet<string> = new Set(["eth_sendRawTransaction", "eth_sendTransaction"]);
