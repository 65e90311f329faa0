import { type FileHandle, open, readdir, stat } from "node:fs/promises";
import { basename, join } from "node:path";
import { decryptKeystoreJson, getAddress, isError, Wallet } from "ethers";
import { checkObject } from "../errors/assertArgument.js";
import { ChaincallError } from "../errors/ChaincallError.js";
import { registerSecret } from "../errors/redact.js";

/** Where the key is and how to open it. */
export interface LoadKeystoreParameters {
  /** A geth keystore v3 JSON file, or a keystore directory (like geth's `keystore/`). */
  path: string;
  /** The account to pick (`0x…`, any case; mixed case must be a valid checksum). Required for a directory holding several keys. */
  address?: string;
  /** The keystore password. Registered as a secret before anything else happens. */
  password: string;
  /** Refuse scrypt parameters that need more memory than this (about 128 × N × r bytes). Default 1 GiB. */
  maxKdfMemoryBytes?: number;
}

/** Key-derivation parameters of a keystore, checked and normalised by {@link checkKdfParams}. */
export type KdfParams =
  | { kdf: "scrypt"; n: number; r: number; p: number; dklen: 32; salt: string }
  | { kdf: "pbkdf2"; c: number; prf: "hmac-sha256" | "hmac-sha512"; dklen: 32; salt: string };

/** Options of {@link checkKdfParams}. */
export interface CheckKdfParamsOptions {
  /** The keystore file, for messages. */
  file?: string;
  /** See {@link LoadKeystoreParameters.maxKdfMemoryBytes}. */
  maxKdfMemoryBytes?: number;
}

const GIB = 1024 ** 3;
/** Default memory ceiling: geth's standard scrypt (N=2^18, r=8) needs 256 MiB, geth's light one 4 MiB. */
const DEFAULT_MAX_KDF_MEMORY_BYTES = GIB;
/** Keystore files are a few hundred bytes; anything bigger than this is not one. */
const MAX_KEYSTORE_FILE_BYTES = 64 * 1024;
const MAX_SCRYPT_P = 16;
/**
 * CPU ceiling of scrypt: N·r·p at most 2^23, 4 × geth's standard keystore (N=2^18, r=8, p=1), a few seconds
 * of work. Memory alone does not bound time: p multiplies the work without adding memory.
 */
const MAX_SCRYPT_WORK = 2 ** 23;
/** CPU ceiling of pbkdf2: at most 2^22 rounds, 16 × geth's 262,144. */
const MAX_PBKDF2_ROUNDS = 2 ** 22;
// ethers' scrypt (@noble/hashes) allocates 128·r·(N+p) bytes and refuses more than this, whatever we allow.
const ETHERS_SCRYPT_MAX_BYTES = GIB + 1024;
// Directory listings in messages stop after this many addresses.
const MAX_LISTED = 10;

/**
 * Opens a geth keystore (v3 "Web3 Secret Storage" JSON) and returns its key as an ethers `Wallet`, not
 * connected to any provider. `path` may be the key file itself or a keystore directory; in a directory the
 * file whose `address` field matches `address` is used (or the only key, when there is one).
 *
 * The file is validated before any key derivation: its scrypt/pbkdf2 parameters are checked by
 * {@link checkKdfParams}, so a hostile or corrupt file cannot make the process allocate gigabytes.
 *
 * @param parameters.path a keystore file or directory
 * @param parameters.address the account to pick (required in a directory holding several keys)
 * @param parameters.password the password; never appears in any error
 * @param parameters.maxKdfMemoryBytes scrypt memory ceiling, default 1 GiB
 * @throws ChaincallError `SIGNER_ERROR` for a wrong password, a malformed or oversized file, or refused KDF
 *   parameters; `NOT_FOUND` when the path or the requested address is not there; `INVALID_ARGUMENT` for
 *   malformed parameters (a missing path or password, a malformed `address`), or a directory holding several
 *   keys and no `address`
 * @example
 * const wallet = await loadKeystore({ path: join(homedir(), ".ethereum", "keystore"), address: "0x8ba1…", password });
 * const signer = wallet.connect(provider);
 */
