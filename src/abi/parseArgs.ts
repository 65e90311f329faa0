import type { ConstructorFragment } from "ethers";
import { ChaincallError } from "../errors/ChaincallError.js";
import { readAddress } from "../utils/address.js";
import { type FunctionFragment, type ParamType, parseUnits } from "./ethersAbi.js";

/**
 * Turns command-line strings into values for a function's (or constructor's) parameters, checked against
 * their ABI types before anything is sent: integers (decimal, hex, `1e18`, `1.5ether`, `10gwei`; range
 * checked), addresses (checksum verified when mixed-case), `true`/`false`, hex bytes (length checked for
 * bytesN), strings, and JSON for arrays and tuples (`[1,2]`, `["0x…",[3,4]]`, or `{"name":…}` for structs;
 * integers in JSON are exact however large, as numbers or as strings).
 * @throws ChaincallError `INVALID_ARGUMENT` naming the argument, the expected type and the signature
 * @example parseArgs(fragment, ["2021"]) // [2021n]
 */
export function parseArgs(fragment: FunctionFragment | ConstructorFragment, raw: readonly unknown[]): unknown[] {
  const signature =
    fragment.type === "constructor"
      ? `constructor(${fragment.inputs.map((p) => p.format("sighash")).join(",")})`
      : fragment.format("sighash");
  if (raw.length !== fragment.inputs.length) {
    const n = fragment.inputs.length;
    throw new ChaincallError("INVALID_ARGUMENT", `${signature} takes ${n} argument${n === 1 ? "" : "s"}, got ${raw.length}`, {
      metaMessages: [`usage: ${describeParams(fragment)}`],
    });
  }
  return fragment.inputs.map((param, i) => {
    try {
      return parseValue(param, raw[i]);
    } catch (err) {
      const why = err instanceof ArgumentProblem ? err.describe() : String((err as Error).message ?? err);
      const label = `argument ${i + 1} (${param.format("full")})`;
      throw new ChaincallError("INVALID_ARGUMENT", `${label} of ${signature}: ${why}`, {
        metaMessages: [`usage: ${describeParams(fragment)}`],
      });
    }
  });
}

/** Parses one value for one ABI parameter; `input` is a CLI string or a value from parsed JSON. */
export function parseValue(param: ParamType, input: unknown): unknown {
  if (param.isArray()) {
    const items = typeof input === "string" ? parseJson(input, param) : input;
    if (!Array.isArray(items)) throw new ArgumentProblem(`expected a JSON array for ${param.format("sighash")}`);
    if (param.arrayLength >= 0 && items.length !== param.arrayLength) {
      throw new ArgumentProblem(`expected ${param.arrayLength} elements for ${param.format("sighash")}, got ${items.length}`);
    }
    return items.map((item, i) => within(`[${i}]`, () => parseValue(param.arrayChildren, item)));
  }
  if (param.isTuple()) {
    const value = typeof input === "string" ? parseJson(input, param) : input;
    const components = param.components;
    if (Array.isArray(value)) {
      if (value.length !== components.length)
        throw new ArgumentProblem(`expected ${components.length} fields for ${param.format("sighash")}, got ${value.length}`);
      return components.map((c, i) => within(`.${c.name || i}`, () => parseValue(c, value[i])));
    }
    if (value && typeof value === "object") {
      const record = value as Record<string, unknown>;
      const unknownKeys = Object.keys(record).filter((k) => !components.some((c) => c.name === k));
      if (unknownKeys.length) throw new ArgumentProblem(`unknown field "${unknownKeys[0]}" for ${param.format("full")}`);
      return components.map((c) => {
        if (!(c.name in record)) throw new ArgumentProblem(`missing field "${c.name}" for ${param.format("full")}`);
        return within(`.${c.name}`, () => parseValue(c, record[c.name]));
      });
    }
    throw new ArgumentProblem(`expected a JSON array or object for ${param.format("sighash")}`);
  }
  return parseScalar(param, input);
}

