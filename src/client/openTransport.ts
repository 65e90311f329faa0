import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { connect as netConnect, type Socket } from "node:net";
import type { WebSocket } from "ws";
import { ChaincallError } from "../errors/ChaincallError.js";
import { toChaincallError } from "../errors/toChaincallError.js";
import { withDeadline } from "../utils/withDeadline.js";
import type { OpenTransport } from "./createProvider.js";
import { JsonStreamSplitter } from "./JsonStreamSplitter.js";
import type { ParsedRpcUrl } from "./parseRpcUrl.js";

export interface OpenOptions {
  timeoutMs: number;
  signal?: AbortSignal;
}

const PROBE_ID = 1;
const PROBE = JSON.stringify({ jsonrpc: "2.0", id: PROBE_ID, method: "eth_chainId", params: [] });

/**
 * Opens the transport and asks the node for its chain id, within one time limit. Nothing but
 * `eth_chainId` is sent. A refused or absent node fails fast with `cannot reach <host>`; a silent one
 * fails when the time limit ends. Nothing is left open on failure.
 * @throws ChaincallError `RPC_ERROR`, `TIMEOUT` or `ABORTED`
 * @example const { open, chainId } = await openTransport(parseRpcUrl(url), { timeoutMs: 10_000 });
 */
export async function openTransport(target: ParsedRpcUrl, options: OpenOptions): Promise<{ open: OpenTransport; chainId: bigint }> {
  let socket: WebSocket | Socket | undefined;
  try {
    return await withDeadline(
      async (signal) => {
        switch (target.kind) {
          case "http":
            return { open: { kind: "http", target }, chainId: await probeHttp(target, signal) };
          case "ws": {
            // Loaded here: HTTP and IPC clients (every cold CLI call) need not load it.
            const { WebSocket } = await import("ws");
            const ws = new WebSocket(target.address, { headers: authHeaders(target) });
            socket = ws;
            return { open: { kind: "ws", target, socket: ws }, chainId: await probeWebSocket(ws, target) };
          }
          case "ipc": {
            const ipc = netConnect(target.address);
            socket = ipc;
            return { open: { kind: "ipc", target, socket: ipc }, chainId: await probeIpc(ipc, target) };
          }
        }
      },
      { timeoutMs: options.timeoutMs, signal: options.signal, what: `an answer from ${target.display}` },
    );
  } catch (err) {
    closeQuietly(socket);
    const e = toChaincallError(err, { endpoint: target.display });
    const hint = [`hint: is a node running there? start one with "npx hardhat node", or set --rpc-url / ETH_RPC_URL`];
    if (e.code === "TIMEOUT") {
      throw new ChaincallError("TIMEOUT", `cannot reach ${target.display}: ${e.shortMessage}`, { cause: err, metaMessages: hint });
    }
    if (e.code === "RPC_ERROR" && e.shortMessage.startsWith("cannot reach")) {
      throw new ChaincallError("RPC_ERROR", e.shortMessage, { cause: err, details: e.details, metaMessages: hint });
    }
    throw e;
  }
}

function authHeaders(target: ParsedRpcUrl): Record<string, string> {
  if (!target.credentials) return {};
  const { username, password } = target.credentials;
  return { authorization: `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}` };
}

// node:http rather than fetch: fetch (undici) costs a cold process ~50 ms to load and its idle connection
// pool then holds the process open, together over 100 ms of a ~250 ms CLI call.
async function probeHttp(target: ParsedRpcUrl, signal: AbortSignal): Promise<bigint> {
  const url = new URL(target.address);
  const request = url.protocol === "https:" ? httpsRequest : httpRequest;
  const headers = { "content-type": "application/json", "content-length": String(Buffer.byteLength(PROBE)), ...authHeaders(target) };
  const answer = await new Promise<{ status: number; statusText: string; body: string }>((resolve, reject) => {
    const req = request(url, { method: "POST", headers, signal }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, statusText: res.statusMessage ?? "", body: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(PROBE);
  });
  if (answer.status < 200 || answer.status > 299) {
    throw new ChaincallError("RPC_ERROR", `${target.display} answered HTTP ${answer.status} ${answer.statusText}`.trim());
  }
  return chainIdFrom(answer.body, target);
}

function probeWebSocket(ws: WebSocket, target: ParsedRpcUrl): Promise<bigint> {
  return new Promise((resolve, reject) => {
    // A permanent error listener: a later socket error must never become an uncaught exception.
    ws.on("error", (err) => reject(err));
    ws.once("unexpected-response", (_req, res) => reject(new ChaincallError("RPC_ERROR", `${target.display} answered HTTP ${res.statusCode} to the WebSocket upgrade`)));
    ws.once("close", () => reject(new Error("websocket closed")));
    ws.once("open", () => ws.send(PROBE));
    const onMessage = (data: Buffer) => {
      try {
        const chainId = chainIdFrom(data.toString("utf8"), target);
        ws.off("message", onMessage);
        resolve(chainId);
      } catch (err) {
        reject(err);
      }
    };
    ws.on("message", onMessage);
  });
}

function probeIpc(socket: Socket, target: ParsedRpcUrl): Promise<bigint> {
  const splitter = new JsonStreamSplitter();
  return new Promise((resolve, reject) => {
    socket.on("error", (err) => reject(err));
    socket.once("close", () => reject(new Error(`socket hang up (${target.display})`)));
    socket.once("connect", () => socket.write(`${PROBE}\n`));
    const onData = (chunk: Buffer) => {
      try {
        const [message] = splitter.push(chunk);
        if (message === undefined) return;
        socket.off("data", onData);
        resolve(chainIdFrom(message, target));
      } catch (err) {
        reject(err);
      }
    };
    socket.on("data", onData);
  });
}

function chainIdFrom(body: string, target: ParsedRpcUrl): bigint {
  let parsed: { result?: unknown; error?: { message?: string } };
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new ChaincallError("RPC_ERROR", `${target.display} did not answer with JSON-RPC (is it an Ethereum node?)`);
  }
  if (parsed.error) throw new ChaincallError("RPC_ERROR", `${target.display} refused eth_chainId: ${parsed.error.message ?? "unknown error"}`);
  if (typeof parsed.result !== "string" || !/^0x[0-9a-fA-F]+$/.test(parsed.result)) {
    throw new ChaincallError("RPC_ERROR", `${target.display} gave no chain id`);
  }
  return BigInt(parsed.result);
}

function closeQuietly(socket: WebSocket | Socket | undefined): void {
  if (!socket) return;
  if ("terminate" in socket) {
    socket.on("error", () => undefined);
    socket.terminate();
  } else {
    socket.destroy();
  }
}
