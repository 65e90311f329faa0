import type { Argv, Options } from "yargs";
import { ChaincallError } from "../errors/ChaincallError.js";

/** Options every command takes (SPEC §4). Env fallbacks are read in `readGlobals`, never shown as defaults in --help, so no secret leaks into help text. */
export const globalOptions: Record<string, Options> = {
  "rpc-url": { alias: "r", type: "string", describe: "node: http(s)://, ws(s):// or an IPC path [env ETH_RPC_URL] [default: http://127.0.0.1:8545]" },
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
  "private-key": { type: "string", describe: "sign with this key (visible to other users in ps: prefer env ETH_PRIVATE_KEY)" },
  keystore: { type: "string", describe: "geth keystore v3 file, or keystore folder with --from <address> [env ETH_KEYSTORE]" },
  "password-file": { type: "string", describe: "file whose first line is the keystore password [else env ETH_PASSWORD, else a prompt on a terminal]" },
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
  yes: { alias: "y", type: "boolean", describe: "on Ethereum mainnet (chain id 1), broadcast without asking (required when not on a terminal)" },
};

/** Settings common to all commands, with env fallbacks applied. */
export interface Globals {
  rpcUrl?: string;
  chainId?: bigint;
  abiDir: string;
  deploymentsDir: string;
  json: boolean;
  timeoutMs: number;
  quiet: boolean;
  verbose: boolean;
}

/** Default of `--timeout`, in seconds. */
export const DEFAULT_TIMEOUT_SECONDS = 60;

/**
 * Reads the global options, falling back to ETH_RPC_URL, ETH_CHAIN_ID and ETH_TIMEOUT.
 * @throws ChaincallError `INVALID_ARGUMENT` for a malformed chain id or timeout
 */
export function readGlobals(argv: Record<string, unknown>): Globals {
  const env = process.env;
  const chainText = (argv["chain-id"] as string | undefined) ?? env.ETH_CHAIN_ID;
  let chainId: bigint | undefined;
  if (chainText !== undefined && chainText !== "") {
    if (!/^(\d+|0x[0-9a-fA-F]+)$/.test(chainText)) throw new ChaincallError("INVALID_ARGUMENT", `invalid chain id "${chainText}" (expected a number)`);
    chainId = BigInt(chainText);
  }
  const timeoutRaw = argv.timeout ?? env.ETH_TIMEOUT;
  const timeoutText = timeoutRaw === undefined || timeoutRaw === "" ? undefined : String(timeoutRaw).trim();
  const timeoutSeconds = timeoutText === undefined ? DEFAULT_TIMEOUT_SECONDS : /^\d+(\.\d+)?$/.test(timeoutText) ? Number(timeoutText) : NaN;
  if (!(timeoutSeconds > 0) || !Number.isFinite(timeoutSeconds)) throw new ChaincallError("INVALID_ARGUMENT", `invalid timeout "${timeoutRaw}" (expected seconds > 0)`);
  return {
    rpcUrl: (argv["rpc-url"] as string | undefined) || env.ETH_RPC_URL || undefined,
    chainId,
    abiDir: (argv["abi-dir"] as string | undefined) ?? "abi",
    deploymentsDir: (argv.deployments as string | undefined) ?? "deployments",
    json: Boolean(argv.json),
    timeoutMs: Math.round(timeoutSeconds * 1000),
    quiet: Boolean(argv.quiet),
    verbose: Boolean(argv.verbose),
  };
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
