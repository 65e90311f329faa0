import { ChaincallError } from "../errors/ChaincallError.js";
import { FunctionFragment, ParamType } from "./ethersAbi.js";

/**
 * Parses a cast-style signature `name(types)(returns)` (returns optional), e.g. `getYear()(uint256)` or
 * `balanceOf(address)(uint256)`. Parameter names and tuple types are allowed: `f((uint256,address)[] xs)`.
 * @throws ChaincallError `INVALID_ARGUMENT` for a malformed signature
 * @example parseSignature("getYear()(uint256)").outputs[0].type // "uint256"
 */
export function parseSignature(signature: string): FunctionFragment {
  const text = signature.trim().replace(/^function\s+/, "");
  const open = text.indexOf("(");
  const name = open > 0 ? text.slice(0, open).trim() : "";
  if (!/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name)) throw bad(signature, "expected name(types)(returns)");
  const inputsEnd = matchingParen(text, open);
  if (inputsEnd < 0) throw bad(signature, "unbalanced parentheses");
  const inputs = text.slice(open + 1, inputsEnd);
  let rest = text.slice(inputsEnd + 1).trim();
  // cast accepts both "f()(uint256)" and "f() returns (uint256)"; so do we, plus state mutability words.
  rest = rest
    .replace(/^(external|public|view|pure|payable|nonpayable|\s)+/g, "")
    .replace(/^returns\s*/, "")
    .trim();
  let outputs = "";
  if (rest !== "") {
    if (!rest.startsWith("(")) throw bad(signature, `unexpected "${rest}"`);
    const outputsEnd = matchingParen(rest, 0);
    if (outputsEnd !== rest.length - 1) throw bad(signature, "unbalanced parentheses in the return types");
    outputs = rest.slice(1, outputsEnd);
  }
  if ([...splitTopLevel(inputs), ...splitTopLevel(outputs)].includes("")) throw bad(signature, "an empty parameter type");
  try {
    return FunctionFragment.from(`function ${name}(${inputs})${outputs.trim() ? ` returns (${outputs})` : ""}`);
  } catch (err) {
    const wrong = [...splitTopLevel(inputs), ...splitTopLevel(outputs)].find((type) => !isParamType(type));
    throw bad(
      signature,
      wrong !== undefined ? `unknown type "${wrong}"` : ((err as { shortMessage?: string }).shortMessage ?? "unknown type"),
      err,
    );
  }
}

// "uint256,(bool,string)[] xs" → ["uint256", "(bool,string)[] xs"]
function splitTopLevel(list: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < list.length; i++) {
    if (list[i] === "(") depth++;
    else if (list[i] === ")") depth--;
    else if (list[i] === "," && depth === 0) {
      parts.push(list.slice(start, i).trim());
      start = i + 1;
    }
  }
  const last = list.slice(start).trim();
  return last === "" && parts.length === 0 ? [] : [...parts, last];
}

function isParamType(text: string): boolean {
  try {
    ParamType.from(text);
    return true;
  } catch {
    return false;
  }
}

/** True when `text` looks like a signature rather than a bare function name. */
export function isSignature(text: string): boolean {
  return text.includes("(");
}

function matchingParen(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === "(") depth++;
    else if (text[i] === ")" && --depth === 0) return i;
  }
  return -1;
}

function bad(signature: string, why: string, cause?: unknown): ChaincallError {
  return new ChaincallError("INVALID_ARGUMENT", `invalid function signature "${signature}": ${why}`, {
    cause,
    metaMessages: ['hint: write it like cast does, e.g. "getYear()(uint256)" or "setYear(uint256)"'],
  });
}