export async function loadKeystore(parameters: LoadKeystoreParameters): Promise<Wallet> {
  checkObject(parameters, "parameters");
  const { path, password } = parameters;
  if (typeof password !== "string") throw new ChaincallError("INVALID_ARGUMENT", "the keystore password must be a string");
  registerSecret(password);
  if (typeof path !== "string" || path === "") throw new ChaincallError("INVALID_ARGUMENT", "no keystore path given");
  const wanted = parameters.address === undefined ? undefined : normalizeRequestedAddress(parameters.address);
  const maxKdfMemoryBytes = parameters.maxKdfMemoryBytes ?? DEFAULT_MAX_KDF_MEMORY_BYTES;
  if (!(maxKdfMemoryBytes > 0) || !Number.isFinite(maxKdfMemoryBytes)) {
    throw new ChaincallError("INVALID_ARGUMENT", `maxKdfMemoryBytes must be a positive number, not ${maxKdfMemoryBytes}`);
  }

  const info = await stat(path).catch((err: NodeJS.ErrnoException) => {
    if (err.code === "ENOENT" || err.code === "ENOTDIR") throw new ChaincallError("NOT_FOUND", `no keystore at ${path}`, { cause: err });
    throw new ChaincallError("SIGNER_ERROR", `cannot read keystore ${path}: ${err.code ?? err.message}`, { cause: err });
  });
  const file = info.isDirectory() ? await selectKeyFile(path, wanted) : path;
  const keystore = parseKeystore(await readCapped(file, "keystore"), file, maxKdfMemoryBytes);

  if (wanted && keystore.address && keystore.address !== wanted) {
    throw new ChaincallError("NOT_FOUND", `keystore ${file} holds ${checksum(keystore.address)}, not ${checksum(wanted)}`);
  }
  const privateKey = await decrypt(keystore, password, file);
  registerSecret(privateKey);
  const wallet = new Wallet(privateKey);
  const actual = wallet.address.slice(2).toLowerCase();
  if (keystore.address && keystore.address !== actual) {
    throw new ChaincallError(
      "SIGNER_ERROR",
      `keystore ${file} is corrupt: its address field says ${checksum(keystore.address)} but the key is ${wallet.address}`,
    );
  }
  if (wanted && wanted !== actual) {
    throw new ChaincallError("NOT_FOUND", `keystore ${file} holds ${wallet.address}, not ${checksum(wanted)}`);
  }
  return wallet;
}

/**
 * Checks a keystore's `kdf` and `kdfparams` before any key derivation and returns them normalised.
 * Refuses what would exhaust memory or time: scrypt needing more than `maxKdfMemoryBytes` (about
 * 128 × N × r bytes), scrypt work N·r·p above 2^23 (CPU time), N not a power of 2, p above 16, pbkdf2 with
 * more than 2^22 rounds, a derived
 * key length other than 32, and scrypt parameters ethers cannot run (RFC 7914: N below 2^(16·r)).
 * @param kdf the keystore's `crypto.kdf` ("scrypt" or "pbkdf2")
 * @param kdfparams the keystore's `crypto.kdfparams`
 * @param options `file` for messages, `maxKdfMemoryBytes` (default 1 GiB)
 * @throws ChaincallError `SIGNER_ERROR` naming the offending parameter
 * @example checkKdfParams("scrypt", { n: 262144, r: 8, p: 1, dklen: 32, salt }); // geth's standard: accepted
 */
