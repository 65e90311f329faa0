import type { FunctionFragment } from "ethers";
import { ChaincallError } from "../errors/ChaincallError.js";
import { loadAllAbis, loadContractAbi } from "./loadContractAbi.js";
import { isSignature, parseSignature } from "./parseSignature.js";
import { selectFunction } from "./selectFunction.js";

/** Where `resolveFunction` looks for a function given by name. */
export interface ResolveFunctionParameters {
  /** A contract name in `abiDir`, or an ABI / artifact file: the function is taken from that ABI. */
  contract?: string;
  /** The folder of ABI files searched when `contract` is absent and the function is a bare name. */
  abiDir: string;
}

/** A function found by `resolveFunction`. */
export interface ResolveFunctionReturnType {
  fragment: FunctionFragment;
  /** The contract whose ABI declared it (absent for a cast-style signature). */
  contractName?: string;
  /** True when it came from an ABI: its return types are then known, even when there are none. */
  fromAbi: boolean;
}

/**
 * Finds the function a command names without a target (`encode`, `decode`): with `contract`, a name or
 * `name(types)` in that ABI; otherwise a cast-style signature `name(types)(returns)`, or a bare name
 * declared in exactly one way across every ABI in `abiDir`.
 * @throws ChaincallError `INVALID_ARGUMENT` for a malformed signature or an unknown or ambiguous name
 *   (listing the candidates), `NOT_FOUND` for an unknown contract
 * @example resolveFunction("setYear", { abiDir: "abi" }).fragment.format() // "setYear(uint256)"
 */
export function resolveFunction(spec: string, options: ResolveFunctionParameters): ResolveFunctionReturnType {
  if (options.contract !== undefined) {
    const contract = loadContractAbi(options.contract, options.abiDir);
    return { fragment: selectFunction(contract.abi, spec, contract.name), contractName: contract.name, fromAbi: true };
  }
  if (isSignature(spec)) return { fragment: parseSignature(spec), fromAbi: false };
  const wanted = spec.trim();
  const found = new Map<string, { fragment: FunctionFragment; contracts: string[] }>();
  for (const contract of loadAllAbis(options.abiDir)) {
    contract.abi.forEachFunction((fragment) => {
      if (fragment.name !== wanted) return;
      // The same signature and return types in several contracts (an interface and its implementation) is one function.
      const key = `${fragment.format("sighash")}${fragment.outputs.map((o) => o.format("sighash")).join(",")}`;
      const entry = found.get(key) ?? { fragment, contracts: [] };
      entry.contracts.push(contract.name);
      found.set(key, entry);
    });
  }
  const candidates = [...found.values()];
  if (candidates.length === 1) return { fragment: candidates[0].fragment, contractName: candidates[0].contracts[0], fromAbi: true };
  if (candidates.length > 1) {
    throw new ChaincallError(
      "INVALID_ARGUMENT",
      `"${wanted}" is declared more than one way in ${options.abiDir}; pick one by its signature or with --contract`,
      {
        metaMessages: candidates.map((c) => `  ${c.fragment.format("sighash")}${returnsText(c.fragment)}  (${c.contracts.join(", ")})`),
      },
    );
  }
  throw new ChaincallError("INVALID_ARGUMENT", `no function "${wanted}" in the ABIs of ${options.abiDir}`, {
    metaMessages: [
      `hint: give a signature, e.g. "${/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(wanted) ? wanted : "transfer"}(address,uint256)", or the ABI with --contract <Name|file>`,
    ],
  });
}

/**
 * Names the function of the ABIs in `abiDir` that has this 4-byte selector, for hints.
 * @example findFunctionBySelector("0xbdd85ffa", "abi") // "setYear(uint256) in CallDemo"
 */
export function findFunctionBySelector(selector: string, abiDir: string): string | undefined {
  for (const contract of loadAllAbis(abiDir)) {
    const match = contract.abi.getFunction(selector);
    if (match) return `${match.format("sighash")} in ${contract.name}`;
  }
  return undefined;
}

function returnsText(fragment: FunctionFragment): string {
  return fragment.outputs.length ? ` returns (${fragment.outputs.map((o) => o.format("sighash")).join(",")})` : "";
}
