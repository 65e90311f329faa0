import { type ParamType, Result } from "./ethersAbi.js";

/** A JSON-safe value: bigints become decimal strings, structs with named fields become objects. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/**
 * Converts a decoded ABI value to JSON-safe form: integers as decimal strings (no precision loss),
 * addresses checksummed (as ethers decodes them), bytes as lowercase hex, arrays as arrays, and tuples
 * as objects when every field is named (arrays otherwise).
 * @example toJsonValue(2020n, ParamType.from("uint256")) // "2020"
 */
export function toJsonValue(value: unknown, param?: ParamType): JsonValue {
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "string" || typeof value === "boolean" || value === null) return value;
  if (typeof value === "number") return value;
  if (value instanceof Uint8Array) return `0x${Buffer.from(value).toString("hex")}`;
  if (Array.isArray(value) || value instanceof Result) {
    const items = [...(value as unknown[])];
    if (param?.isTuple()) {
      const components = param.components;
      const named = components.length > 0 && components.every((c) => c.name);
      if (named) return Object.fromEntries(components.map((c, i) => [c.name, toJsonValue(items[i], c)]));
      return items.map((item, i) => toJsonValue(item, components[i]));
    }
    const child = param?.isArray() ? param.arrayChildren : undefined;
    return items.map((item) => toJsonValue(item, child));
  }
  if (value === undefined) return null;
  return String(value);
}

/**
 * The human form of a decoded value, as one line: numbers in decimal, strings as they are (JSON-quoted
 * when they hold a line break or another control character, so that one value stays one line), and
 * arrays and structs as compact JSON.
 * @example formatValue(2020n) // "2020"
 */
export function formatValue(value: unknown, param?: ParamType): string {
  const json = toJsonValue(value, param);
  if (typeof json !== "string") return JSON.stringify(json);
  return /[\u0000-\u001f]/.test(json) ? JSON.stringify(json) : json;
}

/**
 * Decoded values by parameter name (the position, as a string, for an unnamed one), each JSON-safe: the
 * `args` of a decoded event, call or error as the CLI prints them.
 * @example namedArgs(fragment.inputs, [2020n, 2021n]) // { previous: "2020", current: "2021" }
 */
export function namedArgs(params: readonly ParamType[], values: ArrayLike<unknown>): Record<string, JsonValue> {
  const args: Record<string, JsonValue> = {};
  for (const [i, param] of params.entries()) args[param.name || String(i)] = toJsonValue(values[i], param);
  return args;
}

/**
 * The one named-args line: `YearChanged(previous=2020, current=2021, by=0xf39F…)`, as events, decoded calls
 * and results print; strings as they are unless they hold control characters (then JSON-quoted, so a line
 * stays one line), everything else as compact JSON.
 * @example formatNamedArgs("YearChanged", { previous: "2020", current: "2021" }) // "YearChanged(previous=2020, current=2021)"
 */
export function formatNamedArgs(name: string, args: Record<string, unknown>): string {
  const shown = Object.entries(args).map(
    ([key, value]) => `${key}=${typeof value === "string" && !/[\u0000-\u001f]/.test(value) ? value : JSON.stringify(value)}`,
  );
  return `${name}(${shown.join(", ")})`;
}
