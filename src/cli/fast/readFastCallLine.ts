/** A `call` command line of the one shape the fast path runs. */
export interface FastCallLine {
  /** `0x` and 40 hex digits, as typed. */
  target: string;
  /** A cast-style signature, as typed. */
  signature: string;
  args: string[];
  /** One http(s) node without credentials. */
  rpcUrl: string;
  json: boolean;
  timeoutMs: number;
}

const DEFAULT_RPC_URL = "http://127.0.0.1:8545";
const DEFAULT_TIMEOUT_SECONDS = 60;
// Options that take no value and change nothing the fast path prints on success.
const FLAGS = new Set(["--json", "-q", "--quiet", "-v", "--verbose"]);

/**
 * Reads `call <0x address> "name(types)(returns)" [args…]` with only `-r/--rpc-url <url>` (once, one http(s)
 * node, no credentials), `--timeout <seconds>`, `--json`, `-q/--quiet` and `-v/--verbose`, in any order.
 * Anything else — another command, option or form (`--x=y`, `-qv`, `--`, a negative number, a word yargs
 * would read as a boolean), ETH_CHAIN_ID, a node list, a name for a target — is `undefined`: the full CLI's.
 * @example readFastCallLine(["call", "0x5FbDB2315678afecb367f032d93F642f64180aa3", "getYear()(uint256)", "--json"], {})
 */
export function readFastCallLine(args: readonly string[], env: NodeJS.ProcessEnv): FastCallLine | undefined {
  if (args[0] !== "call") return undefined;
  const positionals: string[] = [];
  let rpcUrl: string | undefined;
  let timeoutText: string | undefined;
  let json = false;
  for (let i = 1; i < args.length; i++) {
    const arg = args[i];
    if (FLAGS.has(arg)) {
      if (arg === "--json") json = true;
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
  const [target, signature, ...rest] = positionals;
  if (target === undefined || signature === undefined || !/^0x[0-9a-fA-F]{40}$/.test(target) || !signature.includes("(")) return undefined;
  if (env.ETH_CHAIN_ID) return undefined;
  const url = (rpcUrl ?? (env.ETH_RPC_URL || DEFAULT_RPC_URL)).trim();
  const timeoutMs = readTimeoutMs(timeoutText ?? env.ETH_TIMEOUT);
  if (!isPlainHttpUrl(url) || timeoutMs === undefined) return undefined;
  return { target, signature, args: rest, rpcUrl: url, json, timeoutMs };
}

// As the full CLI reads --timeout and ETH_TIMEOUT; undefined for what it refuses.
function readTimeoutMs(text: string | undefined): number | undefined {
  if (text === undefined || text === "") return DEFAULT_TIMEOUT_SECONDS * 1000;
  const trimmed = text.trim();
  const seconds = /^\d+(\.\d+)?$/.test(trimmed) ? Number(trimmed) : NaN;
  return seconds > 0 && Number.isFinite(seconds) ? Math.round(seconds * 1000) : undefined;
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
