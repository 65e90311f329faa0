import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import type { JsonRpcPayload } from "ethers";
import { assertArgument } from "../../errors/assertArgument.js";
import { ChaincallError } from "../../errors/ChaincallError.js";
import { textSays } from "../../errors/nodeMessages.js";
import { toChaincallError } from "../../errors/toChaincallError.js";
import { formatSeconds, sleep } from "../../utils/time.js";
import { MAX_TIMER_MS } from "../../utils/withDeadline.js";
import { authorizationHeaders, type ParsedRpcUrl } from "../parseRpcUrl.js";
import {
  type JsonRpcAnswer,
  NON_IDEMPOTENT_METHODS,
  type RequestOptions,
  readMaxResponseBytes,
  type Transport,
  type TransportOptions,
} from "./types.js";

/** HTTP statuses after which an idempotent request is tried again: rate limited, or a gateway's passing trouble. */
const RETRY_STATUSES = new Set([429, 502, 503, 504]);
/** Socket errors after which an idempotent request is tried again (the connection broke, the node may be fine). */
const RETRY_SOCKET_CODES = new Set(["ECONNRESET", "EPIPE"]);
/** Backoff between attempts: 100 ms doubling up to 2 s, with jitter; at most this many attempts in all. */
const BACKOFF_BASE_MS = 100;
const BACKOFF_CAP_MS = 2_000;
const MAX_ATTEMPTS = 10;
/** How much of a non-JSON-RPC answer a message quotes. */
const SNIPPET_CHARS = 200;

/**
 * The cause of an `RPC_ERROR` for an HTTP answer that is not a JSON-RPC one (a status outside 2xx, an HTML
 * page): the gateway spoke, maybe after forwarding the request, so a send that got it has an unknown fate.
 */
export class HttpAnswerError extends Error {
  override name = "HttpAnswerError";
  /**
   * @param httpStatus the HTTP status the node or its gateway answered
   * @param message what was wrong with the answer
   */
  constructor(
    readonly httpStatus: number,
    message: string,
  ) {
    super(message);
  }
}

// One attempt's failure, and whether an idempotent request may be tried again after it.
interface AttemptFailure {
  error: ChaincallError;
  retryable: boolean;
  /** Milliseconds the node asked to wait (Retry-After), when it did. */
  retryAfterMs?: number;
}

/**
 * JSON-RPC over HTTP(S) on `node:http` (not fetch: undici costs a cold CLI process ~50 ms to load, and its
 * idle pool holds the process open). Connections are kept alive between requests and all destroyed by
 * `close()`. Each request is bounded by its deadline, at which it is aborted and its socket destroyed;
 * answers are limited in size; idempotent requests are retried on 429, 502/503/504 and resets, within the
 * deadline. Credentials from the URL are sent as Basic auth.
 * @param target the node, from `parseRpcUrl` (kind `http`)
 * @param options `maxResponseBytes` (default `DEFAULT_MAX_RESPONSE_BYTES`)
 * @example
 * const transport = createHttpTransport(parseRpcUrl("http://127.0.0.1:8545"));
 * const [answer] = await transport.request({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }, { timeoutMs: 5_000 });
 * transport.close();
 */
