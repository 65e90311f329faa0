import type { Client } from "../client/connect.js";
import { ChaincallError } from "../errors/ChaincallError.js";
import { resolveDeployment } from "../registry/addressBook.js";
import type { Globals } from "./options.js";
import { EXIT_FAILURE } from "./output.js";
import type { AccountArgument } from "./parseInput.js";

export { formatEtherFixed } from "./formatEther.js";

// What the chain-query commands (receipt, tx, balance, nonce, block-number, logs) share once connected:
// address-book lookups, "not on this chain" failures, and renderings. Their input is checked in parseInput.ts.

/**
 * The account's address: as given, or the address book's entry for the connected chain.
 * @throws ChaincallError `NOT_FOUND` for a name the book of this chain does not have
 */
export function resolveAccount(account: AccountArgument, client: Client, globals: Globals): string {
  return account.address ?? resolveDeployment(globals.deploymentsDir, client, account.name).address;
}

/**
 * "Not on this chain": a well-formed hash the node does not know is a runtime failure (exit 1, as cast
 * does), not bad input, though its code is `NOT_FOUND`.
 */
export function notOnChain(message: string, hints: string[] = []): ChaincallError {
  return new ChaincallError("NOT_FOUND", message, { metaMessages: hints, exitCode: EXIT_FAILURE });
}

/** Key/value lines with the keys padded to one column, as `send` prints a receipt. */
export function keyValueLines(entries: [key: string, value: string | number | bigint | null | undefined][]): string[] {
  return entries.filter(([, value]) => value !== undefined).map(([key, value]) => `${key.padEnd(11)} ${value ?? "-"}`);
}