function parseScalar(param: ParamType, input: unknown): unknown {
  const type = param.baseType;
  if (type === "string") {
    if (typeof input !== "string") throw new ArgumentProblem(`expected a string, got ${show(input)}`);
    return input;
  }
  if (type === "bool") {
    if (input === true || input === "true") return true;
    if (input === false || input === "false") return false;
    throw new ArgumentProblem(`expected true or false, got ${show(input)}`);
  }
  if (type === "address") {
    const read = readAddress(input);
    if (read.ok) return read.address;
    if (read.problem === "format") throw new ArgumentProblem(`expected a 0x address of 40 hex digits, got ${show(input)}`);
    throw new ArgumentProblem(`bad address checksum in ${input as string} (expected ${read.expected})`);
  }
  if (type.startsWith("bytes")) {
    if (typeof input !== "string" || !/^0x([0-9a-fA-F]{2})*$/.test(input))
      throw new ArgumentProblem(`expected 0x-prefixed hex bytes, got ${show(input)}`);
    const size = type === "bytes" ? undefined : Number(type.slice(5));
    const length = (input.length - 2) / 2;
    if (size !== undefined && length !== size) throw new ArgumentProblem(`expected exactly ${size} bytes, got ${length}`);
    return input.toLowerCase();
  }
  const int = /^(u?)int(\d*)$/.exec(type);
  if (int) return parseInteger(input, int[1] === "", Number(int[2] || 256));
  throw new ArgumentProblem(`unsupported type ${param.type}`);
}

const UNITS: Record<string, number> = { wei: 0, gwei: 9, ether: 18, eth: 18 };

/**
 * Parses an integer from decimal, hex (`0x…`, `-0x…` for signed), scientific (`1e18`) or unit (`1.5ether`,
 * `10gwei`) notation, and checks it fits the N-bit type.
 */
export function parseInteger(input: unknown, signed: boolean, bits: number): bigint {
  let value: bigint;
  if (input instanceof JsonNumber) {
    value = parseIntegerText(input.text);
  } else if (typeof input === "number") {
    if (!Number.isSafeInteger(input)) throw new ArgumentProblem(`${input} is not an exact integer; write large numbers as strings in JSON`);
    value = BigInt(input);
  } else if (typeof input === "string") {
    value = parseIntegerText(input.trim());
  } else {
    throw new ArgumentProblem(`expected an integer, got ${show(input)}`);
  }
  const max = signed ? (1n << BigInt(bits - 1)) - 1n : (1n << BigInt(bits)) - 1n;
  const min = signed ? -(1n << BigInt(bits - 1)) : 0n;
  if (value < min || value > max) {
    throw new ArgumentProblem(`${value} is out of range for ${signed ? "int" : "uint"}${bits} (${min} to ${max})`);
  }
  return value;
}

function parseIntegerText(text: string): bigint {
  if (/^-?\d+$/.test(text)) return BigInt(text);
  if (/^-?0x[0-9a-fA-F]+$/.test(text)) return text.startsWith("-") ? -BigInt(text.slice(1)) : BigInt(text);
  const unit = /^(-?\d+(?:\.\d+)?)\s*(wei|gwei|ether|eth)$/i.exec(text);
  if (unit) return exactUnits(unit[1], UNITS[unit[2].toLowerCase()], text);
  const sci = /^(-?\d+(?:\.\d+)?)e(\d+)$/i.exec(text);
  if (sci) return exactUnits(sci[1], Number(sci[2]), text);
  throw new ArgumentProblem(`${show(text)} is not an integer (decimal, 0x hex, 1e18, 1.5ether or 10gwei)`);
}

// No integer type holds more than 78 decimal digits: a larger exponent is refused before 10^exponent is built.
const MAX_EXPONENT = 80;

function exactUnits(amount: string, decimals: number, text: string): bigint {
  const fraction = amount.split(".")[1] ?? "";
  if (fraction.replace(/0+$/, "").length > decimals) throw new ArgumentProblem(`${show(text)} is not a whole number of wei`);
  if (/^-?[0.]+$/.test(amount)) return 0n;
  if (!(decimals <= MAX_EXPONENT)) throw new ArgumentProblem(`${show(text)} is too large for any integer type (at most 2^256)`);
  return parseUnits(amount, decimals);
}

/** The parameter list with types and names, e.g. `setYear(uint256 newYear)`. */
function describeParams(fragment: FunctionFragment | ConstructorFragment): string {
  const name = fragment.type === "constructor" ? "constructor" : (fragment as FunctionFragment).name;
  return `${name}(${fragment.inputs.map((p) => p.format("full")).join(", ")})`;
}

