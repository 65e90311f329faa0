import type { JsonRpcPayload } from "ethers";
import { assertArgument } from "../../errors/assertArgument.js";
import { ChaincallError } from "../../errors/ChaincallError.js";
import { MAX_TIMER_MS, withDeadline } from "../../utils/withDeadline.js";
import type { ParsedRpcUrl } from "../parseRpcUrl.js";
import { resultOf } from "./resultOf.js";
import { type JsonRpcNotification, SubscriptionRouter } from "./SubscriptionRouter.js";
import {
  type JsonRpcAnswer,
  NON_IDEMPOTENT_METHODS,
  type RequestOptions,
  readMaxResponseBytes,
  type SubscriptionConnection,
  type TransportOptions,
} from "./types.js";

// The part of the WebSocket and IPC transports that does not care what carries the bytes: ids of our own,
// answers matched to requests, subscriptions, deadlines, malformed frames, dropped connections and
// reconnects. Internal.

/** One open connection, as a connector hands it over. */
export interface SocketLink {
  /** Writes one message; throws if the connection is no longer open (nothing was written then). */
  send(text: string): void;
  /** Ends the connection at once (no handshake); no event follows. */
  close(): void;
}

/** What a link reports once open. Each is called at most once per message; none may throw. */
export interface LinkEvents {
  /** One whole text message (a WebSocket text frame, one JSON value of the IPC stream). */
  message(text: string): void;
  /** Something that is no JSON-RPC text (a binary frame, an answer over the size limit): the link is dropped. */
  broken(shortMessage: string, cause?: unknown): void;
  /** The connection ended (`cause`: the socket error seen last, if any). */
  closed(cause: unknown): void;
}

/**
 * Opens one connection; resolves once it is open. Rejects with the socket error (or a `ChaincallError`
 * when the node answered but refused, e.g. HTTP 401 to a WebSocket upgrade), and leaves nothing open when
 * it fails or `signal` fires.
 */
export type Connector = (events: LinkEvents, signal: AbortSignal, limits: { maxResponseBytes: number }) => Promise<SocketLink>;

/** Options of `openSocketTransport`: those of the public openers, and whether it reconnects. */
export interface SocketTransportOptions extends TransportOptions {
  /** Time to open the first connection, in ms. */
  timeoutMs: number;
  /** Aborts opening the first connection. */
  signal?: AbortSignal;
  /**
   * `false`: one connection only (`openDedicated`); when it drops, `closed` settles and every later request
   * fails with the reason. Default `true`: the next request opens a new connection.
   */
  reconnect?: boolean;
}

/** The largest response limit honoured (ws reads its limit as a 32-bit integer; JS strings end near 1 GiB). */
const MAX_RESPONSE_LIMIT = 2 ** 30;

interface Pending {
  /** Our ids of the request's messages, and the caller's id for each. */
  callerIds: Map<number, unknown>;
  answers: JsonRpcAnswer[];
  methods: string[];
  resolve(answers: JsonRpcAnswer[]): void;
  reject(err: unknown): void;
  cleanup(): void;
}

/** A request lost with its connection after it was written: its fate at the node is unknown. */
class ConnectionLostError extends ChaincallError {}

/**
 * A socket transport: opens the first connection (within `options.timeoutMs`), then serves requests.
 * @throws ChaincallError `RPC_ERROR` ("cannot reach <node>"), `TIMEOUT`, `ABORTED`, `INVALID_ARGUMENT`
 * @example const t = await openSocketTransport("ipc", target, connectIpc(target), { timeoutMs: 10_000 });
 */
export async function openSocketTransport(
  kind: "ws" | "ipc",
  target: ParsedRpcUrl,
  connector: Connector,
  options: SocketTransportOptions,
): Promise<SocketTransport> {
  checkTimeout(options.timeoutMs, "timeoutMs");
  const maxResponseBytes = readMaxResponseBytes(options);
  const transport = new SocketTransport(kind, target, connector, {
    ...options,
    maxResponseBytes: Math.min(maxResponseBytes, MAX_RESPONSE_LIMIT),
  });
  await withDeadline((signal) => transport.connect(signal), {
    timeoutMs: Math.min(options.timeoutMs, MAX_TIMER_MS),
    signal: options.signal,
    what: `a connection to ${target.display}`,
  }).catch((err: unknown) => {
    transport.close();
    throw err;
  });
  return transport;
}