export function createHttpTransport(target: ParsedRpcUrl, options: TransportOptions = {}): Transport {
  const maxResponseBytes = readMaxResponseBytes(options);
  const url = new URL(target.address);
  const secure = url.protocol === "https:";
  const send = secure ? httpsRequest : httpRequest;
  const agent = secure ? new HttpsAgent({ keepAlive: true }) : new HttpAgent({ keepAlive: true });
  const baseHeaders: Record<string, string> = {
    "content-type": "application/json",
    accept: "application/json",
    ...authorizationHeaders(target),
  };
  const endpoint = target.display;
  // Every pending request's abort, so close() can end them all.
  const pending = new Set<(reason: ChaincallError) => void>();
  let closed = false;

  // One HTTP exchange: resolves with the parsed JSON-RPC answers, or rejects with an AttemptFailure.
  function attempt(body: Buffer, what: string, stop: AbortSignal): Promise<JsonRpcAnswer[]> {
    return new Promise((resolve, reject) => {
      let done = false;
      const fail = (failure: AttemptFailure) => {
        if (done) return;
        done = true;
        stop.removeEventListener("abort", onStop);
        req.destroy();
        reject(failure);
      };
      const onStop = () => fail({ error: stop.reason as ChaincallError, retryable: false });
      const req = send(url, { method: "POST", agent, headers: { ...baseHeaders, "content-length": String(body.length) } }, (res) => {
        readAnswer(res, what).then(
          (answers) => {
            if (done) return;
            done = true;
            stop.removeEventListener("abort", onStop);
            resolve(answers);
          },
          (failure: AttemptFailure) => fail(failure),
        );
      });
      req.on("error", (err: NodeJS.ErrnoException) => fail(socketFailure(err, what)));
      if (stop.aborted) return onStop();
      stop.addEventListener("abort", onStop, { once: true });
      req.end(body);
    });
  }

  // Reads and checks one HTTP answer; the response is destroyed (with its socket) when it is refused.
  function readAnswer(res: IncomingMessage, what: string): Promise<JsonRpcAnswer[]> {
    return new Promise((resolve, reject) => {
      const status = res.statusCode ?? 0;
      const declared = Number(res.headers["content-length"]);
      const tooBig = (size: string) => {
        res.destroy();
        const error = new ChaincallError("RPC_ERROR", `${endpoint} sent ${size} to ${what}, over the limit of ${maxResponseBytes} bytes`, {
          cause: new HttpAnswerError(status, "answer over the size limit"),
        });
        reject({ error, retryable: false } satisfies AttemptFailure);
      };
      if (Number.isFinite(declared) && declared > maxResponseBytes) return tooBig(`an answer of ${declared} bytes`);
      const chunks: Buffer[] = [];
      let received = 0;
      res.on("data", (chunk: Buffer) => {
        received += chunk.length;
        if (received > maxResponseBytes) return tooBig(`more than ${maxResponseBytes} bytes`);
        chunks.push(chunk);
      });
      res.on("error", (err: NodeJS.ErrnoException) => reject(socketFailure(err, what)));
      // Closed before its end (a reset mid-answer): whatever "error" said, this request has no answer.
      res.on("close", () => {
        if (!res.complete) reject(socketFailure(Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }), what));
      });
      res.on("end", () => {
        if (received > maxResponseBytes) return;
        const text = Buffer.concat(chunks).toString("utf8");
        if (status < 200 || status > 299) return reject(statusFailure(status, res.statusMessage ?? "", res.headers, text, what));
        const answers = parseAnswers(text);
        if (answers) return resolve(answers);
        const type = res.headers["content-type"] ? `, ${String(res.headers["content-type"]).split(";")[0]}` : "";
        reject({
          error: new ChaincallError("RPC_ERROR", `${endpoint} did not answer ${what} with JSON-RPC (HTTP ${status}${type})`, {
            cause: new HttpAnswerError(status, "not a JSON-RPC answer"),
            details: snippet(text),
          }),
          retryable: false,
        } satisfies AttemptFailure);
      });
    });
  }

  function statusFailure(status: number, statusText: string, headers: IncomingHttpHeaders, text: string, what: string): AttemptFailure {
    const error = new ChaincallError("RPC_ERROR", `${endpoint} answered HTTP ${status}${statusText ? ` ${statusText}` : ""} to ${what}`, {
      cause: new HttpAnswerError(status, `HTTP ${status}`),
      details: snippet(text) || undefined,
    });
    return {
      error,
      retryable: RETRY_STATUSES.has(status),
      retryAfterMs: status === 429 || status === 503 ? parseRetryAfter(headers["retry-after"]) : undefined,
    };
  }

  function socketFailure(err: NodeJS.ErrnoException, what: string): AttemptFailure {
    const code = typeof err.code === "string" ? err.code : "";
    const error = new ChaincallError("RPC_ERROR", `cannot reach ${endpoint}`, {
      cause: err,
      details: `${what}: ${code || err.message}`,
      failure: "unreachable",
    });
    return { error, retryable: RETRY_SOCKET_CODES.has(code) || textSays(err.message, "connectionLost") };
  }

  return {
    kind: "http",
    endpoint,
    async request(payload: JsonRpcPayload | JsonRpcPayload[], requestOptions: RequestOptions): Promise<JsonRpcAnswer[]> {
      const { timeoutMs, signal } = requestOptions;
      assertArgument(typeof timeoutMs === "number" && timeoutMs > 0, "timeoutMs", "a number of milliseconds > 0", timeoutMs);
      const payloads = Array.isArray(payload) ? payload : [payload];
      const what = Array.isArray(payload) ? `a batch of ${payload.length} requests` : payload.method;
      if (closed) throw new ChaincallError("RPC_ERROR", `the connection to ${endpoint} is closed`, { details: what });
      const idempotent = payloads.every((p) => !NON_IDEMPOTENT_METHODS.has(p.method));
      const body = Buffer.from(JSON.stringify(payload), "utf8");
      const limitMs = Math.min(timeoutMs, MAX_TIMER_MS);
      const deadline = Date.now() + limitMs;

      // One signal for the whole request, retries and waits between them included: the deadline, the
      // caller's signal, or close().
      const stop = new AbortController();
      const end = (reason: ChaincallError) => {
        if (!stop.signal.aborted) stop.abort(reason);
      };
      const timer = setTimeout(
        () => end(new ChaincallError("TIMEOUT", `timed out after ${formatSeconds(limitMs)} waiting for ${what} from ${endpoint}`)),
        limitMs,
      );
      const onAbort = () =>
        end(new ChaincallError("ABORTED", `aborted while waiting for ${what} from ${endpoint}`, { cause: signal?.reason }));
      if (signal?.aborted) onAbort();
      else signal?.addEventListener("abort", onAbort, { once: true });
      pending.add(end);
      try {
        let previous: AttemptFailure | undefined;
        for (let attempts = 1; ; attempts++) {
          let failure: AttemptFailure;
          try {
            return await attempt(body, what, stop.signal);
          } catch (err) {
            failure = isAttemptFailure(err) ? err : { error: toChaincallError(err, { endpoint }), retryable: false };
          }
          if (stop.signal.aborted) throw explainStop(stop.signal.reason as ChaincallError, previous, attempts - 1);
          if (!idempotent || !failure.retryable || attempts >= MAX_ATTEMPTS) throw failure.error;
          previous = failure;
          const backoff = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** (attempts - 1));
          const delay = failure.retryAfterMs ?? backoff / 2 + Math.random() * (backoff / 2);
          const left = deadline - Date.now();
          if (delay >= left) {
            if (failure.retryAfterMs === undefined) throw failure.error;
            throw new ChaincallError(
              "RPC_ERROR",
              `${failure.error.shortMessage} and asks to retry in ${formatSeconds(failure.retryAfterMs)}, after the deadline (${formatSeconds(Math.max(0, left))} left)`,
              {
                cause: failure.error,
                details: failure.error.details,
              },
            );
          }
          await sleep(delay, stop.signal);
        }
      } finally {
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
        pending.delete(end);
      }
    },
    close(): void {
      if (closed) return;
      closed = true;
      for (const end of [...pending]) end(new ChaincallError("RPC_ERROR", `the connection to ${endpoint} was closed`));
      agent.destroy();
    },
  };
}

