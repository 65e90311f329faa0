import { keccak_256 } from "@noble/hashes/sha3";
import { type AccessList, keccak256, Signature, type SigningKey, Transaction, type TransactionLike } from "ethers";
import { ADDRESS_PATTERN } from "../utils/address.js";
import { getOrAdd } from "../utils/getOrAdd.js";
import { signDigest } from "./signDigest.js";

/** The fields of a signed transaction a response is built from (see `buildResponse`). */
export interface SignedFields {
  type: number;
  to: string | null;
  nonce: number;
  gasLimit: bigint;
  gasPrice: bigint | null;
  maxFeePerGas: bigint | null;
  maxPriorityFeePerGas: bigint | null;
  data: string;
  value: bigint;
  chainId: bigint;
  signature: Signature;
  accessList: AccessList | null;
}

/** A signed transaction: its bytes (`0x…`), hash, and fields. */
export interface SignedPrepared {
  raw: string;
  hash: string;
  signed: SignedFields;
}

/**
 * Signs a prepared transaction (see `prepareTransaction`) with `nonce`: the same bytes as ethers'
 * `Transaction` with `key.sign(unsignedHash)` (a differential test checks it byte for byte), without its
 * per-field parsing. EIP-1559 and legacy (EIP-155) transactions without an access list are encoded here,
 * hashed with noble's keccak and signed by `signDigest` (the same RFC 6979 signatures as ethers' SigningKey,
 * without its conversions to and from hex around each step); anything else (an access list, type 1, chain id 0)
 * goes through ethers' `Transaction`.
 * @example const { raw, hash } = signPrepared(wallet.signingKey, prepared, 7);
 */
export function signPrepared(key: SigningKey, tx: TransactionLike<string>, nonce: number): SignedPrepared {
  const lean = leanFields(tx, nonce);
  if (!lean) return signWithEthers(key, tx, nonce);
  const { type, fields, chainId } = lean;
  const unsigned = type === 2 ? typed(2, rlpList(fields)) : rlpList([...fields, quantity(chainId), EMPTY, EMPTY]);
  // As ethers' SigningKey.sign: low s, the recovery bit as y parity.
  const { r, s, recovery } = signDigest(keccak_256(unsigned), privateKeyBytes(key));
  const v = type === 2 ? quantity(BigInt(recovery)) : quantity(chainId * 2n + 35n + BigInt(recovery));
  const body = rlpList([...fields, v, quantity(r), quantity(s)]);
  const bytes = type === 2 ? typed(2, body) : body;
  const raw = `0x${hexOf(bytes)}`;
  const isLegacy = type === 0;
  const signature = Signature.from({ r: word(r), s: word(s), v: recovery ? 28 : 27 });
  return {
    raw,
    hash: `0x${hexOf(keccak_256(bytes))}`,
    signed: {
      type,
      to: tx.to ?? null,
      nonce,
      gasLimit: BigInt(tx.gasLimit!),
      gasPrice: isLegacy ? BigInt(tx.gasPrice!) : null,
      maxFeePerGas: isLegacy ? null : BigInt(tx.maxFeePerGas!),
      maxPriorityFeePerGas: isLegacy ? null : BigInt(tx.maxPriorityFeePerGas!),
      data: tx.data ?? "0x",
      value: BigInt(tx.value ?? 0n),
      chainId,
      signature,
      accessList: isLegacy ? null : [],
    },
  };
}

