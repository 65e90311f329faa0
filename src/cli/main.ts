#!/usr/bin/env node
// "yargs/yargs", not "yargs": the package root builds a process-wide singleton parser on load, unused here.
import { statSync } from "node:fs";
import yargs from "yargs/yargs";
import { ChaincallError } from "../errors/ChaincallError.js";
import { setErrorListener } from "../errors/errorListener.js";
import { abiCommands } from "./commands/abiCommands.js";
import { batchCommands } from "./commands/batchCommands.js";
import { callCommand } from "./commands/call.js";
import { chainCommands } from "./commands/chainCommands.js";
import { deployCommand } from "./commands/deploy.js";
import { genCommand } from "./commands/gen.js";
import { journalCommand } from "./commands/journal.js";
import { sendCommand } from "./commands/send.js";
import { appendErrorLog } from "./errorLog.js";
import { globalOptions, registerArgvSecrets, STREAMS_KEY } from "./options.js";
import { type OutputStreams, reportError } from "./output.js";
import { closestName } from "./suggest.js";

const COMMANDS = [callCommand, sendCommand, deployCommand, genCommand, ...abiCommands, ...chainCommands, ...batchCommands, journalCommand];

/** Options of `main`. */
export interface MainOptions {
  /** Where commands print (default the process's stdout and stderr): tests pass `captureStreams()` to run commands in-process. */
  streams?: OutputStreams;
}

/**
 * Runs the CLI on `args` and resolves to the exit code. Heavy modules (ethers, TypeChain) load only inside
 * the command that needs them, so start-up stays close to Node's own. yargs' own `--help` and `--version`
 * text goes to the process's stdout whatever `streams` is.
 * @example process.exitCode = await main(process.argv.slice(2));
 * @example const streams = captureStreams(); const code = await main(["block-number", "-r", url], { streams });
 */
export async function main(args: string[], options: MainOptions = {}): Promise<number> {
  const flags = {
    streams: options.streams,
    json: args.includes("--json"),
    quiet: args.includes("-q") || args.includes("--quiet"),
    verbose: args.includes("-v") || args.includes("--verbose"),
  };
  // Secrets are known before anything can echo them: a key pasted into the wrong flag must not be printed.
  registerArgvSecrets(args);
  try {
    checkCommandName(args);
    const parser = yargs();
    await parser
      .scriptName("chaincall")
      .usage("$0 <command> [options]\n\nCall, send to and deploy Ethereum contracts, with typed bindings generated from the same ABIs.")
      // Arguments stay strings: "0x…" and 78-digit integers must reach the ABI parser untouched.
      .parserConfiguration({ "parse-numbers": false, "parse-positional-numbers": false, "dot-notation": false, "populate--": true })
      .options(globalOptions)
      .middleware(normalizeArgv, true)
      .middleware(checkPathOptions)
      .group(Object.keys(globalOptions), "Global options:")
      .command(COMMANDS)
      .demandCommand(1, "a command is required")
      .strict()
      .help()
      .alias("h", "help")
      .version()
      .wrap(Math.min(110, process.stdout.columns || 100))
      // Throwing (not returning) stops yargs: a command whose flags failed validation must never run.
      .fail((message, err) => {
        if (err) throw err;
        const hint = `hint: chaincall ${commandOf(args)?.name ?? "<command>"} --help`;
        const suggestion = suggestOption(message, parser);
        throw new ChaincallError("INVALID_ARGUMENT", cleanUsageMessage(message, args), {
          metaMessages: suggestion ? [suggestion, hint] : [hint],
        });
      })
      .epilogue("Exit codes: 0 success, 1 runtime failure (RPC, revert, timeout, chain mismatch), 2 bad input.\nDocs: README.md")
      // The streams travel in the parse context under a symbol: no option, and invisible to strict mode.
      .parseAsync(args.map(maskNegative), { [STREAMS_KEY]: options.streams });
    return 0;
  } catch (err) {
    return reportError(err, flags);
  }
}

// Variadic positionals need yargs' duplicate-arguments-array, which also turns a repeated option into an
// array: like cast, a repeated single-value option takes its last value — but a repeated -r lists the
// nodes to fail over between.
const VARIADIC = new Set(["args", "inputs", "_", "--", "rpc-url", "rpcUrl", "r"]);
function normalizeArgv(argv: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(argv)) {
    const restored = Array.isArray(value) ? value.map(unmaskNegative) : unmaskNegative(value);
    argv[key] = !VARIADIC.has(key) && Array.isArray(restored) ? restored[restored.length - 1] : restored;
  }
}

