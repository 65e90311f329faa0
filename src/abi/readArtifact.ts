import { existsSync, readFileSync } from "node:fs";
import { basename, extname } from "node:path";
import { ChaincallError } from "../errors/ChaincallError.js";
import { isRecord } from "../utils/isRecord.js";
import { Fragment } from "./ethersAbi.js";

/**
 * One contract as an ABI file or compiler artifact gives it. The one reader behind `gen` (codegen), `call`,
 * `deploy`, `abi` and every other command that loads an ABI, so they all accept the same files:
 * - a bare ABI: a JSON array in `X.abi` or `X.json`, with creation bytecode from a sibling `X.bin` (solc's
 *   `--abi --bin` output; an empty `.bin` is an interface or abstract contract: no bytecode);
 * - an artifact: a JSON object with an `abi` array (Hardhat, Truffle, Foundry's `out/`, solc standard JSON),
 *   its bytecode from `evm.bytecode`, `bytecode.object` or a `bytecode` string;
 * - the contract's name is the artifact's `contractName`, else the file's name without its extension and
 *   without the solc version Foundry appends when several compilers built one contract (`Foo.0.8.20.json`);
 * - bytecode may hold solc's library placeholders (unlinked libraries): the ABI is usable, and `libraries`
 *   names what must be linked before the bytecode can be deployed.
 */
export interface Artifact {
  /** The contract's name (see above). */
  name: string;
  /** The ABI entries as the file wrote them, each checked to be a fragment ethers and TypeChain understand. */
  abi: unknown[];
  /** Creation bytecode, when the file (or its `.bin`) has any. */
  bytecode?: ArtifactBytecode;
  /** NatSpec the artifact carries (`devdoc`, `userdoc`), for codegen's comments. */
  docs: { devdoc?: Record<string, unknown>; userdoc?: Record<string, unknown> };
  /** The file it came from. */
  source: string;
}

/** Creation bytecode as an artifact holds it. */
export interface ArtifactBytecode {
  /** `0x…`, possibly with 40-character library placeholders (`__$…$__`, `__Lib___…`). */
  hex: string;
  /** The artifact's link references (`{ "src/Lib.sol": { "Lib": [...] } }`), when it has any. */
  linkReferences?: Record<string, unknown>;
  /** The libraries still to link (`src/Lib.sol:Lib`, or the placeholder when only that is known); empty when deployable. */
  libraries: string[];
}

/** How `readArtifact` reports a file. */
export interface ReadArtifactOptions {
  /** The file as messages show it. Default: the path as given. */
  label?: string;
  /**
   * Return undefined, rather than throw, for a file that is not an ABI at all (not JSON, neither an array
   * nor an object with an `abi` array, or entries that are not ABI fragments): a stray JSON file found by
   * walking a folder. A malformed `.bin` or bytecode still throws: the file claims to be a contract.
   */
  skipNonAbi?: boolean;
}

/** Hex bytes, or solc's 40-character library placeholders (`__$<34 hex>$__`, or `__<path:name padded with _>__`). */
const BYTECODE_RE = /^(?:[0-9a-fA-F]{2}|__[a-zA-Z0-9/\\:_$.-]{36}__)*$/;
const PLACEHOLDER_RE = /__[a-zA-Z0-9/\\:_$.-]{36}__|[0-9a-fA-F]{2}/g;
/** Foundry's solc version suffix: `Foo.0.8.20` names contract `Foo`. */
const SOLC_VERSION_SUFFIX = /(\.\d+){3}$/;
const ABI_ENTRY_TYPES = new Set(["function", "event", "error", "constructor", "fallback", "receive"]);

/**
 * Reads one ABI file or artifact (see `Artifact` for the formats and rules).
 * @param file an `.abi` or `.json` file
 * @throws ChaincallError `NOT_FOUND` when the file does not exist; `INVALID_ARGUMENT` when it cannot be read,
 *   is not an ABI or artifact, holds a malformed ABI, or bytecode that is not hex
 * @example const { name, abi, bytecode } = readArtifact("out/Foo.sol/Foo.0.8.20.json")!; // name: "Foo"
 */
export function readArtifact(file: string, options?: ReadArtifactOptions & { skipNonAbi?: false }): Artifact;
export function readArtifact(file: string, options: ReadArtifactOptions): Artifact | undefined;
export function readArtifact(file: string, options: ReadArtifactOptions = {}): Artifact | undefined {
  const label = options.label ?? file;
  const notAbi = (message: string, cause?: unknown): undefined => {
    if (options.skipNonAbi) return undefined;
    throw new ChaincallError("INVALID_ARGUMENT", message, cause === undefined ? {} : { cause });
  };
  let parsed: unknown;
  try {
    // Editors on Windows save UTF-8 with a byte-order mark, which JSON.parse refuses.
    parsed = JSON.parse(stripBom(readText(file, label)));
  } catch (err) {
    if (err instanceof ChaincallError) throw err;
    return notAbi(`${label} is not valid JSON`, err);
  }
  const artifact: Record<string, unknown> | undefined = Array.isArray(parsed) ? { abi: parsed } : isRecord(parsed) ? parsed : undefined;
  if (!artifact || !Array.isArray(artifact.abi)) return notAbi(`${label} holds no ABI (expected a JSON array or an artifact with "abi")`);
  const abi: unknown[] = artifact.abi;
  const problem = abiProblem(abi);
  if (problem) return notAbi(`${label} holds a malformed ABI: ${problem}`);

  const bytecode = Array.isArray(parsed) ? binFileBytecode(file, label) : artifactBytecode(artifact, label);
  const docs: Artifact["docs"] = {};
  if (isRecord(artifact.devdoc)) docs.devdoc = artifact.devdoc;
  if (isRecord(artifact.userdoc)) docs.userdoc = artifact.userdoc;
  const name = typeof artifact.contractName === "string" && artifact.contractName !== "" ? artifact.contractName : contractNameOf(file);
  return { name, abi, ...(bytecode ? { bytecode } : {}), docs, source: file };
}

