import { remembered } from "../../utils/getOrAdd.js";

// Hand-rolled ABI encoding of Multicall3's aggregate3 input and of the `(bool, bytes)[]` it returns:
// thousands of reads per round go through here, and these fixed layouts need none of a general coder's
// work. Checked against ethers' AbiCoder in test/multicall.test.ts.

/** One read: the contract and the calldata. */
export interface Read {
  to: string;
  data: string;
}

/** `aggregate3((address,bool,bytes)[])`. */
const AGGREGATE3_SELECTOR = "82ad56cb";

/** `aggregate3(reads with allowFailure = true)` calldata. */
export function encodeAggregate3(reads: readonly Read[]): string {
  return `0x${AGGREGATE3_SELECTOR}${encodeCallArray(reads, true)}`;
}

/** DeploylessMulticall3's constructor arguments: `((address,bytes)[])`. */
export function encodeDeploylessArgs(reads: readonly Read[]): string {
  return `0x${encodeCallArray(reads, false)}`;
}

// abi.encode of one dynamic array of tuples (address target, [bool allowFailure,] bytes callData).
function encodeCallArray(reads: readonly Read[], withAllowFailure: boolean): string {
  // Each entry's head: its target, [allowFailure = true,] and the offset of its bytes (fixed per layout).
  const fixed = withAllowFailure ? WORD_1 + WORD_96 : WORD_64;
  const headWords = withAllowFailure ? 3 : 2;
  let heads = word(32) + word(reads.length);
  let tails = "";
  let offset = reads.length * 32;
  for (const read of reads) {
    heads += word(offset);
    const hex = read.data.startsWith("0x") ? read.data.slice(2) : read.data;
    const length = hex.length / 2;
    const paddedLength = Math.ceil(length / 32) * 64;
    tails += paddedTarget(read.to) + fixed + word(length) + (hex.length === paddedLength ? hex : hex.padEnd(paddedLength, "0"));
    offset += (headWords + 1) * 32 + paddedLength / 2;
  }
  return heads + tails;
}

const WORD_1 = word(1);
const WORD_64 = word(64);
const WORD_96 = word(96);

// A burst reads from few contracts: each target's word is built once.
const paddedTarget = remembered(1_000, (to: string) => to.slice(2).toLowerCase().padStart(64, "0"));

function word(value: number): string {
  return value.toString(16).padStart(64, "0");
}

/**
 * Decodes `(bool success, bytes returnData)[]` of `count` entries; null when `hex` is not such an array
 * (e.g. `0x` from an address without code).
 */
export function decodeResults(hex: string, count: number): { success: boolean; data: string }[] | null {
  const body = hex.startsWith("0x") ? hex.slice(2) : hex;
  const at = (byte: number): number => {
    const chars = body.slice(byte * 2, byte * 2 + 64);
    if (chars.length !== 64) throw new RangeError("out of bounds");
    return Number.parseInt(chars, 16);
  };
  try {
    const array = at(0);
    if (at(array) !== count) return null;
    const base = array + 32;
    const results: { success: boolean; data: string }[] = [];
    for (let i = 0; i < count; i++) {
      const tuple = base + at(base + i * 32);
      const success = at(tuple) === 1;
      const start = tuple + at(tuple + 32);
      const length = at(start);
      const data = body.slice((start + 32) * 2, (start + 32 + length) * 2);
      if (data.length !== length * 2) return null;
      results.push({ success, data: `0x${data}` });
    }
    return results;
  } catch {
    return null;
  }
}