export function checkKdfParams(kdf: unknown, kdfparams: unknown, options: CheckKdfParamsOptions = {}): KdfParams {
  const where = `keystore ${options.file ?? "(json)"}`;
  const refuse = (what: string): never => {
    throw new ChaincallError("SIGNER_ERROR", `${where} ${what}; refusing`);
  };
  const params = lowerKeys(kdfparams);
  if (!params) return refuse("has no kdfparams object");
  const integer = (name: string): number => {
    const raw = params[name];
    const value = typeof raw === "string" && /^[0-9]{1,16}$/.test(raw) ? Number(raw) : raw;
    if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 1)
      return refuse(`has kdfparams.${name}=${show(raw)}, not a usable positive integer`);
    return value;
  };
  const salt = params.salt;
  if (typeof salt !== "string" || !/^(0x)?([0-9a-fA-F]{2})+$/.test(salt)) return refuse("has a missing or malformed kdfparams.salt");
  const dklen = integer("dklen");
  if (dklen !== 32) return refuse(`asks for a ${dklen}-byte derived key (dklen must be 32)`);

  const name = typeof kdf === "string" ? kdf.toLowerCase() : kdf;
  if (name === "scrypt") {
    const n = integer("n");
    const r = integer("r");
    const p = integer("p");
    if (n < 2 || 2 ** Math.round(Math.log2(n)) !== n) return refuse(`has scrypt N=${n}, which is not a power of 2`);
    if (p > MAX_SCRYPT_P) return refuse(`asks for scrypt p=${p} (at most ${MAX_SCRYPT_P})`);
    const limit = options.maxKdfMemoryBytes ?? DEFAULT_MAX_KDF_MEMORY_BYTES;
    const memory = scryptMemoryBytes(n, r);
    if (memory > limit) return refuse(`asks for ${formatBytes(memory)} of scrypt memory (N=${n}, r=${r})`);
    if (128 * r * (n + p) > ETHERS_SCRYPT_MAX_BYTES)
      return refuse(
        `asks for ${formatBytes(128 * r * (n + p))} of scrypt memory (N=${n}, r=${r}, p=${p}), more than ethers' scrypt allows`,
      );
    if (n * r * p > MAX_SCRYPT_WORK)
      return refuse(`asks for scrypt work N·r·p = ${n}·${r}·${p} = ${n * r * p} (at most ${MAX_SCRYPT_WORK} = 2^23, 4 × geth's standard)`);
    if (16 * r < 32 && n >= 2 ** (16 * r)) {
      return refuse(
        `uses scrypt N=${n} with r=${r}, which RFC 7914 forbids (N must be below 2^(16·r)) and ethers cannot decrypt (re-encrypt it with \`geth account update\`)`,
      );
    }
    return { kdf: "scrypt", n, r, p, dklen: 32, salt: strip0x(salt) };
  }
  if (name === "pbkdf2") {
    const c = integer("c");
    if (c > MAX_PBKDF2_ROUNDS) return refuse(`asks for ${c} pbkdf2 rounds (at most ${MAX_PBKDF2_ROUNDS})`);
    const prf = typeof params.prf === "string" ? params.prf.toLowerCase() : params.prf;
    if (prf !== "hmac-sha256" && prf !== "hmac-sha512") return refuse(`uses pbkdf2 prf ${show(params.prf)} (expected hmac-sha256)`);
    return { kdf: "pbkdf2", c, prf, dklen: 32, salt: strip0x(salt) };
  }
  return refuse(`uses kdf ${show(kdf)} (expected scrypt or pbkdf2)`);
}

/**
 * The memory scrypt needs for the given cost parameters, in bytes: 128 × N × r (its V array).
 * @example scryptMemoryBytes(2 ** 18, 8) // 268435456 (256 MiB)
 */
export function scryptMemoryBytes(n: number, r: number): number {
  return 128 * n * r;
}

// A keystore after validation: exactly the fields decryption reads, in the spelling ethers expects.
interface CheckedKeystore {
  /** Lowercase, no 0x; absent when the file has none. */
  address?: string;
  crypto: {
    cipher: "aes-128-ctr";
    cipherparams: { iv: string };
    ciphertext: string;
    kdf: string;
    kdfparams: Record<string, unknown>;
    mac: string;
  };
}