/** The contract name a file name gives (`Foo.abi`, `Foo.json`, `Foo.0.8.20.json` → `Foo`). */
export function contractNameOf(file: string): string {
  return basename(file, extname(file)).replace(SOLC_VERSION_SUFFIX, "");
}

/** `text` without a leading UTF-8 byte-order mark. */
function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function readText(file: string, label: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ChaincallError(
      code === "ENOENT" ? "NOT_FOUND" : "INVALID_ARGUMENT",
      `cannot read ${label}: ${code ?? (err as Error).message}`,
      { cause: err },
    );
  }
}

/** Describes the first entry TypeChain or ethers would choke on, or returns undefined for a usable ABI. */
function abiProblem(abi: unknown[]): string | undefined {
  let constructors = 0;
  for (const [i, entry] of abi.entries()) {
    if (!isRecord(entry)) return `entry ${i} is not an object`;
    if (typeof entry.type !== "string" || !ABI_ENTRY_TYPES.has(entry.type)) return `entry ${i} has no known "type"`;
    if (["function", "event", "error"].includes(entry.type) && typeof entry.name !== "string")
      return `entry ${i} (${entry.type}) has no name`;
    for (const key of ["inputs", "outputs"]) {
      const params = entry[key];
      if (params === undefined) {
        if (key === "inputs" && entry.type !== "fallback" && entry.type !== "receive") return `entry ${i} has no inputs`;
        continue;
      }
      if (!Array.isArray(params) || !params.every((p) => isRecord(p) && typeof p.type === "string"))
        return `entry ${i} has malformed ${key}`;
    }
    // Parsed here: ethers' Interface would skip a bad entry with a console.log warning (on stdout).
    try {
      Fragment.from(entry);
    } catch (err) {
      return `entry ${i} is not a valid fragment (${(err as { shortMessage?: string }).shortMessage ?? (err as Error).message})`;
    }
    if (entry.type === "constructor" && ++constructors > 1) return "more than one constructor";
  }
  return undefined;
}

function binFileBytecode(file: string, label: string): ArtifactBytecode | undefined {
  const binFile = file.replace(/\.(abi|json)$/, ".bin");
  if (binFile === file || !existsSync(binFile)) return undefined;
  const binLabel = label.replace(/\.(abi|json)$/, ".bin");
  const raw = readText(binFile, binLabel).trim();
  // solc writes an empty .bin for interfaces and abstract contracts.
  return raw === "" ? undefined : checkBytecode(raw, undefined, binLabel);
}

function artifactBytecode(artifact: Record<string, unknown>, label: string): ArtifactBytecode | undefined {
  const evm = isRecord(artifact.evm) ? artifact.evm : undefined;
  for (const source of [isRecord(evm?.bytecode) ? evm.bytecode : undefined, artifact.bytecode]) {
    // Foundry and solc standard JSON: { object, linkReferences }; Hardhat and Truffle: a string plus top-level linkReferences.
    const [value, links] = isRecord(source) ? [source.object, source.linkReferences] : [source, artifact.linkReferences];
    if (typeof value !== "string") continue;
    const hex = value.trim();
    if (hex === "" || hex === "0x") return undefined; // abstract contract or interface
    return checkBytecode(hex, isRecord(links) && Object.keys(links).length > 0 ? links : undefined, label);
  }
  return undefined;
}

function checkBytecode(raw: string, linkReferences: Record<string, unknown> | undefined, label: string): ArtifactBytecode {
  const body = raw.startsWith("0x") || raw.startsWith("0X") ? raw.slice(2) : raw;
  if (body === "" || !BYTECODE_RE.test(body)) throw new ChaincallError("INVALID_ARGUMENT", `${label} is not hex bytecode`);
  return { hex: `0x${body}`, ...(linkReferences ? { linkReferences } : {}), libraries: unlinkedLibraries(body, linkReferences) };
}

/** The libraries a bytecode's placeholders stand for: by name from the link references, else from the placeholders. */
function unlinkedLibraries(body: string, linkReferences: Record<string, unknown> | undefined): string[] {
  const placeholders = [...new Set((body.match(PLACEHOLDER_RE) ?? []).filter((chunk) => chunk.length === 40))];
  if (placeholders.length === 0) return [];
  if (linkReferences) {
    const named = Object.entries(linkReferences).flatMap(([sourceName, libs]) =>
      isRecord(libs) ? Object.keys(libs).map((lib) => `${sourceName}:${lib}`) : [],
    );
    if (named.length > 0) return named.sort();
  }
  // Old solc: `__` + the library's (truncated) `path:Name` padded with `_`; new: `__$` + hash + `$__` (named only in link references).
  return placeholders.map((p) => (p.startsWith("__$") ? p : p.slice(2, -2).replace(/_+$/, ""))).sort();
}
