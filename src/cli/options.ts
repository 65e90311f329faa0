import type { Argv, Options } from "yargs";
import { registerUrlSecrets } from "../client/parseRpcUrl.js";
import { ChaincallError } from "../errors/ChaincallError.js";
import { registerSecret } from "../errors/redact.js";
import type { OutputStreams } from "./output.js";

/** Options every command takes (SPEC §4). Env fallbacks are read in `readGlobals`, never shown as defaults in --help, so no secret leaks into help text. */
export const globalOptions: Record<string, Options> = {
  "rpc-url": {
    alias: "r",
    type: "string",
    describe:
      "node: http(s)://, ws(s):// or an IPC path; several nodes of one chain (repeat -r or comma-separate, at most 16) for failover [env ETH_RPC_URL] [default: http://127.0.0.1:8545]",
  },
  "chain-id": { type: "string", describe: "refuse to act on any other chain [env ETH_CHAIN_ID]" },
  "abi-dir": { type: "string", describe: "folder of ABI files (X.abi, X.bin, artifacts) [default: ./abi]" },
  deployments: { type: "string", describe: "address book folder (<chainId>.json) [default: ./deployments]" },
  json: { type: "boolean", describe: "print exactly one JSON document on stdout" },
  timeout: { type: "string", describe: "seconds to wait for the node, a request or a receipt [env ETH_TIMEOUT] [default: 60]" },
  quiet: { alias: "q", type: "boolean", describe: "print only results" },
  verbose: { alias: "v", type: "boolean", describe: "print error causes and stacks (secrets still hidden)" },
};

/** Signer options of send and deploy. */
export const signerOptions: Record<string, Options> = {
  "private-key": {
    type: "string",
    // One value whatever it looks like: yargs would otherwise read "-" (stdin) as a positional.
    nargs: 1,
    describe:
      "sign with this key, or - to read it from stdin (a hidden prompt on a terminal); a key written here is visible to other users (ps): prefer -, --private-key-file or env ETH_PRIVATE_KEY",
  },
  "private-key-file": {
    type: "string",
    describe: "sign with the key in this file (64 hex digits, optional 0x; surrounding whitespace ignored; keep it chmod 600)",
  },
  keystore: { type: "string", describe: "geth keystore v3 file, or keystore folder with --from <address> [env ETH_KEYSTORE]" },
  "password-file": {
    type: "string",
    describe: "file whose first line is the keystore password [else env ETH_PASSWORD, else a prompt on a terminal]",
  },
  from: { type: "string", describe: "send from a node-managed account (eth_sendTransaction), or pick the keystore account [env ETH_FROM]" },
  journal: { type: "string", describe: "journal of signed transactions [env CHAINCALL_JOURNAL] [default: ~/.chaincall/journal.jsonl]" },
};

/** Transaction options of send and deploy. */
export const sendOptions: Record<string, Options> = {
  value: { type: "string", describe: "ether to send: wei, or with a unit: 1ether, 10gwei" },
  "gas-limit": { type: "string", describe: "gas limit (default: estimated)" },
  "max-fee": { type: "string", describe: "EIP-1559 max fee per gas (wei or 10gwei)" },
  "priority-fee": { type: "string", describe: "EIP-1559 max priority fee per gas" },
  "gas-price": { type: "string", describe: "legacy gas price (implies --legacy)" },
  legacy: { type: "boolean", describe: "send a legacy (type 0) transaction" },
  nonce: { type: "string", describe: "use this nonce instead of the next one" },
  async: { type: "boolean", describe: "print the hash and do not wait for the receipt" },
  confirmations: { type: "string", describe: "blocks to wait for [default: 1]" },
  yes: {
    alias: "y",
    type: "boolean",
    describe: "on Ethereum mainnet (chain id 1), broadcast without asking (required when not on a terminal)",
  },
};

/** Settings common to all commands, with env fallbacks applied. */
export interface Globals {
  /** One node, or several (failover, in the order given). */
  rpcUrl?: string | string[];
  chainId?: bigint;
  abiDir: string;
  deploymentsDir: string;
  json: boolean;
  timeoutMs: number;
  quiet: boolean;
  verbose: boolean;
  /** Where output goes: what `main(args, { streams })` was given, else the process's streams. */
  streams?: OutputStreams;
}

/** The key under which `main` hands its streams to the commands (in yargs' parse context, never an option). */
export const STREAMS_KEY = Symbol("chaincall.streams");

/** Default of `--timeout`, in seconds. */
const DEFAULT_TIMEOUT_SECONDS = 60;

