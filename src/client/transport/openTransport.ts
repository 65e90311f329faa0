import { ChaincallError } from "../../errors/ChaincallError.js";
import { toChaincallError } from "../../errors/toChaincallError.js";
import type { ParsedRpcUrl } from "../parseRpcUrl.js";
import { createHttpTransport } from "./HttpTransport.js";
import { openIpcTransport } from "./IpcTransport.js";
import type { JsonRpcAnswer, Transport } from "./types.js";
import { openWsTransport } from "./WsTransport.js";

/** Limits of opening a transport: one time limit and signal for connecting and the chain id probe together. */
export interface OpenOptions {
  /** Time limit of connecting and asking the chain id, in ms (> 0; clamped to the longest timer). */
  timeoutMs: number;
  /** Aborts opening. */
  signal?: AbortSignal;
  /** The largest answer the transport accepts, in bytes (see `TransportOptions`). */
  maxResponseBytes?: number;
}

const PROBE_ID = 1;
/** The largest chain id believed: 2^64 (EIP-2294 bounds chain ids far lower; more is a broken node). */
const MAX_CHAIN_ID = 2n ** 64n;

/**
 * Opens the transport the address calls for (HTTP, WebSocket, IPC) and asks the node for its chain id through
 * it, within one time limit. Nothing but `eth_chainId` is sent (retried like any read on 429 and 5xx). A
 * refused or absent node fails fast with `cannot reach <host>`; a silent one when the time limit ends; a
 * chain id that is not a sane quantity is an error naming the node. The transport is closed on any failure.
 * @throws ChaincallError `RPC_ERROR`, `TIMEOUT` or `ABORTED`
 * @example const { transport, chainId } = await openTransport(parseRpcUrl(url), { timeoutMs: 10_000 });
 */
export async function openTransport(target: ParsedRpcUrl, options: OpenOptions): Promise<{ transport: Transport; chainId: bigint }> {
  const started = Date.now();
  let transport: Transport | undefined;
  try {
    const limits = { timeoutMs: options.timeoutMs, signal: options.signal, maxResponseBytes: options.maxResponseBytes };
    switch (target.kind) {
      case "http":
        transport = createHttpTransport(target, { maxResponseBytes: options.maxResponseBytes });
        break;
      case "ws":
        transport = await openWsTransport(target, limits);
        break;
      case "ipc":
        transport = await openIpcTransport(target, limits);
        break;
    }
    // The probe gets what connecting left of the time limit (HTTP has no connecting step of its own: all of it,
    // so that its timeout message names the caller's limit).
    const timeoutMs = target.kind === "http" ? options.timeoutMs : options.timeoutMs - (Date.now() - started);
    if (timeoutMs <= 0) throw new ChaincallError("TIMEOUT", `timed out after ${options.timeoutMs} ms connecting to ${target.display}`);
    const answers = await transport.request(
      { jsonrpc: "2.0", id: PROBE_ID, method: "eth_chainId", params: [] },
      { timeoutMs, signal: options.signal },
    );
    return { transport, chainId: chainIdFrom(answers, target) };
  } catch (err) {
    transport?.close();
    const e = toChaincallError(err, { endpoint: target.display });
    const hint = [`hint: is a node running there? start one with "npx hardhat node", or set --rpc-url / ETH_RPC_URL`];
    if (e.code === "TIMEOUT") {
      throw new ChaincallError("TIMEOUT", `cannot reach ${target.display}: ${e.shortMessage}`, { cause: e, metaMessages: hint });
    }
    if (e.failure === "unreachable") {
      throw new ChaincallError("RPC_ERROR", e.shortMessage, { cause: e, details: e.details, metaMessages: hint, failure: "unreachable" });
    }
    throw e;
  }
}

// The chain id from the probe's answer: a JSON-RPC quantity (0x, hex digits, nothing else) up to 2^64.
function chainIdFrom(answers: JsonRpcAnswer[], target: ParsedRpcUrl): bigint {
  const answer = (answers.find((a) => (a as { id?: unknown }).id === PROBE_ID) ?? answers[0]) as
    | { result?: unknown; error?: { message?: unknown } }
    | undefined;
  if (!answer) throw new ChaincallError("RPC_ERROR", `${target.display} gave no answer to eth_chainId`);
  if (answer.error) {
    const message = typeof answer.error.message === "string" ? answer.error.message : "unknown error";
    throw new ChaincallError("RPC_ERROR", `${target.display} refused eth_chainId: ${message}`);
  }
  const result = answer.result;
  if (typeof result !== "string" || !/^0x0*[0-9a-fA-F]{1,17}$/.test(result) || BigInt(result) > MAX_CHAIN_ID) {
    const shown =
      typeof result === "string"
        ? result.length > 24
          ? `${JSON.stringify(result.slice(0, 24))}… (${result.length} characters)`
          : JSON.stringify(result)
        : typeof result;
    throw new ChaincallError("RPC_ERROR", `${target.display} gave a chain id that is not a sane quantity: ${shown}`);
  }
  return BigInt(result);
}
