import { statSync } from "node:fs";
import type { Interface } from "ethers";
import { type Client, connect } from "../client/connect.js";
import { ChaincallError } from "../errors/ChaincallError.js";
import type { SignerOptions } from "../signer/createSigner.js";
import type { Globals } from "./options.js";
import type { Output } from "./output.js";
import { parseAddress } from "./parseInput.js";

/**
 * Connects with the global options (and a signer for send/deploy), runs `work`, and always closes.
 * @example await withClient(globals, {}, async (client) => client.provider.getBlockNumber());
 */
export async function withClient<T>(
  globals: Globals,
  extra: { signer?: CliSignerOptions; abis?: Interface[]; journal?: string },
  work: (client: Client) => Promise<T>,
): Promise<T> {
  const signer = extra.signer === undefined ? undefined : await resolveSigner(extra.signer);
  const client = await connect({
    rpcUrl: globals.rpcUrl,
    chainId: globals.chainId,
    timeoutMs: globals.timeoutMs,
    signer,
    abis: extra.abis,
    journal: extra.journal ?? true,
  });
  try {
    return await work(client);
  } finally {
    await client.close();
  }
}

/**
 * A signer as the command line gives it: the SDK's `SignerOptions`, or a private key still to be read from
 * a file (`--private-key-file`) or from stdin (`--private-key -`), read by `withClient` just before connecting.
 */
export type CliSignerOptions = SignerOptions | { privateKeySource: { file: string } | { stdin: true }; describe: string };

/**
 * The signer from the command line, first found wins: --private-key-file, --private-key - (the key read from
 * stdin; a hidden prompt on a terminal), --private-key <key> (with a warning: argv is visible to other users),
 * --keystore (the account picked by --from in a folder), --from (node-managed account), then the
 * environment: ETH_PRIVATE_KEY (preferred for keys), ETH_KEYSTORE, ETH_FROM.
 * @throws ChaincallError `INVALID_ARGUMENT` when none is given, two keys are given, or a key is malformed
 *   (checked before connecting); `NOT_FOUND` for a missing key file
 */
export function readSigner(argv: Record<string, unknown>, output: Output): CliSignerOptions {
  const env = process.env;
  const flagKey = argv["private-key"] as string | undefined;
  const keyFile = argv["private-key-file"] as string | undefined;
  if (keyFile !== undefined && flagKey !== undefined) {
    throw new ChaincallError("INVALID_ARGUMENT", "--private-key and --private-key-file both give a key: use one");
  }
  if (keyFile !== undefined) {
    checkKeyFile(String(keyFile), output);
    return { privateKeySource: { file: String(keyFile) }, describe: `the key in ${keyFile}` };
  }
  if (flagKey === "-") {
    const command = String((argv._ as unknown[] | undefined)?.[0] ?? "");
    if (command === "batch" && (argv.file === undefined || argv.file === "-")) {
      throw new ChaincallError("INVALID_ARGUMENT", "--private-key - reads the key from stdin, which batch reads its lines from", {
        metaMessages: ["hint: give batch a file, or the key with --private-key-file or ETH_PRIVATE_KEY"],
      });
    }
    return { privateKeySource: { stdin: true }, describe: "the key read from stdin" };
  }
  if (flagKey) {
    output.warn(
      "--private-key is visible to other users of this machine (ps); prefer ETH_PRIVATE_KEY, --private-key-file <file> or --private-key - (stdin)",
    );
    return { privateKey: checkKey(flagKey, "--private-key") };
  }
  const from = argv.from as string | undefined;
  const keystoreSigner = (keystore: string, address: string | undefined): SignerOptions => ({
    keystore,
    address: address === undefined ? undefined : parseAddress(address),
    passwordFile: argv["password-file"] as string | undefined,
    prompt: Boolean(process.stdin.isTTY),
  });
  if (argv.keystore) return keystoreSigner(String(argv.keystore), from ?? env.ETH_FROM);
  // With ETH_KEYSTORE set, --from picks the keystore's account (as with cast); otherwise it names a node account.
  if (from) return env.ETH_KEYSTORE ? keystoreSigner(env.ETH_KEYSTORE, from) : { from: parseAddress(from) };
  if (env.ETH_PRIVATE_KEY) return { privateKey: checkKey(env.ETH_PRIVATE_KEY, "ETH_PRIVATE_KEY") };
  if (env.ETH_KEYSTORE) return keystoreSigner(env.ETH_KEYSTORE, env.ETH_FROM);
  if (env.ETH_FROM) return { from: parseAddress(env.ETH_FROM) };
  throw new ChaincallError(
    "INVALID_ARGUMENT",
    "no signer: set ETH_PRIVATE_KEY, use --private-key-file or --keystore, or pass --from <address> for a node-managed account",
  );
}

const SECP256K1_ORDER = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

// Checked before connecting, so a mangled key is bad input (exit 2), never "cannot reach"; never echoed.
function checkKey(key: string, source: string): string {
  if (!/^(0x)?[0-9a-fA-F]{64}$/.test(key.trim()))
    throw new ChaincallError("INVALID_ARGUMENT", `${source} is not a private key (expected 64 hex digits, optional 0x)`);
  // 64 hex digits is not enough: a secp256k1 key lies in 1 … n−1 (0x00…0 is no key), else signing fails later.
  const value = BigInt(`0x${key.trim().replace(/^0x/, "")}`);
  if (value === 0n || value >= SECP256K1_ORDER)
    throw new ChaincallError(
      "INVALID_ARGUMENT",
      `${source} is not a valid secp256k1 private key (it must be between 1 and the curve order − 1)`,
    );
  return key.trim();
}

// A missing key file is bad input found before connecting; one that others can read is worth a warning
// (not a refusal: secret stores often mount files 0644), as ssh would give.
function checkKeyFile(file: string, output: Output): void {
  let mode: number;
  try {
    const info = statSync(file);
    if (!info.isFile()) throw new ChaincallError("INVALID_ARGUMENT", `private key file ${file} is not a regular file`);
    mode = info.mode;
  } catch (err) {
    if (err instanceof ChaincallError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR")
      throw new ChaincallError("NOT_FOUND", `private key file ${file} not found`, { cause: err });
    throw new ChaincallError("INVALID_ARGUMENT", `cannot read private key file ${file}: ${code ?? (err as Error).message}`, { cause: err });
  }
  if (process.platform !== "win32" && (mode & 0o077) !== 0) {
    output.warn(
      `private key file ${file} can be read by other users (mode ${(mode & 0o777).toString(8).padStart(4, "0")}); chmod 600 ${file}`,
    );
  }
}

// Reads a key given by file or stdin (registered as a secret as soon as it is read) and checks its shape.
async function resolveSigner(signer: CliSignerOptions): Promise<SignerOptions> {
  if (!("privateKeySource" in signer)) return signer;
  const { readPrivateKey } = await import("../signer/readPassword.js");
  const key = await readPrivateKey(signer.privateKeySource);
  return { privateKey: checkKey(key, signer.describe) };
}
