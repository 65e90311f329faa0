import type { ParsedRpcUrl } from "../client/parseRpcUrl.js";
import { openIpcSocketTransport } from "../client/transport/IpcTransport.js";
import type { JsonRpcNotification, SocketTransportOptions } from "../client/transport/socketTransport.js";
import { DEFAULT_MAX_RESPONSE_BYTES } from "../client/transport/types.js";
import { openWsSocketTransport } from "../client/transport/WsTransport.js";
import { ChaincallError } from "../errors/ChaincallError.js";
import { toChaincallError } from "../errors/toChaincallError.js";
import type { RpcRequest } from "./getLogs.js";

/** A JSON-RPC connection of its own (WebSocket or IPC), with subscriptions. It never reconnects: its owner does. */
export interface RpcSocket {
  /** One request, bounded by the socket's timeout and `signal`; fails at once if the connection drops. */
  request: RpcRequest;
  /** `eth_subscribe` with `params`; `onNotification` receives each notification's `result`. */
  subscribe(params: unknown[], onNotification: (result: unknown) => void): Promise<string>;
  /** Settles (never rejects) when the connection ends, with the reason. */
  readonly closed: Promise<ChaincallError>;
  readonly isOpen: boolean;
  /** Ends the connection; pending requests fail. Safe to call twice. */
  close(): void;
}

/**
 * Opens a dedicated connection to a node (credentials from the URL sent as HTTP Basic auth, never printed),
 * within `timeoutMs`, on the socket transports: answers larger than `maxResponseBytes` and frames that are
 * no JSON-RPC answer end the connection (`closed` settles with an `RPC_ERROR`), never the process.
 * @throws ChaincallError `RPC_ERROR` ("cannot reach <host>"), `TIMEOUT`, `ABORTED`, `INVALID_ARGUMENT` for an HTTP target
 * @example const socket = await openRpcSocket(parseRpcUrl("ws://127.0.0.1:8545"), { timeoutMs: 10_000 });
 */
export async function openRpcSocket(target: ParsedRpcUrl, options: { timeoutMs: number; signal?: AbortSignal; maxResponseBytes?: number }): Promise<RpcSocket> {
  if (target.kind === "http") throw new ChaincallError("INVALID_ARGUMENT", `${target.display} is HTTP: subscriptions need a WebSocket or IPC node address`);
  const subscriptions = new Map<string, (result: unknown) => void>();
  // Notifications can arrive before the eth_subscribe answer is handled: keep them for their subscription.
  const early = new Map<string, unknown[]>();
  let finish!: (reason: ChaincallError) => void;
  const closed = new Promise<ChaincallError>((resolve) => (finish = resolve));

  const onNotification = (message: JsonRpcNotification) => {
    const params = message.params as { subscription?: unknown; result?: unknown } | undefined;
    if (message.method !== "eth_subscription" || typeof params?.subscription !== "string") return;
    const handler = subscriptions.get(params.subscription);
    if (handler) return handler(params.result);
    if (early.size > 16) early.clear();
    const queued = early.get(params.subscription) ?? [];
    if (queued.length < 64) queued.push(params.result);
    early.set(params.subscription, queued);
  };
  const transportOptions: SocketTransportOptions = {
    timeoutMs: options.timeoutMs,
    signal: options.signal,
    maxResponseBytes: options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
    onNotification,
    reconnect: false,
    onClose: finish,
  };
  const transport = await (target.kind === "ws" ? openWsSocketTransport(target, transportOptions) : openIpcSocketTransport(target, transportOptions));

  let nextId = 1;
  const request: RpcRequest = async (method, params, signal) => {
    const id = nextId++;
    const [answer] = await transport.request({ jsonrpc: "2.0", id, method, params }, { timeoutMs: options.timeoutMs, signal });
    const m = answer as { result?: unknown; error?: { code?: number; message?: string; data?: unknown } } | undefined;
    if (!m) throw new ChaincallError("RPC_ERROR", `${target.display} gave no answer to ${method}`);
    if (m.error) {
      const nodeError = Object.assign(new Error(m.error.message ?? "unknown error"), { error: m.error });
      throw toChaincallError(nodeError, { endpoint: target.display });
    }
    return m.result;
  };

  return {
    request,
    async subscribe(params, onSubscriptionNotification) {
      const id = await request("eth_subscribe", params);
      if (typeof id !== "string") throw new ChaincallError("RPC_ERROR", `${target.display} answered eth_subscribe without a subscription id`);
      subscriptions.set(id, onSubscriptionNotification);
      for (const result of early.get(id) ?? []) onSubscriptionNotification(result);
      early.delete(id);
      return id;
    },
    closed,
    get isOpen() {
      return transport.isOpen;
    },
    close() {
      transport.close();
    },
  };
}