function parseKeystore(text: string, file: string, maxKdfMemoryBytes: number): CheckedKeystore {
  const bad = (what: string): never => {
    throw new ChaincallError("SIGNER_ERROR", `keystore ${file} ${what}`);
  };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ChaincallError("SIGNER_ERROR", `keystore ${file} is not JSON`, { cause: err });
  }
  const data = lowerKeys(json);
  if (!data) return bad("is not a JSON object");
  if (data.version !== 3 && data.version !== "3")
    return bad(`has version ${show(data.version)}; only version 3 (geth's format) is supported`);
  const crypto = lowerKeys(data.crypto);
  if (!crypto) return bad('has no "crypto" object');
  if (crypto.cipher !== "aes-128-ctr") return bad(`uses cipher ${show(crypto.cipher)} (expected aes-128-ctr)`);
  const iv = lowerKeys(crypto.cipherparams)?.iv;
  if (!isHex(iv, 16)) return bad("has a missing or malformed cipherparams.iv (expected 16 bytes of hex)");
  if (!isHex(crypto.ciphertext, 32)) return bad("has a missing or malformed ciphertext (expected 32 bytes of hex)");
  if (!isHex(crypto.mac, 32)) return bad("has a missing or malformed mac (expected 32 bytes of hex)");
  const kdf = checkKdfParams(crypto.kdf, crypto.kdfparams, { file, maxKdfMemoryBytes });
  const { kdf: kdfName, ...kdfparams } = kdf;
  let address: string | undefined;
  if (data.address !== undefined && data.address !== null && data.address !== "") {
    address = normalizeFileAddress(data.address);
    if (!address) return bad(`has a malformed address field (${show(data.address)})`);
  }
  // ethers compares the mac as a bare lowercase hex string: hand it every hex field in that form.
  const crypt = {
    cipher: "aes-128-ctr" as const,
    cipherparams: { iv: strip0x(iv) },
    ciphertext: strip0x(crypto.ciphertext),
    kdf: kdfName,
    kdfparams,
    mac: strip0x(crypto.mac),
  };
  return { address, crypto: crypt };
}

async function decrypt(keystore: CheckedKeystore, password: string, file: string): Promise<string> {
  // Only the validated fields reach ethers: what it derives is exactly what checkKdfParams allowed.
  const json = JSON.stringify({ version: 3, crypto: keystore.crypto });
  try {
    const account = await decryptKeystoreJson(json, password);
    return account.privateKey;
  } catch (err) {
    if (isError(err, "INVALID_ARGUMENT") && err.argument === "password") {
      const of = keystore.address ? ` (address ${checksum(keystore.address)})` : "";
      throw new ChaincallError("SIGNER_ERROR", `wrong password for keystore ${file}${of}`, { cause: err });
    }
    const reason = (err as { shortMessage?: string }).shortMessage ?? (err as Error).message;
    throw new ChaincallError("SIGNER_ERROR", `cannot decrypt keystore ${file}: ${reason}`, { cause: err });
  }
}

// Picks the key file in a keystore directory.
async function selectKeyFile(dir: string, wanted: string | undefined): Promise<string> {
  const entries = await readdir(dir).catch((err: NodeJS.ErrnoException) => {
    throw new ChaincallError("SIGNER_ERROR", `cannot list keystore directory ${dir}: ${err.code ?? err.message}`, { cause: err });
  });
  const names = entries.filter((name) => !name.startsWith(".") && !name.endsWith("~")).sort();
  // geth names files UTC--<time>--<address>: try the likely one first, but trust only the JSON inside.
  if (wanted) {
    for (const name of names.filter((n) => n.toLowerCase().endsWith(wanted))) {
      const key = await peekKeyFile(join(dir, name));
      if (key?.address === wanted) return key.file;
    }
  }
  const keys: { file: string; address?: string }[] = [];
  for (const name of names) {
    const key = await peekKeyFile(join(dir, name));
    if (key) keys.push(key);
  }
  const listed = listAddresses(keys);
  if (wanted) {
    const match = keys.find((key) => key.address === wanted);
    if (match) return match.file;
    if (keys.length === 1 && keys[0].address === undefined) return keys[0].file;
    throw new ChaincallError(
      "NOT_FOUND",
      `no key for ${checksum(wanted)} in keystore ${dir}${keys.length ? ` (it holds ${listed})` : " (it holds no keys)"}`,
    );
  }
  if (keys.length === 1) return keys[0].file;
  if (keys.length === 0) throw new ChaincallError("NOT_FOUND", `keystore directory ${dir} holds no key files`);
  throw new ChaincallError("INVALID_ARGUMENT", `keystore ${dir} holds ${keys.length} keys; choose one with an address: ${listed}`);
}

// A directory entry that looks like a keystore file (regular, small, JSON with a crypto object), or undefined.
async function peekKeyFile(file: string): Promise<{ file: string; address?: string } | undefined> {
  let text: string;
  try {
    text = await readCapped(file, "keystore");
  } catch {
    return undefined;
  }
  try {
    const data = lowerKeys(JSON.parse(text));
    if (!data || !lowerKeys(data.crypto)) return undefined;
    return { file, address: normalizeFileAddress(data.address) };
  } catch {
    return undefined;
  }
}

