import { type FunctionFragment, type ParamType, Result } from "ethers";
import { ADDRESS_PATTERN, checkedAddress } from "../utils/address.js";
import { getOrAdd } from "../utils/getOrAdd.js";

// The lean read path of bindings (issue 14): a view/pure function whose inputs and outputs are all static
// words (uint, int, bool, address, bytesN) gets its calldata encoder and result decoder built once, word by
// word, instead of ethers' coders rebuilt on every call. It only ever answers what ethers would answer the
// same way: an argument it is not sure of (a string number, a Typed value, an ENS name, an out-of-range
// value, a bad checksum) and an answer it would not decode exactly like ethers (short, not whole words,
// dirty address words) are handed back, to ethers' own path and its own errors.

/** A view/pure function's precompiled call. */
export interface LeanRead {
  /** The calldata for `args`, or undefined when one of them must go through ethers (valid or not). */
  encode(args: readonly unknown[]): string | undefined;
  /** The result as ethers' method returns it (one output: the value; several: a `Result`), or NOT_LEAN. */
  decode(hex: unknown): unknown;
}

/** A state-changing function's precompiled calldata (see `compileLeanSend`). */
export interface LeanSend {
  /** The calldata for `args`, or undefined when one of them must go through ethers (valid or not). */
  encode(args: readonly unknown[]): string | undefined;
}

/** What `LeanRead.decode` returns for an answer only ethers' decoder may judge. */
export const NOT_LEAN: unique symbol = Symbol("chaincall.notLean");

type Encoder = (value: unknown) => string | undefined;
/** Decodes one 64-digit word (lower-case hex; any case for integers). */
type Decoder = (word: string) => unknown;

interface StaticCoder {
  encode: Encoder;
  decode: Decoder;
  /** An integer type: its decoder reads the word with BigInt, which refuses anything but hex digits. */
  integer?: boolean;
}

const ZERO_WORD = "0".repeat(64);
const TWO_256 = 1n << 256n;
const HEX_ANSWER = /^0x[0-9a-fA-F]*$/;
const BYTES_TYPE = /^bytes([1-9]|[12][0-9]|3[0-2])$/;
const INT_TYPE = /^(u?)int(\d+)$/;

const compiled = new WeakMap<FunctionFragment, LeanRead | null>();

/**
 * The lean read of `fragment`, or null when it has none: not view/pure, no outputs, or a type other than
 * uint/int/bool/address/bytesN among its inputs or outputs. Built once per fragment.
 * @example compileLeanRead(iface.getFunction("getYear")!)?.encode([]) // "0x…" (the selector)
 */
export function compileLeanRead(fragment: FunctionFragment): LeanRead | null {
  return getOrAdd(compiled, fragment, () => build(fragment));
}

const compiledSends = new WeakMap<FunctionFragment, LeanSend | null>();

/**
 * The lean calldata of a state-changing `fragment`, or null when it has none: view/pure, or a type other
 * than uint/int/bool/address/bytesN among its inputs. Built once per fragment.
 * @example compileLeanSend(iface.getFunction("setYear")!)?.encode([2020n]) // "0x…" (selector and one word)
 */
export function compileLeanSend(fragment: FunctionFragment): LeanSend | null {
  return getOrAdd(compiledSends, fragment, () => (fragment.constant ? null : calldataEncoder(fragment)));
}

// The selector and the inputs' words, or null when an input is not a static word.
function calldataEncoder(fragment: FunctionFragment): LeanSend | null {
  const encoders: Encoder[] = [];
  for (const param of fragment.inputs) {
    const coder = staticCoder(param);
    if (!coder) return null;
    encoders.push(coder.encode);
  }
  const selector = fragment.selector;
  return {
    encode(args) {
      if (args.length !== encoders.length) return undefined;
      let data = selector;
      for (let i = 0; i < encoders.length; i++) {
        const word = encoders[i](args[i]);
        if (word === undefined) return undefined;
        data += word;
      }
      return data;
    },
  };
}

function build(fragment: FunctionFragment): LeanRead | null {
  if (!fragment.constant || fragment.outputs.length === 0) return null;
  const calldata = calldataEncoder(fragment);
  if (!calldata) return null;
  const decoders: Decoder[] = [];
  let integersOnly = true;
  for (const param of fragment.outputs) {
    const coder = staticCoder(param);
    if (!coder) return null;
    decoders.push(coder.decode);
    integersOnly &&= coder.integer === true;
  }
  const keys = fragment.outputs.map((param) => param.name || null);
  const count = decoders.length;
  return {
    encode: calldata.encode,
    decode(hex) {
      // ethers decodes whole words only, and at least as many as the outputs (extra ones are ignored).
      if (typeof hex !== "string" || (hex.length - 2) % 64 !== 0 || hex.length < 2 + 64 * count || !hex.startsWith("0x")) return NOT_LEAN;
      // Integers need no check of the digits (BigInt refuses a non-hex one: then ethers decides); the rest does.
      let body = hex;
      if (!integersOnly) {
        if (!HEX_ANSWER.test(hex)) return NOT_LEAN;
        body = hex.toLowerCase();
      }
      try {
        if (count === 1) return decoders[0](body.length === 66 ? body.slice(2) : body.slice(2, 66));
        const values: unknown[] = [];
        for (let i = 0; i < count; i++) {
          const value = decoders[i](body.slice(2 + 64 * i, 66 + 64 * i));
          if (value === NOT_LEAN) return NOT_LEAN;
          values.push(value);
        }
        return Result.fromItems(values, keys);
      } catch {
        return NOT_LEAN;
      }
    },
  };
}

