import { ChaincallError } from "../../errors/ChaincallError.js";
import { toChaincallError } from "../../errors/toChaincallError.js";
import type { JsonRpcAnswer, RequestOptions, Transport } from "./types.js";

/**
 * The result of a lone request's answer; the node's JSON-RPC error answer as a `ChaincallError` (translated
 * like any node error: a revert, a nonce problem, a refused method), none as `RPC_ERROR`.
 * @param answers what `Transport.request` resolved with, for one request
 * @param method the request's method, for messages
 * @param endpoint the node's printable address, for messages
 * @throws ChaincallError the node's error, or `RPC_ERROR` when it gave no answer
 * @example const head = resultOf(await transport.request(payload, { timeoutMs }), "eth_blockNumber", transport.endpoint);
 */
export function resultOf(answers: readonly JsonRpcAnswer[], method: string, endpoint: string): unknown {
  const answer = answers[0] as { result?: unknown; error?: { code?: number; message?: string; data?: unknown } } | undefined;
  if (!answer) throw new ChaincallError("RPC_ERROR", `${endpoint} gave no answer to ${method}`);
  if (answer.error) {
    const nodeError = Object.assign(new Error(answer.error.message ?? "unknown error"), { error: answer.error });
    throw toChaincallError(nodeError, { endpoint });
  }
  return answer.result;
}

/**
 * A function that sends one request over `transport` and resolves with its result (see `resultOf`), each
 * bounded by `timeoutMs` and the signal it is given: what `getLogs`' paging takes as an `RpcRequest`.
 * @example const request = requestResults(connection, 30_000); const head = await request("eth_blockNumber", []);
 */
export function requestResults(
  transport: Transport,
  timeoutMs: number,
): (method: string, params: unknown[], signal?: AbortSignal) => Promise<unknown> {
  let nextId = 1;
  return async (method, params, signal) => {
    const options: RequestOptions = { timeoutMs, signal };
    return resultOf(await transport.request({ jsonrpc: "2.0", id: nextId++, method, params }, options), method, transport.endpoint);
  };
}
