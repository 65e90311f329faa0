import { readdirSync } from "node:fs";
import { join } from "node:path";
import type { Interface as InterfaceType } from "ethers";
import { checkString } from "../errors/assertArgument.js";
import { ChaincallError } from "../errors/ChaincallError.js";
import { isFile } from "../utils/isFile.js";
import { Fragment, Interface } from "./ethersAbi.js";
import { contractNameOf, readArtifact } from "./readArtifact.js";

/** A contract's ABI (and creation bytecode, when known) as read from disk. */
export interface ContractAbi {
  /** The contract's name: the artifact's `contractName`, else the file's name without extension (and solc version). */
  name: string;
  /** The parsed ABI. */
  abi: InterfaceType;
  /** The ABI's entries as the file wrote them (with `internalType` struct names, which `abi` drops). */
  json: readonly unknown[];
  /** Creation bytecode (`0x…`), when the ABI came with a `.bin` or an artifact's bytecode, with every library linked. */
  bytecode?: string;
  /** The libraries the bytecode still needs linked (`src/Lib.sol:Lib`), when it has placeholders; then `bytecode` is absent. */
  unlinkedLibraries?: readonly string[];
  /** The file it came from. */
  source: string;
}

/**
 * Finds a contract's ABI by name in `abiDir` (`Name.abi` with optional `Name.bin`, or `Name.json` holding a
 * plain ABI or a Hardhat/Foundry artifact, or Foundry's one `Name.<solc version>.json`), or reads it from a
 * file path. The files and rules are `chaincall gen`'s (see `readArtifact`).
 * @param nameOrFile a contract name (`CallDemo`), or a path to an ABI or artifact file (`out/X.sol/X.json`)
 * @param abiDir the folder holding ABI files (the CLI's `--abi-dir`)
 * @throws ChaincallError `NOT_FOUND` when no such file exists; `INVALID_ARGUMENT` for a bad argument, a
 *   file that cannot be read or holds no ABI, or several versioned artifacts for one name
 * @example const { abi, bytecode } = loadContractAbi("CallDemo", "abi");
 */
export function loadContractAbi(nameOrFile: string, abiDir: string): ContractAbi {
  checkString(nameOrFile, "nameOrFile");
  checkString(abiDir, "abiDir");
  const found = isPathLike(nameOrFile) ? (isFile(nameOrFile) ? nameOrFile : undefined) : findAbiFile(nameOrFile, abiDir);
  if (!found) {
    const looked = isPathLike(nameOrFile) ? nameOrFile : `${join(abiDir, `${nameOrFile}.abi`)}, ${join(abiDir, `${nameOrFile}.json`)}`;
    const known = listContractNames(abiDir);
    throw new ChaincallError("NOT_FOUND", `no ABI for "${nameOrFile}" (looked for ${looked})`, {
      metaMessages: [
        known.length ? `hint: known contracts in ${abiDir}: ${known.join(", ")}` : `hint: ${abiDir} holds no ABI files; set --abi-dir`,
      ],
    });
  }
  return readAbiFile(found);
}

/** Reads one ABI file (`.abi`, plain-ABI `.json`, or an artifact) with the rules of `readArtifact`. */
function readAbiFile(file: string): ContractAbi {
  const artifact = readArtifact(file);
  let abi: Interface;
  try {
    abi = Interface.from(artifact.abi.map((entry) => Fragment.from(entry)));
  } catch (err) {
    throw new ChaincallError("INVALID_ARGUMENT", `${file} holds a malformed ABI`, { cause: err });
  }
  const libraries = artifact.bytecode?.libraries ?? [];
  return {
    name: artifact.name,
    abi,
    json: artifact.abi,
    ...(artifact.bytecode && libraries.length === 0 ? { bytecode: artifact.bytecode.hex } : {}),
    ...(libraries.length > 0 ? { unlinkedLibraries: libraries } : {}),
    source: file,
  };
}

/**
 * The creation bytecode to deploy `contract` with.
 * @throws ChaincallError `INVALID_ARGUMENT` when it has none, or when it still needs libraries linked (named)
 * @example const data = deployBytecode(loadContractAbi("CallDemo", "abi")) + abi.encodeDeploy(args).slice(2);
 */
export function deployBytecode(contract: ContractAbi): string {
  if (contract.unlinkedLibraries?.length) {
    throw new ChaincallError(
      "INVALID_ARGUMENT",
      `${contract.name} cannot be deployed: its bytecode needs ${contract.unlinkedLibraries.length === 1 ? "library" : "libraries"} ${contract.unlinkedLibraries.join(", ")} linked first`,
      {
        metaMessages: [
          "hint: deploy the library, then link its address into the bytecode (forge build --libraries, or Hardhat's libraries option)",
        ],
      },
    );
  }
  if (!contract.bytecode) {
    throw new ChaincallError(
      "INVALID_ARGUMENT",
      `${contract.name} has no bytecode (${contract.source} came without a .bin or artifact bytecode)`,
    );
  }
  return contract.bytecode;
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

/** Names of the contracts whose ABI files are in `abiDir` (Foundry's `Foo.0.8.20.json` names `Foo`). */
export function listContractNames(abiDir: string): string[] {
  return [...new Set(abiFilesIn(abiDir).map(contractNameOf))].sort();
}

function isPathLike(value: string): boolean {
  return value.includes("/") || value.includes("\\") || /\.(abi|json)$/.test(value);
}

/** `Name.abi`, else `Name.json`, else Foundry's `Name.<solc version>.json` when exactly one exists. */
function findAbiFile(name: string, abiDir: string): string | undefined {
  const exact = [join(abiDir, `${name}.abi`), join(abiDir, `${name}.json`)].find(isFile);
  if (exact) return exact;
  const versioned = abiFilesIn(abiDir).filter((file) => /(\.\d+){3}\.json$/.test(file) && contractNameOf(file) === name);
  if (versioned.length > 1) {
    throw new ChaincallError("INVALID_ARGUMENT", `more than one artifact for "${name}" in ${abiDir}: ${versioned.join(", ")}`, {
      metaMessages: ["hint: name one file by its path"],
    });
  }
  return versioned.length === 1 ? join(abiDir, versioned[0]!) : undefined;
}

/** The ABI and artifact files in `abiDir` (not Hardhat's `.dbg.json`), sorted; none when it cannot be listed. */
function abiFilesIn(abiDir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(abiDir);
  } catch {
    return []; // No folder (or not a readable one): no names to suggest.
  }
  return entries.filter((entry) => /\.(abi|json)$/.test(entry) && !entry.endsWith(".dbg.json")).sort();
}
