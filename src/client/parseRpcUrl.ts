import { resolve } from "node:path";
import { ChaincallError } from "../errors/ChaincallError.js";
import { describeUrl } from "../errors/redact.js";

/** How a client talks to its node: JSON-RPC over HTTP, over a WebSocket, or over an IPC socket. */
export type TransportKind = "http" | "ws" | "ipc";

export interface ParsedRpcUrl {
  kind: TransportKind;
  /** What to connect to: the URL without credentials, or the absolute IPC path. */
  address: string;
  /** Printable form (no credentials, no API keys) for messages. */
  display: string;
  /** `user:pass@` credentials from the URL, if any: sent as HTTP Basic auth, never printed. */
  credentials?: { username: string; password: string };
}

/** The node chaincall talks to when nothing else is said (the same default as geth and cast). */
export const DEFAULT_RPC_URL = "http://127.0.0.1:8545";

/**
 * Picks the transport from the address form: `http(s)://` → JSON-RPC over HTTP, `ws(s)://` → WebSocket,
 * anything without a scheme → an IPC socket path (e.g. `/tmp/geth.ipc`).
 * @throws ChaincallError `INVALID_ARGUMENT` for an unsupported scheme or a malformed URL
 * @example parseRpcUrl("ws://127.0.0.1:8546").kind // "ws"
 */
export function parseRpcUrl(rpcUrl: string = DEFAULT_RPC_URL): ParsedRpcUrl {
  const text = rpcUrl.trim();
  if (text === "") throw new ChaincallError("INVALID_ARGUMENT", "empty RPC URL");
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//.exec(text)?.[1]?.toLowerCase();
  if (scheme === undefined) {
    const path = resolve(text);
    return { kind: "ipc", address: path, display: path };
  }
  if (!["http", "https", "ws", "wss"].includes(scheme)) {
    throw new ChaincallError("INVALID_ARGUMENT", `unsupported RPC URL scheme "${scheme}://"`, {
      metaMessages: ["hint: use http(s)://host:port, ws(s)://host:port, or the path of an IPC socket"],
    });
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ChaincallError("INVALID_ARGUMENT", `malformed RPC URL ${describeUrl(text)}`);
  }
  const credentials = url.username || url.password
    ? { username: decodeURIComponent(url.username), password: decodeURIComponent(url.password) }
    : undefined;
  url.username = "";
  url.password = "";
  return { kind: scheme.startsWith("ws") ? "ws" : "http", address: url.toString(), display: describeUrl(text), credentials };
}
