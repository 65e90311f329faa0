import { mkdirSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { expect } from "chai";
import { getAddress } from "ethers";
import { type LocalNode, projectRoot } from "../scripts/lib/localNode";
import { recordDeployment } from "../src";
import { CallDemo__factory, Oracle__factory, Vault__factory } from "../typechain-types";
import {
  anvil,
  type CliResult,
  chainState,
  DEV_ACCOUNT,
  DEV_PRIVATE_KEY,
  devClient,
  expectErrorLine,
  hardhat,
  isolateState,
  rpc,
  runCli,
  showCli,
  tempDir,
} from "./fixtures/nodes";

// `chaincall batch` (issue 5): JSON lines in, one JSON line out per input line in input order; reads batched
// by the SDK, sends through its nonce allocator; bad input sends nothing (SPEC §4, §7.1).

const ABI_DIR = join(projectRoot(), "abi");
const HASH = /^0x[0-9a-f]{64}$/;
const ZERO_ADDRESS = "0x0000000000000000000000000000000000000000";
/** In an expected revert: any address there. */
const ANY_ADDRESS = "<any address>";
/** Oracle's price timestamp: 1, so any maxAge shorter than the chain's age makes `quote` revert StalePrice. */
const ORACLE_UPDATED_AT = 1n;

const NODES = [
  { name: "Hardhat", node: hardhat },
  { name: "Anvil", node: anvil },
];

function show(r: CliResult): string {
  return showCli(r, 3000);
}

/** Every stdout line parsed as JSON (each must parse on its own). */
function jsonLines(r: CliResult): any[] {
  const lines = r.stdout.split("\n");
  expect(lines.pop(), `stdout ends with a newline\n${show(r)}`).to.equal("");
  return lines.map((line) => {
    try {
      return JSON.parse(line);
    } catch {
      return expect.fail(`not a JSON line: ${line}\n${show(r)}`);
    }
  });
}

async function nonceOf(node: LocalNode): Promise<number> {
  return Number(BigInt((await rpc(node.rpcUrl, "eth_getTransactionCount", [DEV_ACCOUNT, "latest"])) as string));
}

/**
 * A transparent HTTP forwarder to a real node that counts the HTTP requests and the JSON-RPC calls inside
 * them, so a test can see that reads were batched. It changes nothing in what it forwards.
 */
async function startCountingProxy(
  target: string,
): Promise<{ url: string; httpRequests: number; methods: Map<string, number>; close(): Promise<void> }> {
  const stats = { httpRequests: 0, methods: new Map<string, number>() };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      stats.httpRequests++;
      try {
        const parsed = JSON.parse(body.toString("utf8"));
        for (const call of Array.isArray(parsed) ? parsed : [parsed])
          stats.methods.set(call.method, (stats.methods.get(call.method) ?? 0) + 1);
      } catch {
        // Not JSON: forwarded all the same.
      }
      const upstream = request(
        target,
        { method: "POST", headers: { "content-type": req.headers["content-type"] ?? "application/json", "content-length": body.length } },
        (answer: IncomingMessage) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on("error", () => res.destroy());
      upstream.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    get httpRequests() {
      return stats.httpRequests;
    },
    methods: stats.methods,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

for (const { name, node } of NODES) {
  describe(`chaincall batch on ${name}`, function () {
    this.timeout(120_000);
    // Deployments and sends of this suite vanish afterwards.
    isolateState(node, "suite");
    const tmp = tempDir(`batch-${name.toLowerCase()}`);
    let book: string;
    let demo: string;
    let vault: string;
    let fileCount = 0;

    before(async () => {
      const client = await devClient(node());
      try {
        const demoContract = await new CallDemo__factory(client.signer).deploy();
        const oracle = await new Oracle__factory(client.signer).deploy(2000n, ORACLE_UPDATED_AT);
        await Promise.all([demoContract.waitForDeployment(), oracle.waitForDeployment()]);
        const vaultContract = await new Vault__factory(client.signer).deploy(DEV_ACCOUNT, await oracle.getAddress());
        await vaultContract.waitForDeployment();
        demo = await demoContract.getAddress();
        vault = await vaultContract.getAddress();
      } finally {
        await client.close();
      }
      book = join(tmp(), "book");
      // The client (closed, but it still knows its node's identity) picks the node's own book file.
      recordDeployment(book, client, "CallDemo", { address: demo });
      recordDeployment(book, client, "Vault", { address: vault });
    });

    /** Writes `lines` (objects become JSON, strings stay as they are) to a fresh file and returns its path. */
    const writeLines = (lines: (object | string)[]): string => {
      const file = join(tmp(), `input-${++fileCount}.jsonl`);
      writeFileSync(file, `${lines.map((l) => (typeof l === "string" ? l : JSON.stringify(l))).join("\n")}\n`);
      return file;
    };
    const at = (rpcUrl = node().rpcUrl) => ["-r", rpcUrl, "--deployments", book, "--abi-dir", ABI_DIR];

    it("1,000 reads return 1,000 correct lines in input order, batched into far fewer HTTP requests", async () => {
      const big = (1n << 200n) + 7n;
      const cases: { input: object; expected: unknown[] }[] = [];
      for (let i = 0; i < 1000; i++) {
        const kind = i % 8;
        if (kind === 0) cases.push({ input: { target: "CallDemo", function: "getYear" }, expected: ["2020"] });
        else if (kind === 1) cases.push({ input: { target: demo, function: "getYear()(uint256)" }, expected: ["2020"] });
        else if (kind === 2)
          cases.push({ input: { target: `Vault@${vault}`, function: "echo(uint256)", args: [i] }, expected: [String(i)] });
        else if (kind === 3)
          cases.push({ input: { target: "Vault", function: "echo(uint256,uint256)", args: [i, "0x10"] }, expected: [String(i + 16)] });
        else if (kind === 4)
          cases.push({ input: { target: "Vault", function: "echo(string)", args: [`line ${i} {"]`] }, expected: [`line ${i} {"]`] });
        else if (kind === 5) {
          const position = { id: String(i), owner: DEV_ACCOUNT, amount: "340282366920938463463374607431768211455", open: i % 2 === 0 };
          cases.push({ input: { target: "Vault", function: "echoPosition", args: [position] }, expected: [position] });
        } else if (kind === 6)
          cases.push({
            input: { target: vault, function: "echo(uint256)(uint256)", args: [(big + BigInt(i)).toString()] },
            expected: [(big + BigInt(i)).toString()],
          });
        else
          cases.push({
            input: {
              target: "Vault",
              function: "totalOpen",
              args: [
                [
                  [1, DEV_ACCOUNT, i, true],
                  [2, ZERO_ADDRESS, 5, true],
                ],
              ],
            },
            expected: [String(i + 5)],
          });
      }
      const proxy = await startCountingProxy(node().rpcUrl);
      let r: CliResult;
      try {
        r = await runCli(["batch", writeLines(cases.map((c) => c.input)), ...at(proxy.url)], { timeoutMs: 60_000 });
      } finally {
        await proxy.close();
      }
      expect(r.code, show(r)).to.equal(0);
      expect(r.stderr, show(r)).to.equal("");
      const out = jsonLines(r);
      expect(out).to.have.length(1000);
      out.forEach((line, i) => {
        expect(line, `output line ${i + 1}`).to.deep.equal({ line: i + 1, result: cases[i].expected });
      });
      // 1,000 eth_calls went out batched (Multicall3 or its deployless form, else JSON-RPC batches): a handful
      // of HTTP requests, not one per read.
      expect(proxy.httpRequests, `HTTP requests for 1,000 reads (methods: ${JSON.stringify([...proxy.methods])})`).to.be.below(50);
    });

    it("reverting reads are error lines, decoded per line (Error, Panic, custom errors, one bubbled up from Oracle); the rest answer; exit 1", async () => {
      const failing = [
        {
          input: { target: "Vault", function: "store", args: [0] },
          errorName: "Error",
          args: ["Vault: zero value"],
          message: /Vault: zero value/,
        },
        { input: { target: "Vault", function: "divide", args: [1, 0] }, errorName: "Panic", args: ["18"], message: /division/i },
        // msg.sender is whoever made the call: the aggregating Multicall3 (or its deployless form), or no one.
        {
          input: { target: "Vault", function: "withdraw", args: ["5"] },
          errorName: "InsufficientBalance",
          args: [ANY_ADDRESS, "0", "5"],
          message: /InsufficientBalance/,
        },
        {
          input: { target: "Vault", function: "quote", args: [1, 1] },
          errorName: "StalePrice",
          args: [String(ORACLE_UPDATED_AT), "1"],
          message: /StalePrice/,
        },
        {
          input: { target: "Vault", function: "pick", args: [[1, 2], 5] },
          errorName: "Panic",
          args: ["50"],
          message: /out of bounds|0x32/i,
        },
      ];
      const inputs: object[] = [];
      const expected: ((line: any) => void)[] = [];
      for (let i = 0; i < 500; i++) {
        if (i % 25 === 3) {
          const c = failing[Math.floor(i / 25) % failing.length];
          inputs.push(c.input);
          expected.push((line) => {
            expect(Object.keys(line)).to.deep.equal(["line", "error"]);
            expect(line.error.code).to.equal("CALL_REVERTED");
            expect(line.error.errorName).to.equal(c.errorName);
            expect(line.error.args).to.have.length(c.args.length);
            for (const [j, arg] of c.args.entries()) {
              if (arg === ANY_ADDRESS) expect(line.error.args[j]).to.match(/^0x[0-9a-fA-F]{40}$/);
              else expect(line.error.args[j]).to.equal(arg);
            }
            expect(line.error.message).to.match(c.message);
          });
        } else {
          inputs.push({ target: "Vault", function: "echo(uint256)", args: [i] });
          expected.push((line) => expect(line.result).to.deep.equal([String(i)]));
        }
      }
      const r = await runCli(["batch", writeLines(inputs), ...at()], { timeoutMs: 60_000 });
      const message = expectErrorLine(r, 1);
      expect(message, show(r)).to.match(/^20 of 500 lines failed/);
      const out = jsonLines(r);
      expect(out.map((l) => l.line)).to.deep.equal(Array.from({ length: 500 }, (_, i) => i + 1));
      for (const [i, line] of out.entries()) expected[i](line);
    });

    it("sends go through the nonce allocator: consecutive nonces, all mined, one line each in input order", async () => {
      const first = await nonceOf(node());
      const count = 30;
      const inputs = Array.from({ length: count }, (_, i) => ({ target: "CallDemo", function: "setYear", args: [3000 + i], send: true }));
      // A read in the same batch sees the state before the batch's sends.
      const r = await runCli(["batch", writeLines([{ target: "CallDemo", function: "getYear" }, ...inputs]), ...at()], {
        env: { ETH_PRIVATE_KEY: DEV_PRIVATE_KEY },
        timeoutMs: 90_000,
      });
      expect(r.code, show(r)).to.equal(0);
      const [read, ...sends] = jsonLines(r);
      expect(read).to.deep.equal({ line: 1, result: ["2020"] });
      expect(sends.map((l) => l.line)).to.deep.equal(Array.from({ length: count }, (_, i) => i + 2));
      expect(
        sends.map((l) => l.nonce).sort((a, b) => a - b),
        "consecutive nonces",
      ).to.deep.equal(Array.from({ length: count }, (_, i) => first + i));
      for (const [i, line] of sends.entries()) {
        expect(line.hash).to.match(HASH);
        expect(line.status).to.equal("success");
        expect(line.events[0].name).to.equal("YearChanged");
        expect(line.events[0].args.current, "each line reports its own send").to.equal(String(3000 + i));
        const receipt = (await rpc(node().rpcUrl, "eth_getTransactionReceipt", [line.hash])) as { status: string; from: string };
        expect(receipt.status).to.equal("0x1");
        expect(getAddress(receipt.from)).to.equal(DEV_ACCOUNT);
      }
      expect(await nonceOf(node())).to.equal(first + count);
    });

    it("--async prints hash and nonce per send without waiting; a send whose estimate reverts is an error line, and leaves no nonce gap", async () => {
      const first = await nonceOf(node());
      const inputs = [
        { target: "CallDemo", function: "setYear", args: [4000], send: true },
        { target: "Vault", function: "store", args: [0], send: true },
        { target: "CallDemo", function: "setYear", args: [4001], send: true },
        { target: "Vault", function: "deposit", send: true, value: "1gwei" },
      ];
      const r = await runCli(["batch", writeLines(inputs), "--async", ...at()], { env: { ETH_PRIVATE_KEY: DEV_PRIVATE_KEY } });
      const message = expectErrorLine(r, 1);
      expect(message).to.match(/^1 of 4 lines failed \(first: line 2: .*Vault: zero value/);
      const out = jsonLines(r);
      expect(out.map((l) => l.line)).to.deep.equal([1, 2, 3, 4]);
      expect(out[1]).to.deep.include({ line: 2 });
      expect(out[1].error.code).to.equal("CALL_REVERTED");
      expect(out[1].hash, "nothing was sent for the reverting line").to.equal(undefined);
      const sent = [out[0], out[2], out[3]];
      for (const line of sent) {
        expect(Object.keys(line).sort()).to.deep.equal(["hash", "line", "nonce"]);
        expect(line.hash).to.match(HASH);
      }
      expect(sent.map((l) => l.nonce).sort((a, b) => a - b)).to.deep.equal([first, first + 1, first + 2]);
      // The hashes are real transactions; the deposit carried its value.
      for (const line of sent) expect(await rpc(node().rpcUrl, "eth_getTransactionByHash", [line.hash]), line.hash).to.not.equal(null);
      const deposit = (await rpc(node().rpcUrl, "eth_getTransactionByHash", [out[3].hash])) as { value: string };
      expect(BigInt(deposit.value)).to.equal(1_000_000_000n);
    });
  });
}

describe("chaincall batch: bad input sends nothing (SPEC §7.1)", function () {
  this.timeout(60_000);
  isolateState(hardhat, "suite");
  const tmp = tempDir("batch-bad");
  let book: string;
  let demo: string;
  let fileCount = 0;

  before(async () => {
    const client = await devClient(hardhat());
    try {
      const contract = await new CallDemo__factory(client.signer).deploy();
      await contract.waitForDeployment();
      demo = await contract.getAddress();
    } finally {
      await client.close();
    }
    book = join(tmp(), "book");
    mkdirSync(book, { recursive: true });
    recordDeployment(book, client, "CallDemo", { address: demo });
  });

  const writeLines = (lines: (object | string)[]): string => {
    const file = join(tmp(), `input-${++fileCount}.jsonl`);
    writeFileSync(file, `${lines.map((l) => (typeof l === "string" ? l : JSON.stringify(l))).join("\n")}\n`);
    return file;
  };
  const at = () => ["-r", hardhat().rpcUrl, "--deployments", book, "--abi-dir", ABI_DIR];
  const env = { ETH_PRIVATE_KEY: DEV_PRIVATE_KEY };

  it("invalid lines: exit 2, one error line each at its line number, nothing else printed, nothing sent", async () => {
    const before = await chainState(hardhat());
    const inputs: (object | string)[] = [
      { target: "CallDemo", function: "setYear", args: [2021], send: true },
      { target: "CallDemo", function: "setYearr", args: [1], send: true },
      "{not json",
      "",
      { target: "CallDemo", function: "setYear", args: ["abc"], send: true },
      { target: "CallDemo", function: "setYear", args: [1, 2], send: true },
      { target: "CallDemo", function: "setYear", args: [1], send: true, valu: 1 },
      { target: "0x123", function: "getYear()(uint256)" },
      { target: "NoSuchContract", function: "getYear" },
      { target: "CallDemo", function: "setYear", args: [1], send: true, value: "1ether" },
      { target: "CallDemo", function: "getYear", value: "1" },
      { target: "CallDemo", function: "setYear", args: [1e30], send: true },
      "[1,2]",
      { target: demo, function: "getYear" },
      { target: "CallDemo", function: "getYear" },
    ];
    const r = await runCli(["batch", writeLines(inputs), ...at()], { env });
    const message = expectErrorLine(r, 2);
    expect(message, show(r)).to.match(/^12 of 14 lines are invalid, nothing was sent \(first: line 2: .*setYearr/);
    const out = jsonLines(r);
    expect(
      out.map((l) => l.line),
      "blank line 4 is skipped; lines 1 and 15 are valid",
    ).to.deep.equal([2, 3, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
    for (const line of out) {
      expect(Object.keys(line), JSON.stringify(line)).to.deep.equal(["line", "error"]);
      expect(["INVALID_ARGUMENT", "NOT_FOUND"], JSON.stringify(line)).to.include(line.error.code);
    }
    const byLine = new Map(out.map((l) => [l.line, l.error.message as string]));
    expect(byLine.get(2)).to.include("setYearr");
    expect(byLine.get(3)).to.match(/JSON/);
    expect(byLine.get(5)).to.include("uint256");
    expect(byLine.get(6)).to.match(/takes 1 argument, got 2/);
    expect(byLine.get(7)).to.include('"valu"');
    expect(byLine.get(8)).to.include("0x123");
    expect(byLine.get(9)).to.include("NoSuchContract");
    expect(byLine.get(10)).to.match(/payable/);
    expect(byLine.get(11)).to.match(/send/);
    expect(byLine.get(12)).to.match(/exact integer|strings/);
    expect(byLine.get(13)).to.match(/JSON object/);
    expect(byLine.get(14)).to.match(/signature|ABI/);
    expect(await chainState(hardhat()), "nothing sent").to.deep.equal(before);
  });

  it("a name missing from the address book of the connected chain: exit 2, nothing sent", async () => {
    const before = await chainState(hardhat());
    const r = await runCli(
      [
        "batch",
        writeLines([
          { target: "CallDemo", function: "setYear", args: [5], send: true },
          { target: "Vault", function: "echo(uint256)", args: [1] },
        ]),
        ...at(),
      ],
      { env },
    );
    const message = expectErrorLine(r, 2);
    expect(message).to.match(/^1 of 2 lines are invalid/);
    const out = jsonLines(r);
    expect(out).to.have.length(1);
    expect(out[0].line).to.equal(2);
    expect(out[0].error.message).to.include("Vault");
    expect(await chainState(hardhat())).to.deep.equal(before);
  });

  it("sends without a signer: exit 2 naming the signer options, nothing sent", async () => {
    const before = await chainState(hardhat());
    const r = await runCli(["batch", writeLines([{ target: "CallDemo", function: "setYear", args: [5], send: true }]), ...at()]);
    expect(expectErrorLine(r, 2)).to.match(/signer/);
    expect(r.stdout).to.equal("");
    expect(await chainState(hardhat())).to.deep.equal(before);
  });

  it("a file that does not exist: exit 2", async () => {
    const r = await runCli(["batch", join(tmp(), "missing.jsonl"), ...at()]);
    expect(expectErrorLine(r, 2)).to.include("missing.jsonl");
    expect(r.stdout).to.equal("");
  });

  it("reads the same lines from a file, from '-' and from stdin; empty input prints nothing and exits 0", async () => {
    const lines = [
      { target: "CallDemo", function: "getYear" },
      { target: demo, function: "year()(uint256)" },
    ];
    const text = lines.map((l) => JSON.stringify(l)).join("\r\n");
    const [fromFile, fromDash, fromStdin, empty] = await Promise.all([
      runCli(["batch", writeLines(lines), ...at()]),
      runCli(["batch", "-", ...at()], { input: text }),
      runCli(["batch", ...at()], { input: `${text}\n` }),
      runCli(["batch", ...at()], { input: "\n\n" }),
    ]);
    for (const r of [fromFile, fromDash, fromStdin]) {
      expect(r.code, show(r)).to.equal(0);
      expect(jsonLines(r)).to.deep.equal([
        { line: 1, result: ["2020"] },
        { line: 2, result: ["2020"] },
      ]);
    }
    expect(empty.code, show(empty)).to.equal(0);
    expect(empty.stdout).to.equal("");
  });

  it("batch --help documents the line format, with examples", async () => {
    const r = await runCli(["batch", "--help"]);
    expect(r.code, show(r)).to.equal(0);
    expect(r.stdout).to.include('{"target":"CallDemo","function":"setYear","args":[2021],"send":true}');
    expect(r.stdout).to.include("Examples:");
    expect(r.stdout).to.match(/chaincall batch calls\.jsonl/);
  });
});
