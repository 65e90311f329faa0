import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { getAddress } from "ethers";
import { ChaincallError } from "../errors/ChaincallError.js";

/** One named deployment on one chain. */
export interface Deployment {
  address: string;
  /** The ABI's name in the ABI folder, when it differs from the entry's name. */
  contract?: string;
  /** The deploying transaction. */
  txHash?: string;
  blockNumber?: number;
  /** ISO time of the deployment. */
  deployedAt?: string;
}

/** `deployments/<chainId>.json`: contract names to deployments on that chain. */
export type AddressBook = Record<string, Deployment>;

/** The path of a chain's address book file. */
export function addressBookPath(dir: string, chainId: bigint): string {
  return join(dir, `${chainId}.json`);
}

/**
 * Reads a chain's address book; a chain with no file has an empty book.
 * @throws ChaincallError `INVALID_ARGUMENT` when the file is not a valid address book
 * @example readAddressBook("deployments", 31337n).CallDemo?.address
 */
export function readAddressBook(dir: string, chainId: bigint): AddressBook {
  const path = addressBookPath(dir, chainId);
  if (!existsSync(path)) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, "utf8"));
  } catch (err) {
    throw new ChaincallError("INVALID_ARGUMENT", `${path} is not valid JSON`, { cause: err });
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) throw new ChaincallError("INVALID_ARGUMENT", `${path} is not an address book (expected an object of names)`);
  const book: AddressBook = {};
  for (const [name, entry] of Object.entries(parsed as Record<string, unknown>)) {
    // Accept the short form { "Name": "0x…" } as well as full entries.
    const address = typeof entry === "string" ? entry : (entry as Deployment | null)?.address;
    if (typeof address !== "string" || !/^0x[0-9a-fA-F]{40}$/.test(address)) {
      throw new ChaincallError("INVALID_ARGUMENT", `${path}: entry "${name}" has no valid address`);
    }
    book[name] = typeof entry === "string" ? { address: getAddress(address.toLowerCase()) } : { ...(entry as Deployment), address: getAddress(address.toLowerCase()) };
  }
  return book;
}

/**
 * Records a deployment under `name`, replacing an older one. The file is replaced atomically (write, then
 * rename), so a crash never leaves half a book.
 * @example recordDeployment("deployments", 31337n, "CallDemo", { address, txHash })
 */
export function recordDeployment(dir: string, chainId: bigint, name: string, deployment: Deployment): string {
  const book = readAddressBook(dir, chainId);
  book[name] = deployment;
  mkdirSync(dir, { recursive: true });
  const path = addressBookPath(dir, chainId);
  const sorted = Object.fromEntries(Object.entries(book).sort(([a], [b]) => a.localeCompare(b)));
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(sorted, null, 2)}\n`);
  renameSync(temp, path);
  return path;
}

/**
 * Finds a name's deployment on a chain.
 * @throws ChaincallError `NOT_FOUND` for a chain with no book, or a name not in it (listing the names it has)
 * @example resolveDeployment("deployments", 31337n, "CallDemo").address
 */
export function resolveDeployment(dir: string, chainId: bigint, name: string): Deployment {
  const path = addressBookPath(dir, chainId);
  const book = readAddressBook(dir, chainId);
  const entry = book[name];
  if (entry) return entry;
  const names = Object.keys(book);
  if (names.length === 0) {
    throw new ChaincallError("NOT_FOUND", `no address for "${name}" on chain ${chainId}: ${path} does not exist`, {
      metaMessages: [`hint: deploy it first (chaincall deploy ${name}), or give the address as ${name}@0x…`],
    });
  }
  throw new ChaincallError("NOT_FOUND", `no address for "${name}" on chain ${chainId} in ${path}`, {
    metaMessages: [`hint: known names: ${names.join(", ")}; or give the address as ${name}@0x…`],
  });
}