/**
 * See `openSocketTransport`. It can subscribe (`subscribe`); a subscription lives as long as the connection
 * it was made on, so on this reconnecting transport it may end silently with a dropped connection: a
 * subscriber that must know uses a connection of its own, from `openDedicated`, whose `closed` says when.
 */
export class SocketTransport implements SubscriptionConnection {
  readonly endpoint: string;
  readonly closed: Promise<ChaincallError>;
  private settleClosed!: (reason: ChaincallError) => void;
  private readonly subscriptions = new SubscriptionRouter();
  private link: SocketLink | undefined;
  /** Bumped whenever a link is dropped: events of an older link are ignored. */
  private generation = 0;
  private connecting: { promise: Promise<SocketLink>; controller: AbortController; waiters: number } | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private ended: ChaincallError | undefined;

  constructor(
    readonly kind: "ws" | "ipc",
    private readonly target: ParsedRpcUrl,
    private readonly connector: Connector,
    private readonly options: SocketTransportOptions & { maxResponseBytes: number },
  ) {
    this.endpoint = target.display;
    this.closed = new Promise((resolve) => (this.settleClosed = resolve));
  }

  /** True while a connection is open (or, for a transport that reconnects, until `close()`). */
  get isOpen(): boolean {
    return !this.ended && (this.options.reconnect !== false || this.link !== undefined);
  }

  async request(payload: JsonRpcPayload | JsonRpcPayload[], options: RequestOptions): Promise<JsonRpcAnswer[]> {
    assertArgument(options !== null && typeof options === "object", "options", "an object with timeoutMs", options);
    const timeoutMs = checkTimeout(options.timeoutMs, "options.timeoutMs");
    const batch = Array.isArray(payload);
    const payloads = batch ? payload : [payload];
    for (const [i, p] of payloads.entries()) {
      assertArgument(
        p !== null && typeof p === "object" && typeof p.method === "string",
        batch ? `payload[${i}]` : "payload",
        "a JSON-RPC request with a method",
        p,
      );
    }
    if (payloads.length === 0) return [];
    const idempotent = payloads.every((p) => !NON_IDEMPOTENT_METHODS.has(p.method));
    const what = batch ? `a batch of ${payloads.length} requests` : payloads[0].method;
    return withDeadline(
      async (signal) => {
        for (let attempt = 0; ; attempt++) {
          const link = await this.ensureLink(signal);
          try {
            return await this.exchange(link, payloads, batch, signal);
          } catch (err) {
            // Only a lost connection is worth one more try, only for what may run twice, only in time.
            if (!(err instanceof ConnectionLostError) || !idempotent || attempt > 0 || signal.aborted || this.options.reconnect === false)
              throw err;
          }
        }
      },
      { timeoutMs, signal: options.signal, what: `${what} from ${this.endpoint}` },
    );
  }

  close(): void {
    if (this.ended) return;
    this.fail(new ChaincallError("ABORTED", `closed the connection to ${this.endpoint}`));
  }

  async subscribe(params: unknown[], onNotification: (result: unknown) => void, options: RequestOptions): Promise<string> {
    assertArgument(Array.isArray(params), "params", "the eth_subscribe parameters, a list", params);
    assertArgument(typeof onNotification === "function", "onNotification", "a function", onNotification);
    const answers = await this.request({ jsonrpc: "2.0", id: 1, method: "eth_subscribe", params }, options);
    const id = resultOf(answers, "eth_subscribe", this.endpoint);
    if (typeof id !== "string") throw new ChaincallError("RPC_ERROR", `${this.endpoint} answered eth_subscribe without a subscription id`);
    this.subscriptions.add(id, onNotification);
    return id;
  }

  /** A new single connection to the same node, with the same limits (see `Transport.openDedicated`); none once closed. */
  openDedicated(options: RequestOptions): Promise<SocketTransport> {
    if (this.ended) return Promise.reject(this.ended);
    const { maxResponseBytes } = this.options;
    return openSocketTransport(this.kind, this.target, this.connector, {
      timeoutMs: options.timeoutMs,
      signal: options.signal,
      maxResponseBytes,
      reconnect: false,
    });
  }

  /** Opens the first connection (see `openSocketTransport`). */
  async connect(signal: AbortSignal): Promise<void> {
    await this.ensureLink(signal);
  }

