import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, extname, join } from "node:path";
import type { Interface as InterfaceType } from "ethers";
import { Fragment, Interface } from "./ethersAbi.js";
import { checkString } from "../errors/assertArgument.js";
import { ChaincallError } from "../errors/ChaincallError.js";

/** A contract's ABI (and creation bytecode, when known) as read from disk. */
export interface ContractAbi {
  /** The contract's name: the artifact's `contractName`, else the file's name without extension. */
  name: string;
  /** The parsed ABI. */
  abi: InterfaceType;
  /** The ABI's entries as the file wrote them (with `internalType` struct names, which `abi` drops). */
  json: readonly unknown[];
  /** Creation bytecode (`0x…`), when the ABI came with a `.bin` or an artifact's bytecode. */
  bytecode?: string;
  /** The file it came from. */
  source: string;
}

/**
 * Finds a contract's ABI by name in `abiDir` (`Name.abi` with optional `Name.bin`, or `Name.json` holding a
 * plain ABI or a Hardhat/Foundry artifact), or reads it from a file path.
 * @param nameOrFile a contract name (`CallDemo`), or a path to an ABI or artifact file (`out/X.sol/X.json`)
 * @param abiDir the folder holding ABI files (the CLI's `--abi-dir`)
 * @throws ChaincallError `NOT_FOUND` when no such file exists; `INVALID_ARGUMENT` for a bad argument, or a
 *   file that cannot be read or holds no ABI
 * @example const { abi, bytecode } = loadContractAbi("CallDemo", "abi");
 */
export function loadContractAbi(nameOrFile: string, abiDir: string): ContractAbi {
  checkString(nameOrFile, "nameOrFile");
  checkString(abiDir, "abiDir");
  const candidates = isPathLike(nameOrFile)
    ? [nameOrFile]
    : [join(abiDir, `${nameOrFile}.abi`), join(abiDir, `${nameOrFile}.json`)];
  const found = candidates.find((file) => existsSync(file) && statSync(file).isFile());
  if (!found) {
    const known = listContractNames(abiDir);
    throw new ChaincallError("NOT_FOUND", `no ABI for "${nameOrFile}" (looked for ${candidates.join(", ")})`, {
      metaMessages: [known.length ? `hint: known contracts in ${abiDir}: ${known.join(", ")}` : `hint: ${abiDir} holds no ABI files; set --abi-dir`],
    });
  }
  return readAbiFile(found);
}

/** Reads one ABI file (`.abi`, plain-ABI `.json`, or an artifact). */
export function readAbiFile(file: string): ContractAbi {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new ChaincallError("INVALID_ARGUMENT", `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err });
  }
  let parsed: unknown;
  try {
    // Editors on Windows save UTF-8 with a byte-order mark, which JSON.parse refuses.
    parsed = JSON.parse(stripBom(text));
  } catch (err) {
    throw new ChaincallError("INVALID_ARGUMENT", `${file} is not valid JSON`, { cause: err });
  }
  const artifact = (Array.isArray(parsed) ? { abi: parsed } : parsed) as { abi?: unknown; contractName?: unknown; bytecode?: unknown };
  if (!Array.isArray(artifact.abi)) throw new ChaincallError("INVALID_ARGUMENT", `${file} holds no ABI (expected a JSON array or an artifact with "abi")`);
  // Each entry parsed here: ethers' Interface would skip a bad one with a console.log warning (on stdout).
  const fragments = artifact.abi.map((entry: unknown, i: number) => {
    try {
      return Fragment.from(entry as any);
    } catch (err) {
      const reason = (err as { shortMessage?: string }).shortMessage ?? (err as Error).message;
      throw new ChaincallError("INVALID_ARGUMENT", `${file} holds a malformed ABI: entry ${i} is not a valid fragment (${reason})`, { cause: err });
    }
  });
  if (fragments.filter((f) => f.type === "constructor").length > 1) throw new ChaincallError("INVALID_ARGUMENT", `${file} holds a malformed ABI: more than one constructor`);
  let abi: Interface;
  try {
    abi = Interface.from(fragments);
  } catch (err) {
    throw new ChaincallError("INVALID_ARGUMENT", `${file} holds a malformed ABI`, { cause: err });
  }
  const name = typeof artifact.contractName === "string" ? artifact.contractName : basename(file, extname(file));
  return { name, abi, json: artifact.abi, bytecode: findBytecode(file, artifact.bytecode), source: file };
}

/**
 * Every ABI in `abiDir`, for decoding custom errors and events from any known contract.
 * Unreadable files are skipped: this is best-effort enrichment, not validation.
 */
export function loadAllAbis(abiDir: string): ContractAbi[] {
  const out: ContractAbi[] = [];
  for (const name of listContractNames(abiDir)) {
    try {
      out.push(loadContractAbi(name, abiDir));
    } catch {
      // Not an ABI (a stray JSON file): ignore.
    }
  }
  return out;
}

/** Names of the contracts whose ABI files are in `abiDir`. */
export function listContractNames(abiDir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(abiDir);
  } catch {
    return []; // No folder (or not a readable one): no names to suggest.
  }
  const names = new Set<string>();
  for (const entry of entries) {
    if ((entry.endsWith(".abi") || entry.endsWith(".json")) && !entry.endsWith(".dbg.json")) names.add(basename(entry, extname(entry)));
  }
  return [...names].sort();
}

/** `text` without a leading UTF-8 byte-order mark. */
export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function isPathLike(value: string): boolean {
  return value.includes("/") || value.includes("\\") || /\.(abi|json)$/.test(value);
}

function findBytecode(file: string, fromArtifact: unknown): string | undefined {
  const raw = typeof fromArtifact === "string" ? fromArtifact : (fromArtifact as { object?: unknown } | undefined)?.object;
  if (typeof raw === "string" && /^(0x)?[0-9a-fA-F]{2,}$/.test(raw.trim())) return normalizeHex(raw);
  const bin = file.replace(/\.(abi|json)$/, ".bin");
  if (bin !== file && existsSync(bin)) {
    const text = readFileSync(bin, "utf8").trim();
    if (/^(0x)?([0-9a-fA-F]{2})+$/.test(text)) return normalizeHex(text);
    throw new ChaincallError("INVALID_ARGUMENT", `${bin} is not hex bytecode (unlinked libraries are not supported)`);
  }
  return undefined;
}

function normalizeHex(hex: string): string {
  const trimmed = hex.trim();
  return trimmed.startsWith("0x") ? trimmed : `0x${trimmed}`;
}
