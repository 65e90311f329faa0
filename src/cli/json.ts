// The CLI's JSON codec, in a module of its own: the fast path prints with it too, without the rest of output.ts.

/**
 * The one JSON codec of the CLI: bigints as decimal strings, byte arrays as hex, everything else as JSON.
 * @example stringifyJson({ year: 2020n }) // '{"year":"2020"}'
 */
export function stringifyJson(value: unknown, indent?: number): string {
  const text = JSON.stringify(
    value,
    (_key, v) => {
      if (typeof v === "bigint") return v.toString();
      if (v instanceof Uint8Array) return `0x${Buffer.from(v).toString("hex")}`;
      return v;
    },
    indent,
  );
  // JSON.stringify escapes C0 controls only: DEL and the C1 controls (U+009B is a terminal's CSI) and the
  // line/paragraph separators pass raw, so a string from a node (a revert reason) could still drive a
  // terminal. The same JSON, with those escaped too.
  return text?.replace(/[\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
