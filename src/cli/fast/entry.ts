import { join } from "node:path";
import { tryFastPath } from "./fastPath.js";

// The entry of the CLI bundle (dist/bundle/cli.js, made by scripts/bundleCli.cjs): the fast path first, then
// the full CLI — dist/src/cli/main.js, required from the installed package at run time, never bundled (it
// loads yargs, ethers and the commands as they are installed).

/** Where the full CLI is, from the bundle's folder. */
const FULL_CLI = join("..", "src", "cli", "main.js");

/**
 * Runs the CLI on `args` as a process: the fast path when it takes the command line, else the full CLI.
 * @example run(process.argv.slice(2));
 */
export function run(args: string[]): void {
  tryFastPath(args).then((code) => {
    if (code !== undefined) {
      process.exitCode = code;
      return;
    }
    const full = require(join(__dirname, FULL_CLI)) as typeof import("../main.js");
    full.runAsProcess(args);
  });
}