/**
 * Reads a small regular file, refusing anything bigger than {@link MAX_KEYSTORE_FILE_BYTES} (checked on the
 * open file, and by reading at most one byte past the cap, so a growing file or a device cannot slip through).
 */
export async function readCapped(file: string, what: string, maxBytes = MAX_KEYSTORE_FILE_BYTES): Promise<string> {
  let handle: FileHandle;
  try {
    handle = await open(file, "r");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") throw new ChaincallError("NOT_FOUND", `${what} file ${file} not found`, { cause: err });
    throw new ChaincallError("SIGNER_ERROR", `cannot read ${what} file ${file}: ${code ?? (err as Error).message}`, { cause: err });
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new ChaincallError("SIGNER_ERROR", `${what} file ${file} is not a regular file`);
    const tooBig = () =>
      new ChaincallError("SIGNER_ERROR", `${what} file ${file} is larger than ${formatBytes(maxBytes)}; it is not a ${what} file`);
    if (info.size > maxBytes) throw tooBig();
    const buffer = Buffer.alloc(maxBytes + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length > maxBytes) throw tooBig();
    }
    return buffer.subarray(0, length).toString("utf8");
  } catch (err) {
    if (err instanceof ChaincallError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new ChaincallError("SIGNER_ERROR", `cannot read ${what} file ${file}: ${code ?? (err as Error).message}`, { cause: err });
  } finally {
    await handle.close();
  }
}

function normalizeRequestedAddress(address: string): string {
  if (typeof address !== "string" || !/^0x[0-9a-fA-F]{40}$/.test(address.trim())) {
    throw new ChaincallError("INVALID_ARGUMENT", `invalid keystore address "${address}" (expected 0x and 40 hex digits)`);
  }
  const trimmed = address.trim();
  const body = trimmed.slice(2);
  // Mixed case is a checksum claim: a wrong one is a typo, not a different account.
  if (body !== body.toLowerCase() && body !== body.toUpperCase()) {
    try {
      getAddress(trimmed);
    } catch (err) {
      throw new ChaincallError("INVALID_ARGUMENT", `keystore address ${trimmed} has a bad checksum`, { cause: err });
    }
  }
  return body.toLowerCase();
}

// geth writes the address lowercase without 0x; other tools add 0x or checksum it.
function normalizeFileAddress(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  const match = /^(?:0x)?([0-9a-fA-F]{40})$/.exec(value.trim());
  return match ? match[1].toLowerCase() : undefined;
}

function checksum(bare: string): string {
  return getAddress(`0x${bare}`);
}

function listAddresses(keys: { file: string; address?: string }[]): string {
  const shown = keys.slice(0, MAX_LISTED).map((key) => (key.address ? checksum(key.address) : `${basename(key.file)} (no address field)`));
  return shown.join(", ") + (keys.length > MAX_LISTED ? ` and ${keys.length - MAX_LISTED} more` : "");
}

// geth writes both "crypto" and "Crypto"; JSON keys are matched case-insensitively, the first spelling wins.
function lowerKeys(value: unknown): Record<string, unknown> | undefined {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    const lower = key.toLowerCase();
    if (!(lower in out)) out[lower] = item;
  }
  return out;
}

function isHex(value: unknown, bytes: number): value is string {
  return typeof value === "string" && new RegExp(`^(0x)?[0-9a-fA-F]{${bytes * 2}}$`).test(value);
}

function strip0x(hex: string): string {
  return (hex.startsWith("0x") ? hex.slice(2) : hex).toLowerCase();
}

// A short printable form of a JSON value from the file, for messages.
function show(value: unknown): string {
  if (value === undefined) return "(missing)";
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

function formatBytes(bytes: number): string {
  for (const [unit, size] of [
    ["GiB", GIB],
    ["MiB", 1024 ** 2],
    ["KiB", 1024],
  ] as const) {
    if (bytes >= size) return `${Number((bytes / size).toFixed(1))} ${unit}`;
  }
  return `${bytes} bytes`;
}
