import * as fs from "node:fs";
import * as path from "node:path";
import { ChaincallError } from "../errors/ChaincallError.js";
import { isRecord } from "../utils/isRecord.js";
import type { GeneratedFile } from "./runTypeChain.js";

/** Name of the manifest kept in `outDir`; it lists the files a run generated and the hash of its inputs. */
export const MANIFEST_FILE = ".chaincall-gen.json";

/** Bumped whenever staging, the factories' post-processing or the manifest changes shape, so older outputs are regenerated. */
export const MANIFEST_VERSION = 2;

/** What a run generated: read back to skip an unchanged re-run and to delete what a later run no longer makes. */
export interface Manifest {
  generator: "chaincall";
  version: number;
  hash: string;
  typechain: string;
  target: string;
  contracts: string[];
  /** Paths relative to outDir, with forward slashes. */
  files: string[];
}

/** Copies the generated files into `outDir`; returns their paths relative to it. */
export function writeOutputs(generated: GeneratedFile[], outDir: string): string[] {
  try {
    for (const file of generated) {
      const dest = path.join(outDir, file.rel);
      makeDirs(path.dirname(dest), outDir);
      fs.copyFileSync(file.abs, dest);
    }
  } catch (err) {
    throw new ChaincallError("CODEGEN_ERROR", `cannot write bindings to ${outDir}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, {
      cause: err,
    });
  }
  return generated.map((f) => f.rel);
}

/**
 * Creates `dir` and its missing parents one level at a time. Node's `mkdirSync(…, { recursive: true })`
 * spins forever where the kernel answers ENOENT for a parent that exists (`/proc/x`); a file in the way is
 * bad input, anything else the folder cannot be made.
 */
export function makeDirs(dir: string, shown: string): void {
  const missing: string[] = [];
  for (let current = dir; ; current = path.dirname(current)) {
    let stat: fs.Stats | undefined;
    try {
      stat = fs.statSync(current, { throwIfNoEntry: false });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOTDIR") throw cannotCreate(shown, err);
    }
    if (stat) {
      if (!stat.isDirectory())
        throw new ChaincallError("INVALID_ARGUMENT", `cannot write bindings to ${shown}: ${current} is a file, not a folder`);
      break;
    }
    if (path.dirname(current) === current) break;
    missing.unshift(current);
  }
  for (const folder of missing) {
    try {
      fs.mkdirSync(folder);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw cannotCreate(shown, err);
    }
  }
}

function cannotCreate(shown: string, err: unknown): ChaincallError {
  return new ChaincallError(
    "CODEGEN_ERROR",
    `cannot create the output folder ${shown}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
    { cause: err },
  );
}

/** Deletes files the previous run generated and this one did not; only files the old manifest lists, only inside outDir. */
export function removeStale(previousFiles: string[], current: Set<string>, outDir: string): void {
  for (const rel of previousFiles) {
    if (current.has(rel)) continue;
    const full = path.resolve(outDir, rel);
    if (!full.startsWith(outDir + path.sep)) continue; // a tampered manifest must not reach outside
    fs.rmSync(full, { force: true });
    // Tidy folders the removal emptied (e.g. a nested factories/ dir), stopping at outDir.
    for (let dir = path.dirname(full); dir.startsWith(outDir + path.sep); dir = path.dirname(dir)) {
      try {
        fs.rmdirSync(dir);
      } catch {
        break; // not empty
      }
    }
  }
}

/** The manifest a previous run left in `outDir`, or undefined (none, or not readable as one). */
export function readManifest(outDir: string): Manifest | undefined {
  try {
    const json: unknown = JSON.parse(fs.readFileSync(path.join(outDir, MANIFEST_FILE), "utf8"));
    if (
      isRecord(json) &&
      json.generator === "chaincall" &&
      typeof json.hash === "string" &&
      Array.isArray(json.files) &&
      json.files.every((f) => typeof f === "string")
    ) {
      return json as unknown as Manifest;
    }
  } catch {
    // missing or unreadable: treated as no previous run
  }
  return undefined;
}

/** Writes the manifest into `outDir`, atomically (a crash leaves the old one or the new one). */
export function writeManifest(outDir: string, manifest: Manifest): void {
  writeFileAtomic(path.join(outDir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
}

function writeFileAtomic(file: string, contents: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    fs.writeFileSync(tmp, contents);
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw new ChaincallError("CODEGEN_ERROR", `cannot write ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, {
      cause: err,
    });
  }
}
