import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import { ChaincallError } from "../errors/ChaincallError.js";
import { isRecord } from "../utils/isRecord.js";
import type { StagedContract } from "./collectInputs.js";
import { displayPath, firstLine, truncate } from "./helpers.js";

/** The TypeChain target chaincall generates with. */
const TARGET_PACKAGE = "@typechain/ethers-v6";

/** A file TypeChain generated, in the staging folder. */
export interface GeneratedFile {
  /** Relative to outDir, forward slashes. */
  rel: string;
  abs: string;
}

/**
 * Runs TypeChain's ethers-v6 target on the staged contracts (written into `staging`), then makes the
 * factories return chaincall-wrapped contracts (`wrapFactorySource`).
 * @returns the generated files, sorted by path
 * @throws ChaincallError `CODEGEN_ERROR` when TypeChain is missing or fails (naming the input it failed on)
 */
export async function runTypeChain(
  contracts: StagedContract[],
  staging: string,
  cwd: string,
  node16Modules: boolean,
): Promise<GeneratedFile[]> {
  const stagedDir = path.join(staging, "abi");
  const stagedOut = path.join(staging, "out");
  fs.mkdirSync(stagedDir);
  const stagedFiles = contracts.map((c) => {
    const file = path.join(stagedDir, `${c.name}.json`);
    fs.writeFileSync(file, c.json);
    return file;
  });

  // Loaded here, not at the top: typechain pulls in prettier (~200 ms), which a cached run never needs.
  let typechain: typeof import("typechain");
  let target: string;
  try {
    const load = codegenRequire(cwd);
    typechain = load("typechain") as typeof import("typechain");
    // An absolute path, so TypeChain does not prefer some other @typechain/ethers-v6 found from process.cwd().
    target = load.resolve(TARGET_PACKAGE);
  } catch (err) {
    throw notInstalled(err);
  }

  try {
    await typechain.runTypeChain({
      cwd,
      filesToProcess: stagedFiles,
      allFiles: stagedFiles,
      outDir: stagedOut,
      target,
      flags: { alwaysGenerateOverloads: false, discriminateTypes: false, tsNocheck: false, environment: undefined, node16Modules },
    });
  } catch (err) {
    // runTypeChain does not say which file it was on; its ABI parser, where nearly all failures arise, can tell.
    const culprit = contracts.find((c) => {
      try {
        typechain.parse((JSON.parse(c.json) as { abi: import("typechain").RawAbiDefinition[] }).abi, `${c.name}.json`);
        return false;
      } catch {
        return true;
      }
    });
    let message = err instanceof Error ? err.message : String(err);
    for (const [i, c] of contracts.entries()) message = message.split(stagedFiles[i]).join(displayPath(c.source, cwd));
    const where = culprit ? displayPath(culprit.source, cwd) : contracts.map((c) => displayPath(c.source, cwd)).join(", ");
    throw new ChaincallError("CODEGEN_ERROR", `TypeChain failed on ${truncate(where)}: ${truncate(firstLine(message))}`, { cause: err });
  }

  const files: GeneratedFile[] = [];
  const list = (dir: string): void => {
    if (!fs.existsSync(dir)) return;
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) list(full);
      else files.push({ abs: full, rel: path.relative(stagedOut, full).split(path.sep).join("/") });
    }
  };
  list(stagedOut);
  for (const file of files) {
    if (!/(^|\/)factories\/(.+\/)?[^/]+__factory\.ts$/.test(file.rel)) continue;
    fs.writeFileSync(file.abs, wrapFactorySource(fs.readFileSync(file.abs, "utf8"), file.rel));
  }
  return files.sort((a, b) => (a.rel < b.rel ? -1 : 1));
}

/**
 * Makes a generated factory return wrapped contracts (see `wrapContract`): `connect(address, runner)`
 * wraps the contract, `deploy` and `getDeployTransaction` run through `wrapDeploy`, and the factory's own
 * `connect(runner)` keeps the factory's class (ethers' returns a plain ContractFactory, whose deploy would
 * skip the wrapping). The TypeChain types stay as they are. Exported for the tests.
 */