// A problem with one value; `path` says where inside an array or struct it sits (`[1].amount`).
class ArgumentProblem extends Error {
  constructor(
    message: string,
    readonly path = "",
  ) {
    super(message);
  }
  describe(): string {
    return this.path ? `at ${this.path}: ${this.message}` : this.message;
  }
}

function within<T>(where: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof ArgumentProblem) throw new ArgumentProblem(err.message, where + err.path);
    throw err;
  }
}

function parseJson(text: string, param: ParamType): unknown {
  try {
    return parseJsonExact(text);
  } catch {
    // cast writes tuples as (1,"a"); JSON has no parentheses.
    const castStyle = /^\s*[[(]*\(/.test(text) ? " (tuples are JSON arrays here, not (…))" : "";
    throw new ArgumentProblem(`expected JSON for ${param.format("sighash")}, e.g. ${example(param)}; got ${show(text)}${castStyle}`);
  }
}

/** A number as written in JSON, kept as text so that integers beyond 2^53 lose nothing. */
class JsonNumber {
  constructor(readonly text: string) {}
  toJSON(): string {
    return this.text;
  }
}

const JSON_NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const JSON_STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;
const JSON_SPACE = /[ \t\n\r]*/y;

/**
 * JSON.parse, except that numbers come back as `JsonNumber` (their exact text): `[123456789012345678901]`
 * means that integer, not the nearest double.
 */
function parseJsonExact(text: string): unknown {
  let at = 0;
  const fail = (): never => {
    throw new SyntaxError(`bad JSON at position ${at}`);
  };
  const token = (re: RegExp): string | undefined => {
    re.lastIndex = at;
    const m = re.exec(text);
    if (m) at = re.lastIndex;
    return m?.[0];
  };
  const next = (): string => {
    token(JSON_SPACE);
    return text[at];
  };
  const expect = (char: string): void => {
    if (next() !== char) fail();
    at++;
  };
  // Items of an array or members of an object, up to the closing bracket.
  const list = (close: string, item: () => void): void => {
    if (next() === close) {
      at++;
      return;
    }
    for (;;) {
      item();
      if (next() !== ",") {
        expect(close);
        return;
      }
      at++;
    }
  };
  const value = (depth: number): unknown => {
    if (depth > 64) fail();
    const c = next();
    if (c === "[") {
      at++;
      const items: unknown[] = [];
      list("]", () => items.push(value(depth + 1)));
      return items;
    }
    if (c === "{") {
      at++;
      const record: Record<string, unknown> = Object.create(null);
      list("}", () => {
        next();
        const key = JSON.parse(token(JSON_STRING) ?? fail()) as string;
        expect(":");
        record[key] = value(depth + 1);
      });
      return record;
    }
    if (c === '"') return JSON.parse(token(JSON_STRING) ?? fail());
    for (const [word, literal] of [
      ["true", true],
      ["false", false],
      ["null", null],
    ] as const) {
      if (text.startsWith(word, at)) {
        at += word.length;
        return literal;
      }
    }
    return new JsonNumber(token(JSON_NUMBER) ?? fail());
  };
  const result = value(0);
  if (next() !== undefined) fail();
  return result;
}

function example(param: ParamType): string {
  if (param.isArray()) return `[${example(param.arrayChildren)}]`;
  if (param.isTuple()) return `[${param.components.map(example).join(",")}]`;
  if (param.baseType === "address") return '"0x…"';
  if (param.baseType === "bool") return "true";
  if (param.baseType.startsWith("bytes")) return '"0x…"';
  if (param.baseType === "string") return '"…"';
  return "1";
}

function show(value: unknown): string {
  let text: string;
  try {
    text = value instanceof JsonNumber ? value.text : (JSON.stringify(value) ?? String(value));
  } catch {
    // A value nested thousands deep (from a batch line's JSON) overflows JSON.stringify's stack.
    text = Array.isArray(value) ? "a deeply nested array" : "a deeply nested value";
  }
  return text.length > 80 ? `${text.slice(0, 77)}…` : text;
}
