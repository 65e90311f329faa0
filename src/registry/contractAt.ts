import type { ContractRunner, InterfaceAbi } from "ethers";
import type { Client } from "../client/connect.js";
import { ChaincallError } from "../errors/ChaincallError.js";
import { resolveDeployment } from "./addressBook.js";

/** A TypeChain factory class (`CallDemo__factory`): what `contractAt` needs of it. */
export interface BindingFactory<T> {
  connect(address: string, runner?: ContractRunner | null): T;
  readonly abi: InterfaceAbi;
  readonly name: string;
}

export interface ContractAtParameters {
  /** The address book entry (default: the factory's contract name, `CallDemo` for `CallDemo__factory`). */
  name?: string;
  /** The address book folder (default `./deployments`, as the CLI's `--deployments`). */
  deployments?: string;
}

/** The address book folder used when none is given, relative to the working directory. */
export const DEFAULT_DEPLOYMENTS_DIR = "deployments";

/**
 * The typed binding of a contract named in the address book (`deployments/<chainId>.json`) of the client's
 * chain, connected to the client's runner; the client learns its ABI, so its custom errors are decoded.
 * @throws ChaincallError `NOT_FOUND` when the chain has no address book or the name is not in it;
 *   `INVALID_ARGUMENT` when the book is malformed or the factory's name cannot be told
 * @example const demo = contractAt(client, CallDemo__factory); await demo.getYear();
 */
export function contractAt<T>(client: Client, factory: BindingFactory<T>, parameters: ContractAtParameters = {}): T {
  const name = parameters.name ?? factory.name.replace(/__factory$/, "");
  if (!name || name === factory.name) {
    throw new ChaincallError("INVALID_ARGUMENT", `cannot tell the contract's name from ${factory.name || "this factory"}: pass { name }`);
  }
  const deployment = resolveDeployment(parameters.deployments ?? DEFAULT_DEPLOYMENTS_DIR, client.chainId, name);
  client.addAbi(factory.abi);
  return factory.connect(deployment.address, client.runner);
}
