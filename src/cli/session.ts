import type { Interface } from "ethers";
import { connect, type Client } from "../client/connect.js";
import { ChaincallError } from "../errors/ChaincallError.js";
import type { SignerOptions } from "../signer/createSigner.js";
import type { Globals } from "./options.js";
import type { Output } from "./output.js";
import { checkAddress } from "./target.js";

/**
 * Connects with the global options (and a signer for send/deploy), runs `work`, and always closes.
 * @example await withClient(globals, {}, async (client) => client.provider.getBlockNumber());
 */
export async function withClient<T>(globals: Globals, extra: { signer?: SignerOptions; abis?: Interface[]; journal?: string }, work: (client: Client) => Promise<T>): Promise<T> {
  const client = await connect({ rpcUrl: globals.rpcUrl, chainId: globals.chainId, timeoutMs: globals.timeoutMs, signer: extra.signer, abis: extra.abis, journal: extra.journal });
  try {
    return await work(client);
  } finally {
    await client.close();
  }
}

/**
 * The signer from the command line, first found wins: --private-key (with a warning: argv is visible to
 * other users), --keystore (the account picked by --from in a folder), --from (node-managed account),
 * then the environment: ETH_PRIVATE_KEY (preferred for keys), ETH_KEYSTORE, ETH_FROM.
 * @throws ChaincallError `INVALID_ARGUMENT` when none is given or a key is malformed (checked before connecting)
 */
export function readSigner(argv: Record<string, unknown>, output: Output): SignerOptions {
  const env = process.env;
  const flagKey = argv["private-key"] as string | undefined;
  if (flagKey) {
    output.warn("--private-key is visible to other users of this machine (ps); prefer ETH_PRIVATE_KEY");
    return { privateKey: checkKey(flagKey, "--private-key") };
  }
  const from = argv.from as string | undefined;
  const keystoreSigner = (keystore: string, address: string | undefined): SignerOptions => ({
    keystore,
    address: address === undefined ? undefined : checkAddress(address),
    passwordFile: argv["password-file"] as string | undefined,
    prompt: Boolean(process.stdin.isTTY),
  });
  if (argv.keystore) return keystoreSigner(String(argv.keystore), from ?? env.ETH_FROM);
  // With ETH_KEYSTORE set, --from picks the keystore's account (as with cast); otherwise it names a node account.
  if (from) return env.ETH_KEYSTORE ? keystoreSigner(env.ETH_KEYSTORE, from) : { from: checkAddress(from) };
  if (env.ETH_PRIVATE_KEY) return { privateKey: checkKey(env.ETH_PRIVATE_KEY, "ETH_PRIVATE_KEY") };
  if (env.ETH_KEYSTORE) return keystoreSigner(env.ETH_KEYSTORE, env.ETH_FROM);
  if (env.ETH_FROM) return { from: checkAddress(env.ETH_FROM) };
  throw new ChaincallError("INVALID_ARGUMENT", "no signer: set ETH_PRIVATE_KEY, use --keystore, or pass --from <address> for a node-managed account");
}

const SECP256K1_ORDER = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

// Checked before connecting, so a mangled key is bad input (exit 2), never "cannot reach"; never echoed.
function checkKey(key: string, source: string): string {
  if (!/^(0x)?[0-9a-fA-F]{64}$/.test(key.trim())) throw new ChaincallError("INVALID_ARGUMENT", `${source} is not a private key (expected 64 hex digits, optional 0x)`);
  // 64 hex digits is not enough: a secp256k1 key lies in 1 … n−1 (0x00…0 is no key), else signing fails later.
  const value = BigInt(`0x${key.trim().replace(/^0x/, "")}`);
  if (value === 0n || value >= SECP256K1_ORDER) throw new ChaincallError("INVALID_ARGUMENT", `${source} is not a valid secp256k1 private key (it must be between 1 and the curve order − 1)`);
  return key.trim();
}
