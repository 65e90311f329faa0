import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { build, type Metafile, stop as stopEsbuild } from "esbuild";
import { projectRoot } from "../scripts/lib/localNode";
import {
  apparentSize,
  type CompiledContract,
  type ConsumerKind,
  compileLedger,
  consumerEnv,
  type InstalledPackage,
  installedPackages,
  repoVersion,
  run,
  stopRunning,
  writeSubProject,
} from "./fixtures/consumer/project";
import { anvil, type CliResult, expectErrorLine, isolateState, showCli } from "./fixtures/nodes";

// Issue 10's consumer test: the package as npm publishes it (npm pack), installed into an empty project the
// way a user installs it, then used from CommonJS, ES module and bundler projects that type-check it with
// strict settings and run it against the run's Anvil. One install serves every sub-project: installs are
// the slow part. Needs the build (`npm test` runs it first): npm pack here skips the prepack build.

/** Account 7 of the dev mnemonic ("test test … junk"; the key is public), funded on Anvil. Not account 0, so
 * the nonces other suites expect are untouched. */
const CONSUMER_ACCOUNT = "0x14dC79964da2C08b23698B3D3cc7Ca32193d9955";
const CONSUMER_PRIVATE_KEY = "0x4bbbf85ce3377467afe5d46f804f221813b2bb87f24d81f60f1fcdbf7cbf4356";

// SPEC §6 says "≤ 25 MB" and "≤ 50 MB"; decimal megabytes (25 000 000 bytes, less than 25 MiB) are the strict reading.
const MB = 1e6;
const SDK_CLI_LIMIT = 25 * MB;
const WITH_CODEGEN_LIMIT = 50 * MB;

// --prefer-offline: the packages are the repository's own versions, so npm's cache (the default one; it is
// not redirected) usually serves them without asking the registry.
const NPM_INSTALL = ["install", "--prefer-offline", "--no-audit", "--no-fund"];
const INSTALL_TIMEOUT_MS = 120_000;

const KINDS: readonly ConsumerKind[] = ["cjs", "cjs-node10", "esm", "bundler"];

/** Fails the test with the program's output unless it exited 0. */
function expectSuccess(r: CliResult, what: string): CliResult {
  expect(r.code, `${what}\n${showCli(r)}`).to.equal(0);
  return r;
}

const RESOLUTION: Record<ConsumerKind, string> = { cjs: "node16", "cjs-node10": "node10", esm: "nodenext", bundler: "bundler" };

function mb(bytes: number): string {
  return (bytes / MB).toFixed(1);
}

