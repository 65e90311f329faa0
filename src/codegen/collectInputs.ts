import * as fs from "node:fs";
import * as path from "node:path";
import { readArtifact } from "../abi/readArtifact.js";
import { ChaincallError } from "../errors/ChaincallError.js";
import { isFile } from "../utils/isFile.js";
import { realPath } from "./helpers.js";

/** One contract ready for TypeChain. */
export interface StagedContract {
  name: string;
  /** The input the contract came from (shown in messages). */
  source: string;
  /** The staged artifact JSON handed to TypeChain. */
  json: string;
}

interface Candidate {
  file: string;
  explicit: boolean;
}

/** Folders never worth walking into: Hardhat's compiler dumps, dependencies, VCS and tool folders. */
const SKIPPED_DIRS = new Set(["build-info", "node_modules"]);

/**
 * Reads every ABI and artifact the inputs name (files, or folders walked recursively) into one staged
 * artifact per contract, sorted by name. Files are read by `readArtifact`, the reader `call` and `deploy`
 * use; empty ABIs (libraries) are left out, and in walked folders so is JSON that is not an ABI.
 * @param show how messages show a path
 * @throws ChaincallError `NOT_FOUND` (a missing input, a named `.bin` without its `.abi`), `INVALID_ARGUMENT`
 *   (a named file or any `.abi` that is not an ABI, bad bytecode, two inputs with one contract name)
 */
export function collectInputs(inputs: readonly string[], cwd: string, show: (file: string) => string): StagedContract[] {
  const byName = new Map<string, StagedContract>();
  for (const candidate of collectCandidates(inputs, cwd, show)) {
    const staged = stageOne(candidate, show);
    if (!staged) continue;
    // Compared case-insensitively: `Foo.ts` and `FOO.ts` are one file on macOS and Windows.
    const key = staged.name.toLowerCase();
    const other = byName.get(key);
    if (other) {
      const [a, b] = [show(other.source), show(staged.source)].sort();
      throw new ChaincallError("INVALID_ARGUMENT", `two inputs produce contract ${staged.name}: ${a} and ${b}`, {
        metaMessages: ["Bindings are generated flat, one per contract name; pass only one of them."],
      });
    }
    byName.set(key, staged);
  }
  return [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function collectCandidates(inputs: readonly string[], cwd: string, show: (f: string) => string): Candidate[] {
  const byRealPath = new Map<string, Candidate>();
  const add = (file: string, explicit: boolean): void => {
    const key = realPath(file);
    const seen = byRealPath.get(key);
    if (seen) seen.explicit ||= explicit;
    else byRealPath.set(key, { file, explicit });
  };
  const visitedDirs = new Set<string>();
  const walk = (dir: string): void => {
    const real = realPath(dir);
    if (visitedDirs.has(real)) return; // symlink loops, or a folder named twice
    visitedDirs.add(real);
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const full = path.join(dir, entry.name);
      const stat = entry.isSymbolicLink() ? fs.statSync(full, { throwIfNoEntry: false }) : entry;
      if (!stat) continue; // dangling link
      if (stat.isDirectory()) {
        if (!SKIPPED_DIRS.has(entry.name) && !entry.name.startsWith(".")) walk(full);
      } else if (stat.isFile() && /\.(abi|bin|json)$/.test(entry.name) && !entry.name.endsWith(".dbg.json")) {
        add(full, false);
      }
    }
  };

  for (const input of inputs) {
    if (typeof input !== "string" || input === "") throw new ChaincallError("INVALID_ARGUMENT", "an input path is empty");
    const full = path.resolve(cwd, input);
    const stat = fs.statSync(full, { throwIfNoEntry: false });
    if (!stat) throw new ChaincallError("NOT_FOUND", `input not found: ${show(full)}`);
    if (stat.isDirectory()) walk(full);
    else add(full, true);
  }

  // A .bin only ever travels with its .abi.
  const result: Candidate[] = [];
  const abiSeen = new Map<string, Candidate>();
  for (const candidate of byRealPath.values()) {
    if (!candidate.file.endsWith(".bin")) {
      if (candidate.file.endsWith(".abi")) abiSeen.set(realPath(candidate.file), candidate);
      result.push(candidate);
    }
  }
  for (const candidate of byRealPath.values()) {
    if (!candidate.file.endsWith(".bin")) continue;
    const abiFile = `${candidate.file.slice(0, -".bin".length)}.abi`;
    if (!isFile(abiFile)) {
      if (candidate.explicit) throw new ChaincallError("NOT_FOUND", `${show(candidate.file)} has no sibling ${path.basename(abiFile)}`);
      continue;
    }
    const key = realPath(abiFile);
    const seen = abiSeen.get(key);
    if (seen) seen.explicit ||= candidate.explicit;
    else {
      const abiCandidate = { file: abiFile, explicit: candidate.explicit };
      abiSeen.set(key, abiCandidate);
      result.push(abiCandidate);
    }
  }
  return result;
}

/** Turns one input into a staged artifact; undefined when it is skipped (empty ABI, or stray JSON in a walked folder). */
function stageOne({ file, explicit }: Candidate, show: (f: string) => string): StagedContract | undefined {
  const ext = path.extname(file);
  if (ext !== ".abi" && ext !== ".json") {
    throw new ChaincallError("INVALID_ARGUMENT", `${show(file)}: not an ABI file (expected .abi, .bin or .json)`);
  }
  // `.abi` files are ABIs by name, so a broken one is an error even when found by walking a folder.
  const artifact = readArtifact(file, { label: show(file), skipNonAbi: !explicit && ext !== ".abi" });
  if (!artifact || artifact.abi.length === 0) return undefined; // libraries and empty interfaces: nothing to bind

  const contractName = normalizeName(artifact.name);
  if (!/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(contractName)) {
    throw new ChaincallError("INVALID_ARGUMENT", `${show(file)}: cannot derive a TypeScript name from "${artifact.name}"; rename the file`);
  }
  const staged: Record<string, unknown> = { contractName, abi: artifact.abi };
  if (artifact.bytecode) {
    staged.bytecode = artifact.bytecode.hex;
    if (artifact.bytecode.linkReferences !== undefined) staged.linkReferences = artifact.bytecode.linkReferences;
  }
  Object.assign(staged, artifact.docs);
  return { name: contractName, source: file, json: JSON.stringify(staged) };
}

/** TypeChain's own `normalizeName` (typechain/dist/parser/normalizeName.js), so the staged file name is the binding name. */
function normalizeName(raw: string): string {
  const s = raw
    .replace(/\s+/g, "-")
    .replace(/\./g, "-")
    .replace(/-[a-z]/g, (m) => m.slice(-1).toUpperCase())
    .replace(/-/g, "")
    .replace(/^\d+/, "");
  return s.charAt(0).toUpperCase() + s.slice(1);
}
