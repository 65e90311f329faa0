import type { RawData } from "ws";
import { ChaincallError } from "../../errors/ChaincallError.js";
import { authorizationHeaders, type ParsedRpcUrl } from "../parseRpcUrl.js";
import { type Connector, openSocketTransport, type SocketLink } from "./socketTransport.js";
import type { SubscriptionConnection, TransportOptions } from "./types.js";

/**
 * Opens a JSON-RPC transport over a WebSocket (`ws://`, `wss://`; credentials of the URL sent as HTTP Basic
 * auth, never printed) and resolves once the connection is open; nothing is sent until the first request.
 * Requests carry ids of the transport's own, so answers are matched whatever ids the caller used. A frame
 * that is not a JSON-RPC answer to a pending request (binary, not JSON, an unknown id) or one larger than
 * `maxResponseBytes` fails every pending request with `RPC_ERROR` and drops the connection — never an
 * uncaught exception. After a drop the next request reconnects; idempotent ones pending at the drop are
 * retried once within their deadline, sends never.
 * It subscribes (`subscribe`: `eth_subscribe`, notifications routed by subscription id, early ones kept)
 * and opens connections of its own for subscribers that must know when they end (`openDedicated`).
 * @throws ChaincallError `RPC_ERROR` ("cannot reach <node>", the socket error as `cause`), `TIMEOUT`, `ABORTED`
 * @example const t = await openWsTransport(parseRpcUrl("ws://127.0.0.1:8546"), { timeoutMs: 10_000 }); t.close();
 */
export function openWsTransport(
  target: ParsedRpcUrl,
  options: TransportOptions & { timeoutMs: number; signal?: AbortSignal },
): Promise<SubscriptionConnection> {
  return openSocketTransport("ws", target, connectWs(target), options);
}

function connectWs(target: ParsedRpcUrl): Connector {
  return async (events, signal, { maxResponseBytes }) => {
    // Loaded here: HTTP and IPC clients (every cold CLI call) need not load it.
    const { WebSocket } = await import("ws");
    if (signal.aborted) throw signal.reason;
    const ws = new WebSocket(target.address, {
      headers: authorizationHeaders(target),
      // Checked by ws from the frame header, before the payload is buffered.
      maxPayload: maxResponseBytes,
      // No compression: a small compressed frame must not inflate into a huge one, and answers are small.
      perMessageDeflate: false,
    });
    let lastError: unknown;
    let open = false;
    // A permanent error listener: a socket error must never become an uncaught exception.
    ws.on("error", (err: Error & { code?: string }) => {
      lastError = err;
      if (open && err.code === "WS_ERR_UNSUPPORTED_MESSAGE_LENGTH") {
        events.broken(`answer from ${target.display} larger than ${maxResponseBytes} bytes`, err);
      }
    });
    ws.on("message", (data: RawData, isBinary: boolean) => {
      if (isBinary) return events.broken(`malformed answer from ${target.display}: a binary frame`);
      events.message(rawText(data));
    });
    const link: SocketLink = {
      send(text) {
        if (ws.readyState !== ws.OPEN) throw new Error(`the WebSocket to ${target.display} is no longer open`);
        ws.send(text);
      },
      close() {
        ws.terminate();
      },
    };
    await new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        ws.terminate();
        reject(signal.reason);
      };
      signal.addEventListener("abort", onAbort, { once: true });
      const settle = () => signal.removeEventListener("abort", onAbort);
      ws.once("open", () => {
        settle();
        open = true;
        resolve();
      });
      ws.once("unexpected-response", (_req, res) => {
        settle();
        ws.terminate();
        reject(
          new ChaincallError("RPC_ERROR", `cannot reach ${target.display}: it answered HTTP ${res.statusCode} to the WebSocket upgrade`, {
            failure: "unreachable",
          }),
        );
      });
      ws.once("close", () => {
        settle();
        reject(lastError ?? new Error("the WebSocket closed before it opened"));
      });
    });
    ws.on("close", () => events.closed(lastError));
    return link;
  };
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString("utf8");
  return Buffer.from(data as ArrayBuffer).toString("utf8");
}
