import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { getAddress } from "ethers";
import { assertArgument, checkAddress, checkChainId, checkHex, checkInteger, checkObject, checkString } from "../errors/assertArgument.js";
import { ChaincallError } from "../errors/ChaincallError.js";

/** One named deployment on one chain. */
export interface Deployment {
  /** The contract's address (checksummed when read back). */
  address: string;
  /** The ABI's name in the ABI folder, when it differs from the entry's name. */
  contract?: string;
  /** The deploying transaction. */
  txHash?: string;
  /** The block the deployment was mined in. */
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
 * Checks a name for the address book: a non-empty string without spaces, `@` (which separates a name from an
 * address in a CLI target, `Name@0x…`) or path separators. The deploy command checks it before sending anything.
 * @throws ChaincallError `INVALID_ARGUMENT`
 * @example checkDeploymentName("CallDemo")
 */
export function checkDeploymentName(name: unknown, parameter = "name"): string {
  const ok = typeof name === "string" && /^[^\s@/\\]+$/.test(name) && name !== "__proto__";
  assertArgument(ok, parameter, "a contract name (no spaces, @, / or \\)", name);
  return name as string;
}

// The folder and chain id every address book function takes, checked; the chain id as a bigint.
function checkBook(dir: unknown, chainId: unknown): [string, bigint] {
  return [checkString(dir, "dir"), checkChainId(chainId, "chainId")];
}

/**
 * Reads a chain's address book; a chain with no file has an empty book.
 * @param dir the address book folder (the CLI's `--deployments`, default `deployments`)
 * @param chainId the chain whose book to read (`client.chainId`)
 * @throws ChaincallError `INVALID_ARGUMENT` for a bad `dir` or `chainId`, or when the file is not a valid
 *   address book (or cannot be read)
 * @example readAddressBook("deployments", 31337n).CallDemo?.address
 */
export function readAddressBook(dir: string, chainId: bigint): AddressBook {
  const path = addressBookPath(...checkBook(dir, chainId));
  if (!existsSync(path)) return {};
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new ChaincallError("INVALID_ARGUMENT", `cannot read the address book ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
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
    const value = typeof entry === "string" ? { address: getAddress(address.toLowerCase()) } : { ...(entry as Deployment), address: getAddress(address.toLowerCase()) };
    // Defined, not assigned: an entry named "__proto__" must stay an entry, not become the book's prototype.
    Object.defineProperty(book, name, { value, enumerable: true, writable: true, configurable: true });
  }
  return book;
}

/**
 * Records a deployment under `name`, replacing an older one. The file is replaced atomically (write, then
 * rename), so a crash never leaves half a book. The entry is checked first: a bad one is never written.
 * @param dir the address book folder (created when missing)
 * @param chainId the chain the contract was deployed on
 * @param name the name to record it under (see `checkDeploymentName`)
 * @param deployment its address, and optionally the ABI's name, the deploying transaction, block and time
 * @returns the path of the book written
 * @throws ChaincallError `INVALID_ARGUMENT` for a bad name, address, `txHash`, `blockNumber` or `deployedAt`,
 *   an existing book that is malformed, or a folder that cannot be written
 * @example recordDeployment("deployments", 31337n, "CallDemo", { address, txHash })
 */
export function recordDeployment(dir: string, chainId: bigint, name: string, deployment: Deployment): string {
  const [folder, chain] = checkBook(dir, chainId);
  checkDeploymentName(name);
  const entry = checkDeployment(deployment);
  const book = readAddressBook(folder, chain);
  book[name] = entry;
  const path = addressBookPath(folder, chain);
  const sorted = Object.fromEntries(Object.entries(book).sort(([a], [b]) => a.localeCompare(b)));
  const temp = `${path}.${process.pid}.tmp`;
  try {
    mkdirSync(folder, { recursive: true });
    writeFileSync(temp, `${JSON.stringify(sorted, null, 2)}\n`);
    renameSync(temp, path);
  } catch (err) {
    rmSync(temp, { force: true });
    throw new ChaincallError("INVALID_ARGUMENT", `cannot write the address book ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err });
  }
  return path;
}

// The entry as written: the given fields, checked (the address kept as given, it is checksummed on reading).
function checkDeployment(deployment: unknown): Deployment {
  const entry = checkObject(deployment as Deployment, "deployment");
  checkAddress(entry.address, "deployment.address");
  if (entry.contract !== undefined) checkString(entry.contract, "deployment.contract");
  if (entry.txHash !== undefined) checkHex(entry.txHash, "deployment.txHash", { bytes: 32 });
  if (entry.blockNumber !== undefined) checkInteger(entry.blockNumber, "deployment.blockNumber");
  if (entry.deployedAt !== undefined) {
    assertArgument(typeof entry.deployedAt === "string" && !Number.isNaN(Date.parse(entry.deployedAt)), "deployment.deployedAt", "an ISO time", entry.deployedAt);
  }
  return entry;
}

/**
 * Finds a name's deployment on a chain.
 * @param dir the address book folder
 * @param chainId the chain to look on (`client.chainId`)
 * @param name the name it was recorded under
 * @throws ChaincallError `NOT_FOUND` for a chain with no book, or a name not in it (listing the names it
 *   has); `INVALID_ARGUMENT` for a bad argument or a malformed book
 * @example resolveDeployment("deployments", 31337n, "CallDemo").address
 */
export function resolveDeployment(dir: string, chainId: bigint, name: string): Deployment {
  const [folder, chain] = checkBook(dir, chainId);
  checkString(name, "name");
  const path = addressBookPath(folder, chain);
  const book = readAddressBook(folder, chain);
  // Own entries only: "toString" or "constructor" is a name that is not in the book, not Object's method.
  const entry = Object.hasOwn(book, name) ? book[name] : undefined;
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
