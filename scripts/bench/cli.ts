// Benchmark of the CLI, side by side on ONE Anvil (SPEC targets: "CLI cold `call` wall time ≤ 1.5 × `node -e 0`
// in the same run (Node's own start-up is the floor)" and "`chaincall batch` of 1,000 reads ≥ 100 × faster
// than 1,000 `cast call` processes").
//
// One Anvil is started; a CallDemo is deployed there from a dev key and Multicall3 is installed at its
// canonical address (as on the public chains). Then two measurements:
//
// 1. Cold call: each contender is one new process, timed from spawn to exit (wall time), its output checked:
//      node -e 0           Node's own start-up: the floor, what "×" divides by;
//      ethers script       a plain ethers v6 script doing the same call (`new JsonRpcProvider(url)`, a `Contract`
//                          with the one-function ABI, `getYear()`, print, `destroy()`), as a user would write it;
//      cast call           `cast call <address> "getYear()(uint256)" -r <url>` (Foundry, native code);
//      chaincall call      the package's bin, `node dist/src/cli/fast/launch.js call <address> "getYear()(uint256)" -r <url>`
//                          (the bundle's fast path, its V8 code cache in a folder of the run);
//      … no code cache     the same bin with a cache folder it cannot write (the bundle compiled every time);
//      … full CLI          `node dist/src/cli/main.js call …`, what the bin hands over to (yargs and the SDK).
//    Every contender runs once untimed first (so the OS file cache is warm: "cold" means a new process, not a
//    cold disk), then K timed rounds (`--repeat K`, default 21: on two cores shared with other work single
//    starts are noisy) with the contenders interleaved and the order rotated each round; each line is the
//    median of its rounds.
//
// 2. 1,000 reads: `chaincall batch <file>` (through the bin) of N lines (`--reads N`, default 1000, each
//    `{"target":<address>,"function":"getYear()(uint256)"}`), timed from spawn to exit and every output line
//    checked to be `{"line":i,"result":["2020"]}` in order; against `cast call` run as N separate processes,
//    one after another, as a shell loop would. Running 1,000 cast processes takes about a minute, so by
//    default only M of them run (`--casts M`, default 100) and their time is extrapolated to N (printed as
//    such: "extrapolated"); `--casts N` runs them all. The batch line is the median of K runs (default 5).
//
// Usage: node dist/scripts/bench/cli.js [--repeat K] [--reads N] [--casts M] [--batch-repeat K] [--json]
// Exit code 0 whether or not the SPEC targets are met (the verdict line says); 1 when the benchmark could
// not run or a contender printed a wrong answer. The node started here is always stopped, on Ctrl-C too.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { connect, installMulticall3 } from "../../src";
import { CallDemo__factory } from "../../typechain-types";
import { castBinary, type LocalNode, projectRoot, startAnvil } from "../lib/localNode";
import { median, parseBenchOptions, positiveInteger, progress } from "./benchSupport";

/** Account 0 of the dev mnemonic both nodes use ("test test … junk"): a public test key, funded on both. */
const DEPLOYER_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
const SIGNATURE = "getYear()(uint256)";
const EXPECTED = "2020";
/** The SPEC targets: cold call / node -e 0 at most; 1,000 cast processes / one batch at least. */
const TARGET_CALL_RATIO = 1.5;
const TARGET_BATCH_SPEEDUP = 100;
/** Kill a contender that hangs (a broken build, a node that stopped answering). */
const PROCESS_TIMEOUT_MS = 60_000;

interface Options {
  repeat: number;
  reads: number;
  casts: number;
  batchRepeat: number;
  json: boolean;
}

/** One way of running a process whose wall time is measured, with a check of what it printed. */
interface Contender {
  name: string;
  command: string;
  args: string[];
  /** Variables added to the environment. */
  env?: Record<string, string>;
  /** Throws when the output is wrong. */
  check(stdout: string): void;
}

interface Run {
  ms: number;
  stdout: string;
  stderr: string;
  code: number | null;
}

interface CallLine {
  contender: string;
  command: string;
  /** Wall times of the timed rounds, in round order. */
  rounds: number[];
  medianMs: number;
  /** medianMs / node -e 0's medianMs. */
  xNode: number;
}

