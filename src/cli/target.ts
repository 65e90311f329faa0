import type { FunctionFragment, Interface } from "ethers";
import { type ContractAbi, loadAllAbis, loadContractAbi } from "../abi/loadContractAbi.js";
import { isSignature, parseSignature } from "../abi/parseSignature.js";
import { selectFunction } from "../abi/selectFunction.js";
import type { Client } from "../client/connect.js";
import { ChaincallError } from "../errors/ChaincallError.js";
import { resolveDeployment } from "../registry/addressBook.js";
import type { Globals } from "./options.js";
import { parseTarget } from "./parseInput.js";

/** A `<target> <function>` pair, checked before any connection: ABI loaded, function chosen. */
export interface PreparedTarget {
  /** Known now for `0x…` and `Name@0x…`; for a bare name it comes from the address book after connecting. */
  address?: string;
  /** The contract's name, when the target named one. */
  contractName?: string;
  /** The contract's ABI, or a one-function ABI built from a signature. */
  contract?: ContractAbi;
  fragment: FunctionFragment;
}

/**
 * Parses `<target>` (`0x…`, `Name`, or `Name@0x…`) and `<function>` (a name, `name(types)`, or a cast-style
 * signature for a bare address) without touching the network.
 * @throws ChaincallError `INVALID_ARGUMENT` / `NOT_FOUND` for bad addresses, unknown contracts or functions
 */
export function prepareTarget(target: string, functionSpec: string, globals: Globals): PreparedTarget {
  const { name: namePart, address } = parseTarget(target);
  if (namePart === undefined) {
    if (!isSignature(functionSpec)) {
      throw new ChaincallError("INVALID_ARGUMENT", `"${functionSpec}" needs an ABI, and ${address} has none here`, {
        metaMessages: [`hint: give a signature, e.g. "${functionSpec}()(uint256)", or name the ABI: Name@${address}`],
      });
    }
    return { address, fragment: parseSignature(functionSpec) };
  }
  const contract = loadContractAbi(namePart, globals.abiDir);
  return { address, contractName: contract.name, contract, fragment: selectFunction(contract.abi, functionSpec, contract.name) };
}

/** The target's address: given, or looked up in the address book for the connected chain. */
export function resolveTargetAddress(prepared: PreparedTarget, client: Client, globals: Globals): string {
  if (prepared.address) return prepared.address;
  return resolveDeployment(globals.deploymentsDir, client, prepared.contractName!).address;
}

/** Every ABI the CLI knows (the target's first), for decoding reverts and events. */
export function knownInterfaces(globals: Globals, first?: Interface): Interface[] {
  const all = loadAllAbis(globals.abiDir).map((c) => c.abi);
  return first ? [first, ...all.filter((abi) => abi !== first)] : all;
}