// The RLP fields before the signature, or undefined when ethers' Transaction must do it.
function leanFields(tx: TransactionLike<string>, nonce: number): { type: number; fields: Uint8Array[]; chainId: bigint } | undefined {
  if (tx.accessList && (!Array.isArray(tx.accessList) || tx.accessList.length > 0)) return undefined;
  if (tx.chainId === undefined || tx.chainId === null || BigInt(tx.chainId) === 0n || tx.gasLimit == null) return undefined;
  // Bytes ethers would refuse (odd length, not hex) get its error: Buffer.from would drop what it cannot read.
  if ((tx.data !== undefined && tx.data !== null && !HEX.test(tx.data)) || (tx.to && !ADDRESS_PATTERN.test(tx.to))) return undefined;
  const chainId = BigInt(tx.chainId);
  const to = tx.to ? bytesOf(tx.to) : EMPTY;
  const data = bytesOf(tx.data ?? "0x");
  const common = [quantity(BigInt(tx.gasLimit)), to, quantity(BigInt(tx.value ?? 0n)), data];
  if (tx.type === 2 && tx.maxFeePerGas != null && tx.maxPriorityFeePerGas != null && tx.gasPrice == null) {
    // A tip above the cap: ethers refuses to sign it (BAD_DATA), and so does this, through ethers.
    if (BigInt(tx.maxPriorityFeePerGas) > BigInt(tx.maxFeePerGas)) return undefined;
    const tip = quantity(BigInt(tx.maxPriorityFeePerGas));
    const fields = [quantity(chainId), quantity(BigInt(nonce)), tip, quantity(BigInt(tx.maxFeePerGas)), ...common, rlpList([])];
    return { type: 2, fields, chainId };
  }
  // A legacy transaction with an access list, even an empty one, is ethers' error to report.
  if (tx.type === 0 && tx.gasPrice != null && tx.maxFeePerGas == null && tx.maxPriorityFeePerGas == null && tx.accessList == null) {
    return { type: 0, fields: [quantity(BigInt(nonce)), quantity(BigInt(tx.gasPrice)), ...common], chainId };
  }
  return undefined;
}

function signWithEthers(key: SigningKey, tx: TransactionLike<string>, nonce: number): SignedPrepared {
  const signed = Transaction.from({ ...tx, from: undefined, nonce });
  signed.signature = key.sign(signed.unsignedHash);
  const raw = signed.serialized;
  return {
    raw,
    hash: keccak256(raw),
    signed: {
      type: signed.type ?? 0,
      to: signed.to,
      nonce: signed.nonce,
      gasLimit: signed.gasLimit,
      gasPrice: signed.gasPrice,
      maxFeePerGas: signed.maxFeePerGas,
      maxPriorityFeePerGas: signed.maxPriorityFeePerGas,
      data: signed.data,
      value: signed.value,
      chainId: signed.chainId,
      signature: signed.signature!,
      accessList: signed.accessList,
    },
  };
}

// A key's 32 bytes, read from its hex once.
const keyBytes = new WeakMap<SigningKey, Uint8Array>();

function privateKeyBytes(key: SigningKey): Uint8Array {
  return getOrAdd(keyBytes, key, () => Buffer.from(key.privateKey.slice(2), "hex"));
}

function hexOf(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex");
}

// A 256-bit integer as 32 bytes of hex (`0x…`), as a signature's r and s are written.
function word(value: bigint): string {
  return `0x${value.toString(16).padStart(64, "0")}`;
}

const EMPTY = new Uint8Array(0);
const HEX = /^0x(?:[0-9a-fA-F]{2})*$/;

// `0x…` hex as bytes (the prepared fields are checked hex already).
function bytesOf(hex: string): Uint8Array {
  return Buffer.from(hex.slice(2), "hex");
}

// An integer as RLP wants it: big-endian, no leading zero bytes, 0 as no bytes.
function quantity(value: bigint): Uint8Array {
  if (value === 0n) return EMPTY;
  const hex = value.toString(16);
  return Buffer.from(hex.length % 2 ? `0${hex}` : hex, "hex");
}

// An RLP string's or list's header for a payload of `length` bytes (offset 0x80 strings, 0xc0 lists).
function header(offset: number, length: number): Uint8Array {
  if (length < 56) return Uint8Array.of(offset + length);
  const size = quantity(BigInt(length));
  return Uint8Array.of(offset + 55 + size.length, ...size);
}

function rlpString(bytes: Uint8Array): Uint8Array {
  if (bytes.length === 1 && bytes[0] < 0x80) return bytes;
  return Buffer.concat([header(0x80, bytes.length), bytes]);
}

// A list of byte strings, or of lists already encoded (`rlpList`'s own results are marked as such).
function rlpList(items: Uint8Array[]): Uint8Array {
  const encoded = items.map((item) => (encodedLists.has(item) ? item : rlpString(item)));
  const payload = Buffer.concat(encoded);
  const list = Buffer.concat([header(0xc0, payload.length), payload]);
  encodedLists.add(list);
  return list;
}

// rlpList's results, so a nested list (the access list) is not encoded again as a string.
const encodedLists = new WeakSet<Uint8Array>();

function typed(type: number, payload: Uint8Array): Uint8Array {
  return Buffer.concat([Uint8Array.of(type), payload]);
}