  private ensureLink(signal: AbortSignal): Promise<SocketLink> {
    if (this.ended) return Promise.reject(this.ended);
    if (this.link) return Promise.resolve(this.link);
    if (!this.connecting) this.connecting = this.startConnecting();
    const connecting = this.connecting;
    connecting.waiters++;
    return new Promise<SocketLink>((resolve, reject) => {
      const onAbort = () => reject(signal.reason);
      if (signal.aborted) onAbort();
      else signal.addEventListener("abort", onAbort, { once: true });
      connecting.promise.then(resolve, reject);
    }).finally(() => {
      // Nobody waits for this connection any more: stop opening it.
      if (--connecting.waiters === 0 && this.connecting === connecting) {
        this.connecting = undefined;
        connecting.controller.abort();
      }
    });
  }

  private startConnecting(): { promise: Promise<SocketLink>; controller: AbortController; waiters: number } {
    const controller = new AbortController();
    const generation = this.generation;
    const current = () => generation === this.generation && !this.ended;
    const events: LinkEvents = {
      message: (text) => current() && this.onMessage(text),
      broken: (shortMessage, cause) => current() && this.drop(new ChaincallError("RPC_ERROR", shortMessage, { cause })),
      closed: (cause) => current() && this.onClosed(cause),
    };
    const promise = this.connector(events, controller.signal, { maxResponseBytes: this.options.maxResponseBytes }).then(
      (link) => {
        if (controller.signal.aborted || this.ended) {
          link.close();
          throw this.ended ?? controller.signal.reason;
        }
        this.connecting = undefined;
        this.link = link;
        return link;
      },
      (err: unknown) => {
        if (this.connecting?.controller === controller) this.connecting = undefined;
        throw err instanceof ChaincallError
          ? err
          : new ChaincallError("RPC_ERROR", `cannot reach ${this.endpoint}`, {
              cause: err,
              details: describeCause(err),
              failure: "unreachable",
            });
      },
    );
    promise.catch(() => undefined);
    return { promise, controller, waiters: 0 };
  }

  private exchange(link: SocketLink, payloads: JsonRpcPayload[], batch: boolean, signal: AbortSignal): Promise<JsonRpcAnswer[]> {
    return new Promise((resolve, reject) => {
      // Closed or dropped while this request waited for the connection.
      if (this.ended) return reject(this.ended);
      if (link !== this.link)
        return reject(
          new ConnectionLostError(
            "RPC_ERROR",
            `lost the connection to ${this.endpoint} before sending ${describeMethods(payloads.map((p) => p.method))}`,
          ),
        );
      const callerIds = new Map<number, unknown>();
      const wire = payloads.map((p) => {
        const id = this.nextId++;
        callerIds.set(id, p.id);
        return { ...p, jsonrpc: "2.0", id };
      });
      let text: string;
      try {
        text = JSON.stringify(batch ? wire : wire[0]);
      } catch (err) {
        return reject(new ChaincallError("INVALID_ARGUMENT", "payload must be JSON (no bigint, no cycles)", { cause: err }));
      }
      const onAbort = () => {
        this.forget(entry);
        reject(signal.reason);
      };
      const entry: Pending = {
        callerIds,
        answers: [],
        methods: payloads.map((p) => p.method),
        resolve,
        reject,
        cleanup: () => signal.removeEventListener("abort", onAbort),
      };
      for (const id of callerIds.keys()) this.pending.set(id, entry);
      signal.addEventListener("abort", onAbort, { once: true });
      try {
        link.send(text);
      } catch (err) {
        this.forget(entry);
        reject(
          new ChaincallError("RPC_ERROR", `lost the connection to ${this.endpoint} before sending ${describeMethods(entry.methods)}`, {
            cause: err,
          }),
        );
      }
    });
  }

  private forget(entry: Pending): void {
    for (const id of entry.callerIds.keys()) this.pending.delete(id);
    entry.cleanup();
  }

