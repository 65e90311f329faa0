import { Fragment, Interface } from "ethers/abi";
import { readAddress } from "../utils/address.js";
import { ChaincallError } from "./ChaincallError.js";
import { PRIVATE_KEY_SHAPE } from "./redact.js";

// The checks every exported SDK function runs on its arguments before doing anything (SPEC §7.18): a wrong
// argument is an `INVALID_ARGUMENT` naming the parameter, never a TypeError from deep inside ethers or Node,
// and never a request to the node. Modeled on ethers' `assertArgument`. Internal: not exported by the package.

/** How a value may be shown in a message. `secret`: only its kind and length, never its text. */
export interface ShowOptions {
  secret?: boolean;
}

/**
 * Throws `INVALID_ARGUMENT` ("`name` must be `expected`, got …") unless `condition` holds.
 * @param condition what must hold
 * @param name the parameter as the caller wrote it: `signer.privateKey`, `parameters.fromBlock`
 * @param expected what it must be: "a positive number of milliseconds"
 * @param value the value received, shown briefly (as its kind only with `{ secret: true }`)
 * @throws ChaincallError `INVALID_ARGUMENT`
 * @example assertArgument(typeof rpcUrl === "string", "rpcUrl", "a string", rpcUrl);
 */
export function assertArgument(
  condition: unknown,
  name: string,
  expected: string,
  value: unknown,
  options: ShowOptions = {},
): asserts condition {
  if (!condition) throw invalidArgument(name, expected, value, options);
}

/**
 * The `INVALID_ARGUMENT` error `assertArgument` throws, for callers that need to add a cause.
 * @example throw invalidArgument("abis[0]", "an ABI", abi, {}, err);
 */
export function invalidArgument(
  name: string,
  expected: string,
  value: unknown,
  options: ShowOptions = {},
  cause?: unknown,
): ChaincallError {
  return new ChaincallError("INVALID_ARGUMENT", `${name} must be ${expected}, got ${describeValue(value, options)}`, { cause });
}

/**
 * A short printable description of any value, for messages: `undefined`, `42`, `"abc"` (cut at 42
 * characters), `an array of 3 items`, `an object`, `a function`; a secret string as `a string of 66 characters`.
 * @example describeValue(undefined) // "undefined"
 */
export function describeValue(value: unknown, options: ShowOptions = {}): string {
  if (value === undefined || value === null) return String(value);
  switch (typeof value) {
    case "string":
      if (options.secret) return value === "" ? "an empty string" : `a string of ${value.length} characters`;
      // A private key in the wrong field: even its first 40 characters are most of the key.
      if (PRIVATE_KEY_SHAPE.test(value.trim())) return "64 hex digits (not shown: it may be a private key)";
      return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
    case "bigint":
      return `${value}n`;
    case "number":
    case "boolean":
      return String(value);
    case "function":
      return "a function";
    case "symbol":
      return "a symbol";
  }
  if (Array.isArray(value)) return `an array of ${value.length} item${value.length === 1 ? "" : "s"}`;
  const kind = (value as object).constructor?.name;
  return kind && kind !== "Object" ? `a ${kind}` : "an object";
}

/**
 * Checks that `value` is a plain object (not null, not an array) and returns it.
 * @example const p = checkObject(parameters, "parameters");
 */
export function checkObject<T>(value: T, name: string): T & object {
  assertArgument(typeof value === "object" && value !== null && !Array.isArray(value), name, "an object", value);
  return value as T & object;
}

/**
 * Checks that `value` is a string that is not empty (nor only spaces) and returns it.
 * @example const path = checkString(parameters.path, "parameters.path");
 */
export function checkString(value: unknown, name: string, options: ShowOptions = {}): string {
  assertArgument(typeof value === "string" && value.trim() !== "", name, "a non-empty string", value, options);
  return value;
}

/**
 * Checks an address: `0x` and 40 hex digits, with a correct EIP-55 checksum when mixed-case (ENS names are
 * not resolved by the SDK). Returns it checksummed.
 * @example checkAddress("0x5fbdb2315678afecb367f032d93f642f64180aa3", "parameters.address") // "0x5FbDB…"
 */
export function checkAddress(value: unknown, name: string): string {
  const read = readAddress(value);
  if (read.ok) return read.address;
  if (read.problem === "format") throw invalidArgument(name, "an address (0x and 40 hex digits)", value);
  throw invalidArgument(name, "an address with a valid EIP-55 checksum (or all one case)", value);
}

/**
 * Checks `0x`-prefixed hex of whole bytes (`bytes` of them, when given) and returns it.
 * @example checkHex(data, "parameters.data"); checkHex(hash, "hash", { bytes: 32 });
 */
export function checkHex(value: unknown, name: string, options: { bytes?: number } = {}): string {
  const what = options.bytes === undefined ? "0x-prefixed hex bytes" : `${options.bytes} bytes of 0x-prefixed hex`;
  const ok =
    typeof value === "string" &&
    /^0x([0-9a-fA-F]{2})*$/.test(value) &&
    (options.bytes === undefined || value.length === 2 + 2 * options.bytes);
  assertArgument(ok, name, what, value);
  return value as string;
}

/**
 * Checks a whole number from `min` to `Number.MAX_SAFE_INTEGER` and returns it.
 * @example const nonce = checkInteger(parameters.nonce, "parameters.nonce");
 */
