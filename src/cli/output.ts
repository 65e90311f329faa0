import { ChaincallError } from "../errors/ChaincallError.js";
import { cleanMessage } from "../errors/redact.js";

/** Exit codes (SPEC §4). */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/**
 * The one JSON codec of the CLI: bigints as decimal strings, byte arrays as hex, everything else as JSON.
 * @example stringifyJson({ year: 2020n }) // '{"year":"2020"}'
 */
export function stringifyJson(value: unknown, indent?: number): string {
  return JSON.stringify(
    value,
    (_key, v) => {
      if (typeof v === "bigint") return v.toString();
      if (v instanceof Uint8Array) return `0x${Buffer.from(v).toString("hex")}`;
      return v;
    },
    indent,
  );
}

export interface OutputOptions {
  json: boolean;
  quiet: boolean;
  verbose: boolean;
}

/** Where commands print: results on stdout, progress and warnings on stderr. */
export interface Output {
  readonly json: boolean;
  /** Prints result lines (human mode only). */
  lines(lines: readonly string[]): void;
  /** Prints the one JSON document (json mode only). */
  document(value: unknown): void;
  /** A progress note on stderr: only on a terminal, never with --quiet or --json. */
  progress(message: string): void;
  /** A warning on stderr (not with --quiet). */
  warn(message: string): void;
}

/** Creates the output for one command run. */
export function createOutput(options: OutputOptions): Output {
  return {
    json: options.json,
    lines(lines) {
      if (!options.json && lines.length) process.stdout.write(`${lines.join("\n")}\n`);
    },
    document(value) {
      if (options.json) process.stdout.write(`${stringifyJson(value, 2)}\n`);
    },
    progress(message) {
      if (!options.json && !options.quiet && process.stderr.isTTY) process.stderr.write(`${message}\n`);
    },
    warn(message) {
      if (!options.quiet) process.stderr.write(`warning: ${cleanMessage(message)}\n`);
    },
  };
}

/**
 * Thrown by a command that has already printed its failures where they belong (`batch`: one JSON line per
 * failed input line): the CLI prints only the `error:` summary on stderr (no JSON document) and exits
 * with `exitCode`.
 * @example throw new ReportedFailure(1, "2 of 1000 lines failed");
 */
export class ReportedFailure extends Error {
  constructor(
    readonly exitCode: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Prints a failure (one `error:` line, hints, and with --verbose the cause chain), plus the JSON error
 * document with --json, and returns the error's exit code (`ChaincallError.exitCode`): 2 for bad input, 1
 * for everything else.
 */
export function reportError(err: unknown, options: OutputOptions): number {
  if (err instanceof ReportedFailure) {
    process.stderr.write(`error: ${cleanMessage(err.message)}\n`);
    return err.exitCode;
  }
  // Loaded only on failure: error translation pulls in ethers (revert decoding), which commands that
  // succeed without it (help, encode) should not pay for at start-up.
  const { toChaincallError } = require("../errors/toChaincallError") as typeof import("../errors/toChaincallError.js");
  const e = toChaincallError(err);
  const internal = !(err instanceof ChaincallError) && e.code === "RPC_ERROR" && !(err as { code?: unknown })?.code;
  // Redacted again (a secret may have been registered after the error was made), and cut: an error that is
  // not a ChaincallError (a crash's message) was never cleaned.
  const message = cleanMessage(internal ? `internal error: ${e.shortMessage}` : e.shortMessage).replace(/\s*\n\s*/g, " ");
  if (options.json) process.stdout.write(`${stringifyJson({ error: { code: e.code, message } }, 2)}\n`);
  const lines = [`error: ${message}`, ...e.metaMessages.map((line) => cleanMessage(line))];
  if (options.verbose) {
    if (e.details) lines.push(`details: ${cleanMessage(e.details, 2000)}`);
    let cause: unknown = e;
    for (let depth = 0; cause && depth < 8; depth++) {
      const c = cause as { stack?: string; message?: string; cause?: unknown };
      // A cause is the raw error (ethers', a socket's): its stack starts with the node's whole message.
      lines.push(cleanMessage(c.stack ?? String(c.message ?? cause), 4000));
      cause = c.cause;
    }
  } else if (internal) {
    lines.push("hint: run with --verbose for the stack trace");
  }
  process.stderr.write(`${lines.join("\n")}\n`);
  // Declared on the error: 2 for bad input, 1 otherwise (a NOT_FOUND about the chain says 1 itself).
  return e.exitCode;
}
