import type { ContractRunner, Interface, ParamType } from "ethers";
import { AbiCoder, type FunctionFragment } from "../abi/ethersAbi.js";
import { describeValue } from "../errors/assertArgument.js";
import { ChaincallError } from "../errors/ChaincallError.js";
import { ContractRevertedError } from "../errors/ContractRevertedError.js";
import { decodeRevert } from "../errors/decodeRevert.js";
import { toChaincallError } from "../errors/toChaincallError.js";
import { findNonBoolean } from "./booleanGuard.js";

// Where a binding call failed: the translation below needs the ABI, what was called and with what.

/** One call of a binding's method (or constructor) that failed. */
export interface BindingCall {
  /** The contract's ABI: its functions, constructor and custom errors. */
  iface: Interface;
  /** The method as the caller named it (`setYear`, `echo(uint256)`), or `constructor` for a deploy. */
  key: string;
  /** The arguments as given, overrides included. */
  args: readonly unknown[];
  /** The contract's runner (for the code check and the endpoint in messages). */
  runner: ContractRunner | null | undefined;
  /** The contract's address, when known without asking anything (not for a deploy). */
  address?: string;
}

// ethers' codes for "the caller gave a bad value": the argument at fault is found by encoding each alone.
// UNCONFIGURED_NAME: on a chain with ENS, an address argument that is neither an address nor a known name.
const ARGUMENT_CODES = new Set(["INVALID_ARGUMENT", "NUMERIC_FAULT", "MISSING_ARGUMENT", "UNEXPECTED_ARGUMENT", "UNCONFIGURED_NAME"]);
// ethers' operations that only run for an address argument that is not an address (it takes it for an ENS name).
const NAME_OPERATIONS = new Set(["getEnsAddress", "resolveName", "getResolver"]);

/**
 * Translates what a binding's method threw into a `ChaincallError`: ethers' argument errors become
 * `INVALID_ARGUMENT` naming the function and the parameter, "0x" from an address without code
 * `NO_CONTRACT`, a missing signer `SIGNER_ERROR`, everything else `toChaincallError`'s. A revert whose
 * custom error only the binding's ABI declares is decoded with it; other chaincall errors pass unchanged.
 */
export async function toBindingError(err: unknown, call: BindingCall): Promise<ChaincallError> {
  const quick = toBindingErrorSync(err, call);
  if (quick) return quick;
  const e = err as { code?: unknown; value?: unknown };
  // The provider turns an empty answer from a codeless address into NO_CONTRACT; a runner that is not
  // chaincall's leaves ethers' BAD_DATA, so the code is checked here.
  if (e.code === "BAD_DATA" && e.value === "0x" && call.address) {
    const provider = call.runner?.provider;
    const code = await provider?.getCode(call.address).catch(() => undefined);
    if (code === "0x") {
      return new ChaincallError("NO_CONTRACT", `no contract at ${call.address}`, {
        cause: err,
        metaMessages: ["hint: wrong address, wrong network, or the node was restarted since the deploy"],
      });
    }
  }
  return toChaincallError(err, contextOf(call));
}

/** The part of `toBindingError` that needs no request: undefined when the error needs the code check. */
export function toBindingErrorSync(err: unknown, call: BindingCall): ChaincallError | undefined {
  if (err instanceof ChaincallError) return err instanceof ContractRevertedError ? decodeWithBinding(err, call.iface) : err;
  const e = (err ?? {}) as { code?: unknown; operation?: unknown; shortMessage?: unknown; value?: unknown };
  const code = typeof e.code === "string" ? e.code : undefined;
  if (code === "UNSUPPORTED_OPERATION") {
    if (e.operation === "fragment") return argumentError(err, call);
    if (e.operation === "sendTransaction" || e.operation === "estimateGas" || e.operation === "call") {
      const sending = e.operation === "sendTransaction";
      const what = sending ? "send transactions" : e.operation === "call" ? "make calls" : "estimate gas";
      return new ChaincallError("SIGNER_ERROR", `${call.key}: the binding's runner cannot ${what}`, {
        cause: err,
        metaMessages: [
          sending
            ? "hint: use client.runner of a client made with a signer (connect({ signer }))"
            : "hint: connect the binding to client.runner",
        ],
      });
    }
    if (typeof e.operation === "string" && NAME_OPERATIONS.has(e.operation)) return argumentError(err, call);
  }
  if ((code && ARGUMENT_CODES.has(code)) || isArgumentCountError(err)) return argumentError(err, call);
  if (code === "BAD_DATA" && e.value === "0x" && call.address) return undefined;
  // ethers throws plain Errors and TypeErrors for some malformed values ("invalid array value", a null
  // struct): when an argument is at fault, say which; otherwise the error is not the caller's.
  if (code === undefined && err instanceof Error) {
    const found = diagnoseArguments(call, err);
    if (found) return found;
  }
  return toChaincallError(err, contextOf(call));
}

