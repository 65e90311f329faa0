import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { getAddress } from "ethers";
import { assertArgument, checkAddress, checkHex, checkInteger, checkObject, checkString } from "../errors/assertArgument.js";
import { ChaincallError } from "../errors/ChaincallError.js";
import { ADDRESS_PATTERN } from "../utils/address.js";
import { isDevChain } from "../utils/isDevChain.js";
import { checkNodeIdentity, matchIdentity, type NodeIdentity, shortGenesis } from "./nodeIdentity.js";

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
  /** The chain id it was recorded for, in decimal (set by `recordDeployment`). */
  chainId?: string;
  /** The genesis block hash of the node it was recorded for (dev chains; set by `recordDeployment`). */
  genesis?: string;
}

/**
 * One node's address book: contract names to deployments. The file is `deployments/<chainId>.json`, except
 * on dev chains (31337, 1337), where every local node shares the chain id: there each node has its own
 * file, `deployments/<chainId>-<first 8 hex digits of its genesis hash>.json` (a fresh Hardhat or Anvil has
 * a new genesis, so a fresh file), and every entry also carries `chainId` and the full `genesis`.
 */
export type AddressBook = Record<string, Deployment>;

/**
 * The path of a node's address book file: `<dir>/<chainId>.json`, or on a dev chain with the genesis hash
 * known `<dir>/<chainId>-<genesis8>.json`.
 * @param node a chain id, or `{ chainId, genesis }` (a client)
 */
export function addressBookPath(dir: string, node: bigint | NodeIdentity): string {
  const { chainId, genesis } = typeof node === "bigint" ? { chainId: node, genesis: undefined } : node;
  return join(dir, genesis && isDevChain(chainId) ? `${chainId}-${genesis.slice(2, 10).toLowerCase()}.json` : `${chainId}.json`);
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

// The folder and node every address book function takes, checked.
function checkBook(dir: unknown, node: unknown): [string, NodeIdentity] {
  return [checkString(dir, "dir"), checkNodeIdentity(node, "chainId")];
}

/**
 * Reads a node's address book; a node with no file has an empty book. Entries recorded for another node
 * (another genesis hash) are left out.
 * @param dir the address book folder (the CLI's `--deployments`, default `deployments`)
 * @param chainId the node whose book to read: a client (`{ chainId, genesis }`: on dev chains the genesis
 *   hash picks the node's own file), or a bare chain id (`client.chainId`; on dev chains the shared
 *   `<chainId>.json`, whichever node wrote it)
 * @throws ChaincallError `INVALID_ARGUMENT` for a bad `dir` or `chainId`, or when the file is not a valid
 *   address book (or cannot be read)
 * @example readAddressBook("deployments", client).CallDemo?.address
 */
export function readAddressBook(dir: string, chainId: bigint | NodeIdentity): AddressBook {
  const [folder, node] = checkBook(dir, chainId);
  const book: AddressBook = {};
  for (const [name, entry] of Object.entries(readBookFile(addressBookPath(folder, node)))) {
    // The file is the node's own (its name carries the genesis): only an entry saying otherwise is left out.
    if (matchIdentity({ chainId: entry.chainId, genesis: entry.genesis ?? node.genesis }, node) !== "same") continue;
    Object.defineProperty(book, name, { value: entry, enumerable: true, writable: true, configurable: true });
  }
  return book;
}

// Every entry of one book file, checked; a missing file is empty.
function readBookFile(path: string): AddressBook {
  if (!existsSync(path)) return {};
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new ChaincallError(
      "INVALID_ARGUMENT",
      `cannot read the address book ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
      { cause: err },
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new ChaincallError("INVALID_ARGUMENT", `${path} is not valid JSON`, { cause: err });
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed))
    throw new ChaincallError("INVALID_ARGUMENT", `${path} is not an address book (expected an object of names)`);
  const book: AddressBook = {};
  for (const [name, entry] of Object.entries(parsed as Record<string, unknown>)) {
    // Accept the short form { "Name": "0x…" } as well as full entries.
    const address = typeof entry === "string" ? entry : (entry as Deployment | null)?.address;
    if (typeof address !== "string" || !ADDRESS_PATTERN.test(address)) {
      throw new ChaincallError("INVALID_ARGUMENT", `${path}: entry "${name}" has no valid address`);
    }
    const value =
      typeof entry === "string"
        ? { address: getAddress(address.toLowerCase()) }
        : { ...(entry as Deployment), address: getAddress(address.toLowerCase()) };
    // Defined, not assigned: an entry named "__proto__" must stay an entry, not become the book's prototype.
    Object.defineProperty(book, name, { value, enumerable: true, writable: true, configurable: true });
  }
  return book;
}

/**
 * Records a deployment under `name` in the node's book, replacing an older one of that node (on dev chains
 * each node has its own file: a deploy on one Anvil never replaces a Hardhat node's entry). The entry gets the
 * node's `chainId` and `genesis`. The file is replaced atomically (write, then rename), so a crash never
 * leaves half a book. The entry is checked first: a bad one is never written.
 * @param dir the address book folder (created when missing)
 * @param chainId the node the contract was deployed on: a client (`{ chainId, genesis }`), or a bare chain id
 * @param name the name to record it under (see `checkDeploymentName`)
 * @param deployment its address, and optionally the ABI's name, the deploying transaction, block and time
 * @returns the path of the book written
 * @throws ChaincallError `INVALID_ARGUMENT` for a bad name, address, `txHash`, `blockNumber` or `deployedAt`,
 *   an existing book that is malformed, or a folder that cannot be written
 * @example recordDeployment("deployments", client, "CallDemo", { address, txHash })
 */
export function recordDeployment(dir: string, chainId: bigint | NodeIdentity, name: string, deployment: Deployment): string {
  const [folder, node] = checkBook(dir, chainId);
  checkDeploymentName(name);
  const entry: Deployment = { ...checkDeployment(deployment), chainId: node.chainId.toString() };
  if (node.genesis) entry.genesis = node.genesis;
  else delete entry.genesis;
  const path = addressBookPath(folder, node);
  const book = readBookFile(path);
  Object.defineProperty(book, name, { value: entry, enumerable: true, writable: true, configurable: true });
  const sorted = Object.fromEntries(Object.entries(book).sort(([a], [b]) => a.localeCompare(b)));
  const temp = `${path}.${process.pid}.tmp`;
  try {
    mkdirSync(folder, { recursive: true });
    writeFileSync(temp, `${JSON.stringify(sorted, null, 2)}\n`);
    renameSync(temp, path);
  } catch (err) {
    rmSync(temp, { force: true });
    throw new ChaincallError(
      "INVALID_ARGUMENT",
      `cannot write the address book ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
      { cause: err },
    );
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
    assertArgument(
      typeof entry.deployedAt === "string" && !Number.isNaN(Date.parse(entry.deployedAt)),
      "deployment.deployedAt",
      "an ISO time",
      entry.deployedAt,
    );
  }
  return entry;
}

