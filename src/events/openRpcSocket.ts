import { connect as netConnect, type Socket } from "node:net";
import { WebSocket } from "ws";
import { JsonStreamSplitter } from "../client/JsonStreamSplitter.js";
import type { ParsedRpcUrl } from "../client/parseRpcUrl.js";
import { ChaincallError } from "../errors/ChaincallError.js";
import { toChaincallError } from "../errors/toChaincallError.js";
import { withDeadline } from "../utils/withDeadline.js";
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

interface Pending {
  method: string;
  resolve(value: unknown): void;
  reject(err: unknown): void;
  timer: NodeJS.Timeout;
  cleanup(): void;
}

/**
 * Opens a dedicated connection to a node (credentials from the URL sent as HTTP Basic auth, never printed),
 * within `timeoutMs`.
 * @throws ChaincallError `RPC_ERROR` ("cannot reach <host>"), `TIMEOUT`, `ABORTED`, `INVALID_ARGUMENT` for an HTTP target
 * @example const socket = await openRpcSocket(parseRpcUrl("ws://127.0.0.1:8545"), { timeoutMs: 10_000 });
 */
export async function openRpcSocket(target: ParsedRpcUrl, options: { timeoutMs: number; signal?: AbortSignal }): Promise<RpcSocket> {
  if (target.kind === "http") throw new ChaincallError("INVALID_ARGUMENT", `${target.display} is HTTP: subscriptions need a WebSocket or IPC node address`);
  const pending = new Map<number, Pending>();
  const subscriptions = new Map<string, (result: unknown) => void>();
  // Notifications can arrive before the eth_subscribe answer is handled: keep them for their subscription.
  const early = new Map<string, unknown[]>();
  let nextId = 1;
  let open = false;
  let lastError: unknown;
  let finish!: (reason: ChaincallError) => void;
  const closed = new Promise<ChaincallError>((resolve) => (finish = resolve));
  let ended: ChaincallError | undefined;

  const end = (reason: ChaincallError) => {
    if (ended) return;
    ended = reason;
    open = false;
    for (const [id, p] of pending) {
      pending.delete(id);
      p.cleanup();
      p.reject(reason);
    }
    finish(reason);
  };
  const lost = () => new ChaincallError("RPC_ERROR", `lost the connection to ${target.display}`, { cause: lastError });

  const onMessage = (text: string) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return; // Not JSON-RPC: nothing to answer.
    }
    for (const message of Array.isArray(parsed) ? parsed : [parsed]) {
      const m = message as { id?: number; result?: unknown; error?: { code?: number; message?: string; data?: unknown }; method?: string; params?: { subscription?: string; result?: unknown } };
      if (m.method === "eth_subscription" && m.params?.subscription !== undefined) {
        const handler = subscriptions.get(m.params.subscription);
        if (handler) {
          handler(m.params.result);
        } else {
          if (early.size > 16) early.clear();
          const queued = early.get(m.params.subscription) ?? [];
          if (queued.length < 64) queued.push(m.params.result);
          early.set(m.params.subscription, queued);
        }
        continue;
      }
      const p = typeof m.id === "number" ? pending.get(m.id) : undefined;
      if (!p) continue;
      pending.delete(m.id!);
      p.cleanup();
      if (m.error) {
        const nodeError = Object.assign(new Error(m.error.message ?? "unknown error"), { error: m.error });
        p.reject(toChaincallError(nodeError, { endpoint: target.display }));
      } else {
        p.resolve(m.result);
      }
    }
  };

  let send: (text: string) => void;
  let destroy: () => void;
  let opened: Promise<void>;
  if (target.kind === "ws") {
    const ws = new WebSocket(target.address, { headers: authHeaders(target) });
    send = (text) => ws.send(text);
    destroy = () => ws.terminate();
    // A permanent error listener: a socket error must never become an uncaught exception.
    ws.on("error", (err) => (lastError = err));
    ws.on("message", (data: Buffer) => onMessage(data.toString("utf8")));
    ws.on("close", () => end(lost()));
    opened = new Promise((resolve, reject) => {
      ws.once("open", () => resolve());
      ws.once("unexpected-response", (_req, res) => reject(new ChaincallError("RPC_ERROR", `${target.display} answered HTTP ${res.statusCode} to the WebSocket upgrade`)));
      ws.once("close", () => reject(lastError ?? new Error("websocket closed")));
    });
  } else {
    const socket: Socket = netConnect(target.address);
    const splitter = new JsonStreamSplitter();
    send = (text) => socket.write(`${text}\n`);
    destroy = () => socket.destroy();
    socket.on("error", (err) => (lastError = err));
    socket.on("data", (chunk: Buffer) => {
      try {
        for (const message of splitter.push(chunk)) onMessage(message);
      } catch (err) {
        lastError = err;
        socket.destroy();
      }
    });
    socket.on("close", () => end(lost()));
    opened = new Promise((resolve, reject) => {
      socket.once("connect", () => resolve());
      socket.once("close", () => reject(lastError ?? new Error(`socket hang up (${target.display})`)));
    });
  }
  opened.catch(() => undefined);

  try {
    await withDeadline(() => opened, { timeoutMs: options.timeoutMs, signal: options.signal, what: `a connection to ${target.display}` });
  } catch (err) {
    destroy();
    const e = toChaincallError(err, { endpoint: target.display });
    throw e.code === "RPC_ERROR" && !e.shortMessage.startsWith("cannot reach") ? new ChaincallError("RPC_ERROR", `cannot reach ${target.display}`, { cause: err, details: e.shortMessage }) : e;
  }
  open = true;

  const request: RpcRequest = (method, params, signal) =>
    new Promise((resolve, reject) => {
      if (ended) return reject(ended);
      if (signal?.aborted) return reject(new ChaincallError("ABORTED", `aborted while waiting for ${method} from ${target.display}`, { cause: signal.reason }));
      const id = nextId++;
      const onAbort = () => {
        pending.delete(id);
        clearTimeout(timer);
        reject(new ChaincallError("ABORTED", `aborted while waiting for ${method} from ${target.display}`, { cause: signal?.reason }));
      };
      const timer = setTimeout(() => {
        pending.delete(id);
        signal?.removeEventListener("abort", onAbort);
        reject(new ChaincallError("TIMEOUT", `timed out after ${options.timeoutMs / 1000}s waiting for ${method} from ${target.display}`));
      }, options.timeoutMs);
      signal?.addEventListener("abort", onAbort, { once: true });
      pending.set(id, { method, resolve, reject, timer, cleanup: () => (clearTimeout(timer), signal?.removeEventListener("abort", onAbort)) });
      try {
        send(JSON.stringify({ jsonrpc: "2.0", id, method, params }));
      } catch (err) {
        lastError = err;
        destroy();
      }
    });

  return {
    request,
    async subscribe(params, onNotification) {
      const id = (await request("eth_subscribe", params)) as string;
      subscriptions.set(id, onNotification);
      for (const result of early.get(id) ?? []) onNotification(result);
      early.delete(id);
      return id;
    },
    closed,
    get isOpen() {
      return open && !ended;
    },
    close() {
      if (ended) return;
      end(new ChaincallError("ABORTED", `closed the connection to ${target.display}`));
      destroy();
    },
  };
}

function authHeaders(target: ParsedRpcUrl): Record<string, string> {
  if (!target.credentials) return {};
  const { username, password } = target.credentials;
  return { authorization: `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}` };
}