interface BatchReport {
  reads: number;
  /** Wall times of `chaincall batch`, in run order. */
  batchRounds: number[];
  batchMs: number;
  /** How many cast processes ran, and their total time. */
  castsRun: number;
  castsMs: number;
  /** castsMs scaled to `reads` processes (equal to castsMs when all ran). */
  castsForReadsMs: number;
  extrapolated: boolean;
  speedup: number;
}

interface Verdict {
  callRatio: number;
  callMet: boolean;
  batchSpeedup: number;
  batchMet: boolean;
}

interface Report {
  options: Options;
  version: string;
  address: string;
  call: CallLine[];
  batch: BatchReport;
  verdict: Verdict;
}

// ---------------------------------------------------------------------------------------------------------
// Processes.

/** Spawns one process and times it from spawn to exit. */
function timeProcess(command: string, args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { cwd: projectRoot(), stdio: ["ignore", "pipe", "pipe"], env: { ...cleanEnv(), ...env } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString("utf8")));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString("utf8")));
    const killer = setTimeout(() => child.kill("SIGKILL"), PROCESS_TIMEOUT_MS);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(killer);
      resolve({ ms: performance.now() - started, stdout, stderr, code });
    });
  });
}

/** The environment without ETH_* variables, so the developer's shell cannot change what is measured. */
function cleanEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith("ETH_") && v !== undefined) env[k] = v;
  return env;
}

/** Runs a contender once and checks it: exit 0 and the right answer. */
async function runChecked(contender: Contender): Promise<Run> {
  const run = await timeProcess(contender.command, contender.args, contender.env);
  if (run.code !== 0) throw new Error(`${contender.name} exited ${run.code}: ${(run.stderr || run.stdout).trim().split("\n")[0]}`);
  try {
    contender.check(run.stdout);
  } catch (err) {
    throw new Error(`${contender.name}: ${(err as Error).message}`);
  }
  return run;
}

function expectYear(stdout: string): void {
  // cast prints "2020"; newer versions may append " [2.02e3]" for big numbers; chaincall and the script print "2020".
  if (stdout.trim().split(/\s/)[0] !== EXPECTED)
    throw new Error(`printed ${JSON.stringify(stdout.trim().slice(0, 80))}, expected ${EXPECTED}`);
}

// ---------------------------------------------------------------------------------------------------------
// 1. Cold call.

function callContenders(node: LocalNode, address: string, dir: string, scriptFile: string): Contender[] {
  const callArgs = ["call", address, SIGNATURE, "-r", node.rpcUrl];
  const chaincall = (name: string, script: string, env?: Record<string, string>): Contender => ({
    name,
    command: process.execPath,
    args: [script, ...callArgs],
    env,
    check: expectYear,
  });
  return [
    { name: "node -e 0", command: process.execPath, args: ["-e", "0"], check: () => undefined },
    { name: "ethers script", command: process.execPath, args: [scriptFile, node.rpcUrl, address], check: expectYear },
    castCall(node, address),
    chaincall("chaincall call", BIN, binEnv(dir)),
    // A cache folder under a file: never written, so the bundle is compiled on every start.
    chaincall("… no code cache", BIN, { CHAINCALL_CACHE_DIR: join(scriptFile, "cache") }),
    chaincall("… full CLI", join(projectRoot(), "dist", "src", "cli", "main.js")),
  ];
}

/** The package's bin, and its environment here: its code cache in the run's folder, never in ~. */
const BIN = join(projectRoot(), "dist", "src", "cli", "fast", "launch.js");
function binEnv(dir: string): Record<string, string> {
  return { CHAINCALL_CACHE_DIR: join(dir, "cli-cache") };
}

function castCall(node: LocalNode, address: string): Contender {
  return { name: "cast call", command: castBinary(), args: ["call", address, SIGNATURE, "-r", node.rpcUrl], check: expectYear };
}

/** The plain ethers script: what a user would write for the same call. */
function writeEthersScript(dir: string): string {
  const file = join(dir, "ethers-call.js");
  writeFileSync(
    file,
    [
      `const { JsonRpcProvider, Contract } = require(${JSON.stringify(require.resolve("ethers"))});`,
      "const [url, address] = process.argv.slice(2);",
      "const provider = new JsonRpcProvider(url);",
      'const demo = new Contract(address, ["function getYear() view returns (uint256)"], provider);',
      "demo.getYear().then((year) => { console.log(year.toString()); provider.destroy(); });",
      "",
    ].join("\n"),
  );
  return file;
}

