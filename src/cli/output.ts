import { ChaincallError } from "../errors/ChaincallError.js";
import { cleanMessage } from "../errors/redact.js";
import { errorJson } from "./errorJson.js";
import { stringifyJson } from "./json.js";

export { stringifyJson };

/** The exit code of a runtime failure (SPEC §4); bad input is 2, declared on each error (`ChaincallError.exitCode`). */
export const EXIT_FAILURE = 1;

export interface OutputOptions {
  json: boolean;
  quiet: boolean;
  verbose: boolean;
  /** Where the text goes. Default the process's stdout and stderr. */
  streams?: OutputStreams;
}

/** Where the CLI writes: the process's streams, or what a test passes to `main(args, { streams })` to capture. */
export interface OutputStreams {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Whether stderr is a terminal (progress notes are printed only there). */
  readonly stderrIsTTY: boolean;
}

let stdoutClosed = false;
/**
 * The process's stdout and stderr. `chaincall batch … | head -3`: once stdout's reader is gone, the rest of
 * the run still happens (sends are not cut off half-way), its output is dropped, and no EPIPE stack trace
 * is printed.
 */
const processStreams: OutputStreams = {
  stdout(text) {
    if (stdoutClosed) return;
    if (process.stdout.listenerCount("error") === 0) {
      process.stdout.on("error", (err: NodeJS.ErrnoException) => {
        if (err.code !== "EPIPE") throw err;
        stdoutClosed = true;
      });
    }
    process.stdout.write(text);
  },
  stderr(text) {
    process.stderr.write(text);
  },
  get stderrIsTTY() {
    return Boolean(process.stderr.isTTY);
  },
};

/**
 * Streams that keep what is written, for running commands in-process in tests.
 * @example const streams = captureStreams(); await main(["accounts"], { streams }); streams.stdoutText()
 */
export function captureStreams(): OutputStreams & { stdoutText(): string; stderrText(): string } {
  let out = "";
  let err = "";
  return {
    stdout: (text) => {
      out += text;
    },
    stderr: (text) => {
      err += text;
    },
    stderrIsTTY: false,
    stdoutText: () => out,
    stderrText: () => err,
  };
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
  /** A note about the result on stderr (not with --quiet or --json). */
  note(message: string): void;
  /** Writes text as it is on stdout, whatever the mode (batch's JSON lines). */
  write(text: string): void;
}

/** Creates the output for one command run. */
export function createOutput(options: OutputOptions): Output {
  const streams = options.streams ?? processStreams;
  return {
    json: options.json,
    lines(lines) {
      if (!options.json && lines.length) streams.stdout(`${lines.join("\n")}\n`);
    },
    document(value) {
      if (options.json) streams.stdout(`${stringifyJson(value, 2)}\n`);
    },
    progress(message) {
      if (!options.json && !options.quiet && streams.stderrIsTTY) streams.stderr(`${message}\n`);
    },
    warn(message) {
      if (!options.quiet) streams.stderr(`warning: ${cleanMessage(message)}\n`);
    },
    note(message) {
      if (!options.json && !options.quiet) streams.stderr(`note: ${message}\n`);
    },
    write(text) {
      streams.stdout(text);
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
  const streams = options.streams ?? processStreams;
  if (err instanceof ReportedFailure) {
    streams.stderr(`error: ${cleanMessage(err.message)}\n`);
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
  if (options.json) streams.stdout(`${stringifyJson({ error: errorJson(e, message) }, 2)}\n`);
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
  streams.stderr(`${lines.join("\n")}\n`);
  // Declared on the error: 2 for bad input, 1 otherwise (a NOT_FOUND about the chain says 1 itself).
  return e.exitCode;
}
