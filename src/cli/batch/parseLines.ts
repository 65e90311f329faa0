import { parseArgs, parseInteger } from "../../abi/parseArgs.js";
import { ChaincallError } from "../../errors/ChaincallError.js";
import { getOrAdd } from "../../utils/getOrAdd.js";
import type { Globals } from "../options.js";
import { type PreparedTarget, prepareTarget } from "../target.js";

// The fields of one input line.
const FIELDS = ["target", "function", "args", "send", "value", "gasLimit", "force"];

/** One checked input line of `batch`. */
export interface Line {
  line: number;
  target: PreparedTarget;
  /** The target and arguments as written, for the note on a function that returns nothing. */
  targetText: string;
  argsText: string[];
  args: unknown[];
  send: boolean;
  value?: bigint;
  gasLimit?: bigint;
  /** Set once connected (from the line, or the address book). */
  address?: string;
}

/** A line that failed (invalid, unresolved, or at run time), with why. */
export interface Failed {
  line: number;
  error: unknown;
}

/**
 * Checks every non-blank line of a batch, before anything connects: the lines that are fine, and the
 * errors of those that are not (line numbers count blank lines too).
 * @example parseLines('{"target":"CallDemo","function":"getYear"}\n', globals) // { lines: [{ line: 1, … }], invalid: [] }
 */
export function parseLines(text: string, globals: Globals): { lines: Line[]; invalid: Failed[] } {
  // Many lines name the same function: load its ABI and pick the function once.
  const cache = new Map<string, PreparedTarget>();
  const lines: Line[] = [];
  const invalid: Failed[] = [];
  text.split("\n").forEach((raw, i) => {
    if (raw.trim() === "") return;
    try {
      lines.push(parseLine(raw, i + 1, globals, cache));
    } catch (err) {
      invalid.push({ line: i + 1, error: err });
    }
  });
  return { lines, invalid };
}

/** Parses and checks one line: JSON shape, target, function, arguments by their ABI types, value. */
function parseLine(raw: string, number: number, globals: Globals, cache: Map<string, PreparedTarget>): Line {
  const fields = parseFields(raw);
  const { target, function: functionSpec, args = [], send = false, force = false } = fields;
  if (typeof target !== "string" || target === "")
    throw new ChaincallError("INVALID_ARGUMENT", '"target" must be a string: 0x…, a name from the address book, or Name@0x…');
  if (typeof functionSpec !== "string" || functionSpec === "")
    throw new ChaincallError("INVALID_ARGUMENT", '"function" must be a string: a name, name(types), or "name(types)(returns)"');
  if (!Array.isArray(args)) throw new ChaincallError("INVALID_ARGUMENT", '"args" must be a JSON array');
  if (typeof send !== "boolean") throw new ChaincallError("INVALID_ARGUMENT", '"send" must be true or false');
  if (typeof force !== "boolean") throw new ChaincallError("INVALID_ARGUMENT", '"force" must be true or false');
  if (force && !send) throw new ChaincallError("INVALID_ARGUMENT", '"force" needs "send": true');
  if (!send && (fields.value !== undefined || fields.gasLimit !== undefined)) {
    throw new ChaincallError("INVALID_ARGUMENT", `"${fields.value !== undefined ? "value" : "gasLimit"}" needs "send": true`);
  }
  const key = `${target}\u0000${functionSpec}`;
  const prepared = getOrAdd(cache, key, () => prepareTarget(target, functionSpec, globals));
  // JSON values go to the ABI parser as they are (it takes strings, numbers, booleans, arrays and objects):
  // a number beyond 2^53 is refused there rather than silently rounded.
  const values = parseArgs(prepared.fragment, args);
  if (send && prepared.fragment.constant && !force) {
    throw new ChaincallError(
      "INVALID_ARGUMENT",
      `${prepared.fragment.format("sighash")} is ${prepared.fragment.stateMutability}: a transaction would change nothing (leave out "send" to read it, or add "force": true)`,
    );
  }
  const value = parseAmount(fields, "value");
  if (value !== undefined && value > 0n && !prepared.fragment.payable) {
    throw new ChaincallError("INVALID_ARGUMENT", `${prepared.fragment.format("sighash")} is not payable: it cannot take a value`);
  }
  const argsText = args.map((a) => (typeof a === "string" ? a : JSON.stringify(a)));
  return {
    line: number,
    target: prepared,
    targetText: target,
    argsText,
    args: values,
    send,
    value,
    gasLimit: parseAmount(fields, "gasLimit"),
  };
}

// A JSON object with known fields only.
function parseFields(raw: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (err) {
    throw new ChaincallError("INVALID_ARGUMENT", `not JSON: ${(err as Error).message}`);
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new ChaincallError("INVALID_ARGUMENT", 'expected a JSON object like {"target":"0x…","function":"name","args":[…]}');
  }
  const fields = parsed as Record<string, unknown>;
  const unknownField = Object.keys(fields).find((k) => !FIELDS.includes(k));
  if (unknownField !== undefined)
    throw new ChaincallError("INVALID_ARGUMENT", `unknown field "${unknownField}" (expected ${FIELDS.join(", ")})`);
  return fields;
}

// "value" or "gasLimit": wei or gas as a number, a decimal string, or with a unit ("1ether").
function parseAmount(fields: Record<string, unknown>, name: "value" | "gasLimit"): bigint | undefined {
  const v = fields[name];
  if (v === undefined) return undefined;
  try {
    return parseInteger(v, false, 256);
  } catch (err) {
    throw new ChaincallError("INVALID_ARGUMENT", `invalid "${name}" ${JSON.stringify(v)}: ${(err as Error).message}`);
  }
}