async function measureCalls(contenders: Contender[], options: Options): Promise<CallLine[]> {
  for (const c of contenders) {
    progress(options, `cold call: ${c.name}: warm-up run …`);
    await runChecked(c);
  }
  const rounds: number[][] = contenders.map(() => []);
  for (let round = 0; round < options.repeat; round++) {
    progress(options, `cold call: round ${round + 1} of ${options.repeat} …`);
    // Rotated each round, so no contender always runs first (or right after the heaviest one).
    for (let i = 0; i < contenders.length; i++) {
      const j = (i + round) % contenders.length;
      rounds[j].push((await runChecked(contenders[j])).ms);
    }
  }
  const medians = rounds.map((r) => median(r)!);
  return contenders.map((c, j) => ({
    contender: c.name,
    command: [c.command, ...c.args].join(" "),
    rounds: rounds[j],
    medianMs: medians[j],
    xNode: medians[j] / medians[0],
  }));
}

// ---------------------------------------------------------------------------------------------------------
// 2. N reads: one batch against N cast processes.

async function measureBatch(node: LocalNode, address: string, dir: string, options: Options): Promise<BatchReport> {
  const file = join(dir, "reads.jsonl");
  writeFileSync(
    file,
    `${Array.from({ length: options.reads }, () => JSON.stringify({ target: address, function: SIGNATURE })).join("\n")}\n`,
  );
  const batch: Contender = {
    name: "chaincall batch",
    command: process.execPath,
    args: [BIN, "batch", file, "-r", node.rpcUrl],
    env: binEnv(dir),
    check: (stdout) => {
      const lines = stdout.split("\n");
      if (lines.pop() !== "") throw new Error("output does not end with a newline");
      if (lines.length !== options.reads) throw new Error(`${lines.length} output lines for ${options.reads} reads`);
      lines.forEach((line, i) => {
        if (line !== `{"line":${i + 1},"result":["${EXPECTED}"]}`) throw new Error(`output line ${i + 1} is ${line.slice(0, 80)}`);
      });
    },
  };
  progress(options, `batch: warm-up run of ${options.reads} reads …`);
  await runChecked(batch);
  const batchRounds: number[] = [];
  for (let round = 0; round < options.batchRepeat; round++) {
    progress(options, `batch: run ${round + 1} of ${options.batchRepeat} …`);
    batchRounds.push((await runChecked(batch)).ms);
  }
  const cast = castCall(node, address);
  const castsRun = Math.min(options.casts, options.reads);
  progress(options, `cast: ${castsRun} processes, one after another …`);
  const started = performance.now();
  for (let i = 0; i < castsRun; i++) await runChecked(cast);
  const castsMs = performance.now() - started;
  const batchMs = median(batchRounds)!;
  const castsForReadsMs = (castsMs * options.reads) / castsRun;
  return {
    reads: options.reads,
    batchRounds,
    batchMs,
    castsRun,
    castsMs,
    castsForReadsMs,
    extrapolated: castsRun < options.reads,
    speedup: castsForReadsMs / batchMs,
  };
}

// ---------------------------------------------------------------------------------------------------------
// Setup, reporting, lifecycle.

/** Deploys CallDemo, checks it answers 2020, and installs Multicall3 at its canonical address. */
async function prepareNode(node: LocalNode): Promise<string> {
  const client = await connect({ rpcUrl: node.rpcUrl, signer: { privateKey: DEPLOYER_KEY }, journal: false });
  try {
    const demo = await new CallDemo__factory(client.signer).deploy();
    await demo.waitForDeployment();
    const year = await demo.getYear();
    if (String(year) !== EXPECTED) throw new Error(`setup: the fresh CallDemo answers ${year}, not ${EXPECTED}`);
    await installMulticall3(client.provider);
    return await demo.getAddress();
  } finally {
    await client.close();
  }
}

function judge(call: CallLine[], batch: BatchReport): Verdict {
  const chaincall = call.find((l) => l.contender === "chaincall call")!;
  return {
    callRatio: chaincall.xNode,
    callMet: chaincall.xNode <= TARGET_CALL_RATIO,
    batchSpeedup: batch.speedup,
    batchMet: batch.speedup >= TARGET_BATCH_SPEEDUP,
  };
}

