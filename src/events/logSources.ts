import type { Client } from "../client/connect.js";
import { requestResults } from "../client/transport/resultOf.js";
import type { RequestOptions, SubscriptionConnection } from "../client/transport/types.js";
import { ChaincallError } from "../errors/ChaincallError.js";
import { clientRequest, type RpcRequest } from "./getLogs.js";

/** What a log source needs from its watcher. */
export interface SourceContext {
  /** The node's printable address. */
  endpoint: string;
  /** Time limit of each request, in ms. */
  timeoutMs: number;
  /** The watcher's poll period, in ms (for messages). */
  pollIntervalMs: number;
  /** Fires when the watcher stops. */
  signal: AbortSignal;
  /** A new head, or a dropped connection: the watcher should look at the chain now. */
  wake(): void;
  /** A problem the watcher lives with (it goes to `onError`). */
  report(err: unknown): void;
}

/** How a log watcher reaches the node: by polling through the client, or over a subscription connection. */
export interface LogSource {
  readonly mode: "poll" | "subscribe";
  /** True while new heads wake the watcher: it then only re-checks now and then. */
  readonly subscribed: boolean;
  /** Makes sure there is a connection: reports why the last one ended and opens another. */
  ensureOpen(): Promise<void>;
  /** The request function of the current connection. @throws ChaincallError `RPC_ERROR` when it was lost */
  request(): RpcRequest;
  /** After a failed step: a connection that dropped or may have died silently (a timeout) is let go. */
  failed(err: unknown): void;
  /** Ends the source's connection, if any. */
  close(): void;
}

/**
 * Polls through the client's own provider (its transport, timeout and error translation).
 * @example const source = pollingSource(client);
 */
export function pollingSource(client: Client): LogSource {
  const request = clientRequest(client);
  return {
    mode: "poll",
    subscribed: false,
    ensureOpen: async () => undefined,
    request: () => request,
    failed: () => undefined,
    close: () => undefined,
  };
}

/**
 * A connection of its own, opened by the client's transport (`openDedicated`), woken by `newHeads`; when
 * it ends, the next `ensureOpen` reports why and opens another. A node that refuses `eth_subscribe` there
 * is polled over that connection.
 * @example const source = new SubscriptionSource((options) => transport.openDedicated!(options), context);
 */
export class SubscriptionSource implements LogSource {
  readonly mode = "subscribe";
  subscribed = false;
  #connection: SubscriptionConnection | undefined;
  #request: RpcRequest | undefined;

  constructor(
    private readonly open: (options: RequestOptions) => Promise<SubscriptionConnection>,
    private readonly context: SourceContext,
  ) {}

  async ensureOpen(): Promise<void> {
    if (this.#connection?.isOpen) return;
    const { context } = this;
    if (this.#connection) {
      const reason = await this.#connection.closed;
      this.#connection = undefined;
      if (!context.signal.aborted) context.report(reason);
    }
    if (context.signal.aborted) return;
    const limits = { timeoutMs: context.timeoutMs, signal: context.signal };
    const opened = await this.open(limits);
    if (context.signal.aborted) {
      opened.close();
      return;
    }
    this.#connection = opened;
    this.#request = requestResults(opened, context.timeoutMs);
    this.subscribed = false;
    try {
      await opened.subscribe(["newHeads"], context.wake, limits);
      this.subscribed = true;
    } catch (err) {
      if (!opened.isOpen) throw err;
      // A node without subscriptions on this transport: keep the connection and poll over it.
      context.report(
        new ChaincallError(
          "RPC_ERROR",
          `${context.endpoint} refused eth_subscribe newHeads: polling it every ${context.pollIntervalMs} ms instead`,
          { cause: err },
        ),
      );
    }
    void opened.closed.then(context.wake);
  }

  request(): RpcRequest {
    if (!this.#connection?.isOpen || !this.#request)
      throw new ChaincallError("RPC_ERROR", `lost the connection to ${this.context.endpoint}`);
    return this.#request;
  }

  failed(err: unknown): void {
    const connection = this.#connection;
    if (connection && (!connection.isOpen || (err instanceof ChaincallError && err.code === "TIMEOUT"))) {
      // Reported just now (a drop) or suspect (a request that timed out may mean a connection that died
      // silently): reopened by the next ensureOpen.
      connection.close();
      this.#connection = undefined;
    }
  }

  close(): void {
    this.#connection?.close();
  }
}
