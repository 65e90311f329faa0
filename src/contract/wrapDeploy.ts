import type { ContractRunner, Interface } from "ethers";
import { assertArgument } from "../errors/assertArgument.js";
import { type BindingCall, diagnoseArguments, toBindingError } from "./toBindingError.js";
import { wrapContract } from "./wrapContract.js";

/** What `wrapDeploy` needs of a contract factory: its ABI and its runner. */
export interface DeployingFactory {
  /** The contract's ABI (its constructor and custom errors). */
  readonly interface: Interface;
  /** The signer that deploys. */
  readonly runner: ContractRunner | null;
}

/**
 * Runs a factory's `deploy` (or `getDeployTransaction`) so that every failure is a `ChaincallError`, and
 * wraps the deployed contract with `wrapContract`. Bad constructor arguments are `INVALID_ARGUMENT` naming
 * the parameter, refused before anything is signed or sent. The factories `chaincall gen` writes call it
 * in their `deploy` and `getDeployTransaction`; there is little reason to call it yourself.
 * @param factory the ContractFactory (a generated `X__factory` instance)
 * @param args the constructor arguments, overrides last
 * @param run starts the deploy with those arguments (`(args) => super.deploy(...args)`)
 * @returns what `run` resolves to; a deployed contract comes back wrapped
 * @throws ChaincallError `INVALID_ARGUMENT` (a constructor argument, the overrides, or a bad parameter of
 *   this function), `SIGNER_ERROR` (no signer), and whatever the send fails with
 * @example
 * // in a generated factory:
 * override deploy(initialPrice: BigNumberish, overrides?: NonPayableOverrides & { from?: string }) {
 *   return wrapDeploy(this, [initialPrice, overrides || {}], (args) => super.deploy(...args));
 * }
 */
export async function wrapDeploy<R>(factory: DeployingFactory, args: unknown[], run: (args: unknown[]) => Promise<R>): Promise<R> {
  const ok = typeof factory === "object" && factory !== null && typeof factory.interface?.getFunction === "function";
  assertArgument(ok, "factory", "a ContractFactory", factory);
  assertArgument(Array.isArray(args), "args", "an array of constructor arguments", args);
  assertArgument(typeof run === "function", "run", "a function", run);
  const call: BindingCall = { iface: factory.interface, key: "constructor", args, runner: factory.runner };
  // A deploy is no hot path: its arguments are checked in full before anything is signed.
  const refused = diagnoseArguments(call);
  if (refused) throw refused;
  let result: R;
  try {
    result = await run(args);
  } catch (err) {
    throw await toBindingError(err, call);
  }
  return isContract(result) ? (wrapContract(result) as R) : result;
}

function isContract(value: unknown): value is import("ethers").BaseContract {
  const v = value as { getFunction?: unknown; interface?: unknown; deploymentTransaction?: unknown } | null;
  return (
    typeof v === "object" &&
    v !== null &&
    typeof v.getFunction === "function" &&
    typeof v.deploymentTransaction === "function" &&
    typeof v.interface === "object"
  );
}