function contextOf(call: BindingCall): { endpoint?: string; interfaces: Interface[] } {
  const boundary = (call.runner?.provider as { boundary?: { endpoint?: unknown } } | null | undefined)?.boundary;
  return { endpoint: typeof boundary?.endpoint === "string" ? boundary.endpoint : undefined, interfaces: [call.iface] };
}

// ContractFactory says "incorrect number of constructor arguments" with a plain Error.
function isArgumentCountError(err: unknown): boolean {
  return err instanceof Error && /incorrect number of (constructor )?arguments/.test(err.message);
}

// The client decodes the custom errors of the ABIs it was told about; the binding knows its own.
function decodeWithBinding(err: ContractRevertedError, iface: Interface): ChaincallError {
  if (err.errorName !== undefined || err.data.length < 10) return err;
  const decoded = decodeRevert(err.data, [iface]);
  if (decoded.errorName === undefined) return err;
  return new ContractRevertedError(decoded, {
    cause: err,
    transactionHash: err.transactionHash,
    blockNumber: err.blockNumber,
    metaMessages: err.metaMessages,
  });
}

/** The fragment the call meant: the constructor, the one function of that name or signature, or the overload the arguments pick. */
function fragmentOf(call: BindingCall): Signature | null {
  if (call.key === "constructor") return call.iface.deploy;
  try {
    return call.iface.getFunction(call.key);
  } catch {
    // an overloaded name: ambiguous without the arguments
  }
  try {
    return call.iface.getFunction(call.key, [...call.args]);
  } catch {
    return null;
  }
}

/**
 * `INVALID_ARGUMENT` for a call ethers refused: a wrong count, or the first parameter whose value does not
 * encode alone (named, typed, numbered), or the overrides; ethers' own words otherwise.
 */
function argumentError(err: unknown, call: BindingCall): ChaincallError {
  const found = diagnoseArguments(call, err);
  if (found) return found;
  const ethersReason = reasonOf(err);
  const fragment = fragmentOf(call);
  if (!fragment) {
    const overloads: string[] = [];
    call.iface.forEachFunction((f) => {
      if (f.name === call.key) overloads.push(f.format("sighash"));
    });
    if (overloads.length > 1) {
      const shown = call.args.map((a) => describeValue(a)).join(", ");
      return new ChaincallError("INVALID_ARGUMENT", `no overload of ${call.key} takes (${shown}): it is one of ${overloads.join(", ")}`, {
        cause: err,
        details: ethersReason,
      });
    }
    const what = overloads.length === 0 ? `the ABI has no function ${call.key}` : `${call.key}: ${ethersReason}`;
    return new ChaincallError("INVALID_ARGUMENT", what, { cause: err });
  }
  const signature = signatureOf(call, fragment);
  if (call.args.length === fragment.inputs.length + 1) {
    return new ChaincallError("INVALID_ARGUMENT", `${signature}: the overrides (last argument) are invalid: ${ethersReason}`, {
      cause: err,
      metaMessages: ["hint: overrides are an object such as { gasLimit: 100000n, value: 1n }"],
    });
  }
  return new ChaincallError("INVALID_ARGUMENT", `${signature}: ${ethersReason}`, { cause: err });
}

type Signature = Pick<FunctionFragment, "inputs">;

function signatureOf(call: BindingCall, fragment: Signature): string {
  return `${call.key === "constructor" ? "constructor" : call.key.split("(")[0]}(${fragment.inputs.map((p) => p.format("sighash")).join(",")})`;
}

