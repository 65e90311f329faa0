// What the demo uses from the SDK, in one place (the demo imports the SDK as a user would import "chaincall").
export { type Client, connect, installMulticall3, MULTICALL3_ADDRESS, recordDeployment, type SignerOptions } from "../../src";

import { reportError } from "../../src/cli/output";

/** Prints a demo failure the way the CLI does (one `error:` line, secrets hidden) and returns the exit code. */
export function reportDemoError(err: unknown): number {
  return reportError(err, { json: false, quiet: false, verbose: Boolean(process.env.DEBUG) });
}
