import { JsonRpcSigner, Wallet } from "ethers";
import type { ChaincallProvider } from "../client/createProvider.js";
import { assertArgument, checkAddress, checkObject, checkOptionalBoolean, checkString, describeValue } from "../errors/assertArgument.js";
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

const SIGNER_KINDS = ["privateKey", "keystore", "from"] as const;
type SignerKind = (typeof SIGNER_KINDS)[number];
const SIGNER_FORMS = "one of { privateKey }, { keystore, password | passwordFile | prompt } or { from }";

/**
 * Checks signer options before anything is connected or read: exactly one kind of signer, each field of the
 * right type, a private key of 32 bytes of hex, a keystore with somewhere to get its password from. A key
 * or password is registered as a secret first and never shown.
 * @throws ChaincallError `INVALID_ARGUMENT` naming the field; `SIGNER_ERROR` for a private key that is not
 *   32 bytes of hex, or a keystore with no password source (as `createSigner` would say later)
 * @example await checkSignerOptions({ privateKey: process.env.ETH_PRIVATE_KEY! });
 */
export async function checkSignerOptions(options: SignerOptions): Promise<SignerKind> {
  checkObject(options, "signer");
  const fields = options as Partial<Record<SignerKind, unknown>>;
  // A kind whose field is there but undefined (an unset environment variable) counts only when it is the
  // only one: then it is the field to complain about.
  const given = SIGNER_KINDS.filter((kind) => fields[kind] !== undefined);
  const kind = given.length > 0 ? given : SIGNER_KINDS.filter((k) => k in options).slice(0, 1);
  if (kind.length !== 1) {
    const got = kind.length === 0 ? describeValue(options) : `${kind.join(" and ")} together`;
    throw new ChaincallError("INVALID_ARGUMENT", `signer must be ${SIGNER_FORMS}, got ${got}`);
  }
  if (kind[0] === "privateKey") {
    const key = fields.privateKey;
    if (typeof key === "string") registerSecret(key.trim());
    assertArgument(typeof key === "string", "signer.privateKey", "a string of 64 hex digits (optional 0x)", key, { secret: true });
    checkPrivateKey(key);
  } else if (kind[0] === "keystore" && "keystore" in options) {
    checkString(options.keystore, "signer.keystore");
    if (options.password !== undefined) registerSecret(options.password);
    assertArgument(
      options.password === undefined || typeof options.password === "string",
      "signer.password",
      "a string",
      options.password,
      { secret: true },
    );
    if (options.address !== undefined) checkAddress(options.address, "signer.address");
    if (options.passwordFile !== undefined) checkString(options.passwordFile, "signer.passwordFile");
    checkOptionalBoolean(options.prompt, "signer.prompt");
    const { assertPasswordSource } = await import("./readPassword.js");
    assertPasswordSource({ password: options.password, passwordFile: options.passwordFile, prompt: options.prompt ?? false });
  } else {
    checkAddress(fields.from, "signer.from");
  }
  return kind[0];
}

// The key with 0x, or SIGNER_ERROR (a key that is text but not a key: the code callers and tests know).
function checkPrivateKey(key: string): string {
  const trimmed = key.trim();
  const hex = trimmed.startsWith("0x") ? trimmed : `0x${trimmed}`;
  if (!/^0x[0-9a-fA-F]{64}$/.test(hex)) {
    throw new ChaincallError("SIGNER_ERROR", "the private key is not 32 bytes of hex (64 hex digits, optional 0x)");
  }
  return hex;
}

/**
 * Builds the signer for a connected provider. Keys and passwords are registered as secrets first, so no
 * error message can ever contain them.
 * @throws ChaincallError `SIGNER_ERROR` for a malformed key or a wrong keystore password,
 *   `INVALID_ARGUMENT` for malformed options (see `checkSignerOptions`), `NOT_FOUND` for a missing keystore
 * @example const signer = await createSigner(provider, { privateKey: process.env.ETH_PRIVATE_KEY! }, { chainId, journal: null });
 */
export async function createSigner(
  provider: ChaincallProvider,
  options: SignerOptions,
  context: CreateSignerContext,
): Promise<ChaincallSigner> {
  const kind = await checkSignerOptions(options);
  if (kind === "privateKey" && "privateKey" in options) {
    const hex = checkPrivateKey(options.privateKey);
    let wallet: Wallet;
    try {
      wallet = new Wallet(hex, provider);
    } catch (err) {
      throw new ChaincallError("SIGNER_ERROR", "the private key is not a valid secp256k1 key", { cause: err });
    }
    return new ChaincallSigner(wallet, wallet.address, provider, context);
  }
  if (kind === "keystore" && "keystore" in options) {
    const [{ loadKeystore }, { readPassword }] = await Promise.all([import("./loadKeystore.js"), import("./readPassword.js")]);
    const password = await readPassword({
      password: options.password,
      passwordFile: options.passwordFile,
      prompt: options.prompt ?? false,
    });
    const wallet = (await loadKeystore({ path: options.keystore, address: options.address, password })).connect(provider);
    return new ChaincallSigner(wallet, wallet.address, provider, context);
  }
  const address = checkAddress((options as { from: string }).from, "signer.from");
  return new ChaincallSigner(new JsonRpcSigner(provider, address), address, provider, context);
}
