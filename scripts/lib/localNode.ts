import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";

/** A local development node running as a child process of this one. */
export interface LocalNode {
  kind: "hardhat" | "anvil" | "ganache";
  port: number;
  pid: number;
  /** `http://127.0.0.1:<port>` */
  rpcUrl: string;
  /** `ws://127.0.0.1:<port>` (every node here serves WebSocket on the HTTP port) */
  wsUrl: string;
  /** The IPC socket path, when started with one (Anvil only). */
  ipcPath?: string;
  /** The node's chain id (31337 for Hardhat and Anvil, 1337 for Ganache). */
  chainId: bigint;
  /** The last lines the node printed, for diagnostics. */
  output(): string;
  /** Stops the node (SIGTERM, then SIGKILL after 5 s) and removes its temp files. Safe to call twice. */
  stop(): Promise<void>;
  /**
   * Kills the node at once (SIGKILL: no chance to save anything, as in a crash) and resolves once it has
   * exited; its temp files are removed as by `stop`. Safe to call twice, and after `stop`.
   */
  kill(): Promise<void>;
}

export interface StartOptions {
  /** A fixed port; by default a free one is picked. */
  port?: number;
  /** Time to wait for the node to answer JSON-RPC, in ms. Default 60 000. */
  readyTimeoutMs?: number;
}

/** The folder holding hardhat.config.ts, found upward from this file (works from src and from dist). */
export function projectRoot(from: string = __dirname): string {
  let dir = from;
  while (!existsSync(join(dir, "hardhat.config.ts"))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no hardhat.config.ts above ${from}`);
    dir = parent;
  }
  return dir;
}

/** Asks the OS for a free TCP port on the loopback interface. */
export function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

/**
 * Starts `hardhat node` on a free port (never assuming 8545 is free) and waits until it answers.
 * @example const node = await startHardhatNode(); …; await node.stop();
 */
export async function startHardhatNode(options: StartOptions & { initialDate?: string } = {}): Promise<LocalNode> {
  const cli = require.resolve("hardhat/internal/cli/cli.js");
  // A fixed start date fixes the genesis block (its timestamp is the start time otherwise): a node started
  // again with the same date is the same chain to its clients (same chain id and genesis hash), as a real
  // node restarted after a crash is. Hardhat takes the date only from a config file: a one-line config of
  // its own, in a temp folder the node's stop removes.
  const configDir = options.initialDate === undefined ? undefined : mkdtempSync(join(tmpdir(), "chaincall-hardhat-"));
  if (configDir) {
    const network = { chainId: 31337, initialDate: options.initialDate };
    writeFileSync(join(configDir, "hardhat.config.js"), `module.exports = ${JSON.stringify({ networks: { hardhat: network } })};\n`);
  }
  return startWithRetry(
    "hardhat",
    options,
    (port) => ({
      command: process.execPath,
      args: [
        cli,
        ...(configDir ? ["--config", join(configDir, "hardhat.config.js")] : []),
        "node",
        "--hostname",
        "127.0.0.1",
        "--port",
        String(port),
      ],
      cwd: projectRoot(),
    }),
    configDir,
  );
}

/**
 * Starts Anvil (from `@foundry-rs/anvil`) on a free port, with its IPC socket (unless `ipc: false`) and the
 * states it writes to disk in a fresh temp folder, which `stop` removes. (Left to itself, Anvil writes old
 * blocks' states under `~/.foundry/anvil/tmp` and never removes them: a folder per node, gigabytes after a
 * benchmark.)
 * @example const node = await startAnvil(); connect({ rpcUrl: node.ipcPath });
 */
export async function startAnvil(options: StartOptions & { ipc?: boolean; args?: string[] } = {}): Promise<LocalNode> {
  const binary = anvilBinary();
  const dir = mkdtempSync(join(tmpdir(), "chaincall-anvil-"));
  const ipcPath = options.ipc === false ? undefined : join(dir, "anvil.ipc");
  const node = await startWithRetry(
    "anvil",
    options,
    (port) => ({
      command: binary,
      args: [
        "--host",
        "127.0.0.1",
        "--port",
        String(port),
        "--cache-path",
        join(dir, "states"),
        ...(ipcPath ? ["--ipc", ipcPath] : []),
        ...(options.args ?? []),
      ],
      cwd: projectRoot(),
    }),
    dir,
  );
  if (ipcPath) {
    node.ipcPath = ipcPath;
    // The IPC socket appears a moment after HTTP is up.
    for (let i = 0; i < 100 && !existsSync(ipcPath); i++) await sleep(50);
  }
  return node;
}

/** The dev mnemonic Hardhat and Anvil use by default; Ganache is given it so the same keys are funded. */
export const DEV_MNEMONIC = "test test test test test test test test test test test junk";

/**
 * Starts Ganache 7 (the `ganache` npm package's CLI, run by this Node) on a free port of 127.0.0.1, with
 * the dev mnemonic Hardhat and Anvil use (20 accounts of 10,000 ETH), instant mining and no logging.
 * Ganache serves HTTP and WebSocket on the same port; its chain id is 1337 and its EVM is pre-Cancun.
 * @example const node = await startGanache(); connect({ rpcUrl: node.wsUrl }); …; await node.stop();
 */
export async function startGanache(options: StartOptions & { args?: string[] } = {}): Promise<LocalNode> {
  const cli = require.resolve("ganache/dist/node/cli.js");
  return startWithRetry("ganache", options, (port) => ({
    command: process.execPath,
    args: [
      cli,
      "--server.host",
      "127.0.0.1",
      "--server.port",
      String(port),
      "--server.ws",
      "true",
      "--wallet.mnemonic",
      DEV_MNEMONIC,
      "--wallet.totalAccounts",
      "20",
      "--wallet.defaultBalance",
      "10000",
      "--miner.blockTime",
      "0",
      "--logging.quiet",
      "true",
      ...(options.args ?? []),
    ],
    cwd: projectRoot(),
  }));
}

/** The anvil binary: from its npm platform package (`@foundry-rs/anvil-linux-amd64` on linux-x64), else from PATH. */
export function anvilBinary(): string {
  return foundryBinary("anvil");
}

/** The cast binary: from its npm platform package (`@foundry-rs/cast-linux-amd64` on linux-x64), else from PATH. */
export function castBinary(): string {
  return foundryBinary("cast");
}

// The dev dependencies @foundry-rs/anvil and @foundry-rs/cast carry each platform's binary as an optional
// package, and npm installs the one for this machine. The binary is run directly, not through the
// wrappers' bin scripts, so the pid the tests stop is the node's own. Where npm has no build for the
// platform, a Foundry install on PATH (foundryup) serves.
function foundryBinary(tool: "anvil" | "cast"): string {
  const arch = process.arch === "x64" ? "amd64" : process.arch;
  const pkg = `@foundry-rs/${tool}-${process.platform}-${arch}`;
  const exe = process.platform === "win32" ? `${tool}.exe` : tool;
  try {
    return require.resolve(`${pkg}/bin/${exe}`);
  } catch {
    for (const dir of (process.env.PATH ?? "").split(delimiter)) {
      if (dir && existsSync(join(dir, exe))) return join(dir, exe);
    }
    throw new Error(
      `${tool} is not installed for ${process.platform}-${process.arch}: npm has no ${pkg} here. ` +
        `Install Foundry (https://getfoundry.sh, then foundryup) so that ${tool} is on PATH, and run the tests again.`,
    );
  }
}

