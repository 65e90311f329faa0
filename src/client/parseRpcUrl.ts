import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { ChaincallError } from "../errors/ChaincallError.js";
import { describeUrl, isVersionSegment, registerSecret } from "../errors/redact.js";

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
  // Before anything can fail: an error about this URL, or a node quoting it back, must not show its keys.
  registerUrlSecrets(text);
  if (text === "") throw new ChaincallError("INVALID_ARGUMENT", "empty RPC URL");
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//.exec(text)?.[1]?.toLowerCase();
  if (scheme === undefined) {
    // "127.0.0.1:8545" or "localhost:8545" is a node address missing its scheme, not a socket file in the
    // working folder (unless such a file really is there).
    if (/^(\[[0-9a-fA-F:]+\]|[a-zA-Z0-9.-]+):\d{1,5}(\/.*)?$/.test(text) && !existsSync(text)) {
      registerUrlSecrets(`http://${text}`);
      throw new ChaincallError("INVALID_ARGUMENT", `RPC URL ${describeUrl(`http://${text}`).replace(/^http:\/\//, "")} has no scheme`, {
        metaMessages: [`hint: did you mean -r "${describeUrl(`http://${text}`)}"? (a WebSocket: -r "ws://${text.replace(/\/.*$/, "")}")`],
      });
    }
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
  const credentials =
    url.username || url.password ? { username: safeDecode(url.username, false), password: safeDecode(url.password, false) } : undefined;
  url.username = "";
  url.password = "";
  return { kind: scheme.startsWith("ws") ? "ws" : "http", address: url.toString(), display: describeUrl(text), credentials };
}

/**
 * Registers every credential-shaped part of an http(s)/ws(s) URL as a secret (see `registerSecret`): the
 * user name and password (and the Basic auth header made from them), every path segment after the host
 * but version segments (`v3`) — providers put API keys there (`/v3/<key>`, `/<token>/`) —, and every query
 * value. Parts that also appear in the host are left out, so the host stays readable. IPC paths register
 * nothing.
 * @example registerUrlSecrets("https://mainnet.example.io/v3/KEYINPATH"); redact("KEYINPATH") // "***"
 */
export function registerUrlSecrets(rpcUrl: string): void {
  if (typeof rpcUrl !== "string" || !/^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.test(rpcUrl.trim())) return;
  const text = rpcUrl.trim();
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    // Malformed: the user info and everything after the host part may be a key; register their pieces as
    // they are. The host itself stays readable (it is no secret, and as one it would blank every message).
    const rest = text.slice(text.indexOf("://") + 3);
    const authorityEnd = rest.search(/[/?#]/);
    const authority = authorityEnd === -1 ? rest : rest.slice(0, authorityEnd);
    const at = authority.lastIndexOf("@");
    const secretText = `${at === -1 ? "" : authority.slice(0, at)}/${authorityEnd === -1 ? "" : rest.slice(authorityEnd)}`;
    for (const piece of secretText.split(/[/?#&=@:]/)) if (!isVersionSegment(piece)) registerSecret(piece);
    return;
  }
  const host = url.host.toLowerCase();
  const add = (part: string) => {
    for (const form of new Set([part, safeDecode(part)])) {
      if (form !== "" && !host.includes(form.toLowerCase()) && !isVersionSegment(form)) registerSecret(form);
    }
  };
  if (url.username || url.password) {
    add(url.username);
    add(url.password);
    add(`${url.username}:${url.password}`);
    // What the transports send as `authorization: Basic …`, which an echoing gateway quotes back.
    const user = safeDecode(url.username, false);
    const pass = safeDecode(url.password, false);
    registerSecret(Buffer.from(`${user}:${pass}`).toString("base64"));
    registerSecret(Buffer.from(`${url.username}:${url.password}`).toString("base64"));
  }
  for (const segment of url.pathname.split("/")) add(segment);
  for (const pair of url.search.slice(1).split("&")) {
    const eq = pair.indexOf("=");
    // "?KEY" (no name) is a bare key; "?apikey=KEY" has its value secret, its name not.
    add(eq === -1 ? pair : pair.slice(eq + 1));
  }
}

// A query value's "+" is a space; a path's or a user name's is a plus.
function safeDecode(text: string, plusIsSpace = true): string {
  try {
    return decodeURIComponent(plusIsSpace ? text.replace(/\+/g, " ") : text);
  } catch {
    return text;
  }
}

/**
 * The headers that carry a URL's credentials (`authorization: Basic …`), or none; every transport sends these.
 * @example request(url, { headers: { ...authorizationHeaders(target) } });
 */
export function authorizationHeaders(target: ParsedRpcUrl): Record<string, string> {
  if (!target.credentials) return {};
  const { username, password } = target.credentials;
  return { authorization: `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}` };
}
