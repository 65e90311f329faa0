import type { ContractRunner, InterfaceAbi } from "ethers";
import type { Client } from "../client/connect.js";
import { assertArgument, checkAbi, checkClient, checkObject, checkString } from "../errors/assertArgument.js";
import { ChaincallError } from "../errors/ChaincallError.js";
import { resolveDeployment } from "./addressBook.js";

/** A TypeChain factory class (`CallDemo__factory`): what `contractAt` needs of it. */
export interface BindingFactory<T> {
  /** Makes the binding for a deployed contract. */
  connect(address: string, runner?: ContractRunner | null): T;
  /** The contract's ABI, which the client learns (to decode its custom errors). */
  readonly abi: InterfaceAbi;
  /** The class name, `CallDemo__factory`: the contract's name, unless `name` is given. */
  readonly name: string;
}

/** Which address book entry `contractAt` binds to. */
export interface ContractAtParameters {
  /** The address book entry (default: the factory's contract name, `CallDemo` for `CallDemo__factory`). */
  name?: string;
  /** The address book folder (default `./deployments`, as the CLI's `--deployments`). */
  deployments?: string;
}

/** The address book folder used when none is given, relative to the working directory. */
const DEFAULT_DEPLOYMENTS_DIR = "deployments";

/**
 * The typed binding of a contract named in the address book (`deployments/<chainId>.json`) of the client's
 * chain, connected to the client's runner; the client learns its ABI, so its custom errors are decoded.
 * @param client a client from `connect()`
 * @param factory the TypeChain factory class, e.g. `CallDemo__factory`
 * @param parameters `name` (the address book entry) and `deployments` (the folder)
 * @throws ChaincallError `NOT_FOUND` when the chain has no address book or the name is not in it;
 *   `INVALID_ARGUMENT` for a bad argument, a malformed book, or a factory whose name cannot be told
 * @example const demo = contractAt(client, CallDemo__factory); await demo.getYear();
 */
export function contractAt<T>(client: Client, factory: BindingFactory<T>, parameters: ContractAtParameters = {}): T {
  checkClient(client);
  const valid =
    (typeof factory === "function" || (typeof factory === "object" && factory !== null)) &&
    typeof factory.connect === "function" &&
    typeof factory.name === "string";
  assertArgument(valid, "factory", "a TypeChain factory class (e.g. CallDemo__factory)", factory);
  const abi = checkAbi(factory.abi, "factory.abi");
  checkObject(parameters, "parameters");
  if (parameters.name !== undefined) checkString(parameters.name, "name");
  if (parameters.deployments !== undefined) checkString(parameters.deployments, "deployments");
  const name = parameters.name ?? factory.name.replace(/__factory$/, "");
  if (!name || name === factory.name) {
    throw new ChaincallError("INVALID_ARGUMENT", `cannot tell the contract's name from ${factory.name || "this factory"}: pass { name }`);
  }
  const deployment = resolveDeployment(parameters.deployments ?? DEFAULT_DEPLOYMENTS_DIR, client, name);
  client.addAbi(abi);
  return factory.connect(deployment.address, client.runner);
}