export function checkInteger(value: unknown, name: string, min = 0): number {
  assertArgument(typeof value === "number" && Number.isSafeInteger(value) && value >= min, name, `a whole number ≥ ${min}`, value);
  return value;
}

/**
 * Checks an amount of wei, gas or a fee: a bigint ≥ 0, or a safe whole number ≥ 0. Returns it as a bigint.
 * @example const value = checkQuantity(parameters.value, "parameters.value");
 */
export function checkQuantity(value: unknown, name: string): bigint {
  return checkWholeBigint(value, name, "a bigint ≥ 0");
}

/**
 * Checks a duration in milliseconds: a finite number above 0 (every wait has a bound). Returns it.
 * @example const timeoutMs = checkDuration(parameters.timeoutMs ?? DEFAULT_TIMEOUT_MS, "timeoutMs");
 */
export function checkDuration(value: unknown, name: string): number {
  assertArgument(
    typeof value === "number" && Number.isFinite(value) && value > 0,
    name,
    "a positive, finite number of milliseconds",
    value,
  );
  return value;
}

/**
 * Checks a chain id: a bigint ≥ 0, or a safe whole number ≥ 0. Returns it as a bigint.
 * @example const expected = checkChainId(parameters.chainId, "chainId");
 */
export function checkChainId(value: unknown, name: string): bigint {
  return checkWholeBigint(value, name, "a chain id (a bigint or whole number ≥ 0)");
}

// A bigint ≥ 0 or a safe whole number ≥ 0, as a bigint: amounts and chain ids differ only in what the message calls them.
function checkWholeBigint(value: unknown, name: string, expected: string): bigint {
  const ok = (typeof value === "bigint" && value >= 0n) || (typeof value === "number" && Number.isSafeInteger(value) && value >= 0);
  assertArgument(ok, name, expected, value);
  return BigInt(value as bigint | number);
}

/**
 * Checks that an optional value, when given, is a function.
 * @example checkOptionalFunction(parameters.onProgress, "parameters.onProgress");
 */
export function checkOptionalFunction(value: unknown, name: string): void {
  assertArgument(value === undefined || typeof value === "function", name, "a function", value);
}

/**
 * Checks that an optional value, when given, is an `AbortSignal` (anything with `aborted` and `addEventListener`).
 * @example checkOptionalSignal(parameters.signal, "parameters.signal");
 */
export function checkOptionalSignal(value: unknown, name: string): void {
  const ok =
    value === undefined ||
    (typeof value === "object" &&
      value !== null &&
      typeof (value as AbortSignal).aborted === "boolean" &&
      typeof (value as AbortSignal).addEventListener === "function");
  assertArgument(ok, name, "an AbortSignal", value);
}

/**
 * Checks that an optional value, when given, is a boolean.
 * @example checkOptionalBoolean(parameters.force, "parameters.force");
 */
export function checkOptionalBoolean(value: unknown, name: string): void {
  assertArgument(value === undefined || typeof value === "boolean", name, "true or false", value);
}

/**
 * Checks that `value` is a chaincall client (what `connect()` returned): the first argument of the actions.
 * @example checkClient(client);
 */
export function checkClient(value: unknown, name = "client"): void {
  const client = value as { provider?: { send?: unknown; boundary?: unknown }; chainId?: unknown } | null | undefined;
  const ok =
    typeof client === "object" &&
    client !== null &&
    typeof client.provider?.send === "function" &&
    typeof client.provider.boundary === "object" &&
    typeof client.chainId === "bigint";
  assertArgument(ok, name, "a client from connect()", value);
}

/**
 * Checks an ABI and returns it as an ethers `Interface`: an `Interface` (of any ethers v6 copy), an array of
 * JSON fragments or human-readable signatures, or that array as a JSON string. Every fragment must parse:
 * ethers itself would skip a bad one with a console warning, and its events and errors would go undecoded.
 * @example const abi = checkAbi(parameters.abi, "abi");
 */
export function checkAbi(value: unknown, name: string): Interface {
  const what = "an ABI (an Interface, or an array of JSON fragments or signatures)";
  if (typeof value === "object" && value !== null && typeof (value as Interface).formatJson === "function") {
    try {
      return Interface.from(value as Interface);
    } catch (err) {
      throw invalidArgument(name, what, value, {}, err);
    }
  }
  let entries: unknown = value;
  if (typeof value === "string") {
    try {
      entries = JSON.parse(value);
    } catch (err) {
      throw invalidArgument(name, what, value, {}, err);
    }
  }
  assertArgument(Array.isArray(entries), name, what, value);
  const fragments = entries.map((entry, i) => {
    try {
      return Fragment.from(entry as Fragment);
    } catch (err) {
      throw invalidArgument(`${name}[${i}]`, "an ABI fragment (a JSON fragment or a human-readable signature)", entry, {}, err);
    }
  });
  return new Interface(fragments);
}

/**
 * Checks a list of ABIs (see `checkAbi`) and returns them as `Interface`s.
 * @example const interfaces = checkAbis(parameters.abis ?? [], "abis");
 */
export function checkAbis(value: unknown, name: string): Interface[] {
  assertArgument(Array.isArray(value), name, "an array of ABIs", value);
  return value.map((abi, i) => checkAbi(abi, `${name}[${i}]`));
}
