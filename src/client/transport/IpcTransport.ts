import { ChaincallError } from "../../errors/ChaincallError.js";
import type { ParsedRpcUrl } from "../parseRpcUrl.js";
import type { Transport } from "./types.js";

/**
 * Placeholder on the `http` branch: the IPC transport is built on another branch and replaces this file at merge.
 * @throws ChaincallError `RPC_ERROR` always
 * @example await openIpcTransport(parseRpcUrl(address), { timeoutMs: 10_000 });
 */
export async function openIpcTransport(target: ParsedRpcUrl, options: { timeoutMs: number; signal?: AbortSignal; maxResponseBytes?: number }): Promise<Transport> {
  void target;
  void options;
  throw new ChaincallError("RPC_ERROR", "not built yet");
}