// Every child this process started, with its temp folder; killed (and the folder removed) synchronously if
// the process exits without stopping them.
const running = new Map<ChildProcess, string | undefined>();
process.once("exit", () => {
  for (const [child, tempDir] of running) {
    child.kill("SIGKILL");
    if (tempDir) rmSync(tempDir, { recursive: true, force: true });
  }
});

interface Launch {
  command: string;
  args: string[];
  cwd: string;
}

async function startWithRetry(
  kind: LocalNode["kind"],
  options: StartOptions,
  launch: (port: number) => Launch,
  tempDir?: string,
): Promise<LocalNode> {
  let lastError: unknown;
  // A free port can be taken by someone else between the check and the node's bind: try a few.
  for (let attempt = 0; attempt < (options.port ? 1 : 3); attempt++) {
    const port = options.port ?? (await findFreePort());
    try {
      return await startOnce(kind, port, launch(port), options.readyTimeoutMs ?? 60_000, tempDir);
    } catch (err) {
      lastError = err;
    }
  }
  if (tempDir) rmSync(tempDir, { recursive: true, force: true });
  throw lastError;
}

async function startOnce(
  kind: LocalNode["kind"],
  port: number,
  launch: Launch,
  readyTimeoutMs: number,
  tempDir?: string,
): Promise<LocalNode> {
  const child = spawn(launch.command, launch.args, { cwd: launch.cwd, stdio: ["ignore", "pipe", "pipe"] });
  running.set(child, tempDir);
  // The node's output must be read or its pipe fills and it blocks; keep only the tail.
  let tail = "";
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString("utf8")).slice(-16_384);
  };
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  let exited = false;
  const exit = new Promise<void>((resolve) =>
    child.once("exit", () => {
      exited = true;
      running.delete(child);
      resolve();
    }),
  );
  const rpcUrl = `http://127.0.0.1:${port}`;
  let stopped: Promise<void> | undefined;
  const end = (signal: "SIGTERM" | "SIGKILL") =>
    (stopped ??= (async () => {
      if (!exited) {
        child.kill(signal);
        const killer = setTimeout(() => child.kill("SIGKILL"), 5_000);
        await exit;
        clearTimeout(killer);
      }
      if (tempDir) rmSync(tempDir, { recursive: true, force: true });
    })());
  const stop = () => end("SIGTERM");
  const deadline = Date.now() + readyTimeoutMs;
  while (true) {
    if (exited) throw new Error(`${kind} node exited before answering on port ${port}:\n${tail}`);
    const chainId = await tryChainId(rpcUrl);
    if (chainId !== undefined) {
      return {
        kind,
        port,
        pid: child.pid!,
        rpcUrl,
        wsUrl: `ws://127.0.0.1:${port}`,
        chainId,
        output: () => tail,
        stop,
        kill: () => end("SIGKILL"),
      };
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${kind} node did not answer on port ${port} within ${readyTimeoutMs} ms:\n${tail}`);
    }
    await sleep(100);
  }
}

async function tryChainId(rpcUrl: string): Promise<bigint | undefined> {
  try {
    const response = await fetch(rpcUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
      signal: AbortSignal.timeout(2_000),
    });
    const body = (await response.json()) as { result?: string };
    return typeof body.result === "string" ? BigInt(body.result) : undefined;
  } catch {
    return undefined;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
