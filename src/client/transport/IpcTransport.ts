import { connect as netConnect } from "node:net";
import { JsonStreamSplitter } from "../JsonStreamSplitter.js";
import type { ParsedRpcUrl } from "../parseRpcUrl.js";
import { type Connector, openSocketTransport } from "./socketTransport.js";
import type { SubscriptionConnection, TransportOptions } from "./types.js";

/**
 * Opens a JSON-RPC transport over an IPC socket (geth's `geth.ipc`, Anvil's `--ipc`) and resolves once it
 * is connected. Message boundaries are found by a streaming splitter (no newlines needed); a message
 * growing past `maxResponseBytes` fails every pending request with `RPC_ERROR` and drops the connection,
 * as does one that is not a JSON-RPC answer to a pending request. Otherwise as `openWsTransport`, subscriptions
 * (`subscribe`, `openDedicated`) included.
 * @throws ChaincallError `RPC_ERROR` ("cannot reach <path>", the socket error as `cause`), `TIMEOUT`, `ABORTED`
 * @example const t = await openIpcTransport(parseRpcUrl("/tmp/anvil.ipc"), { timeoutMs: 10_000 }); t.close();
 */
export function openIpcTransport(
  target: ParsedRpcUrl,
  options: TransportOptions & { timeoutMs: number; signal?: AbortSignal },
): Promise<SubscriptionConnection> {
  return openSocketTransport("ipc", target, connectIpc(target), options);
}

function connectIpc(target: ParsedRpcUrl): Connector {
  return (events, signal, { maxResponseBytes }) =>
    new Promise((resolve, reject) => {
      if (signal.aborted) return reject(signal.reason);
      const socket = netConnect(target.address);
      const splitter = new JsonStreamSplitter(maxResponseBytes);
      let lastError: unknown;
      let open = false;
      const onAbort = () => {
        socket.destroy();
        reject(signal.reason);
      };
      signal.addEventListener("abort", onAbort, { once: true });
      // A permanent error listener: a socket error must never become an uncaught exception.
      socket.on("error", (err) => (lastError = err));
      socket.on("data", (chunk: Buffer) => {
        let messages: string[];
        try {
          messages = splitter.push(chunk);
        } catch (err) {
          return events.broken(`answer from ${target.display} larger than ${maxResponseBytes} bytes`, err);
        }
        for (const message of messages) events.message(message);
      });
      socket.once("connect", () => {
        signal.removeEventListener("abort", onAbort);
        open = true;
        resolve({
          send(text) {
            if (socket.destroyed || !socket.writable) throw new Error(`the IPC socket ${target.display} is no longer open`);
            socket.write(`${text}\n`);
          },
          close() {
            socket.destroy();
          },
        });
      });
      socket.on("close", () => {
        if (open) return events.closed(lastError);
        signal.removeEventListener("abort", onAbort);
        reject(lastError ?? new Error(`socket hang up (${target.display})`));
      });
    });
}
