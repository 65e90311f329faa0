import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { FunctionFragment, Wallet } from "ethers";
import { projectRoot } from "../scripts/lib/localNode";
import { type Client, connect, readContract } from "../src";
import { main } from "../src/cli/main";
import { CallDemo__factory } from "../typechain-types";
import { rejection } from "./fixtures/assertions";
import {
  type CliResult,
  chainState,
  DEV_PRIVATE_KEY,
  deployCallDemo,
  devClient,
  hardhat,
  isolateState,
  parseDocument,
  runCli,
  showCli as show,
} from "./fixtures/nodes";

// Misuse of the CLI and the SDK (SPEC §4 exit codes, §7 items 1 and 18): wrong results and errors that
// were not ChaincallErrors, one test each; then a generated corpus of malformed command lines, most run
// in-process through `main()` (the CLI's entry, which resolves to the exit code), a sample as real processes.

const ABI_DIR = join(projectRoot(), "abi");
const SOME_ADDRESS = "0x5FbDB2315678afecb367f032d93F642f64180aa3";

/** Exit `code`, exactly one `error:` line first on stderr (then only hint/usage/warning lines), no stack trace. */
function expectOneError(r: CliResult, code: number): string {
  expect(r.code, show(r)).to.equal(code);
  const lines = r.stderr.split("\n").filter((l) => l !== "");
  expect(lines[0], show(r)).to.match(/^error: \S/);
  expect(
    lines.filter((l) => l.startsWith("error:")),
    show(r),
  ).to.have.length(1);
  for (const line of lines.slice(1)) expect(line, `only hint lines follow the error\n${show(r)}`).to.match(/^(hint|usage|warning| {2})/);
  expect(r.stderr, `no stack trace\n${show(r)}`).not.to.match(/^\s+at /m);
  return lines[0].slice("error: ".length);
}

/** With --json: stdout is exactly `{"error":{"code","message"}}`. */
function expectErrorDocument(r: CliResult): { code: string; message: string } {
  const doc = parseDocument(r);
  expect(Object.keys(doc), show(r)).to.deep.equal(["error"]);
  expect(Object.keys(doc.error).sort(), show(r)).to.deep.equal(["code", "message"]);
  return doc.error;
}

/**
 * Runs the CLI in this process: `main(args)` with stdout and stderr captured, ETH_* variables of the
 * developer's shell set aside (as runCli does), stdin not read. Much cheaper than a process per case.
 */
async function runInProcess(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  const saved = { ...process.env };
  for (const key of Object.keys(process.env)) if (key.startsWith("ETH_")) delete process.env[key];
  Object.assign(process.env, env);
  let stdout = "";
  let stderr = "";
  const outWrite = process.stdout.write;
  const errWrite = process.stderr.write;
  process.stdout.write = ((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  }) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  }) as typeof process.stderr.write;
  const started = Date.now();
  let code: number;
  try {
    code = await main(args);
  } finally {
    process.stdout.write = outWrite;
    process.stderr.write = errWrite;
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  }
  return { code, stdout, stderr, ms: Date.now() - started };
}