/**
 * `--timeout` (or ETH_TIMEOUT) as seconds: the default when none is given, undefined when it is not a number of
 * seconds > 0. The one reading of it, the full CLI's and the fast path's.
 * @example readTimeoutSeconds(" 2.5 ") // 2.5
 */
export function readTimeoutSeconds(text: string | undefined): number | undefined {
  if (text === undefined || text === "") return DEFAULT_TIMEOUT_SECONDS;
  const trimmed = text.trim();
  const seconds = /^\d+(\.\d+)?$/.test(trimmed) ? Number(trimmed) : Number.NaN;
  return seconds > 0 && Number.isFinite(seconds) ? seconds : undefined;
}

/**
 * Reads the global options, falling back to ETH_RPC_URL, ETH_CHAIN_ID and ETH_TIMEOUT.
 * @throws ChaincallError `INVALID_ARGUMENT` for a malformed chain id or timeout
 */
export function readGlobals(argv: Record<string, unknown>): Globals {
  const env = process.env;
  const chainText = (argv["chain-id"] as string | undefined) ?? env.ETH_CHAIN_ID;
  let chainId: bigint | undefined;
  if (chainText !== undefined && chainText !== "") {
    if (!/^(\d+|0x[0-9a-fA-F]+)$/.test(chainText))
      throw new ChaincallError("INVALID_ARGUMENT", `invalid chain id "${chainText}" (expected a number)`);
    chainId = BigInt(chainText);
  }
  const timeoutRaw = argv.timeout ?? env.ETH_TIMEOUT;
  const timeoutSeconds = readTimeoutSeconds(timeoutRaw === undefined ? undefined : String(timeoutRaw));
  if (timeoutSeconds === undefined) throw new ChaincallError("INVALID_ARGUMENT", `invalid timeout "${timeoutRaw}" (expected seconds > 0)`);
  return {
    rpcUrl: readRpcUrls(argv["rpc-url"], env.ETH_RPC_URL),
    chainId,
    abiDir: (argv["abi-dir"] as string | undefined) ?? "abi",
    deploymentsDir: (argv.deployments as string | undefined) ?? "deployments",
    json: Boolean(argv.json),
    timeoutMs: Math.round(timeoutSeconds * 1000),
    quiet: Boolean(argv.quiet),
    verbose: Boolean(argv.verbose),
    streams: (argv as Record<PropertyKey, unknown>)[STREAMS_KEY] as OutputStreams | undefined,
  };
}

/**
 * The node address(es) of `-r/--rpc-url` (repeated, or comma-separated: a comma followed by a scheme or an
 * absolute path starts the next node), else of ETH_RPC_URL (comma-separated):
 * undefined for none, a string for one, a list for several (in the order given).
 * @example readRpcUrls(["http://a:8545,http://b:8545"], undefined) // ["http://a:8545", "http://b:8545"]
 */
export function readRpcUrls(option: unknown, envValue: string | undefined): string | string[] | undefined {
  const fromOption = [option ?? []].flat().flatMap((value) => splitRpcUrls(String(value)));
  const urls = fromOption.length > 0 ? fromOption : splitRpcUrls(envValue ?? "");
  return urls.length === 0 ? undefined : urls.length === 1 ? urls[0] : urls;
}

// "http://a, ws://b,,/c.ipc" → three nodes: a comma separates nodes where the next one starts (a scheme or an
// absolute path), so a comma inside one URL (`?key=AB,CD`) stays part of it.
function splitRpcUrls(text: string): string[] {
  return text
    .split(/,(?=\s*(?:,|$|[a-zA-Z][a-zA-Z0-9+.-]*:\/\/|\/))/)
    .map((part) => part.trim())
    .filter((part) => part !== "");
}

// Each address of a comma-separated list: a key in the second URL's path is that URL's path segment.
function registerUrlListSecrets(text: string): void {
  for (const url of splitRpcUrls(text)) registerUrlSecrets(url);
}

/**
 * Examples for a command's --help, one per line pair, so long commands are never wrapped mid-way and
 * can be copied as they are.
 */
export function examples(items: [command: string, description: string][]): string {
  return `Examples:\n${items.map(([command, description]) => `  # ${description}\n  $ ${command}`).join("\n")}`;
}

/**
 * The `[args..]` of a command, including those after `--` (how a negative number or a value starting with
 * a dash is passed: `send X setYear -- -5`), as strings.
 */
export function commandArgs(argv: Record<string, unknown>): string[] {
  const named = (argv.args as unknown[] | undefined) ?? [];
  const afterDashes = (argv["--"] as unknown[] | undefined) ?? [];
  return [...named, ...afterDashes].map(String);
}