/**
 * Finds what is wrong with a call's arguments without asking anything: their count, or the first
 * parameter whose value does not encode on its own (or is not a boolean where the ABI says bool: ethers
 * would encode any truthy value as true). Undefined when the arguments look right.
 * @param cause the error that led here (kept as the cause), if any
 */
export function diagnoseArguments(call: BindingCall, cause?: unknown): ChaincallError | undefined {
  const fragment = fragmentOf(call);
  if (!fragment) return undefined;
  const inputs = fragment.inputs;
  const signature = signatureOf(call, fragment);
  const args = call.args;
  if (args.length !== inputs.length && args.length !== inputs.length + 1) {
    const n = inputs.length;
    const params = inputs.map((p, i) => `${p.type} ${p.name || `#${i}`}`).join(", ");
    return new ChaincallError(
      "INVALID_ARGUMENT",
      `${signature} takes ${n} argument${n === 1 ? "" : "s"} (${params || "none"}) and optional overrides, got ${args.length}`,
      { cause },
    );
  }
  const coder = AbiCoder.defaultAbiCoder();
  for (const [i, param] of inputs.entries()) {
    const value = args[i];
    let problem: unknown;
    const bad = findNonBoolean(param, value);
    if (bad) problem = new Error(`${describeValue(bad.value)} is not a boolean${bad.path ? ` (at ${bad.path})` : ""}`);
    else if (!containsAddressable(value)) {
      // An Addressable (a contract, a signer) is resolved to its address by ethers first: not encodable as given.
      try {
        coder.encode([param], [value]);
      } catch (err) {
        problem = err;
      }
    }
    if (problem !== undefined) {
      const name = `${signature} argument ${i}${param.name ? ` "${param.name}"` : ""} (${param.type})`;
      return new ChaincallError("INVALID_ARGUMENT", `${name} must be ${expectedFor(param)}, got ${describeValue(value)}`, {
        cause: cause ?? problem,
        details: reasonOf(problem),
      });
    }
  }
  return undefined;
}

// ethers' one-line message (its `shortMessage`), without the details it appends.
function reasonOf(err: unknown): string {
  const e = err as { shortMessage?: unknown; message?: unknown } | null;
  const text = typeof e?.shortMessage === "string" ? e.shortMessage : typeof e?.message === "string" ? e.message : String(err);
  // ethers appends "(argument=…, value=…, code=…, version=…)" to message; the value is in our message already.
  return text.split("\n")[0]!.replace(/ \((?:argument|value|code|operation|info|reason)=.*$/, "");
}

function containsAddressable(value: unknown, depth = 0): boolean {
  if (typeof value !== "object" || value === null || depth > 8) return false;
  if (typeof (value as { getAddress?: unknown }).getAddress === "function") return true;
  return Object.values(value).some((v) => containsAddressable(v, depth + 1));
}

/** What a value of an ABI type must be, in words: "a whole number from 0 to 2^256-1". */
function expectedFor(param: ParamType): string {
  if (param.isArray()) {
    const n = param.arrayLength;
    return n === -1 ? `an array of ${param.arrayChildren.type}` : `an array of ${n} ${param.arrayChildren.type}`;
  }
  if (param.isTuple()) {
    const fields = param.components.map((c) => c.name || c.type);
    return `a struct (an object with ${fields.join(", ")} or an array of ${fields.length} items)`;
  }
  const type = param.type;
  let m = /^uint(\d*)$/.exec(type);
  if (m) return `a whole number from 0 to ${bound(Number(m[1] || 256))}`;
  m = /^int(\d*)$/.exec(type);
  if (m) {
    const bits = Number(m[1] || 256);
    return `a whole number from -2^${bits - 1} to ${bits <= 48 ? String(2 ** (bits - 1) - 1) : `2^${bits - 1}-1`}`;
  }
  m = /^bytes(\d+)$/.exec(type);
  if (m) return `${m[1]} bytes of 0x-prefixed hex`;
  switch (type) {
    case "address":
      return "an address (0x and 40 hex digits, with a valid EIP-55 checksum when mixed-case)";
    case "bool":
      return "true or false";
    case "bytes":
      return "0x-prefixed hex bytes";
    case "string":
      return "a string";
  }
  return `a value of type ${type}`;
}

function bound(bits: number): string {
  return bits <= 48 ? String(2 ** bits - 1) : `2^${bits}-1`;
}