/** A loopback JSON-RPC node that answers each method from `answers` (a result, or `{ error }`), chain 31337. */
async function startStub(answers: () => Record<string, unknown>): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (d) => (body += d));
    req.on("end", () => {
      const parsed = JSON.parse(body);
      const one = (call: { id: unknown; method: string }) => {
        const table: Record<string, unknown> = { eth_chainId: "0x7a69", net_version: "31337", eth_getCode: "0x", ...answers() };
        if (!(call.method in table))
          return { jsonrpc: "2.0", id: call.id, error: { code: -32601, message: `method ${call.method} not found` } };
        const answer = table[call.method] as { error?: unknown } | undefined;
        return answer && typeof answer === "object" && "error" in answer
          ? { jsonrpc: "2.0", id: call.id, error: answer.error }
          : { jsonrpc: "2.0", id: call.id, result: answer };
      };
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify(Array.isArray(parsed) ? parsed.map(one) : one(parsed)));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe("misuse: wrong results and errors", function () {
  this.timeout(60_000);
  let answers: Record<string, unknown> = {};
  let stub: { url: string; server: Server };
  let dir: string;

  before(async () => {
    stub = await startStub(() => answers);
    dir = mkdtempSync(join(tmpdir(), "chaincall-misuse-"));
  });
  after(async () => {
    await new Promise((resolve) => stub.server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  describe("block-number on a bad node answer: RPC_ERROR, exit 1, never NaN or Infinity", () => {
    const bad: [string, unknown][] = [
      ["not hex", "0xzz"],
      ["no 0x", "123"],
      ["a number, not a quantity", 5],
      ["null", null],
      ["more than 2^53", `0x1${"0".repeat(20)}`],
      ["an empty quantity", "0x"],
      ["a leading zero", "0x01"],
    ];
    for (const [what, value] of bad) {
      it(`eth_blockNumber answered with ${what}`, async () => {
        answers = { eth_blockNumber: value };
        const r = await runInProcess(["block-number", "-r", stub.url, "--json"]);
        expectOneError(r, 1);
        expect(r.stdout).not.to.match(/NaN|Infinity/);
        expect(expectErrorDocument(r).code).to.equal("RPC_ERROR");
      });
    }
    it("a block header whose number is garbage", async () => {
      answers = { eth_getBlockByNumber: { number: "0xNaN", hash: `0x${"1".repeat(64)}` } };
      const r = await runInProcess(["block-number", "finalized", "-r", stub.url]);
      expect(expectOneError(r, 1)).to.match(/not a block number/);
    });
    it("a sane answer still prints", async () => {
      answers = { eth_blockNumber: "0x10" };
      const r = await runInProcess(["block-number", "-r", stub.url]);
      expect(r.code, show(r)).to.equal(0);
      expect(r.stdout).to.equal("16\n");
    });
  });

  describe("a node error on eth_call that carries no revert data is RPC_ERROR, not a revert", () => {
    const errors: [string, unknown][] = [
      ["-32000 header not found", { code: -32000, message: "header not found" }],
      ["-32000 header not found, data 0x", { code: -32000, message: "header not found", data: "0x" }],
      ["-32005 rate limit, data 0x", { code: -32005, message: "rate limit exceeded", data: "0x" }],
      ["-32005 rate limit", { code: -32005, message: "rate limit exceeded" }],
      ["-32005 with non-hex data", { code: -32005, message: "request limit reached", data: { try_again_in: "1s" } }],
      ["-32603 internal", { code: -32603, message: "internal error" }],
    ];
    for (const [what, error] of errors) {
      it(`CLI call: ${what}`, async () => {
        answers = { eth_call: { error } };
        const r = await runInProcess(["call", SOME_ADDRESS, "getYear()(uint256)", "-r", stub.url, "--json"]);
        expectOneError(r, 1);
        expect(expectErrorDocument(r).code, show(r)).to.equal("RPC_ERROR");
      });
      it(`SDK readContract and a binding: ${what}`, async () => {
        answers = { eth_call: { error } };
        const client = await connect({ rpcUrl: stub.url, journal: false, timeoutMs: 5_000 });
        try {
          const fragment = FunctionFragment.from("function getYear() view returns (uint256)");
          expect((await rejection(readContract(client, { address: SOME_ADDRESS, fragment, args: [] }))).code).to.equal("RPC_ERROR");
          expect((await rejection(CallDemo__factory.connect(SOME_ADDRESS, client.runner).getYear())).code).to.equal("RPC_ERROR");
        } finally {
          await client.close();
        }
      });
    }
  });

  describe("the CLI's own inputs", () => {
    it("a zero private key is bad input: exit 2, nothing sent", async () => {
      const before = await chainState(hardhat());
      for (const key of [`0x${"0".repeat(64)}`, "0".repeat(64), "0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141"]) {
        const r = await runInProcess(["send", SOME_ADDRESS, "setYear(uint256)", "1", "-r", hardhat().rpcUrl], { ETH_PRIVATE_KEY: key });
        expect(expectOneError(r, 2)).to.match(/not a valid secp256k1 private key/);
        expect(r.stderr).not.to.include(key.replace(/^0x/, ""));
      }
      expect(await chainState(hardhat())).to.deep.equal(before);
    });

    it("a file as --abi-dir, a folder as --journal: one clear line, exit 2, no ENOTDIR/EISDIR", async () => {
      const file = join(dir, "plain.txt");
      writeFileSync(file, "x");
      const env = { ETH_PRIVATE_KEY: DEV_PRIVATE_KEY };
      const cases: [string[], RegExp][] = [
        [["call", "CallDemo", "getYear", "--abi-dir", file], /--abi-dir .* is a file; expected a folder/],
        [["call", "CallDemo", "getYear", "--abi-dir", join(file, "sub")], /part of that path is a file/],
        [["deploy", "CallDemo", "--abi-dir", file], /is a file; expected a folder/],
        [["send", SOME_ADDRESS, "setYear(uint256)", "1", "--journal", dir], /--journal .* is a folder; expected a file/],
        [["deploy", "CallDemo", "--abi-dir", ABI_DIR, "--journal", dir], /is a folder; expected a file/],
        [["send", SOME_ADDRESS, "setYear(uint256)", "1", "--journal", join(file, "journal.jsonl")], /part of that path is a file/],
        [["journal", "--journal", dir], /is a folder; expected a file/],
        [["call", "CallDemo", "getYear", "--abi-dir", ABI_DIR, "--deployments", file], /--deployments .* is a file/],
      ];
      const before = await chainState(hardhat());
      for (const [args, message] of cases) {
        const r = await runInProcess([...args, "-r", hardhat().rpcUrl], env);
        const line = expectOneError(r, 2);
        expect(line, show(r))
          .to.match(message)
          .and.not.match(/ENOTDIR|EISDIR|EEXIST/);
      }
      expect(await chainState(hardhat())).to.deep.equal(before);
    });

    it("1e999999999 and friends name the argument, without ethers' FixedNumber message", async () => {
      for (const value of ["1e999999999", "1e99999999999999999999", "5e80", "-1e999999999"]) {
        const r = await runInProcess(["encode", "f(int256)", value]);
        const line = expectOneError(r, 2);
        expect(line, show(r))
          .to.match(/^argument 1 \(int256\) of f\(int256\): .*(too large|out of range)/)
          .and.not.match(/FixedNumber|decimals/);
      }
      const zero = await runInProcess(["encode", "f(uint256)", "0e999999999"]);
      expect(zero.code, show(zero)).to.equal(0);
      const big = await runInProcess(["encode", "f(uint256)", "1e77"]);
      expect(big.code, show(big)).to.equal(0);
      const value = await runInProcess(["send", SOME_ADDRESS, "setYear(uint256)", "1", "--value", "1e999999999", "-r", hardhat().rpcUrl], {
        ETH_PRIVATE_KEY: DEV_PRIVATE_KEY,
      });
      expect(expectOneError(value, 2))
        .to.match(/--value/)
        .and.not.match(/FixedNumber/);
    });

    it("65k-deep JSON in a batch line: a clear error, no stack overflow", async () => {
      const deep = "[".repeat(65_000) + "]".repeat(65_000);
      // Built as text: JSON.stringify itself cannot go this deep.
      const line = `{"target":"${SOME_ADDRESS}","function":"f(uint256[])","args":[${deep}]}`;
      const r = await runCli(["batch", "-r", hardhat().rpcUrl], { input: `${line}\n` });
      expectOneError(r, 2);
      expect(r.stdout + r.stderr, show(r, 300)).not.to.match(/call stack/i);
      expect(r.stdout + r.stderr).to.match(/deeply nested/);
      // As a command-line argument (what argv can hold) the JSON parser's own depth limit answers.
      const arg = await runInProcess(["encode", "f(uint256[][])", "[".repeat(30_000) + "]".repeat(30_000)]);
      expect(expectOneError(arg, 2))
        .to.match(/^argument 1 \(uint256\[\]\[\]\)/)
        .and.not.match(/call stack/i);
    });

    it("--confirmations must be a whole number (1e3, 0x10, 1.5, empty refused)", async () => {
      for (const value of ["1e3", "0x10", "1.5", "", " ", "-1"]) {
        const r = await runInProcess(["send", SOME_ADDRESS, "setYear(uint256)", "1", "--confirmations", value, "-r", hardhat().rpcUrl], {
          ETH_PRIVATE_KEY: DEV_PRIVATE_KEY,
        });
        expect(expectOneError(r, 2), show(r)).to.match(/--confirmations/);
      }
    });

    it("an ABI file with a UTF-8 byte-order mark reads (abi, encode through --abi-dir, gen)", async function () {
      this.timeout(120_000);
      const abiDir = join(dir, "bom");
      mkdirSync(abiDir, { recursive: true });
      const abi = [{ type: "function", name: "getYear", inputs: [], outputs: [{ type: "uint256", name: "" }], stateMutability: "view" }];
      writeFileSync(join(abiDir, "Bom.abi"), `\uFEFF${JSON.stringify(abi)}`);
      const r = await runInProcess(["abi", join(abiDir, "Bom.abi"), "--json"]);
      expect(r.code, show(r)).to.equal(0);
      expect(JSON.parse(r.stdout).functions).to.have.length(1);
      const gen = await runCli(["gen", abiDir, "--out", join(dir, "bom-out"), "--quiet"], { timeoutMs: 90_000 });
      expect(gen.code, show(gen)).to.equal(0);
    });

    it("an invalid ABI fragment is an error (exit 2, nothing on stdout), not an ethers warning", async () => {
      const file = join(dir, "Bad.abi");
      writeFileSync(file, JSON.stringify([{ type: "function", name: "f", inputs: [{ type: "uint7" }], outputs: [] }]));
      for (const json of [[], ["--json"]]) {
        const r = await runInProcess(["abi", file, ...json]);
        expect(expectOneError(r, 2)).to.match(/entry 0 is not a valid fragment/);
        if (json.length) expect(expectErrorDocument(r).code).to.equal("INVALID_ARGUMENT");
        else expect(r.stdout, show(r)).to.equal("");
      }
      const spawned = await runCli(["abi", file]);
      expectOneError(spawned, 2);
      expect(spawned.stdout, show(spawned)).to.equal("");
    });

    it("gen --out a place that cannot be written fails at once", async () => {
      const file = join(dir, "plain-out.txt");
      writeFileSync(file, "x");
      for (const out of ["/proc/chaincall-x", "/proc/chaincall-x/deeper", file, join(file, "sub")]) {
        const r = await runCli(["gen", ABI_DIR, "--out", out, "--force"], { timeoutMs: 20_000 });
        expect(r.code, `not hung\n${show(r)}`).to.be.oneOf([1, 2]);
        expectOneError(r, r.code!);
        expect(r.ms, show(r)).to.be.below(15_000);
      }
    });
  });

  describe("the SDK", () => {
    let client: Client;
    isolateState(hardhat, "suite");
    before(async () => {
      client = await devClient(hardhat());
    });
    after(async () => {
      await client?.close();
    });

    it("client.wait refuses a timeout of 0 or less, NaN and Infinity (it would wait forever)", async () => {
      const hash = `0x${"ab".repeat(32)}`;
      for (const timeoutMs of [0, -1, Number.NaN, Infinity, -Infinity]) {
        const err = await rejection(client.wait(hash, { timeoutMs }));
        expect(err.code, String(timeoutMs)).to.equal("INVALID_ARGUMENT");
        expect(err.message).to.match(/timeoutMs/);
      }
    });

    it("a binding call to an address with no code is NO_CONTRACT, not BAD_DATA (batched and not, signer and provider)", async () => {
      const empty = Wallet.createRandom().address;
      const unbatched = await connect({ rpcUrl: hardhat().rpcUrl, batch: false, journal: false });
      try {
        for (const runner of [client.runner, client.provider, unbatched.runner]) {
          const err = await rejection(CallDemo__factory.connect(empty, runner).getYear());
          expect(err.code).to.equal("NO_CONTRACT");
          expect(err.message).to.include(empty);
        }
        const fragment = FunctionFragment.from("function getYear() view returns (uint256)");
        for (const c of [client, unbatched]) {
          for (const blockTag of [undefined, "latest", 0]) {
            const err = await rejection(readContract(c, { address: empty, fragment, args: [], blockTag }));
            expect(err.code, `${blockTag}: ${err.message}`).to.equal("NO_CONTRACT");
          }
        }
        const r = await runInProcess(["call", empty, "getYear()(uint256)", "-r", hardhat().rpcUrl, "--json"]);
        expectOneError(r, 1);
        expect(expectErrorDocument(r).code).to.equal("NO_CONTRACT");
      } finally {
        await unbatched.close();
      }
      // A real contract still answers.
      const { address } = await deployCallDemo(client);
      expect(await CallDemo__factory.connect(address, client.runner).getYear()).to.equal(2020n);
    });
  });
});

// ---------------------------------------------------------------------------------------------------------
// The generated corpus: every command × kinds of malformed input.

interface Case {
  args: string[];
  /** Documented exit code (2 for bad input unless noted). */
  code: number;
}

function corpus(): Case[] {
  const cases: Case[] = [];
  const add = (args: string[], code = 2) => cases.push({ args, code });

  const badAddresses = [
    "0x123",
    `0x${"z".repeat(40)}`,
    "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92267",
    `0x${"1".repeat(41)}`,
    "not!an@address",
    `0X${"1".repeat(40)}`,
  ];
  for (const a of badAddresses) {
    add(["call", a, "getYear()(uint256)"]);
    add(["send", a, "setYear(uint256)", "1"]);
    add(["balance", a]);
    add(["nonce", a]);
    add(["logs", a]);
    add(["call", `CallDemo@${a}`, "getYear"]);
    add(["encode", "f(address)", a]);
    add(["call", SOME_ADDRESS, "getYear()(uint256)", "--from", a]);
    add(["send", SOME_ADDRESS, "setYear(uint256)", "1", "--from", a]);
  }
  const badNumbers = [
    "abc",
    "-1",
    "1.5",
    "115792089237316195423570985008687907853269984665640564039457584007913129639936",
    "1e999999999",
    "0x",
    "1e-3",
    "NaN",
    "Infinity",
    "1.5.5",
    "0xg1",
    "١٢٣",
  ];
  for (const n of badNumbers) {
    add(["encode", "f(uint256)", n]);
    add(["encode", "f(uint8)", n === "-1" ? "256" : n]);
    add(["call", SOME_ADDRESS, "f(uint256)(uint256)", n]);
    add(["send", "CallDemo", "setYear", n]);
    add(["send", SOME_ADDRESS, "setYear(uint256)", "1", "--gas-limit", n]);
    add(["send", SOME_ADDRESS, "setYear(uint256)", "1", "--nonce", n]);
    add(["send", SOME_ADDRESS, "setYear(uint256)", "1", "--max-fee", n]);
  }
  for (const v of ["abc", "1.5wei", "1e-3ether", "-1", "1e999999999", "1 2"])
    add(["send", SOME_ADDRESS, "setYear(uint256)", "1", "--value", v]);
  const badHex = ["0x1", "0xzz", "abcd", "0x123", `0x${"1".repeat(66)}`];
  for (const h of badHex) {
    add(["encode", "f(bytes32)", h]);
    add(["decode", "f(uint256)", h]);
    // 33 bytes are fine bytes (and decodable return data): only the malformed ones apply here.
    if (h.length % 2 === 1 || !/^0x[0-9a-f]*$/.test(h)) {
      add(["encode", "f(bytes)", h]);
      add(["decode", "getYear()(uint256)", h, "--output"]);
    }
    add(["receipt", h]);
    add(["tx", h]);
  }
  for (const fn of ["nope", "getYear(", "getYear(uint257)", "f(uint256", "(uint256)", "1f()"]) {
    add(["call", "CallDemo", fn]);
    add(["send", "CallDemo", fn]);
    add(["encode", fn]);
    add(["decode", fn, "0x"]);
    add(["logs", "CallDemo", fn]);
  }
  const counts: string[][] = [
    ["call", "CallDemo", "getYear", "1"],
    ["send", "CallDemo", "setYear"],
    ["send", "CallDemo", "setYear", "1", "2"],
    ["encode", "f(uint256)"],
    ["encode", "f(uint256)", "1", "2"],
    ["encode", "f()", "1"],
    ["call", SOME_ADDRESS, "f(uint256,bool)(uint256)", "1"],
    ["deploy", "CallDemo", "1"],
    ["call"],
    ["call", "CallDemo"],
    ["send", "CallDemo"],
    ["balance"],
    ["nonce"],
    ["receipt"],
    ["tx"],
    ["decode"],
    ["abi"],
    ["logs"],
    ["deploy"],
    ["encode"],
  ];
  for (const args of counts) add(args);
  const every: string[][] = [
    ["call", "CallDemo", "getYear"],
    ["send", "CallDemo", "setYear", "1"],
    ["deploy", "CallDemo"],
    ["encode", "f()"],
    ["decode", "f()", "0x"],
    ["abi", "CallDemo"],
    ["logs", "CallDemo"],
    ["receipt", `0x${"1".repeat(64)}`],
    ["tx", `0x${"1".repeat(64)}`],
    ["balance", SOME_ADDRESS],
    ["nonce", SOME_ADDRESS],
    ["block-number"],
    ["chain-id"],
    ["accounts"],
    ["gen"],
    ["journal"],
    ["completion"],
  ];
  for (const args of every) {
    add([...args, "--bogus"]);
    add([...args, "--bogus-flag=1"]);
    add([...args, "-Z"]);
  }
  for (const name of ["nope", "calls", "blocknumber"]) add([name]);
  const badUrls = [
    "ftp://127.0.0.1:8545",
    "http://",
    "http://127.0.0.1:99999",
    "http://[::1",
    "https://user:pw@",
    "http://exa mple.com",
    "https://:8545",
    "http://127.0.0.1:8545:1",
    "wss://",
  ];
  // Anything without a scheme this CLI speaks is an IPC path (SPEC §4): not there, so exit 1, "cannot reach".
  const ipcPaths = ["ws:/x", "mailto:a@b"];
  for (const url of [...badUrls, ...ipcPaths]) {
    for (const args of [
      ["block-number"],
      ["chain-id"],
      ["call", "CallDemo", "getYear"],
      ["send", "CallDemo", "setYear", "1"],
      ["balance", SOME_ADDRESS],
    ])
      add([...args, "--rpc-url", url], ipcPaths.includes(url) ? 1 : 2);
  }
  for (const t of ["0", "-1", "abc", "1e3", "NaN", "Infinity", "0x10", "1,5"]) {
    for (const args of [
      ["block-number"],
      ["call", "CallDemo", "getYear"],
      ["send", "CallDemo", "setYear", "1"],
      ["receipt", `0x${"1".repeat(64)}`],
    ])
      add([...args, "--timeout", t]);
  }
  for (const c of ["1e3", "-1", "abc", "1.5", "0x10", "", "Infinity"]) {
    add(["send", "CallDemo", "setYear", "1", "--confirmations", c]);
    add(["deploy", "CallDemo", "--confirmations", c]);
  }
  for (const b of ["abc", "-1", "1.5", "0xzz", "latest2", `0x${"1".repeat(63)}`, "1e3", "99999999999999999999"]) {
    add(["call", "CallDemo", "getYear", "--block", b]);
    add(["balance", SOME_ADDRESS, "--block", b]);
    add(["nonce", SOME_ADDRESS, "--block", b]);
    add(["block-number", b]);
  }
  for (const id of ["abc", "-1", "1.5", "0xzz"]) add(["chain-id", "--chain-id", id]);
  return cases;
}

describe("misuse: a generated corpus of malformed command lines", function () {
  this.timeout(180_000);
  const cases = corpus();
  const common = (): string[] => [
    "-r",
    hardhat().rpcUrl,
    "--abi-dir",
    ABI_DIR,
    "--deployments",
    join(projectRoot(), "test", "fixtures", "no-such-book"),
  ];
  // A signer for the commands that need one: a bad input must be refused before it is ever used.
  const env = { ETH_PRIVATE_KEY: DEV_PRIVATE_KEY };
  // The rpc-url cases bring their own; the others use the Hardhat node, so anything sent would show.
  const withCommon = (args: string[]): string[] => (args.includes("--rpc-url") ? [...args, "--abi-dir", ABI_DIR] : [...args, ...common()]);

  it(`has at least 300 cases (${cases.length})`, () => {
    expect(cases.length).to.be.at.least(300);
  });

  it("in-process, human and --json: the documented exit code, one error line, the error document, nothing sent", async () => {
    const before = await chainState(hardhat());
    const failures: string[] = [];
    for (const { args, code } of cases) {
      for (const json of [false, true]) {
        const full = json ? [...withCommon(args), "--json"] : withCommon(args);
        const r = await runInProcess(full, env);
        try {
          expectOneError(r, code);
          if (json) expectErrorDocument(r);
          else expect(r.stdout, show(r)).to.equal("");
        } catch (err) {
          failures.push(
            `chaincall ${full.map((a) => JSON.stringify(a)).join(" ")}\n${(err as Error).message.split("\n").slice(0, 8).join("\n")}`,
          );
        }
      }
    }
    expect(failures, `${failures.length} of ${cases.length * 2} runs failed:\n\n${failures.slice(0, 15).join("\n\n")}`).to.deep.equal([]);
    expect(await chainState(hardhat()), "nothing was sent").to.deep.equal(before);
  });

  it("a sample of 30 as real processes (two at a time)", async () => {
    const before = await chainState(hardhat());
    const step = Math.max(1, Math.floor(cases.length / 30));
    const sample = cases.filter((_, i) => i % step === 0).slice(0, 30);
    const failures: string[] = [];
    for (let i = 0; i < sample.length; i += 2) {
      const runs = sample.slice(i, i + 2).map(async ({ args, code }, j) => {
        const json = (i + j) % 2 === 1;
        const full = json ? [...withCommon(args), "--json"] : withCommon(args);
        const r = await runCli(full, { env, timeoutMs: 30_000 });
        try {
          expectOneError(r, code);
          if (json) expectErrorDocument(r);
          else expect(r.stdout, show(r)).to.equal("");
        } catch (err) {
          failures.push(`chaincall ${full.join(" ")}\n${(err as Error).message.split("\n").slice(0, 8).join("\n")}`);
        }
      });
      await Promise.all(runs);
    }
    expect(failures, failures.join("\n\n")).to.deep.equal([]);
    expect(await chainState(hardhat()), "nothing was sent").to.deep.equal(before);
  });
});