function staticCoder(param: ParamType): StaticCoder | null {
  const type = param.type;
  if (type === "bool") return { encode: encodeBool, decode: (word) => word !== ZERO_WORD };
  if (type === "address") return { encode: encodeAddress, decode: decodeAddress };
  const bytes = BYTES_TYPE.exec(type);
  if (bytes) return fixedBytesCoder(Number(bytes[1]));
  const int = INT_TYPE.exec(type);
  if (int) {
    const bits = Number(int[2]);
    if (bits < 8 || bits > 256 || bits % 8 !== 0) return null;
    return int[1] === "u" ? uintCoder(bits) : intCoder(bits);
  }
  return null;
}

function encodeBool(value: unknown): string | undefined {
  if (value === true) return `${ZERO_WORD.slice(1)}1`;
  return value === false ? ZERO_WORD : undefined;
}

/** A bigint, or a number that is a safe integer, as a bigint: what ethers takes as an integer as it is; undefined for anything else (strings, Typed), which ethers judges itself. */
export function toBigint(value: unknown): bigint | undefined {
  if (typeof value === "bigint") return value;
  return typeof value === "number" && Number.isSafeInteger(value) ? BigInt(value) : undefined;
}

function uintCoder(bits: number): StaticCoder {
  const max = (1n << BigInt(bits)) - 1n;
  return {
    integer: true,
    encode(value) {
      const n = toBigint(value);
      return n === undefined || n < 0n || n > max ? undefined : n.toString(16).padStart(64, "0");
    },
    // Like ethers, the bits above the type's width are ignored.
    decode: bits === 256 ? (word) => readWord(word) : (word) => readWord(word) & max,
  };
}

function intCoder(bits: number): StaticCoder {
  const width = BigInt(bits);
  const bound = (1n << (width - 1n)) - 1n;
  const mask = (1n << width) - 1n;
  return {
    integer: true,
    encode(value) {
      const n = toBigint(value);
      if (n === undefined || n > bound || n < -bound - 1n) return undefined;
      return (n < 0n ? n + TWO_256 : n).toString(16).padStart(64, "0");
    },
    decode(word) {
      const n = readWord(word) & mask;
      return n > bound ? n - mask - 1n : n;
    },
  };
}

/**
 * A word as an unsigned integer. BigInt refuses every non-hex digit but trailing white space, which it trims:
 * the last digit is checked, so a word ethers would refuse throws here too (and ethers decides).
 */
function readWord(word: string): bigint {
  const last = word.charCodeAt(63);
  const hex = (last >= 48 && last <= 57) || (last >= 97 && last <= 102) || (last >= 65 && last <= 70);
  if (!hex) throw new SyntaxError("not a hex word");
  return BigInt(`0x${word}`);
}

function fixedBytesCoder(size: number): StaticCoder {
  const pattern = new RegExp(`^0x[0-9a-fA-F]{${size * 2}}$`);
  return {
    encode: (value) => (typeof value === "string" && pattern.test(value) ? value.slice(2).toLowerCase().padEnd(64, "0") : undefined),
    decode: (word) => `0x${word.slice(0, size * 2)}`,
  };
}

function encodeAddress(value: unknown): string | undefined {
  if (typeof value !== "string" || !ADDRESS_PATTERN.test(value)) return undefined; // names, contracts: ethers resolves them
  const body = value.slice(2);
  const lower = body.toLowerCase();
  // All one case carries no checksum (ethers takes it as it is); mixed case must carry the right one.
  // (checkedAddress remembers each address it has read: its keccak once.)
  if (body !== lower && body !== body.toUpperCase() && checkedAddress(value) === null) return undefined;
  return `000000000000000000000000${lower}`;
}

function decodeAddress(word: string): unknown {
  if (!word.startsWith("000000000000000000000000")) return NOT_LEAN; // ethers refuses it: its error, not ours
  // Lower-case hex of 40 digits: always an address, checksummed by checkedAddress (once per address).
  return checkedAddress(`0x${word.slice(24)}`);
}