// Folders given as files and files given as folders are bad input, said in one line before any command
// runs (not a raw ENOTDIR or EISDIR from deep inside one, after connecting).
const PATH_OPTIONS: [option: string, kind: "folder" | "file"][] = [
  ["abi-dir", "folder"],
  ["deployments", "folder"],
  ["journal", "file"],
];
function checkPathOptions(argv: Record<string, unknown>): void {
  for (const [option, kind] of PATH_OPTIONS) {
    const value = argv[option];
    if (typeof value !== "string" || value === "") continue;
    let isDirectory: boolean | undefined;
    try {
      isDirectory = statSync(value, { throwIfNoEntry: false })?.isDirectory();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOTDIR") {
        throw new ChaincallError("INVALID_ARGUMENT", `--${option} ${value}: part of that path is a file, not a folder`);
      }
      continue; // unreadable: the command says so in its own words
    }
    if (isDirectory === undefined) continue; // not there yet: commands create or report it
    if (kind === "folder" && !isDirectory)
      throw new ChaincallError("INVALID_ARGUMENT", `--${option} ${value} is a file; expected a folder`);
    if (kind === "file" && isDirectory)
      throw new ChaincallError(
        "INVALID_ARGUMENT",
        `--${option} ${value} is a folder; expected a file (e.g. ${value.replace(/\/+$/, "")}/journal.jsonl)`,
      );
  }
}

// "-0x10", "-1.5ether", "-5": negative values, never options (no option is a digit), but yargs would read
// "-0x10" as the flags -0 and -x. They pass through yargs masked and are restored before any command sees them.
const MASK = "\u0000";
function maskNegative(arg: string): string {
  return /^-\d/.test(arg) ? MASK + arg : arg;
}
function unmaskNegative(value: unknown): unknown {
  return typeof value === "string" && value.startsWith(MASK) ? value.slice(MASK.length) : value;
}

// yargs reports an unknown command as "Unknown argument": say what it is, and list the real ones.
function checkCommandName(args: string[]): void {
  const first = args.find((a) => !a.startsWith("-"));
  if (first === undefined || args.indexOf(first) !== 0) return;
  const names = COMMANDS.map((c) => String(c.command).split(" ")[0]);
  if (!names.includes(first) && first !== "help") {
    const closest = closestName(first, names);
    const hints = [closest ? `hint: did you mean "${closest}"?` : "", `hint: commands: ${names.join(", ")}`].filter(Boolean);
    throw new ChaincallError("INVALID_ARGUMENT", `unknown command "${first}"`, { metaMessages: hints });
  }
}

// "Unknown arguments: bogus-flag, bogusFlag" → "unknown option --bogus-flag" (yargs adds the camelCase twin).
// "Not enough non-option arguments: got 1, need at least 2" → "missing <function>: chaincall call <target> <function> [args..]".
function cleanUsageMessage(message: string, args: string[]): string {
  const missing = /^Not enough non-option arguments: got (\d+), need at least \d+$/.exec(message);
  const command = commandOf(args);
  if (missing && command) {
    const required = command.usage.match(/<[^>]+>/g) ?? [];
    const absent = required.slice(Number(missing[1]));
    if (absent.length > 0) return `missing ${absent.join(" ")}: chaincall ${command.usage}`;
  }
  return cleanUnknownOptions(message);
}

// The command a command line runs, with its usage ("receipt <hash>").
function commandOf(args: string[]): { name: string; usage: string } | undefined {
  const first = args.find((a) => !a.startsWith("-"));
  const usage = COMMANDS.map((c) => String(c.command)).find((u) => u.split(" ")[0] === first);
  return usage ? { name: first!, usage } : undefined;
}

// "did you mean --rpc-url?" for the first unknown option that is close to a known one of this command.
function suggestOption(message: string, parser: unknown): string | undefined {
  const unknown = /^Unknown arguments?: (.*)$/.exec(message);
  if (!unknown) return undefined;
  const options = (parser as { getOptions?: () => { key?: Record<string, unknown>; alias?: Record<string, string[]> } }).getOptions?.();
  const known = Object.keys(options?.key ?? {}).filter((k) => k.length > 1 && !/[A-Z]/.test(k));
  for (const name of unknown[1].split(", ")) {
    if (name.length < 2 || /[A-Z]/.test(name)) continue;
    const closest = closestName(name, known);
    if (closest) return `hint: did you mean --${closest}?`;
  }
  return undefined;
}

function cleanUnknownOptions(message: string): string {
  const unknown = /^Unknown arguments?: (.*)$/.exec(message);
  if (!unknown) return message;
  const names = unknown[1].split(", ");
  const kept = names.filter(
    (n) =>
      !names.some((other) => other !== n && other.includes("-") && other.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase()) === n),
  );
  return `unknown option${kept.length > 1 ? "s" : ""} ${kept.map((n) => (n.length === 1 ? `-${n}` : `--${n}`)).join(", ")}`;
}

/**
 * Runs the CLI as the process: `main(args)`, its exit code as the process's, and every error appended to
 * CHAINCALL_ERROR_LOG when set. What the bin runs (directly, or after the fast path handed over).
 * @example runAsProcess(process.argv.slice(2));
 */
export function runAsProcess(args: string[]): void {
  // CHAINCALL_ERROR_LOG=<file>: every error this run makes is appended there (an audit trail; off unless set).
  const errorLog = process.env.CHAINCALL_ERROR_LOG;
  if (errorLog) setErrorListener(appendErrorLog(errorLog));
  main(args).then((code) => {
    process.exitCode = code;
  });
}

if (require.main === module) runAsProcess(process.argv.slice(2));
