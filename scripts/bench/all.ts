// `npm run bench`: every benchmark of scripts/bench/, one after another (never two at once: they would share
// the two cores), each printing its tables as it goes; then docs/benchmarks.md is written with the date, the
// machine, the versions and every table, which the README links.
//
// Usage: node dist/scripts/bench/all.js [--quick] [--out docs/benchmarks.md]
//   --quick  2 rounds instead of 5 (sends 2 runs, send soak 2 runs per node, CLI 7 starts): a check that
//            everything runs, not figures
// Exit code 1 when a benchmark exited non-zero (some exit 1 when their targets are missed, all when they could
// not run); the file is written regardless, saying which ones.
import { execFileSync, spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { arch, cpus, platform, release, totalmem } from "node:os";
import { join, resolve } from "node:path";
import { anvilBinary, projectRoot } from "../lib/localNode";
import { parseBenchOptions } from "./benchSupport";

interface Run {
  title: string;
  script: string;
  args: string[];
}

function runs(quick: boolean): Run[] {
  const repeat = quick ? "2" : "5";
  const reads = (reads: number, fn: string, latency?: number): Run => ({
    title: `Typed reads: ${reads.toLocaleString("en-US")} × ${fn}${latency ? `, ${latency} ms added per request` : ""}`,
    script: "reads.js",
    args: ["--reads", String(reads), "--fn", fn, "--repeat", repeat, ...(latency ? ["--latency", String(latency)] : [])],
  });
  return [
    reads(2_000, "getYear"),
    reads(2_000, "balanceOf"),
    reads(20_000, "getYear"),
    reads(20_000, "balanceOf"),
    reads(2_000, "getYear", 20),
    reads(2_000, "balanceOf", 20),
    { title: "Concurrent sends from one key (300)", script: "sends.js", args: ["--repeat", repeat] },
    {
      title: `Send soak: chaincall's two send contenders, ${quick ? 2 : 20} runs on each node (failures and stalls)`,
      script: "sends.js",
      args: ["--soak", quick ? "2" : "20"],
    },
    { title: "CLI start-up and batch", script: "cli.js", args: quick ? ["--repeat", "7", "--casts", "20", "--batch-repeat", "2"] : [] },
  ];
}

/** Runs one benchmark: its stderr (progress) passes through, its stdout (the tables) is shown and kept. */
function runOne(run: Run): Promise<{ stdout: string; code: number; seconds: number }> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(__dirname, run.script), ...run.args], { stdio: ["ignore", "pipe", "inherit"] });
    let stdout = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      process.stdout.write(chunk);
    });
    child.on("close", (code) => resolve({ stdout, code: code ?? 1, seconds: (Date.now() - started) / 1000 }));
  });
}

function version(command: string, args: string[]): string {
  try {
    return execFileSync(command, args, { encoding: "utf8", timeout: 30_000 }).trim().split("\n")[0] ?? "unknown";
  } catch {
    return "unknown";
  }
}

function packageVersion(name: string): string {
  try {
    return (require(join(projectRoot(), "node_modules", name, "package.json")) as { version: string }).version;
  } catch {
    return "unknown";
  }
}

async function main(): Promise<number> {
  const options = parseBenchOptions(process.argv.slice(2), "usage: node dist/scripts/bench/all.js [--quick] [--out docs/benchmarks.md]", {
    quick: { type: "boolean", default: false },
    out: { type: "string", default: "docs/benchmarks.md" },
  });
  const quick = options.quick === true;
  const started = Date.now();
  const sections: string[] = [];
  const failed: string[] = [];
  for (const run of runs(quick)) {
    process.stdout.write(`\n=== ${run.title} (node dist/scripts/bench/${run.script} ${run.args.join(" ")})\n`);
    const result = await runOne(run);
    if (result.code !== 0) failed.push(`${run.title} (exit ${result.code})`);
    sections.push(
      [
        `## ${run.title}`,
        "",
        `\`node dist/scripts/bench/${run.script} ${run.args.join(" ")}\` — ${result.seconds.toFixed(0)} s${result.code === 0 ? "" : `, **exit ${result.code}**`}`,
        "",
        "```",
        result.stdout.trimEnd(),
        "```",
        "",
      ].join("\n"),
    );
  }
  const minutes = (Date.now() - started) / 60_000;
  const cpu = cpus();
  const header = [
    "# Benchmarks",
    "",
    "Written by `npm run bench` (scripts/bench/all.ts): every benchmark of `scripts/bench/`, one after another, each",
    "running its contenders side by side in one run and printing ratios. Absolute figures depend on the machine and",
    "its load; the ratios are what the targets of issue 14 are about. Rerun it to refresh this file.",
    "",
    `- Date: ${new Date().toISOString()}${quick ? " (--quick: 2 rounds, not figures to quote)" : ""}, ${minutes.toFixed(1)} minutes in all`,
    `- Machine: ${cpu.length} × ${cpu[0]?.model ?? "unknown CPU"}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, ${platform()} ${release()} ${arch()}`,
    `- Node ${process.version}; ${version(anvilBinary(), ["--version"])}`,
    `- ethers ${packageVersion("ethers")}, viem ${packageVersion("viem")}, Hardhat ${packageVersion("hardhat")}`,
    ...(failed.length > 0
      ? ["", `**Exited non-zero** (a target missed, or the benchmark could not run; its section says which): ${failed.join("; ")}.`]
      : []),
    "",
  ].join("\n");
  const out = resolve(projectRoot(), String(options.out));
  writeFileSync(out, `${header}\n${sections.join("\n")}`);
  process.stdout.write(
    `\nwrote ${out} (${minutes.toFixed(1)} minutes)${failed.length > 0 ? `; exited non-zero: ${failed.join("; ")}` : ""}\n`,
  );
  return failed.length > 0 ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  },
);