/** Adds an option group to a command's builder. */
export function withOptions(yargs: Argv, group: string, options: Record<string, Options>): Argv {
  return yargs.options(options).group(Object.keys(options), group) as Argv;
}

// Options that take no value: what tells a positional from an option's value when scanning argv for keys.
const FLAG_OPTIONS = new Set(["--help", "-h", "--version", "--rebroadcast", "--output"]);
for (const [name, option] of Object.entries({ ...globalOptions, ...signerOptions, ...sendOptions })) {
  if (option.type !== "boolean") continue;
  FLAG_OPTIONS.add(`--${name}`);
  for (const alias of [option.alias ?? []].flat()) FLAG_OPTIONS.add(alias.length === 1 ? `-${alias}` : `--${alias}`);
}
// Commands whose first positional is a 32-byte value they legitimately take: a transaction or block hash.
const HASH_POSITIONAL_COMMANDS = new Set(["receipt", "tx", "block-number"]);
// Options whose value may legitimately be a 32-byte block hash.
const HASH_OPTIONS = new Set(["-b", "--block"]);
// A private key's shape inside a longer argument (Name@0x…, --from=0x…, a JSON array): 64 hex digits, whole.
const EMBEDDED_KEY = /(?<![0-9a-fA-FxX])(?:0[xX])?[0-9a-fA-F]{64}(?![0-9a-fA-F])/g;

/**
 * Registers as secrets, before anything can echo them: the values of `--private-key` and of ETH_PRIVATE_KEY
 * and ETH_PASSWORD, the credential parts of `-r`/ETH_RPC_URL, and every argument (or ETH_* value) that looks
 * like a private key (64 hex digits, with or without 0x) — a key pasted into `--from`, `--keystore`, `-r`,
 * `balance <key>` or any positional. Exempt are only the 32-byte values a command takes as such: the hash of
 * `receipt`/`tx`, the block of `block-number` and of `-b/--block`. ABI arguments are not exempt: a bytes32
 * argument still works, it is only shown as `***` in an error message.
 * @example registerArgvSecrets(process.argv.slice(2))
 */
export function registerArgvSecrets(args: readonly string[], env: NodeJS.ProcessEnv = process.env): void {
  registerSecret(env.ETH_PRIVATE_KEY);
  registerSecret(env.ETH_PASSWORD);
  if (env.ETH_RPC_URL) registerUrlListSecrets(env.ETH_RPC_URL);
  for (const name of ["ETH_FROM", "ETH_KEYSTORE", "ETH_CHAIN_ID", "ETH_TIMEOUT", "CHAINCALL_JOURNAL"]) registerKeyShaped(env[name]);
  let command: string | undefined;
  let positionals = 0;
  let pendingOption: string | undefined;
  let afterDashes = false;
  for (const arg of args) {
    if (typeof arg !== "string") continue;
    if (pendingOption !== undefined) {
      const option = pendingOption;
      pendingOption = undefined;
      if (option === "--private-key") registerSecret(arg);
      else if (option === "-r" || option === "--rpc-url") registerUrlListSecrets(arg);
      if (!HASH_OPTIONS.has(option)) registerKeyShaped(arg);
      continue;
    }
    if (!afterDashes && arg === "--") {
      afterDashes = true;
      continue;
    }
    if (!afterDashes && arg.startsWith("-") && !/^-\d/.test(arg) && arg !== "-") {
      const eq = arg.indexOf("=");
      if (eq !== -1) {
        const option = arg.slice(0, eq);
        const value = arg.slice(eq + 1);
        if (option === "--private-key") registerSecret(value);
        else if (option === "-r" || option === "--rpc-url") registerUrlListSecrets(value);
        if (!HASH_OPTIONS.has(option)) registerKeyShaped(value);
      } else if (!FLAG_OPTIONS.has(arg) && !arg.startsWith("--no-") && !/^-[a-zA-Z]{2,}$/.test(arg)) {
        pendingOption = arg;
      }
      registerKeyShaped(arg);
      continue;
    }
    // A positional: the command, then its arguments.
    if (command === undefined && !afterDashes) {
      command = arg;
      registerKeyShaped(arg);
      continue;
    }
    positionals++;
    if (positionals === 1 && !afterDashes && HASH_POSITIONAL_COMMANDS.has(command ?? "")) continue;
    registerKeyShaped(arg);
  }
}

function registerKeyShaped(text: string | undefined): void {
  if (typeof text !== "string") return;
  for (const match of text.match(EMBEDDED_KEY) ?? []) registerSecret(match);
}
