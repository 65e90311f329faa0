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

/** Where the Multicall3 code chaincall ships lives: a committed source file, refreshed by `npx hardhat multicall-bytecode`. */
export const MULTICALL_BYTECODE_FILE = "src/client/batch/bytecode.ts";

/**
 * The text of `src/client/batch/bytecode.ts` for the compiled Multicall3 contracts: the code the SDK installs
 * on local chains (Multicall3's runtime code) and runs deploylessly (DeploylessMulticall3's creation code),
 * carried in the SDK so it never reads the project's artifacts at run time. The file is committed (a fresh
 * clone type-checks before anything is compiled); test/multicallBytecode.test.ts checks it against the
 * artifacts, and `npx hardhat multicall-bytecode` rewrites it after a change to contracts/multicall/.
 * @example writeFileSync(MULTICALL_BYTECODE_FILE, multicallBytecodeSource("artifacts"))
 */
export function multicallBytecodeSource(artifactsDir: string): string {
  const artifact = (name: string) =>
    JSON.parse(readFileSync(join(artifactsDir, "contracts", "multicall", `${name}.sol`, `${name}.json`), "utf8")) as {
      bytecode: string;
      deployedBytecode: string;
    };
  const multicall = artifact("Multicall3");
  const deployless = artifact("DeploylessMulticall3");
  return [
    "// Written by `npx hardhat multicall-bytecode` (scripts/exportAbi.ts) from contracts/multicall/, compiled for Paris.",
    "// Committed; test/multicallBytecode.test.ts checks it against the compiled artifacts. Do not edit.",
    "",
    "/** Runtime code of contracts/multicall/Multicall3.sol, installed at the canonical address on local chains. */",
    `export const MULTICALL3_RUNTIME_CODE = "${multicall.deployedBytecode}";`,
    "",
    "/** Creation code of contracts/multicall/DeploylessMulticall3.sol; the encoded calls are appended. */",
    `export const DEPLOYLESS_MULTICALL3_CODE = "${deployless.bytecode}";`,
    "",
  ].join("\n");
}

/**
 * Rewrites `outFile` with `multicallBytecodeSource(artifactsDir)` when it changed.
 * @returns whether the file changed
 * @example exportMulticallBytecode("artifacts", MULTICALL_BYTECODE_FILE)
 */
export function exportMulticallBytecode(artifactsDir: string, outFile: string): boolean {
  const content = multicallBytecodeSource(artifactsDir);
  if (existsSync(outFile) && readFileSync(outFile, "utf8") === content) return false;
  writeFileSync(outFile, content);
  return true;
}
