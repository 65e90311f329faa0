#!/usr/bin/env node
// The `chaincall` bin: loads the CLI bundle (dist/bundle/cli.js) with a V8 code cache, so a cold start
// compiles nothing it compiled before. Plain JS and Node's built-ins only, no node flags (npm's bin shims
// pass none). Without the bundle (a build that skipped it) it runs the full CLI directly.
import {
  closeSync,
  existsSync,
  fstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  type Stats,
  statSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { homedir } from "node:os";
import { dirname, isAbsolute, join } from "node:path";
import { Script } from "node:vm";

const BUNDLE = join(__dirname, "..", "..", "..", "bundle", "cli.js");
const CACHE_PREFIX = "cli-";

/**
 * The per-user cache folder: CHAINCALL_CACHE_DIR, else $XDG_CACHE_HOME/chaincall (when absolute), else
 * ~/.cache/chaincall.
 * @example cacheFolder({ CHAINCALL_CACHE_DIR: "/tmp/x" }) // "/tmp/x"
 */
export function cacheFolder(env: NodeJS.ProcessEnv): string {
  if (env.CHAINCALL_CACHE_DIR) return env.CHAINCALL_CACHE_DIR;
  const xdg = env.XDG_CACHE_HOME;
  return join(xdg && isAbsolute(xdg) ? xdg : join(homedir(), ".cache"), "chaincall");
}

interface BundleExports {
  run(args: string[]): void;
}

// Runs the bundle as CommonJS would, compiled with the cached code when V8 accepts it. The cache file is
// named after everything V8's cache depends on that can change under it (the Node version, the bundle's
// size and time); a cache V8 rejects anyway (other flags, a damaged file) is made again at exit.
function launch(args: string[]): void {
  const info = statSync(BUNDLE);
  const folder = cacheFolder(process.env);
  const cacheFile = join(folder, `${CACHE_PREFIX}${process.version}-${process.arch}-${info.size}-${Math.floor(info.mtimeMs)}.v8`);
  const cachedData = readOwnCache(cacheFile);
  const source = readFileSync(BUNDLE, "utf8");
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: BUNDLE,
    cachedData,
  });
  if (cachedData === undefined || script.cachedDataRejected) {
    // At exit, so the functions this run compiled are in the cache too.
    process.once("exit", () => saveCache(folder, cacheFile, script));
  }
  const wrapper = script.runInThisContext() as (...parameters: unknown[]) => void;
  const loaded = { exports: {} as BundleExports };
  wrapper.call(loaded.exports, loaded.exports, createRequire(BUNDLE), loaded, BUNDLE, dirname(BUNDLE));
  loaded.exports.run(args);
}

// The cache file when this user alone could have written it (V8 runs cached code without checking it the way
// it checks source): owned by this user, neither it nor its folder writable by others. Otherwise, or when
// there is none yet, undefined: compiled from source (and the cache made at exit).
function readOwnCache(cacheFile: string): Buffer | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(cacheFile, "r");
    return isPrivate(fstatSync(fd)) && isPrivate(statSync(dirname(cacheFile))) ? readFileSync(fd) : undefined;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

// Owned by this user and writable by no one else (always true where there are no uids: Windows).
function isPrivate(info: Stats): boolean {
  const uid = process.getuid?.();
  return uid === undefined || (info.uid === uid && (info.mode & 0o022) === 0);
}

// Written whole or not at all (a temp file renamed), readable by its owner only; older caches of other
// versions removed; nothing in a folder others can write to. A cache that cannot be written costs the next
// start its speed, nothing else.
function saveCache(folder: string, cacheFile: string, script: Script): void {
  try {
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    if (!isPrivate(statSync(folder))) return; // never read from there either
    const temp = `${cacheFile}.${process.pid}.tmp`;
    writeFileSync(temp, script.createCachedData(), { mode: 0o600 });
    renameSync(temp, cacheFile);
    for (const name of readdirSync(folder)) {
      if (name.startsWith(CACHE_PREFIX) && name.endsWith(".v8") && join(folder, name) !== cacheFile)
        rmSync(join(folder, name), { force: true });
    }
  } catch {
    // a read-only home, a full disk: run without a cache
  }
}

if (require.main === module) {
  if (existsSync(BUNDLE)) launch(process.argv.slice(2));
  else (require("../main.js") as typeof import("../main.js")).runAsProcess(process.argv.slice(2));
}
