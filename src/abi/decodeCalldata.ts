import { ChaincallError } from "../errors/ChaincallError.js";
import { AbiCoder, type FunctionFragment, type ParamType } from "./ethersAbi.js";

/** Options of `decodeCalldata`. */
export interface DecodeCalldataParameters {
  /** Decode return data with the function's outputs instead of calldata with its inputs. */
  output?: boolean;
  /** Names the function a foreign selector belongs to, for the error's hint (e.g. from known ABIs). */
  describeSelector?: (selector: string) => string | undefined;
}

/** What `decodeCalldata` found: the values, and the parameters they belong to. */
export interface DecodeCalldataReturnType {
  /** The selector the calldata started with (absent for return data). */
  selector?: string;
  params: readonly ParamType[];
  /** One value per parameter (structs and arrays as nested arrays). */
  values: unknown[];
}

/**
 * Decodes calldata (a selector, which must be the function's, then its arguments) or, with `output`,
 * return data, checking that the text is hex and that the data is long enough. No node is involved.
 * @throws ChaincallError `INVALID_ARGUMENT` for text that is not hex, a foreign selector, or data that
 *   does not decode as the function's parameters
 * @example decodeCalldata(fragment, "0x7f3d1a83…07e5").values[0] // 2021n
 */
export function decodeCalldata(fragment: FunctionFragment, data: string, options: DecodeCalldataParameters = {}): DecodeCalldataReturnType {
  const signature = fragment.format("sighash");
  const hex = data.trim().replace(/^0x/i, "").toLowerCase();
  if (!/^([0-9a-f]{2})*$/.test(hex)) {
    const odd = /^[0-9a-f]*$/.test(hex) ? "an odd number of hex digits" : "a character that is not hex";
    throw new ChaincallError("INVALID_ARGUMENT", `data is not hex bytes (${odd}): ${preview(data.trim())}`);
  }
  if (options.output)
    return { params: fragment.outputs, values: decodeParams(fragment.outputs, `0x${hex}`, `the return values of ${signature}`) };
  if (hex.length < 8) {
    throw new ChaincallError("INVALID_ARGUMENT", `calldata of ${hex.length / 2} bytes has no 4-byte selector`, {
      metaMessages: ["hint: for return data, add --output"],
    });
  }
  const selector = `0x${hex.slice(0, 8)}`;
  if (selector !== fragment.selector) {
    const theirs = options.describeSelector?.(selector);
    const hints = [
      theirs ? `hint: ${selector} is ${theirs}` : "",
      hex.length % 64 === 0 ? "hint: for return data, add --output" : "",
    ].filter(Boolean);
    throw new ChaincallError(
      "INVALID_ARGUMENT",
      `calldata starts with ${selector}, not ${fragment.selector}, the selector of ${signature}`,
      { metaMessages: hints },
    );
  }
  return { selector, params: fragment.inputs, values: decodeParams(fragment.inputs, `0x${hex.slice(8)}`, `the arguments of ${signature}`) };
}

function decodeParams(params: readonly ParamType[], data: string, what: string): unknown[] {
  try {
    // Deep, so that errors ethers defers inside arrays and structs (a string that is not UTF-8) surface here.
    return AbiCoder.defaultAbiCoder().decode(params, data).toArray(true);
  } catch (err) {
    const e = ((err as { error?: unknown }).error ?? err) as { code?: string; shortMessage?: string; message?: string };
    const why = e.code === "BUFFER_OVERRUN" ? "the data is too short" : (e.shortMessage ?? String(e.message ?? err));
    throw new ChaincallError("INVALID_ARGUMENT", `cannot decode ${(data.length - 2) / 2} bytes as ${what}: ${why}`, { cause: err });
  }
}

function preview(text: string): string {
  return text.length > 40 ? `${text.slice(0, 37)}…` : text;
}