  private onMessage(text: string): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      this.malformed("not JSON");
      return;
    }
    const messages = Array.isArray(parsed) ? parsed : [parsed];
    if (messages.length === 0) {
      this.malformed("an empty array");
      return;
    }
    // Checked whole before any of it is used: a frame is either all answers we can place, or malformed.
    const answers: Array<{ entry: Pending; answer: JsonRpcAnswer; callerId: unknown }> = [];
    const notifications: JsonRpcNotification[] = [];
    for (const message of messages) {
      const m = message as Record<string, unknown> | null;
      if (m === null || typeof m !== "object" || Array.isArray(m)) {
        this.malformed("not a JSON-RPC message");
        return;
      }
      if (typeof m.method === "string" && m.id === undefined) {
        notifications.push(m as unknown as JsonRpcNotification);
        continue;
      }
      const isAnswer = "result" in m || (m.error !== null && typeof m.error === "object");
      if (!isAnswer || typeof m.id !== "number") {
        this.malformed(isAnswer ? `an answer with id ${shortJson(m.id)}${nodeMessage(m.error)}` : "not a JSON-RPC answer");
        return;
      }
      const entry = this.pending.get(m.id);
      if (!entry) {
        // Ours but given up (timed out, aborted): a late answer, not a broken node.
        if (Number.isSafeInteger(m.id) && m.id > 0 && m.id < this.nextId) continue;
        this.malformed(`an answer to id ${m.id}, which was never asked`);
        return;
      }
      answers.push({ entry, answer: m as unknown as JsonRpcAnswer, callerId: entry.callerIds.get(m.id) });
    }
    const touched = new Set<Pending>();
    for (const { entry, answer, callerId } of answers) {
      entry.answers.push({ ...answer, id: callerId } as JsonRpcAnswer);
      this.pending.delete(answer.id);
      touched.add(entry);
    }
    for (const entry of touched) {
      // A batch is answered by one array: what it holds is the whole answer. A lone answer settles its own request.
      if (Array.isArray(parsed) || entry.answers.length === entry.callerIds.size) {
        this.forget(entry);
        entry.resolve(entry.answers);
      }
    }
    for (const notification of notifications) {
      try {
        this.subscriptions.route(notification);
      } catch {
        // A subscriber's bug must not break the connection for everyone else.
      }
    }
  }

  private malformed(what: string): void {
    this.drop(new ChaincallError("RPC_ERROR", `malformed answer from ${this.endpoint}`, { details: `the node sent ${what}` }));
  }

  private onClosed(cause: unknown): void {
    this.link = undefined;
    this.generation++;
    this.subscriptions.clear();
    const closedAfterWriting = Object.assign(new Error(`the connection to ${this.endpoint} closed after the request was written`), {
      cause,
    });
    for (const entry of this.takePending()) {
      entry.reject(
        new ConnectionLostError(
          "RPC_ERROR",
          `lost the connection to ${this.endpoint} while waiting for ${describeMethods(entry.methods)}`,
          { cause: closedAfterWriting },
        ),
      );
    }
    if (this.options.reconnect === false) this.fail(new ChaincallError("RPC_ERROR", `lost the connection to ${this.endpoint}`, { cause }));
  }

  /** Ends the current link with `reason` for every pending request (a malformed or oversized answer). */
  private drop(reason: ChaincallError): void {
    const link = this.link;
    this.link = undefined;
    this.generation++;
    this.subscriptions.clear();
    link?.close();
    for (const entry of this.takePending()) entry.reject(reason);
    if (this.options.reconnect === false) this.fail(reason);
  }

  /** Ends the transport for good. */
  private fail(reason: ChaincallError): void {
    if (this.ended) return;
    this.ended = reason;
    this.generation++;
    this.link?.close();
    this.link = undefined;
    this.connecting?.controller.abort(reason);
    this.connecting = undefined;
    this.subscriptions.clear();
    for (const entry of this.takePending()) entry.reject(reason);
    this.settleClosed(reason);
  }

  private takePending(): Pending[] {
    const entries = [...new Set(this.pending.values())];
    this.pending.clear();
    for (const entry of entries) entry.cleanup();
    return entries;
  }
}

/** A deadline in ms: > 0; `Infinity` and anything past the longest timer are clamped to it. */
function checkTimeout(timeoutMs: unknown, name: string): number {
  assertArgument(typeof timeoutMs === "number" && timeoutMs > 0, name, "a positive number of milliseconds", timeoutMs);
  return Math.min(timeoutMs, MAX_TIMER_MS);
}

function describeMethods(methods: string[]): string {
  return methods.length === 1 ? methods[0] : `a batch of ${methods.length} requests`;
}

function describeCause(err: unknown): string | undefined {
  const e = err as { code?: unknown; message?: unknown } | undefined;
  if (typeof e?.message !== "string") return undefined;
  return typeof e.code === "string" && !e.message.includes(e.code) ? `${e.code}: ${e.message}` : e.message;
}

/** A node's error that cannot be placed (id null: "parse error", "batch too large") still says why. */
function nodeMessage(error: unknown): string {
  const message = (error as { message?: unknown } | undefined)?.message;
  return typeof message === "string" ? `: ${message}` : "";
}

function shortJson(value: unknown): string {
  try {
    return String(JSON.stringify(value)).slice(0, 40);
  } catch {
    return typeof value;
  }
}
