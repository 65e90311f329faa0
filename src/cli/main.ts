#!/usr/bin/env node
import yargs from "yargs";
import { callCommand } from "./commands/call";
import { deployCommand } from "./commands/deploy";
import { genCommand } from "./commands/gen";
import { sendCommand } from "./commands/send";
import { globalOptions } from "./options";
import { EXIT_USAGE, reportError } from "./output";

/**
 * Runs the CLI on `argv` and resolves to the exit code. Heavy modules (ethers, TypeChain) load only inside
 * the command that needs them, so start-up stays close to Node's own.
 * @example process.exitCode = await main(process.argv.slice(2));
 */
export async function main(args: string[]): Promise<number> {
  const flags = { json: args.includes("--json"), quiet: args.includes("-q") || args.includes("--quiet"), verbose: args.includes("-v") || args.includes("--verbose") };
  let usageError: string | undefined;
  const parser = yargs(args)
    .scriptName("chaincall")
    .usage("$0 <command> [options]\n\nCall, send to and deploy Ethereum contracts, with typed bindings generated from the same ABIs.")
    // Arguments stay strings: "0x…" and 78-digit integers must reach the ABI parser untouched.
    .parserConfiguration({ "parse-numbers": false, "parse-positional-numbers": false, "dot-notation": false, "duplicate-arguments-array": false })
    .options(globalOptions)
    .group(Object.keys(globalOptions), "Global options:")
    .command(callCommand)
    .command(sendCommand)
    .command(deployCommand)
    .command(genCommand)
    .demandCommand(1, "a command is required")
    .recommendCommands()
    .strict()
    .help()
    .alias("h", "help")
    .version()
    .wrap(Math.min(110, process.stdout.columns || 100))
    .fail((message, err) => {
      if (err) throw err;
      usageError = message;
    })
    .epilogue("Exit codes: 0 success, 1 runtime failure (RPC, revert, timeout, chain mismatch), 2 bad input.\nDocs: README.md");
  try {
    await parser.parseAsync();
  } catch (err) {
    return reportError(err, flags);
  }
  if (usageError !== undefined) {
    process.stderr.write(`error: ${usageError}\nhint: chaincall --help\n`);
    if (flags.json) process.stdout.write(`${JSON.stringify({ error: { code: "INVALID_ARGUMENT", message: usageError } }, null, 2)}\n`);
    return EXIT_USAGE;
  }
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