function printReport(report: Report): void {
  const { options, batch } = report;
  console.log(`\nAnvil (${report.version}), CallDemo at ${report.address}, Multicall3 installed`);
  console.log(`\nCold call: one new process each, wall time, median of ${options.repeat} rounds after a warm-up run`);
  const header = ["contender", "median ms", "min–max ms", "× node -e 0"];
  const rows = report.call.map((l) => [
    l.contender,
    l.medianMs.toFixed(0),
    `${Math.min(...l.rounds).toFixed(0)}–${Math.max(...l.rounds).toFixed(0)}`,
    l.xNode.toFixed(2),
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (cells: string[]) => cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join("  ");
  console.log(line(header));
  for (const row of rows) console.log(line(row));
  console.log(`\n${batch.reads} reads of getYear():`);
  console.log(
    `  chaincall batch (one process)     ${(batch.batchMs / 1000).toFixed(3)} s  (median of ${batch.batchRounds.length}; min ${(Math.min(...batch.batchRounds) / 1000).toFixed(3)} s)`,
  );
  console.log(
    `  cast call, ${batch.reads} processes       ${(batch.castsForReadsMs / 1000).toFixed(1)} s` +
      (batch.extrapolated
        ? `  (extrapolated: ${batch.castsRun} processes took ${(batch.castsMs / 1000).toFixed(2)} s, ${(batch.castsMs / batch.castsRun).toFixed(1)} ms each)`
        : ""),
  );
  console.log(`  speed-up                          ${batch.speedup.toFixed(0)} ×`);
}

function printVerdict(report: Report): void {
  const v = report.verdict;
  const b = report.batch;
  console.log(
    `\nSPEC "CLI cold call": chaincall/node -e 0 ${v.callRatio.toFixed(2)} (target ≤ ${TARGET_CALL_RATIO}): ${v.callMet ? "MET" : "NOT MET"}; ` +
      `"batch of ${b.reads} reads": ${v.batchSpeedup.toFixed(0)} × ${b.reads} cast processes${b.extrapolated ? ` (extrapolated from ${b.castsRun})` : ""} (target ≥ ${TARGET_BATCH_SPEEDUP} ×): ${v.batchMet ? "MET" : "NOT MET"}`,
  );
}

function parseOptions(argv: string[]): Options {
  const values = parseBenchOptions(
    argv,
    "usage: node dist/scripts/bench/cli.js [--repeat K (21 cold-call rounds)] [--reads N (1000)] [--casts M (100 cast processes, extrapolated to N)] [--batch-repeat K (5)] [--json]",
    {
      repeat: { type: "string", default: "21" },
      reads: { type: "string", default: "1000" },
      casts: { type: "string", default: "100" },
      "batch-repeat": { type: "string", default: "5" },
      json: { type: "boolean", default: false },
    },
  );
  return {
    repeat: positiveInteger("repeat", values.repeat),
    reads: positiveInteger("reads", values.reads),
    casts: positiveInteger("casts", values.casts),
    batchRepeat: positiveInteger("batch-repeat", values["batch-repeat"]),
    json: values.json === true,
  };
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const dir = mkdtempSync(join(tmpdir(), "chaincall-bench-cli-"));
  let node: LocalNode | undefined;
  // Ctrl-C: stop the node, then leave (a node still starting is killed by localNode's exit hook).
  process.once("SIGINT", () => void (node?.stop() ?? Promise.resolve()).finally(() => process.exit(130)));
  try {
    progress(options, "starting anvil …");
    node = await startAnvil({ ipc: false });
    const version = await clientVersion(node.rpcUrl);
    const address = await prepareNode(node);
    const call = await measureCalls(callContenders(node, address, dir, writeEthersScript(dir)), options);
    const batch = await measureBatch(node, address, dir, options);
    const report: Report = { options, version, address, call, batch, verdict: judge(call, batch) };
    if (options.json) {
      console.log(JSON.stringify(report, null, 2));
    } else {
      printReport(report);
      printVerdict(report);
    }
    process.exitCode = 0;
  } finally {
    await node?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function clientVersion(rpcUrl: string): Promise<string> {
  const response = await fetch(rpcUrl, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "web3_clientVersion", params: [] }),
  });
  return String(((await response.json()) as { result?: unknown }).result ?? "unknown");
}

main().catch((err) => {
  console.error(`error: ${(err as Error).message ?? err}`);
  process.exitCode = 1;
});
