import { join } from "node:path";
import { expect } from "chai";
import { projectRoot } from "../scripts/lib/localNode";
import { recordDeployment } from "../src";
import { CallDemo__factory } from "../typechain-types";
import {
  DEV_ACCOUNT,
  devClient,
  expectErrorLine,
  hardhat,
  isolateState,
  parseDocument,
  rpc,
  runCli,
  showCli as show,
  tempDir,
} from "./fixtures/nodes";

// Issue 12 item 3, no silent success: a call that returns nothing says so, a signature without return
// types prints the raw return data, a send to a view function is refused unless forced.

const ABI_DIR = join(projectRoot(), "abi");

describe("chaincall call/send: no silent success (Hardhat)", function () {
  this.timeout(60_000);
  isolateState(hardhat, "suite");
  const tmp = tempDir("silent");
  let book: string;
  let demo: string;

  before(async () => {
    const client = await devClient(hardhat());
    try {
      const contract = await new CallDemo__factory(client.signer).deploy();
      await contract.waitForDeployment();
      demo = await contract.getAddress();
      book = join(tmp(), "book");
      recordDeployment(book, client, "CallDemo", { address: demo });
    } finally {
      await client.close();
    }
  });
  const at = () => ["-r", hardhat().rpcUrl, "--deployments", book, "--abi-dir", ABI_DIR];
  const nonce = async () => BigInt((await rpc(hardhat().rpcUrl, "eth_getTransactionCount", [DEV_ACCOUNT, "latest"])) as string);

  it("call of a function returning nothing says so on stderr, and in the one JSON document", async () => {
    const human = await runCli(["call", "CallDemo", "setYear", "2099", ...at()]);
    expect(human.code, show(human)).to.equal(0);
    expect(human.stdout).to.equal("");
    expect(human.stderr, show(human)).to.match(
      /^note: setYear\(uint256\) returns nothing; .*chaincall send CallDemo setYear 2099 makes it a transaction\n$/,
    );
    const json = await runCli(["call", "CallDemo", "setYear", "2099", "--json", ...at()]);
    expect(json.code, show(json)).to.equal(0);
    const doc = parseDocument(json) as { result: unknown[]; note: string };
    expect(doc.result).to.deep.equal([]);
    expect(doc.note).to.include("returns nothing");
    expect(json.stderr).to.equal("");
  });

  it("call with a signature without return types prints the raw return data, as cast does", async () => {
    const r = await runCli(["call", demo, "getYear()", "-r", hardhat().rpcUrl]);
    expect(r.code, show(r)).to.equal(0);
    const year = (await runCli(["call", demo, "getYear()(uint256)", "-r", hardhat().rpcUrl])).stdout.trim();
    expect(r.stdout).to.equal(`0x${BigInt(year).toString(16).padStart(64, "0")}\n`);
    const json = parseDocument(await runCli(["call", demo, "getYear()", "--json", "-r", hardhat().rpcUrl])) as { result: string };
    expect(json.result).to.equal(r.stdout.trim());
  });

  it("send to a view function is refused (exit 2, pointing at call) and sends nothing, unless --force", async () => {
    const before = await nonce();
    const r = await runCli(["send", "CallDemo", "getYear", "--from", DEV_ACCOUNT, ...at()]);
    expect(expectErrorLine(r, 2)).to.equal("getYear() is view: a transaction would change nothing");
    expect(r.stderr).to.include("chaincall call CallDemo getYear");
    expect(await nonce(), "no transaction").to.equal(before);
    const forced = await runCli(["send", "CallDemo", "getYear", "--force", "--from", DEV_ACCOUNT, "--json", ...at()]);
    expect(forced.code, show(forced)).to.equal(0);
    expect(await nonce()).to.equal(before + 1n);
  });

  it("batch: the same rules, per line in its JSON lines", async () => {
    const before = await nonce();
    const lines = (rows: object[]) => rows.map((r) => JSON.stringify(r)).join("\n");
    const reads = await runCli(["batch", ...at()], {
      input: lines([
        { target: "CallDemo", function: "getYear" },
        { target: demo, function: "getYear()" },
        { target: "CallDemo", function: "setYear", args: [2099] },
      ]),
    });
    expect(reads.code, show(reads)).to.equal(0);
    const out = reads.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { line: number; result: unknown; note?: string });
    expect(out[1].result).to.equal(
      `0x${BigInt((out[0].result as string[])[0])
        .toString(16)
        .padStart(64, "0")}`,
    );
    expect(out[2].result).to.deep.equal([]);
    expect(out[2].note).to.match(/setYear\(uint256\) returns nothing; .* makes it a transaction/);
    const refused = await runCli(["batch", "--from", DEV_ACCOUNT, ...at()], {
      input: lines([{ target: "CallDemo", function: "getYear", send: true }]),
    });
    expect(refused.code, show(refused)).to.equal(2);
    const error = (JSON.parse(refused.stdout.trim()) as { error: { code: string; message: string } }).error;
    expect(error.code).to.equal("INVALID_ARGUMENT");
    expect(error.message).to.match(/^getYear\(\) is view: a transaction would change nothing/);
    expect(await nonce(), "nothing sent").to.equal(before);
    const forced = await runCli(["batch", "--from", DEV_ACCOUNT, ...at()], {
      input: lines([{ target: "CallDemo", function: "getYear", send: true, force: true }]),
    });
    expect(forced.code, show(forced)).to.equal(0);
    expect(await nonce()).to.equal(before + 1n);
  });
});
