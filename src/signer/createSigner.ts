import { getAddress, JsonRpcSigner, Wallet } from "ethers";
import type { ChaincallProvider } from "../client/createProvider.js";
import { ChaincallError } from "../errors/ChaincallError.js";
import { registerSecret } from "../errors/redact.js";
import { ChaincallSigner } from "./ChaincallSigner.js";

/**
 * Who signs: a private key held by this process, a geth keystore (v3 JSON file, or a keystore folder plus
 * the account's address) unlocked with a password, or an account the node manages (`eth_sendTransaction`).
 */
export type SignerOptions =
  | { privateKey: string }
  | { keystore: string; address?: string; password?: string; passwordFile?: string; prompt?: boolean }
  | { from: string };

export interface CreateSignerContext {
  chainId: bigint;
  /** Journal file path, or `null` for no journal. */
  journal: string | null;
}

/**
 * Builds the signer for a connected provider. Keys and passwords are registered as secrets first, so no
 * error message can ever contain them.
 * @throws ChaincallError `SIGNER_ERROR` for a malformed key or a wrong keystore password,
 *   `INVALID_ARGUMENT` for a malformed address, `NOT_FOUND` for a missing keystore
 * @example const signer = await createSigner(provider, { privateKey: process.env.ETH_PRIVATE_KEY! }, { chainId, journal: null });
 */
export async function createSigner(provider: ChaincallProvider, options: SignerOptions, context: CreateSignerContext): Promise<ChaincallSigner> {
  if ("privateKey" in options) {
    const key = options.privateKey.trim();
    registerSecret(key);
    const hex = key.startsWith("0x") ? key : `0x${key}`;
    if (!/^0x[0-9a-fA-F]{64}$/.test(hex)) {
      throw new ChaincallError("SIGNER_ERROR", "the private key is not 32 bytes of hex (64 hex digits, optional 0x)");
    }
    let wallet: Wallet;
    try {
      wallet = new Wallet(hex, provider);
    } catch (err) {
      throw new ChaincallError("SIGNER_ERROR", "the private key is not a valid secp256k1 key", { cause: err });
    }
    return new ChaincallSigner(wallet, wallet.address, provider, context);
  }
  if ("keystore" in options) {
    const [{ loadKeystore }, { readPassword }] = await Promise.all([import("./loadKeystore.js"), import("./readPassword.js")]);
    const password = await readPassword({ password: options.password, passwordFile: options.passwordFile, prompt: options.prompt ?? false });
    const wallet = (await loadKeystore({ path: options.keystore, address: options.address, password })).connect(provider);
    return new ChaincallSigner(wallet, wallet.address, provider, context);
  }
  if ("from" in options) {
    let address: string;
    try {
      address = getAddress(options.from);
    } catch (err) {
      throw new ChaincallError("INVALID_ARGUMENT", `invalid --from address "${options.from}"`, { cause: err });
    }
    return new ChaincallSigner(new JsonRpcSigner(provider, address), address, provider, context);
  }
  throw new ChaincallError("INVALID_ARGUMENT", "signer needs { privateKey }, { keystore, password } or { from }");
}
