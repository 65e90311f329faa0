import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";

export interface ExportAbiParameters {
  /** Hardhat's artifacts folder. */
  artifactsDir: string;
  /** Where `X.abi` and `X.bin` go (the project's `abi/`). */
  abiDir: string;
  /** Only contracts whose source lives under this artifacts subfolder (default `contracts`: the project's own). */
  sourcesSubdir?: string;
}

/**
 * Exports each compiled contract as `X.abi` (plain ABI JSON) and, when deployable, `X.bin` (creation
 * bytecode as hex, like `solc --bin`): the inputs abigen takes, and `chaincall gen` too. Files are only
 * rewritten when their content changes, so caches downstream stay valid.
 * @returns the names of the contracts exported
 * @example exportAbi({ artifactsDir: "artifacts", abiDir: "abi" })
 */
export function exportAbi(parameters: ExportAbiParameters): string[] {
  const root = join(parameters.artifactsDir, parameters.sourcesSubdir ?? "contracts");
  if (!existsSync(root)) return [];
  mkdirSync(parameters.abiDir, { recursive: true });
  const exported: string[] = [];
  for (const file of walk(root)) {
    if (!file.endsWith(".json") || file.endsWith(".dbg.json")) continue;
    const artifact = JSON.parse(readFileSync(file, "utf8")) as { contractName?: string; abi?: unknown[]; bytecode?: string };
    if (!Array.isArray(artifact.abi) || artifact.abi.length === 0) continue;
    const name = artifact.contractName ?? basename(file, ".json");
    writeIfChanged(join(parameters.abiDir, `${name}.abi`), `${JSON.stringify(artifact.abi, null, 2)}\n`);
    if (typeof artifact.bytecode === "string" && artifact.bytecode.length > 2) {
      writeIfChanged(join(parameters.abiDir, `${name}.bin`), artifact.bytecode.replace(/^0x/, ""));
    }
    exported.push(name);
  }
  return exported.sort();
}

function* walk(dir: string): Generator<string> {
  for (const entry of readdirSync(dir).sort()) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) yield* walk(path);
    else yield path;
  }
}

function writeIfChanged(path: string, content: string): void {
  if (existsSync(path) && readFileSync(path, "utf8") === content) return;
  writeFileSync(path, content);
}
