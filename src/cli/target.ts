import { getAddress, type FunctionFragment, type Interface } from "ethers";
import { loadContractAbi, loadAllAbis, type ContractAbi } from "../abi/loadContractAbi.js";
import { parseSignature, isSignature } from "../abi/parseSignature.js";
import { selectFunction } from "../abi/selectFunction.js";
import type { Client } from "../client/connect.js";
import { ChaincallError } from "../errors/ChaincallError.js";
import { resolveDeployment } from "../registry/addressBook.js";
import type { Globals } from "./options.js";

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
  const at = target.lastIndexOf("@");
  const namePart = at >= 0 ? target.slice(0, at) : /^0x/i.test(target) ? undefined : target;
  const addressPart = at >= 0 ? target.slice(at + 1) : /^0x/i.test(target) ? target : undefined;
  const address = addressPart === undefined ? undefined : checkAddress(addressPart);
  if (namePart !== undefined && !/^[A-Za-z_$][A-Za-z0-9_$.-]*$/.test(namePart)) {
    throw new ChaincallError("INVALID_ARGUMENT", `invalid target "${target}" (expected 0x…, Name, or Name@0x…)`);
  }
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

/**
 * Validates an address: 40 hex digits after 0x, and a correct EIP-55 checksum when mixed-case.
 * @throws ChaincallError `INVALID_ARGUMENT`
 */
export function checkAddress(text: string): string {
  if (!/^0x[0-9a-fA-F]{40}$/.test(text)) throw new ChaincallError("INVALID_ARGUMENT", `invalid address "${text}" (expected 0x and 40 hex digits)`);
  const body = text.slice(2);
  if (body !== body.toLowerCase() && body !== body.toUpperCase()) {
    try {
      return getAddress(text);
    } catch {
      throw new ChaincallError("INVALID_ARGUMENT", `bad checksum in address ${text}`, { metaMessages: [`hint: did you mean ${getAddress(text.toLowerCase())}?`] });
    }
  }
  return getAddress(text.toLowerCase());
}
