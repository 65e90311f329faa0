import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { type AddressInfo, createServer, type Server, type Socket } from "node:net";
import { homedir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { findFreePort, projectRoot } from "../scripts/lib/localNode";
import { tryFastPath } from "../src/cli/fast/fastPath";
import { cacheFolder } from "../src/cli/fast/launch";
import { captureStreams } from "../src/cli/output";
import { CallDemo__factory, Echo__factory } from "../typechain-types";
import {
  anvil,
  type CliResult,
  DEV_ACCOUNT,
  DEV_PRIVATE_KEY,
  devClient,
  hardhat,
  isolateState,
  runCli,
  showCli,
  tempDir,
} from "./fixtures/nodes";

// The package's bin (dist/src/cli/fast/launch.js: the bundle's fast `call`, handing over to the full CLI) and
// the full CLI (dist/src/cli/main.js) run on the same command lines, against the run's Anvil and Hardhat node:
// same exit code, same stdout, same stderr. Each case also says whether the fast path itself answers it
// (tryFastPath in-process: 0, and the full CLI's stdout) or hands it over (undefined, nothing printed).

const BIN = join(projectRoot(), "dist", "src", "cli", "fast", "launch.js");
const KEY_SHAPED = DEV_PRIVATE_KEY;

interface Case {
  name: string;
  args: string[];
  env?: Record<string, string>;
  /** Whether the fast path answers it itself. */
  fast: boolean;
  /** The exit code both give. */
  code: 0 | 1 | 2;
}

describe("CLI fast path: the bin and the full CLI print the same", function () {
  this.timeout(120_000);
  isolateState(anvil, "suite");
  isolateState(hardhat, "suite");
  const dir = tempDir("clifast");
  const cacheDir = (): string => join(dir(), "cache");

  const addresses = { demo: "", echo: "", hardhatDemo: "" };
  let deadUrl = "";
  let silent: Server | undefined;
  const sockets = new Set<Socket>();
  let silentUrl = "";

  before(async () => {
    for (const node of [anvil, hardhat]) {
      const client = await devClient(node());
      try {
        const demo = await new CallDemo__factory(client.signer).deploy();
        await demo.waitForDeployment();
        if (node === anvil) {
          addresses.demo = await demo.getAddress();
          const echo = await new Echo__factory(client.signer).deploy();
          await echo.waitForDeployment();
          addresses.echo = await echo.getAddress();
        } else {
          addresses.hardhatDemo = await demo.getAddress();
        }
      } finally {
        await client.close();
      }
    }
    deadUrl = `http://127.0.0.1:${await findFreePort()}`;
    // A node that accepts connections and never answers.
    silent = createServer((socket) => {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => silent!.listen(0, "127.0.0.1", resolve));
    silentUrl = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
  });

  after(async () => {
    for (const socket of sockets) socket.destroy();
    if (silent) await new Promise((resolve) => silent!.close(resolve));
  });

  const bin = (args: string[], env: Record<string, string> = {}): Promise<CliResult> =>
    runCli(args, { script: BIN, env: { CHAINCALL_CACHE_DIR: cacheDir(), ...env }, timeoutMs: 30_000 });
  const full = (args: string[], env: Record<string, string> = {}): Promise<CliResult> => runCli(args, { env, timeoutMs: 30_000 });

  /** Runs one case both ways (and the fast path in-process) and compares. */
  async function compare(c: Case): Promise<CliResult> {
    const [viaBin, viaFull] = await Promise.all([bin(c.args, c.env), full(c.args, c.env)]);
    const shown = `bin:\n${showCli(viaBin)}\nfull:\n${showCli(viaFull)}`;
    expect(viaFull.code, shown).to.equal(c.code);
    expect({ code: viaBin.code, stdout: viaBin.stdout, stderr: viaBin.stderr }, shown).to.deep.equal({
      code: viaFull.code,
      stdout: viaFull.stdout,
      stderr: viaFull.stderr,
    });
    const streams = captureStreams();
    const answered = await tryFastPath(c.args, { ...c.env }, streams);
    expect(answered, `fast path ${c.fast ? "answers" : "hands over"}: ${c.args.join(" ")}`).to.equal(c.fast ? 0 : undefined);
    expect(streams.stdoutText(), "the fast path prints what the full CLI prints, or nothing").to.equal(c.fast ? viaFull.stdout : "");
    return viaFull;
  }

  const r = (): string[] => ["-r", anvil().rpcUrl];
  const call = (target: string, signature: string, ...rest: string[]): string[] => ["call", target, signature, ...rest];

  describe("answered by the fast path", () => {
    it("getYear, plain and --json, with -q, -v, --timeout and options before the positionals", async () => {
      const plain = await compare({ name: "plain", args: call(addresses.demo, "getYear()(uint256)", ...r()), fast: true, code: 0 });
      expect(plain.stdout).to.equal("2020\n");
      const json = await compare({ name: "json", args: call(addresses.demo, "getYear()(uint256)", ...r(), "--json"), fast: true, code: 0 });
      expect(JSON.parse(json.stdout)).to.deep.include({ result: ["2020"], contract: null, block: "latest" });
      await compare({
        name: "flags",
        args: ["call", "--json", "-q", ...r(), addresses.demo.toLowerCase(), "-v", "--timeout", "5", "year() view returns (uint256)"],
        fast: true,
        code: 0,
      });
    });

    it("on Hardhat too, and with the node from ETH_RPC_URL", async () => {
      await compare({
        name: "hardhat",
        args: call(addresses.hardhatDemo, "getYear()(uint256)", "-r", hardhat().rpcUrl),
        fast: true,
        code: 0,
      });
      await compare({
        name: "env",
        args: call(addresses.demo, "getYear()(uint256)"),
        env: { ETH_RPC_URL: anvil().rpcUrl, ETH_TIMEOUT: "7" },
        fast: true,
        code: 0,
      });
    });

    it("integers, strings with control characters, arrays, nested arrays and structs, as text and JSON", async () => {
      const echo = addresses.echo;
      const cases: string[][] = [
        call(
          echo,
          "echoUints(uint8,uint16,uint32,uint64,uint128,uint256)(uint8,uint16,uint32,uint64,uint128,uint256)",
          "255",
          "0xffff",
          "7",
          "1000",
          "0",
          KEY_SHAPED,
        ),
        call(echo, "echoString(string)(string)", "two\nlines \u009b and a tab\t"),
        call(echo, "echoString(string)(string)", "héllo wörld ✓"),
        call(
          echo,
          "echoArrays(uint256[3],int64[],string[],address[2],bytes[])(uint256[3],int64[],string[],address[2],bytes[])",
          "[1,2,3]",
          "[-5,6]",
          '["a","b c"]',
          `["${addresses.demo}","${addresses.echo.toLowerCase()}"]`,
          '["0x","0x00ff"]',
        ),
        call(
          echo,
          "echoNested(uint256[][],bool[2][],bytes32[2][2])(uint256[][],bool[2][],bytes32[2][2])",
          "[[1],[2,3]]",
          "[[true,false]]",
          `[["${KEY_SHAPED}","0x${"00".repeat(32)}"],["0x${"11".repeat(32)}","0x${"22".repeat(32)}"]]`,
        ),
        call(
          echo,
          "echoItems((uint64 id,string label,bytes32[] tags)[])((uint64 id,string label,bytes32[] tags)[] items)",
          `[[1,"one",["0x${"ab".repeat(32)}"]],[2,"two",[]]]`,
        ),
      ];
      for (const args of cases) {
        await compare({ name: args[2], args: [...args, ...r()], fast: true, code: 0 });
        await compare({ name: `${args[2]} --json`, args: [...args, ...r(), "--json"], fast: true, code: 0 });
      }
    });

    it("chain-id and block-number, on Anvil and Hardhat, plain and --json", async () => {
      for (const url of [anvil().rpcUrl, hardhat().rpcUrl]) {
        for (const json of [[], ["--json"]]) {
          await compare({ name: "chain-id", args: ["chain-id", "-r", url, ...json], fast: true, code: 0 });
          await compare({ name: "block-number", args: ["block-number", "-r", url, ...json], fast: true, code: 0 });
        }
      }
      expect((await bin(["chain-id", ...r()])).stdout).to.equal("31337\n");
    });

    it("balance in wei and ether (-e, --ether), plain and --json, of a checksummed and a lower-case address", async () => {
      for (const account of [DEV_ACCOUNT, DEV_ACCOUNT.toLowerCase(), addresses.demo]) {
        for (const extra of [[], ["-e"], ["--ether", "--json"], ["--json"]]) {
          await compare({ name: "balance", args: ["balance", account, ...r(), ...extra], fast: true, code: 0 });
        }
      }
    });
  });

  describe("handed over to the full CLI, with its words and exit code", () => {
    it("reverts, a contract that is not there, and a function without return types (exit 1 / raw data)", async () => {
      await compare({ name: "revert", args: call(addresses.echo, "refuse(uint256)(uint256)", "7", ...r()), fast: false, code: 1 });
      await compare({
        name: "revert json",
        args: call(addresses.echo, "refuse(uint256)(uint256)", "7", ...r(), "--json"),
        fast: false,
        code: 1,
      });
      await compare({ name: "no code", args: call(`0x${"de".repeat(20)}`, "getYear()(uint256)", ...r()), fast: false, code: 1 });
      await compare({ name: "raw", args: call(addresses.demo, "getYear()", ...r()), fast: false, code: 0 });
    });

    it("bad input: exit 2, nothing sent", async () => {
      const bad: string[][] = [
        call(
          addresses.demo.replace(/[a-f]/, (c) => c.toUpperCase()),
          "getYear()(uint256)",
          ...r(),
        ),
        call(addresses.demo, "getYear()(uint256)", "2020", ...r()),
        call(addresses.echo, "echo(uint256)(uint256)", "abc", ...r()),
        call(addresses.echo, "echo(uint256)(uint256)", "-5", ...r()),
        call(addresses.demo, "getYear()(uint257)", ...r()),
        call(addresses.demo, "getYear()(uint256)", "--timeout", "0", ...r()),
        call(addresses.demo, "getYear()(uint256)", "--bogus", ...r()),
        ["call", addresses.demo, ...r()],
      ];
      for (const args of bad) await compare({ name: args.join(" "), args, fast: false, code: 2 });
    });

    it("a node that is down (exit 1), and one that never answers, within --timeout + 1 s", async () => {
      await compare({ name: "dead", args: call(addresses.demo, "getYear()(uint256)", "-r", deadUrl), fast: false, code: 1 });
      await compare({ name: "dead json", args: call(addresses.demo, "getYear()(uint256)", "-r", deadUrl, "--json"), fast: false, code: 1 });
      const args = call(addresses.demo, "getYear()(uint256)", "-r", silentUrl, "--timeout", "1");
      const viaBin = await bin(args);
      expect(viaBin.code, showCli(viaBin)).to.equal(1);
      expect(viaBin.ms, `the CLI exits within --timeout + 1 s\n${showCli(viaBin)}`).to.be.below(2_000);
      const viaFull = await full(args);
      expect(viaBin.stderr).to.equal(viaFull.stderr);
    });

    it("secrets: credentials in the URL, a key pasted as an argument, never printed by either", async () => {
      const secret = "s3cretPassw0rd";
      const withCredentials = deadUrl.replace("http://", `http://user:${secret}@`);
      const viaUrl = await compare({
        name: "creds",
        args: call(addresses.demo, "getYear()(uint256)", "-r", withCredentials),
        fast: false,
        code: 1,
      });
      expect(viaUrl.stderr).not.to.include(secret);
      const pasted = await compare({
        name: "pasted key",
        args: call(addresses.demo, "getYear()(uint256)", KEY_SHAPED, ...r()),
        fast: false,
        code: 2,
      });
      expect(pasted.stderr).not.to.include(KEY_SHAPED.slice(2));
      const asAddress = await compare({
        name: "key as target",
        args: call(KEY_SHAPED, "getYear()(uint256)", ...r()),
        fast: false,
        code: 2,
      });
      expect(asAddress.stderr).not.to.include(KEY_SHAPED.slice(2));
    });

    it("other commands and shapes: names, --chain-id, ETH_CHAIN_ID, two nodes, --help, --block, block-number", async () => {
      const other: Case[] = [
        { name: "name", args: ["call", `CallDemo@${addresses.demo}`, "getYear", ...r()], fast: false, code: 0 },
        { name: "chain-id", args: [...call(addresses.demo, "getYear()(uint256)", ...r()), "--chain-id", "31337"], fast: false, code: 0 },
        {
          name: "ETH_CHAIN_ID",
          args: call(addresses.demo, "getYear()(uint256)", ...r()),
          env: { ETH_CHAIN_ID: "1" },
          fast: false,
          code: 1,
        },
        { name: "two nodes", args: call(addresses.demo, "getYear()(uint256)", ...r(), ...r()), fast: false, code: 2 },
        { name: "--rpc-url=", args: call(addresses.demo, "getYear()(uint256)", `--rpc-url=${anvil().rpcUrl}`), fast: false, code: 0 },
        { name: "block", args: call(addresses.demo, "getYear()(uint256)", ...r(), "-b", "latest"), fast: false, code: 0 },
        { name: "help", args: ["call", "--help"], fast: false, code: 0 },
        { name: "block-number latest", args: ["block-number", "latest", ...r()], fast: false, code: 0 },
        { name: "balance of a name", args: ["balance", "CallDemo", ...r()], fast: false, code: 2 },
        { name: "balance at a block", args: ["balance", DEV_ACCOUNT, "-b", "0", ...r()], fast: false, code: 0 },
        { name: "balance bad checksum", args: ["balance", DEV_ACCOUNT.replace("f39F", "F39F"), ...r()], fast: false, code: 2 },
        { name: "--ether on call", args: [...call(addresses.demo, "getYear()(uint256)", ...r()), "--ether"], fast: false, code: 2 },
        { name: "chain-id extra", args: ["chain-id", "5", ...r()], fast: false, code: 2 },
        { name: "chain-id to a dead node", args: ["chain-id", "-r", deadUrl], fast: false, code: 1 },
        { name: "no command", args: [], fast: false, code: 2 },
      ];
      for (const c of other) await compare(c);
    });
  });

  describe("the code cache", () => {
    it("is written on first use, used after, and made again when V8 rejects it", async () => {
      const fresh = join(dir(), "fresh-cache");
      const env = { CHAINCALL_CACHE_DIR: fresh };
      const cacheFiles = (): string[] => (existsSync(fresh) ? readdirSync(fresh).filter((n) => n.endsWith(".v8")) : []);
      const args = call(addresses.demo, "getYear()(uint256)", ...r());
      expect(cacheFiles()).to.deep.equal([]);
      expect((await bin(args, env)).stdout).to.equal("2020\n");
      expect(cacheFiles()).to.have.length(1);
      const file = join(fresh, cacheFiles()[0]);
      expect(readFileSync(file).length).to.be.above(1000);
      expect((await bin(args, env)).stdout).to.equal("2020\n");
      writeFileSync(file, "not a code cache");
      const afterDamage = await bin(args, env);
      expect(afterDamage.stdout, showCli(afterDamage)).to.equal("2020\n");
      expect(readFileSync(file).length, "the damaged cache was replaced").to.be.above(1000);
      expect(
        readdirSync(fresh).filter((n) => !n.endsWith(".v8")),
        "no temp file left",
      ).to.deep.equal([]);
    });

    it("a cache folder that cannot be written costs nothing but speed", async () => {
      const blocked = join(dir(), "blocked");
      writeFileSync(blocked, "a file where the folder would be");
      const r1 = await runCli(call(addresses.demo, "getYear()(uint256)", ...r()), {
        script: BIN,
        env: { CHAINCALL_CACHE_DIR: join(blocked, "sub") },
      });
      expect({ code: r1.code, stdout: r1.stdout, stderr: r1.stderr }, showCli(r1)).to.deep.equal({ code: 0, stdout: "2020\n", stderr: "" });
    });

    it("is neither written nor read in a folder others can write to", async () => {
      const shared = join(dir(), "shared-cache");
      mkdirSync(shared);
      chmodSync(shared, 0o777);
      const run = await bin(call(addresses.demo, "getYear()(uint256)", ...r()), { CHAINCALL_CACHE_DIR: shared });
      expect({ code: run.code, stdout: run.stdout, stderr: run.stderr }, showCli(run)).to.deep.equal({
        code: 0,
        stdout: "2020\n",
        stderr: "",
      });
      expect(readdirSync(shared)).to.deep.equal([]);
    });

    it("lives in CHAINCALL_CACHE_DIR, else $XDG_CACHE_HOME/chaincall (when absolute), else ~/.cache/chaincall", () => {
      expect(cacheFolder({ CHAINCALL_CACHE_DIR: "/tmp/x", XDG_CACHE_HOME: "/c" })).to.equal("/tmp/x");
      expect(cacheFolder({ XDG_CACHE_HOME: "/c" })).to.equal(join("/c", "chaincall"));
      expect(cacheFolder({ XDG_CACHE_HOME: "relative" })).to.equal(join(homedir(), ".cache", "chaincall"));
      expect(cacheFolder({})).to.equal(join(homedir(), ".cache", "chaincall"));
    });
  });
});
