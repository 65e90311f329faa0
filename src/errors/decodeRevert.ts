import { AbiCoder, dataSlice, type ErrorFragment, type Interface, type ParamType } from "ethers";
import { checkAbis, checkHex } from "./assertArgument.js";
import type { DecodedRevert } from "./ContractRevertedError.js";

const ERROR_STRING_SELECTOR = "0x08c379a0";
const PANIC_SELECTOR = "0x4e487b71";

// Solidity's panic codes (docs: "Panic via assert and Error via require").
const PANIC_MEANINGS: Record<number, string> = {
  0x00: "generic compiler panic",
  0x01: "assertion failed",
  0x11: "arithmetic overflow or underflow",
  0x12: "division or modulo by zero",
  0x21: "invalid enum value",
  0x22: "corrupted storage byte array",
  0x31: "pop() on an empty array",
  0x32: "array index out of bounds",
  0x41: "out of memory (allocation too large)",
  0x51: "call to an uninitialized internal function",
};

/**
 * Decodes revert data: `Error(string)`, `Panic(uint256)` with its meaning, or a custom error found in
 * any of `interfaces`. Unknown data comes back with only `data` set; no data (null, undefined, `0x`) as `0x`.
 * @param data the revert data, `0x`-prefixed hex (e.g. `ContractRevertedError.data`, or a node's error data)
 * @param interfaces ABIs whose custom errors to try, in order
 * @throws ChaincallError `INVALID_ARGUMENT` when `data` is not hex bytes or `interfaces` is not a list of ABIs
 * @example decodeRevert("0x08c379a0…", []) // { errorName: "Error", reason: "not owner", args: ["not owner"], … }
 */
export function decodeRevert(data: string | null | undefined, interfaces: readonly Interface[] = []): DecodedRevert {
  const hex = data === null || data === undefined ? "0x" : checkHex(data, "data").toLowerCase();
  const abis = Array.isArray(interfaces) && interfaces.length === 0 ? [] : checkAbis(interfaces, "interfaces");
  if (hex.length < 10) return { args: [], data: hex };
  const selector = hex.slice(0, 10);
  const coder = AbiCoder.defaultAbiCoder();
  try {
    if (selector === ERROR_STRING_SELECTOR) {
      const [reason] = coder.decode(["string"], dataSlice(hex, 4));
      return { errorName: "Error", signature: "Error(string)", args: [reason], reason: String(reason), data: hex };
    }
    if (selector === PANIC_SELECTOR) {
      const [code] = coder.decode(["uint256"], dataSlice(hex, 4));
      const meaning = PANIC_MEANINGS[Number(code)] ?? "unknown panic code";
      return {
        errorName: "Panic",
        signature: "Panic(uint256)",
        args: [code],
        reason: `panic 0x${code.toString(16).padStart(2, "0")}: ${meaning}`,
        data: hex,
      };
    }
  } catch {
    return { args: [], data: hex };
  }
  for (const iface of abis) {
    let fragment: ErrorFragment | null = null;
    try {
      fragment = iface.getError(selector);
    } catch {
      fragment = null;
    }
    if (!fragment) continue;
    try {
      const args = [...iface.decodeErrorResult(fragment, hex)];
      const rendered = args.map((a, i) => renderArgument(a, fragment!.inputs[i])).join(", ");
      return { errorName: fragment.name, signature: fragment.format("sighash"), args, reason: `${fragment.name}(${rendered})`, data: hex };
    } catch {
      // The selector matched but the data did not decode: try the next ABI.
    }
  }
  return { args: [], data: hex };
}

// How an error argument reads in a reason, as Solidity would write it: numbers and addresses bare, strings
// quoted (they may hold commas), arrays and structs in brackets: `BatchTooLarge([1, 2, 3, 4], 3)`.
function renderArgument(value: unknown, param: ParamType | undefined): string {
  if (param?.type === "string") return JSON.stringify(value);
  if (param && (param.isArray() || param.isTuple())) {
    const items = [...(value as Iterable<unknown>)];
    const children = param.isTuple() ? param.components : items.map(() => param.arrayChildren);
    return `[${items.map((item, i) => renderArgument(item, children[i])).join(", ")}]`;
  }
  if (value instanceof Uint8Array) return `0x${Buffer.from(value).toString("hex")}`;
  return String(value);
}
