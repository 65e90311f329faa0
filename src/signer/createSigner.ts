import { getAddress, JsonRpcSigner, Wallet, type Signer } from "ethers";
import { ChaincallError } from "../errors/ChaincallError";
import { registerSecret } from "../errors/redact";
import type { ChaincallProvider } from "../client/createProvider";

/** Who signs: a private key held by this process, or an account the node manages (`eth_sendTransaction`). */
export type SignerOptions = { privateKey: string } | { from: string };

/**
 * Builds the ethers signer for a connected provider. The private key is registered as a secret first, so
 * no error message can ever contain it.
 * @throws ChaincallError `SIGNER_ERROR` for a malformed key, `INVALID_ARGUMENT` for a malformed address
 * @example const signer = createSigner(provider, { privateKey: process.env.ETH_PRIVATE_KEY! });
 */
export function createSigner(provider: ChaincallProvider, options: SignerOptions): Signer {
  if ("privateKey" in options) {
    const key = options.privateKey.trim();
    registerSecret(key);
    const hex = key.startsWith("0x") ? key : `0x${key}`;
    if (!/^0x[0-9a-fA-F]{64}$/.test(hex)) {
      throw new ChaincallError("SIGNER_ERROR", "the private key is not 32 bytes of hex (64 hex digits, optional 0x)");
    }
    try {
      return new Wallet(hex, provider);
    } catch (err) {
      throw new ChaincallError("SIGNER_ERROR", "the private key is not a valid secp256k1 key", { cause: err });
    }
  }
  if ("from" in options) {
    let address: string;
    try {
      address = getAddress(options.from);
    } catch (err) {
      throw new ChaincallError("INVALID_ARGUMENT", `invalid --from address "${options.from}"`, { cause: err });
    }
    return new JsonRpcSigner(provider, address);
  }
  throw new ChaincallError("INVALID_ARGUMENT", "signer needs { privateKey } or { from }");
}
