import { getAddress } from "ethers/address";
import { remembered } from "./getOrAdd.js";

/** `0x` and 40 hex digits, in any case: the shape of an address, checksum not looked at. */
export const ADDRESS_PATTERN = /^0x[0-9a-fA-F]{40}$/;

/** What `readAddress` found: the checksummed address, or why there is none. */
export type AddressReading =
  | { ok: true; address: string }
  | { ok: false; problem: "format" }
  /** Mixed case with a wrong EIP-55 checksum; `expected` is the address as it should be written. */
  | { ok: false; problem: "checksum"; expected: string };

/**
 * The one reading of a hex address (each caller words its own error): `0x` and 40 hex digits, and when the
 * digits are mixed-case, a correct EIP-55 checksum; all one case is taken as it is. One keccak either way.
 * @example readAddress("0x5fbdb2315678afecb367f032d93f642f64180aa3") // { ok: true, address: "0x5FbDB2315678afecb367f032d93F642f64180aa3" }
 */
export function readAddress(value: unknown): AddressReading {
  if (typeof value !== "string" || !ADDRESS_PATTERN.test(value)) return { ok: false, problem: "format" };
  const checksummed = getAddress(value.toLowerCase());
  const body = value.slice(2);
  const mixedCase = body !== body.toLowerCase() && body !== body.toUpperCase();
  if (mixedCase && checksummed !== value) return { ok: false, problem: "checksum", expected: checksummed };
  return { ok: true, address: checksummed };
}

/**
 * `readAddress`, remembered (at most 10,000 addresses: each costs its keccak once): the checksummed address, or
 * null for anything ethers would not take as an address (names, junk, a bad mixed-case checksum). For hot
 * paths that meet the same addresses again and again.
 * @example checkedAddress("0x5fbdb2315678afecb367f032d93f642f64180aa3") // "0x5FbDB2315678afecb367f032d93F642f64180aa3"
 */
export const checkedAddress: (value: string) => string | null = remembered(10_000, (value: string) => {
  const read = readAddress(value);
  return read.ok ? read.address : null;
});