/**
 * Finds a name's deployment on a node. When the name is recorded only for another node of the same chain
 * id (another genesis hash, or on a dev chain an entry with none: recorded before identities were), it is
 * not used: the error says so.
 * @param dir the address book folder
 * @param chainId the node to look on: a client (`{ chainId, genesis }`), or a bare chain id
 * @param name the name it was recorded under
 * @throws ChaincallError `NOT_FOUND` for a node with no book, a name not in it (listing the names it has),
 *   or a name recorded for another node only; `INVALID_ARGUMENT` for a bad argument or a malformed book
 * @example resolveDeployment("deployments", client, "CallDemo").address
 */
export function resolveDeployment(dir: string, chainId: bigint | NodeIdentity, name: string): Deployment {
  const [folder, node] = checkBook(dir, chainId);
  checkString(name, "name");
  const path = addressBookPath(folder, node);
  const book = readAddressBook(folder, node);
  // Own entries only: "toString" or "constructor" is a name that is not in the book, not Object's method.
  const entry = Object.hasOwn(book, name) ? book[name] : undefined;
  if (entry) return entry;
  const elsewhere = findOtherNodes(folder, node, name);
  if (elsewhere.length) {
    const known = elsewhere.filter((g) => g !== undefined) as string[];
    const which = known.length
      ? `another node (genesis ${known.map(shortGenesis).join(", ")})`
      : "an unknown node (an entry without a genesis hash, from before nodes were told apart)";
    throw new ChaincallError(
      "NOT_FOUND",
      `${name} is recorded for ${which}, not for this one (chain ${node.chainId}${node.genesis ? `, genesis ${shortGenesis(node.genesis)}` : ""}): deploy it here or give ${name}@0xaddress`,
      {
        metaMessages: [`hint: chaincall deploy ${name}, or give the address as ${name}@0x…`],
      },
    );
  }
  const names = Object.keys(book);
  if (names.length === 0) {
    throw new ChaincallError("NOT_FOUND", `no address for "${name}" on chain ${node.chainId}: ${path} does not exist`, {
      metaMessages: [`hint: deploy it first (chaincall deploy ${name}), or give the address as ${name}@0x…`],
    });
  }
  throw new ChaincallError("NOT_FOUND", `no address for "${name}" on chain ${node.chainId} in ${path}`, {
    metaMessages: [`hint: known names: ${names.join(", ")}; or give the address as ${name}@0x…`],
  });
}

// The genesis hashes (undefined: none recorded) of other nodes of this chain id whose books have `name`.
function findOtherNodes(folder: string, node: NodeIdentity, name: string): (string | undefined)[] {
  if (!node.genesis) return [];
  const own = addressBookPath(folder, node);
  const prefix = `${node.chainId}`;
  let files: string[];
  try {
    files = readdirSync(folder).filter((f) => f === `${prefix}.json` || (f.startsWith(`${prefix}-`) && f.endsWith(".json")));
  } catch {
    return [];
  }
  const found: (string | undefined)[] = [];
  for (const file of files) {
    const path = join(folder, file);
    if (path === own) continue;
    let other: AddressBook;
    try {
      other = readBookFile(path);
    } catch {
      continue; // Another node's malformed book is not this lookup's failure.
    }
    if (!Object.hasOwn(other, name)) continue;
    const entry = other[name];
    const genesis =
      entry.genesis?.toLowerCase() ?? (/-([0-9a-f]{8})\.json$/.exec(file) ? `0x${/-([0-9a-f]{8})\.json$/.exec(file)![1]}` : undefined);
    if (matchIdentity({ chainId: entry.chainId, genesis }, node) !== "same" && !found.includes(genesis)) found.push(genesis);
  }
  return found;
}
