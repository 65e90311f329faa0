// What every benchmark under scripts/bench/ needs: its command line, progress lines, medians.
import { parseArgs } from "node:util";

/** One command-line option of a benchmark: a string (parsed by the caller) or a flag. */
export type BenchOption = { type: "string"; default: string } | { type: "boolean"; default: boolean };

/**
 * Parses a benchmark's command line (`--help` prints `usage` and exits; `--json` is the caller's own option).
 * @throws on an unknown option
 * @example const v = parseBenchOptions(argv, "usage: …", { count: { type: "string", default: "300" } });
 */
export function parseBenchOptions(argv: string[], usage: string, options: Record<string, BenchOption>): Record<string, string | boolean> {
  const { values } = parseArgs({
    args: argv,
    options: { ...options, help: { type: "boolean", short: "h", default: false } },
    strict: true,
  });
  if (values.help) {
    console.log(usage);
    process.exit(0);
  }
  return values as Record<string, string | boolean>;
}

/** `--name`'s value as a positive integer. @throws naming the option when it is not one */
export function positiveInteger(name: string, value: string | boolean): number {
  const n = Number(value);
  if (typeof value !== "string" || !Number.isSafeInteger(n) || n < 1)
    throw new Error(`--${name} must be a positive integer, got ${JSON.stringify(value)}`);
  return n;
}

/** A progress line on stderr, unless the benchmark prints JSON. */
export function progress(options: { json: boolean }, message: string): void {
  if (!options.json) process.stderr.write(`${message}\n`);
}

/** The median of `values` (the mean of the middle two for an even count); undefined for none. */
export function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
