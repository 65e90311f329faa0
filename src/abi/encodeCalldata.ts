import { ChaincallError } from "../errors/ChaincallError.js";
import { AbiCoder, type FunctionFragment } from "./ethersAbi.js";

/**
 * ABI-encodes a call: the function's 4-byte selector followed by its arguments (values as `parseArgs`
 * returns them). No node is involved.
 * @throws ChaincallError `INVALID_ARGUMENT` when a value does not fit its parameter
 * @example encodeCalldata(parseSignature("setYear(uint256)"), [2021n]) // "0x7f3d1a83…07e5"
 */
export function encodeCalldata(fragment: FunctionFragment, args: readonly unknown[]): string {
  try {
    return `${fragment.selector}${AbiCoder.defaultAbiCoder().encode(fragment.inputs, args).slice(2)}`;
  } catch (err) {
    const why = (err as { shortMessage?: string }).shortMessage ?? String((err as Error).message ?? err);
    throw new ChaincallError("INVALID_ARGUMENT", `cannot encode the arguments of ${fragment.format("sighash")}: ${why}`, { cause: err });
  }
}