describe("consumer: the packed package installed and used like a user would", () => {
  isolateState(anvil, "suite");

  let root: string | undefined;
  let consumer = "";
  let tarball = "";
  let ledger: CompiledContract;
  let baseSize = 0;
  let sdkSize = 0;
  let sdkPackages: InstalledPackage[] = [];
  const timings: string[] = [];

  const bin = (name: string): string => join(consumer, "node_modules", ".bin", name);
  const npm = (args: string[], cwd = consumer): Promise<CliResult> => run("npm", args, { cwd, timeoutMs: INSTALL_TIMEOUT_MS });

  before(async function () {
    this.timeout(4 * INSTALL_TIMEOUT_MS);
    root = mkdtempSync(join(tmpdir(), "chaincall-consumer-"));
    // The bin keeps its code cache per user (~/.cache/chaincall): here, in the temp folder, never in ~.
    process.env.CHAINCALL_CACHE_DIR = join(root, "cli-cache");

    const packed = expectSuccess(await npm(["pack", "--ignore-scripts", "--json", "--pack-destination", root], projectRoot()), "npm pack");
    tarball = join(root, (JSON.parse(packed.stdout) as { filename: string }[])[0].filename);
    expect(existsSync(tarball), `npm pack wrote no ${tarball}`).to.equal(true);
    ledger = compileLedger();

    // "A TypeScript 5 the project already has": the empty project starts with the repository's own versions.
    consumer = join(root, "app");
    mkdirSync(consumer);
    writeFileSync(join(consumer, "package.json"), `${JSON.stringify({ name: "consumer", version: "1.0.0", private: true }, null, 2)}\n`);
    const base = expectSuccess(
      await npm([...NPM_INSTALL, `typescript@${repoVersion("typescript")}`, `@types/node@${repoVersion("@types/node")}`]),
      "npm install typescript @types/node",
    );
    baseSize = apparentSize(join(consumer, "node_modules"));

    const sdk = expectSuccess(await npm([...NPM_INSTALL, tarball]), "npm install <chaincall tarball>");
    sdkSize = apparentSize(join(consumer, "node_modules"));
    sdkPackages = installedPackages(join(consumer, "node_modules"));
    timings.push(`install typescript ${base.ms} ms, chaincall ${sdk.ms} ms`);
  });

  after(async () => {
    delete process.env.CHAINCALL_CACHE_DIR;
    stopRunning();
    await stopEsbuild();
    if (timings.length > 0) console.log(`      consumer timings: ${timings.join("; ")}`);
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it(`installs the SDK and CLI in ≤ ${SDK_CLI_LIMIT / MB} MB, with ethers (its peer) once and its dependencies only`, () => {
    const added = sdkSize - baseSize;
    expect(added, `node_modules grew by ${added} bytes`).to.be.at.most(SDK_CLI_LIMIT);
    const names = sdkPackages.map((p) => p.name);
    expect(names.filter((n) => n === "chaincall")).to.have.length(1);
    expect(
      sdkPackages.filter((p) => p.name === "ethers").map((p) => p.dir),
      "one copy of ethers",
    ).to.have.length(1);
    for (const dependency of ["ws", "yargs"]) expect(names, dependency).to.include(dependency);
    // The signer's noble libraries are the versions ethers pins: one copy, shared with ethers.
    for (const noble of ["@noble/curves", "@noble/hashes"])
      expect(
        names.filter((n) => n === noble),
        noble,
      ).to.have.length(1);
  });

  it("brings no Foundry binaries, prettier, TypeChain or second TypeScript", () => {
    const unwanted = sdkPackages.filter((p) => /^@foundry-rs\/|^prettier$|^typechain$|^@typechain\//.test(p.name));
    expect(unwanted.map((p) => `${p.name}@${p.version}`)).to.deep.equal([]);
    expect(sdkPackages.filter((p) => p.name === "typescript").map((p) => p.version)).to.deep.equal([repoVersion("typescript")]);
  });

  it("npx chaincall --help exits 0", async function () {
    this.timeout(60_000);
    // The installed bin or a failure: --no never installs, --offline never asks the registry about a package
    // named chaincall (npx looks a name up before refusing to install it); "--" keeps --help away from npx.
    const r = expectSuccess(
      await run("npx", ["--offline", "--no", "--", "chaincall", "--help"], { cwd: consumer, timeoutMs: 60_000 }),
      "npx chaincall --help",
    );
    expect(r.stdout).to.match(/\bgen\b/);
    expect(r.stdout).to.match(/\bcall\b/);
  });

  it("the installed bin answers chain-id on its fast path and keeps its code cache where told", async function () {
    this.timeout(60_000);
    const r = expectSuccess(
      await run(bin("chaincall"), ["chain-id", "-r", anvil().rpcUrl], { cwd: consumer, timeoutMs: 30_000 }),
      "chaincall chain-id",
    );
    expect(r.stdout).to.equal("31337\n");
    expect(readdirSync(process.env.CHAINCALL_CACHE_DIR!).filter((name) => name.endsWith(".v8"))).to.have.length(1);
  });

  it("chaincall gen without TypeChain installed fails with one error line naming typechain and how to install it", async function () {
    this.timeout(60_000);
    const dir = join(root!, "gen-without-typechain");
    mkdirSync(dir);
    writeFileSync(join(dir, "Ledger.abi"), JSON.stringify(ledger.abi));
    const r = await run(bin("chaincall"), ["gen", "Ledger.abi", "--out", "typechain-types"], { cwd: dir, timeoutMs: 60_000 });
    const message = expectErrorLine(r, 1);
    expect(message, showCli(r)).to.match(/typechain/i);
    expect(r.stderr, showCli(r)).to.match(/npm install .*typechain.*@typechain\/ethers-v6|npm install .*@typechain\/ethers-v6.*typechain/);
    expect(existsSync(join(dir, "typechain-types")), "nothing generated").to.equal(false);
  });

  describe("with TypeChain installed for codegen", () => {
    let codegenSize = 0;
    let codegenPackages: InstalledPackage[] = [];
    const bundleSizes: string[] = [];

    before(async function () {
      this.timeout(INSTALL_TIMEOUT_MS + 10_000);
      const r = expectSuccess(
        await npm([...NPM_INSTALL, `typechain@${repoVersion("typechain")}`, `@typechain/ethers-v6@${repoVersion("@typechain/ethers-v6")}`]),
        "npm install typechain @typechain/ethers-v6",
      );
      timings.push(`install typechain ${r.ms} ms`);
      codegenSize = apparentSize(join(consumer, "node_modules"));
      codegenPackages = installedPackages(join(consumer, "node_modules"));
      console.log(
        `      consumer install: SDK+CLI ${mb(sdkSize - baseSize)} MB, with codegen ${mb(codegenSize - baseSize)} MB (limits ${SDK_CLI_LIMIT / MB} and ${WITH_CODEGEN_LIMIT / MB} MB)`,
      );
    });

    after(() => {
      if (bundleSizes.length > 0) console.log(`      consumer bundle: ${bundleSizes.join(", ")}`);
    });

    it(`stays ≤ ${WITH_CODEGEN_LIMIT / MB} MB in all, with the project's TypeScript still the only one`, () => {
      const added = codegenSize - baseSize;
      expect(added, `node_modules grew by ${added} bytes`).to.be.at.most(WITH_CODEGEN_LIMIT);
      expect(codegenPackages.filter((p) => p.name === "typescript").map((p) => p.version)).to.deep.equal([repoVersion("typescript")]);
      expect(
        codegenPackages.filter((p) => p.name === "ethers"),
        "one copy of ethers",
      ).to.have.length(1);
    });

    for (const kind of KINDS) {
      describe(`a ${kind} project`, () => {
        let dir = "";
        before(() => {
          dir = writeSubProject(consumer, kind, ledger);
        });

        it(`chaincall gen writes the Ledger bindings${kind === "esm" ? ", with .js suffixes (type: module)" : ", without import suffixes"}`, async function () {
          this.timeout(60_000);
          const r = expectSuccess(
            await run(bin("chaincall"), ["gen", "Ledger.abi", "--out", "typechain-types"], { cwd: dir, timeoutMs: 60_000 }),
            "chaincall gen",
          );
          timings.push(`${kind} gen ${r.ms} ms`);
          const index = readFileSync(join(dir, "typechain-types", "index.ts"), "utf8");
          expect(index, index).to.match(/Ledger__factory/);
          const relativeImports = index.match(/from "\.\/[^"]+"/g) ?? [];
          expect(relativeImports, index).not.to.have.length(0);
          for (const specifier of relativeImports) expect(specifier.endsWith('.js"'), specifier).to.equal(kind === "esm");
        });

        it(`type-checks with tsc (strict, skipLibCheck false, ${RESOLUTION[kind]} resolution)`, async function () {
          this.timeout(120_000);
          const r = await run(bin("tsc"), ["-p", "."], { cwd: dir, timeoutMs: 120_000 });
          timings.push(`${kind} tsc ${r.ms} ms`);
          expectSuccess(r, "tsc -p . (the errors are on stdout)");
          if (kind !== "bundler") expect(existsSync(join(dir, "build", "main.js")), "tsc wrote build/main.js").to.equal(true);
        });

        if (kind === "bundler") {
          it("bundles with esbuild without codegen or CLI code (no typechain, @typechain, prettier or yargs)", async function () {
            this.timeout(60_000);
            const result = await build({
              absWorkingDir: dir,
              entryPoints: ["main.ts"],
              outfile: "out/main.js",
              platform: "node",
              target: "node20",
              bundle: true,
              metafile: true,
              logLevel: "silent",
            });
            const inputs = Object.keys((result.metafile as Metafile).inputs);
            expect(
              inputs.some((p) => p.includes("node_modules/chaincall/")),
              `the bundle holds chaincall: ${inputs.join(", ")}`,
            ).to.equal(true);
            const codegen = inputs.filter((p) =>
              /node_modules\/(typechain|@typechain|prettier|yargs)\/|node_modules\/chaincall\/dist\/[^/]+\/(codegen|cli)\//.test(p),
            );
            expect(codegen).to.deep.equal([]);
            const size = statSync(join(dir, "out", "main.js")).size;
            bundleSizes.push(`${mb(size)} MB from ${inputs.length} inputs`);
          });
        }

        it("runs against Anvil: deploys Ledger, sends 5 transactions at once, reads the logs back, gets the custom error as CALL_REVERTED", async function () {
          this.timeout(60_000);
          const program = kind === "bundler" ? join("out", "main.js") : join("build", "main.js");
          const env = consumerEnv({
            CONSUMER_KIND: kind,
            CONSUMER_RPC_URL: anvil().rpcUrl,
            CONSUMER_PRIVATE_KEY,
            // The run's journal is shared with other suites; these sends vanish with the suite's evm_revert.
            CHAINCALL_JOURNAL: join(root!, `journal-${kind}.jsonl`),
          });
          const r = expectSuccess(await run(process.execPath, [program], { cwd: dir, env, timeoutMs: 45_000 }), `node ${program}`);
          timings.push(`${kind} run ${r.ms} ms`);
          const lines = r.stdout.trim().split("\n");
          expect(lines, showCli(r)).to.have.length(1);
          const out = JSON.parse(lines[0]);
          const shown = showCli(r);

          expect(out.kind).to.equal(kind);
          expect(out.chainId).to.equal("31337");
          expect(out.from).to.equal(CONSUMER_ACCOUNT);
          expect(out.name, shown).to.equal(`ledger-${kind}`);
          expect(out.balances, shown).to.deep.equal(["10", "20", "30", "40", "50"]);
          expect(out.total, shown).to.equal("157");

          // Five sends issued together: all mined, on consecutive nonces, followed by the sender's own credit.
          const sends = [...(out.sends as { hash: string; nonce: number; amount: string; status: number }[])].sort(
            (a, b) => a.nonce - b.nonce,
          );
          expect(
            sends.map((s) => s.status),
            shown,
          ).to.deep.equal([1, 1, 1, 1, 1]);
          expect(
            sends.map((s) => s.nonce - sends[0].nonce),
            shown,
          ).to.deep.equal([0, 1, 2, 3, 4]);
          expect(out.own.nonce, shown).to.equal(sends[0].nonce + 5);

          // getLogs: every Credited log once, in chain order, which is nonce order; totals accumulate in that order.
          const logs = out.logs as {
            eventName: string;
            account: string;
            amount: string;
            total: string;
            blockNumber: number;
            logIndex: number;
            transactionHash: string;
          }[];
          expect(
            logs.map((l) => l.transactionHash),
            shown,
          ).to.deep.equal([...sends.map((s) => s.hash), out.own.hash]);
          expect(logs.map((l) => l.eventName)).to.deep.equal(Array(6).fill("Credited"));
          expect(logs.map((l) => l.amount)).to.deep.equal([...sends.map((s) => s.amount), "7"]);
          let running = 0n;
          const totals = logs.map((l) => {
            running += BigInt(l.amount);
            return String(running);
          });
          expect(logs.map((l) => l.total)).to.deep.equal(totals);
          expect(logs[5].account).to.equal(CONSUMER_ACCOUNT);
          for (let i = 1; i < logs.length; i++) {
            const [a, b] = [logs[i - 1], logs[i]];
            expect(
              a.blockNumber < b.blockNumber || (a.blockNumber === b.blockNumber && a.logIndex < b.logIndex),
              `log ${i} after log ${i - 1}\n${shown}`,
            ).to.equal(true);
          }
          expect(logs[0].blockNumber).to.be.above(out.deployBlock);

          // The custom error, from a send (gas estimate) and from a call, decoded with the ABI given to connect().
          const overdrawn = {
            thrown: true,
            isChaincallError: true,
            instanceOfChaincallError: true,
            instanceOfContractRevertedError: true,
            code: "CALL_REVERTED",
            errorName: "Overdrawn",
            args: [CONSUMER_ACCOUNT, "7", "1000"],
          };
          for (const revert of [out.sendRevert, out.callRevert]) {
            const { message, ...fields } = revert;
            expect(fields, `${message}\n${shown}`).to.deep.equal(overdrawn);
          }
        });
      });
    }
  });
});
