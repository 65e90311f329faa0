import { causeChain } from "./findCause.js";

// Where nodes and ethers put revert data on a failed eth_call / eth_estimateGas / send:
// - ethers' CALL_EXCEPTION: `data` (hex), `revert.data`;
// - geth, Anvil, Hardhat, Ganache's eth_call: the JSON-RPC error's `data` as a hex string;
// - some gateways and Hardhat's send errors: `data.data` (an object holding the hex);
// - Ganache's eth_estimateGas: `data.result` (`{ hash, programCounter, result, reason, message }`);
// - ethers keeps the node's error as `error` or `info.error`; wrappers keep the original as `cause`.
// Only the cause chain is searched (`causeChain`): a request (`transaction`, `info.payload`) also has a
// `data` field, the calldata, which must never be mistaken for revert data.

/**
 * The revert data carried by an error, wherever the node or library put it: `data` as hex, `data.data`,
 * `data.result` (Ganache's eth_estimateGas), through `error`, `info.error`, `revert` and nested `cause`s.
 * Undefined when none is found; `"0x"` (a revert without data) counts as found.
 * @example findRevertData({ info: { error: { code: -32000, data: { result: "0x08c379a0…" } } } }) // "0x08c379a0…"
 */
export function findRevertData(err: unknown): string | undefined {
  for (const e of causeChain(err)) {
    const found = dataOf((e as { data?: unknown }).data);
    if (found !== undefined) return found;
  }
  return undefined;
}

// A `data` field: the hex itself, or an object holding it as `data` or `result`.
function dataOf(data: unknown): string | undefined {
  if (isHexData(data)) return data;
  if (data && typeof data === "object") {
    const inner = data as { data?: unknown; result?: unknown };
    if (isHexData(inner.data)) return inner.data;
    if (isHexData(inner.result)) return inner.result;
  }
  return undefined;
}

// Revert data as decodeRevert takes it; anything else a node put there is not revert data.
function isHexData(value: unknown): value is string {
  return typeof value === "string" && /^0x([0-9a-fA-F]{2})*$/.test(value);
}