export function wrapFactorySource(source: string, rel: string): string {
  let text = source;
  const replace = (pattern: RegExp, by: (...groups: string[]) => string, what: string, required: boolean): void => {
    let count = 0;
    text = text.replace(pattern, (...m: string[]) => {
      count++;
      return by(...m);
    });
    if (count > 1 || (required && count === 0)) {
      throw new ChaincallError("CODEGEN_ERROR", `unexpected TypeChain output in ${rel}: found ${count} ${what}`, {
        metaMessages: [`chaincall supports ${TARGET_PACKAGE} 0.5.x; another version writes factories it cannot adapt`],
      });
    }
  };
  const args = (list: string): string => list.replace(/\s+/g, " ").trim().replace(/,$/, "");
  replace(
    /return new Contract\(\s*address,\s*_abi,\s*runner\s*\) as unknown as (\w+);/g,
    (_m, name) => `return _wrapContract(new Contract(address, _abi, runner)) as unknown as ${name};`,
    "static connect methods",
    true,
  );
  const deployable = /\bextends ContractFactory\b/.test(text);
  for (const method of ["getDeployTransaction", "deploy"]) {
    replace(
      new RegExp(`return super\\.${method}\\(([^()]*)\\)`, "g"),
      (_m, list) => `return _wrapDeploy(this, [${args(list!)}], (_args) => super.${method}(..._args))`,
      `${method} methods`,
      deployable,
    );
  }
  replace(
    /return super\.connect\(runner\) as (\w+__factory);/g,
    (_m, name) => `return new ${name}(this.interface.fragments, this.bytecode, runner);`,
    "factory connect methods",
    deployable,
  );
  const imported = deployable ? "wrapContract as _wrapContract, wrapDeploy as _wrapDeploy" : "wrapContract as _wrapContract";
  const firstImport = text.search(/^import /m);
  const at = firstImport === -1 ? 0 : firstImport;
  return `${text.slice(0, at)}import { ${imported} } from "chaincall";\n${text.slice(at)}`;
}

/**
 * TypeChain and its ethers-v6 target are optional peers of chaincall: the project running codegen brings
 * them. They are looked up from that project (`cwd`) first, then from wherever chaincall itself sits — the
 * CommonJS build has its own `require` for that, the ES module build the running script's.
 */
function codegenRequire(cwd: string): NodeJS.Require {
  const bases = [path.join(cwd, "package.json")];
  if (typeof __filename === "string") bases.push(__filename);
  if (process.argv[1]) bases.push(process.argv[1]);
  for (const base of bases) {
    const candidate = createRequire(base);
    try {
      candidate.resolve("typechain");
      candidate.resolve(TARGET_PACKAGE);
      return candidate;
    } catch {
      // not from here: try the next place
    }
  }
  return createRequire(bases[0]!);
}

function notInstalled(cause: unknown): ChaincallError {
  return new ChaincallError("CODEGEN_ERROR", `TypeChain is not installed (codegen needs typechain and ${TARGET_PACKAGE})`, {
    cause,
    metaMessages: [`add them to the project: npm install --save-dev typechain ${TARGET_PACKAGE}`],
  });
}

/** The installed TypeChain and target versions (part of the manifest hash, so an upgrade regenerates). */
export function readGeneratorVersions(cwd: string): { typechain: string; target: string } {
  const load = codegenRequire(cwd);
  const version = (pkg: string): string => {
    try {
      const json: unknown = JSON.parse(fs.readFileSync(load.resolve(`${pkg}/package.json`), "utf8"));
      return isRecord(json) && typeof json.version === "string" ? json.version : "unknown";
    } catch (err) {
      throw notInstalled(err);
    }
  };
  return { typechain: version("typechain"), target: `${TARGET_PACKAGE}@${version(TARGET_PACKAGE)}` };
}
