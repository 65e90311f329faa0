import { DEFAULT_RPC_URL } from "../../client/parseRpcUrl.js";
import { readTimeoutSeconds } from "../options.js";
/** The commands the fast path runs (src/cli/fast/fastCommands.ts). */
export const FAST_COMMANDS = ["call", "chain-id", "block-number", "balance"] as const;
export type FastCommand = (typeof FAST_COMMANDS)[number];

/** A command line of a shape the fast path runs: the command, its positionals, and the global options it takes. */
export interface FastLine {
  command: FastCommand;
  positionals: string[];
  /** One http(s) node without credentials. */
  rpcUrl: string;
  json: boolean;
  /** `balance -e/--ether`. */
  ether: boolean;
  timeoutMs: number;
}

// Options that take no value and change nothing the fast path prints on success.
const FLAGS = new Set(["--json", "-q", "--quiet", "-v", "--verbose"]);

/**
 * Reads `<command> [positionals…]` for a fast command with only `-r/--rpc-url <url>` (once, one http(s) node,
 * no credentials), `--timeout <seconds>`, `--json`, `-q/--quiet`, `-v/--verbose` (and balance's
 * `-e/--ether`), in any order. Anything
 * else — another command, option or form (`--x=y`, `-qv`, `--`, a negative number, a word yargs would read
 * as a boolean), ETH_CHAIN_ID, a node list — is `undefined`: the full CLI's. The positionals are the
 * command's to check.
 * @example readFastLine(["call", "0x5FbDB2315678afecb367f032d93F642f64180aa3", "getYear()(uint256)", "--json"], {})
 */
export function readFastLine(args: readonly string[], env: NodeJS.ProcessEnv): FastLine | undefined {
  const command = FAST_COMMANDS.find((name) => name === args[0]);
  if (command === undefined) return undefined;
  const positionals: string[] = [];
  let rpcUrl: string | undefined;
  let timeoutText: string | undefined;
  let json = false;
  let ether = false;
  for (let i = 1; i < args.length; i++) {
    const arg = args[i];
    if (FLAGS.has(arg)) {
      if (arg === "--json") json = true;
      continue;
    }
    if (command === "balance" && (arg === "-e" || arg === "--ether")) {
      ether = true;
      continue;
    }
    if (arg === "-r" || arg === "--rpc-url" || arg === "--timeout") {
      const value = args[++i];
      if (value === undefined || value.startsWith("-")) return undefined;
      if (arg === "--timeout") {
        if (timeoutText !== undefined) return undefined;
        timeoutText = value;
      } else {
        if (rpcUrl !== undefined) return undefined;
        rpcUrl = value;
      }
      continue;
    }
    // Every other option, and what yargs would not keep as a plain string positional.
    if (arg.startsWith("-") || arg === "" || arg === "true" || arg === "false") return undefined;
    positionals.push(arg);
  }
  if (env.ETH_CHAIN_ID) return undefined;
  const url = (rpcUrl ?? (env.ETH_RPC_URL || DEFAULT_RPC_URL)).trim();
  const timeoutSeconds = readTimeoutSeconds(timeoutText ?? env.ETH_TIMEOUT);
  if (!isPlainHttpUrl(url) || timeoutSeconds === undefined) return undefined;
  return { command, positionals, rpcUrl: url, json, ether, timeoutMs: Math.round(timeoutSeconds * 1000) };
}

// One http(s) URL (no list: no comma), without user:pass@ (the full path sends those as Basic auth).
function isPlainHttpUrl(text: string): boolean {
  if (!/^https?:\/\/[^\s,@]+$/.test(text)) return false;
  try {
    const url = new URL(text);
    return url.username === "" && url.password === "";
  } catch {
    return false;
  }
}
