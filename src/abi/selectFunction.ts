import type { FunctionFragment, Interface } from "ethers";
import { ChaincallError } from "../errors/ChaincallError.js";
import { parseSignature } from "./parseSignature.js";

/**
 * Picks a function of an ABI by name, or by `name(types)` when the name is overloaded.
 * @throws ChaincallError `INVALID_ARGUMENT` for an unknown function, or an ambiguous name (listing the candidates)
 * @example selectFunction(abi, "setYear", "CallDemo").format() // "setYear(uint256)"
 */
export function selectFunction(abi: Interface, spec: string, contractName = "the contract"): FunctionFragment {
  const wanted = spec.trim();
  const all: FunctionFragment[] = [];
  abi.forEachFunction((f) => all.push(f));
  if (wanted.includes("(")) {
    const sighash = parseSignature(wanted).format("sighash");
    const match = all.find((f) => f.format("sighash") === sighash);
    if (match) return match;
    throw unknown(wanted, contractName, all);
  }
  const named = all.filter((f) => f.name === wanted);
  if (named.length === 1) return named[0];
  if (named.length > 1) {
    throw new ChaincallError("INVALID_ARGUMENT", `"${wanted}" is overloaded in ${contractName}; pick one by its signature`, {
      metaMessages: named.map((f) => `  ${f.format("sighash")}`),
    });
  }
  throw unknown(wanted, contractName, all);
}

function unknown(wanted: string, contractName: string, all: FunctionFragment[]): ChaincallError {
  const names = [...new Set(all.map((f) => f.format("sighash")))].sort();
  return new ChaincallError("INVALID_ARGUMENT", `no function "${wanted}" in ${contractName}`, {
    metaMessages: [names.length ? `hint: functions: ${names.join(", ")}` : "hint: the ABI has no functions"],
  });
}
