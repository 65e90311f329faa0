import type { Interface } from "ethers";
import { connect, type Client } from "../client/connect";
import { ChaincallError } from "../errors/ChaincallError";
import type { SignerOptions } from "../signer/createSigner";
import type { Globals } from "./options";
import type { Output } from "./output";
import { checkAddress } from "./target";

/**
 * Connects with the global options (and a signer for send/deploy), runs `work`, and always closes.
 * @example await withClient(globals, {}, async (client) => client.provider.getBlockNumber());
 */
export async function withClient<T>(globals: Globals, extra: { signer?: SignerOptions; abis?: Interface[] }, work: (client: Client) => Promise<T>): Promise<T> {
  const client = await connect({ rpcUrl: globals.rpcUrl, chainId: globals.chainId, timeoutMs: globals.timeoutMs, signer: extra.signer, abis: extra.abis });
  try {
    return await work(client);
  } finally {
    await client.close();
  }
}

/**
 * The signer from the command line, first found wins: --private-key (with a warning: argv is visible to
 * other users), --from (node-managed account), ETH_PRIVATE_KEY (preferred for keys), ETH_FROM.
 * @throws ChaincallError `SIGNER_ERROR` when none is given
 */
export function readSigner(argv: Record<string, unknown>, output: Output): SignerOptions {
  const flagKey = argv["private-key"] as string | undefined;
  if (flagKey) {
    output.warn("--private-key is visible to other users of this machine (ps); prefer ETH_PRIVATE_KEY");
    return { privateKey: checkKey(flagKey, "--private-key") };
  }
  // Flags beat the environment; a key beats an account name within each.
  if (argv.from) return { from: checkAddress(String(argv.from)) };
  if (process.env.ETH_PRIVATE_KEY) return { privateKey: checkKey(process.env.ETH_PRIVATE_KEY, "ETH_PRIVATE_KEY") };
  if (process.env.ETH_FROM) return { from: checkAddress(process.env.ETH_FROM) };
  throw new ChaincallError("INVALID_ARGUMENT", "no signer: set ETH_PRIVATE_KEY, or pass --from <address> for a node-managed account");
}

// Checked before connecting, so a mangled key is bad input (exit 2), never "cannot reach"; never echoed.
function checkKey(key: string, source: string): string {
  if (!/^(0x)?[0-9a-fA-F]{64}$/.test(key.trim())) throw new ChaincallError("INVALID_ARGUMENT", `${source} is not a private key (expected 64 hex digits, optional 0x)`);
  return key.trim();
}