function isAttemptFailure(value: unknown): value is AttemptFailure {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as AttemptFailure).error instanceof ChaincallError &&
    typeof (value as AttemptFailure).retryable === "boolean"
  );
}

// A deadline (or abort) that ended a request after failed tries says what the last try got.
function explainStop(reason: ChaincallError, previous: AttemptFailure | undefined, failedTries: number): ChaincallError {
  if (!previous || failedTries === 0) return reason;
  return new ChaincallError(
    reason.code,
    `${reason.shortMessage} (after ${failedTries} failed ${failedTries === 1 ? "try" : "tries"}, the last: ${previous.error.shortMessage})`,
    {
      cause: previous.error,
      details: previous.error.details,
    },
  );
}

// A JSON-RPC answer is an object, or an array of objects (a batch); anything else is not one.
function parseAnswers(text: string): JsonRpcAnswer[] | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  const list = Array.isArray(parsed) ? parsed : [parsed];
  if (!list.every((item) => typeof item === "object" && item !== null && !Array.isArray(item))) return undefined;
  return list as JsonRpcAnswer[];
}

/**
 * `Retry-After` in milliseconds: whole seconds, or an HTTP date (how long until then, at least 0); undefined
 * when absent or unreadable.
 */
export function parseRetryAfter(value: string | string[] | undefined): number | undefined {
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!text) return undefined;
  if (/^\d+$/.test(text)) return Math.min(Number(text) * 1000, MAX_TIMER_MS);
  // An HTTP date has a weekday or a month name ("Fri, 04 Dec 2026 05:30:00 GMT"); Date.parse takes "-1" too.
  const at = /[a-zA-Z]/.test(text) ? Date.parse(text) : Number.NaN;
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

// The start of an answer for a message, on one line (secrets are removed by ChaincallError itself).
function snippet(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > SNIPPET_CHARS ? `${flat.slice(0, SNIPPET_CHARS)}…` : flat;
}
