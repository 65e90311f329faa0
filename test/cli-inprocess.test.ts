import { join } from "node:path";
import { expect } from "chai";
import { getAddress } from "ethers";
import { projectRoot } from "../scripts/lib/localNode";
import { main } from "../src/cli/main";
import { captureStreams } from "../src/cli/output";
import { CallDemo__factory, Vault__factory } from "../typechain-types";
import { DEV_ACCOUNT, devClient, hardhat, isolateState, rpc, runCli } from "./fixtures/nodes";

// Commands run in this process through main(args, { streams }): the one Output is injectable, so a test
// reads what a command printed without spawning the CLI. Expected values come from raw JSON-RPC (rpc()).

const ABI_DIR = join(projectRoot(), "abi");
const UNKNOWN_HASH = `0x${"cd".repeat(32)}`;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process against the suite's Hardhat node, with ETH_* variables of the shell set aside. */
async function run(args: string[]): Promise<Run> {
  const saved = Object.entries(process.env).filter(([key]) => key.startsWith("ETH_"));
  for (const [key] of saved) delete process.env[key];
  const streams = captureStreams();
  try {
    const code = await main([...args, "-r", hardhat().rpcUrl, "--abi-dir", ABI_DIR, "--timeout", "20"], { streams });
    return { code, stdout: streams.stdoutText(), stderr: streams.stderrText() };
  } finally {
    for (const [key, value] of saved) process.env[key] = value;
  }
}

function show(r: Run): string {
  return `exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`;
}

/** Exit 0, nothing on stderr; the stdout. */
function ok(r: Run): string {
  expect(r.code, show(r)).to.equal(0);
  expect(r.stderr, show(r)).to.equal("");
  return r.stdout;
}

async function sendFromNodeAccount(to: string, data: string): Promise<string> {
  return (await rpc(hardhat().rpcUrl, "eth_sendTransaction", [{ from: DEV_ACCOUNT, to, data }])) as string;
}

describe("CLI commands in-process (main with captured streams)", function () {
  this.timeout(60_000);
  isolateState(hardhat, "suite");
  let demo: string;
  let vault: string;

  before(async () => {
    const client = await devClient(hardhat());
    try {
      // store(0) reverts before the Vault asks its oracle: any address serves as one.
      const [demoContract, vaultContract] = await Promise.all([
        new CallDemo__factory(client.signer).deploy(),
        new Vault__factory(client.signer).deploy(DEV_ACCOUNT, DEV_ACCOUNT),
      ]);
      [demo, vault] = await Promise.all([
        demoContract.waitForDeployment().then((c) => c.getAddress()),
        vaultContract.waitForDeployment().then((c) => c.getAddress()),
      ]);
    } finally {
      await client.close();
    }
  });

  it("block-number prints the height, and the number of a block named by hash", async () => {
    const height = Number(await rpc(hardhat().rpcUrl, "eth_blockNumber", []));
    expect(ok(await run(["block-number"]))).to.equal(`${height}\n`);
    const genesis = (await rpc(hardhat().rpcUrl, "eth_getBlockByNumber", ["0x0", false])) as { hash: string };
    expect(JSON.parse(ok(await run(["block-number", genesis.hash, "--json"])))).to.deep.equal({ blockNumber: 0 });
    const unknown = await run(["block-number", UNKNOWN_HASH]);
    expect(unknown.code, show(unknown)).to.equal(1);
    expect(unknown.stdout).to.equal("");
    expect(unknown.stderr).to.match(/^error: .* has no block 0xcdcd/);
  });

  it("balance prints wei (and ether with --ether) as the node answers eth_getBalance", async () => {
    const wei = BigInt((await rpc(hardhat().rpcUrl, "eth_getBalance", [DEV_ACCOUNT, "latest"])) as string);
    expect(ok(await run(["balance", DEV_ACCOUNT]))).to.equal(`${wei}\n`);
    const doc = JSON.parse(ok(await run(["balance", DEV_ACCOUNT.toLowerCase(), "--json", "-b", "0"])));
    const atGenesis = BigInt((await rpc(hardhat().rpcUrl, "eth_getBalance", [DEV_ACCOUNT, "0x0"])) as string);
    expect(doc).to.deep.equal({
      address: DEV_ACCOUNT,
      block: 0,
      balance: String(atGenesis),
      ether: `${atGenesis / 10n ** 18n}.${(atGenesis % 10n ** 18n).toString().padStart(18, "0")}`,
    });
  });

  it("nonce counts the account's transactions; bad input is exit 2 with nothing on stdout", async () => {
    await sendFromNodeAccount(demo, CallDemo__factory.createInterface().encodeFunctionData("setYear", [2030n]));
    const count = Number(await rpc(hardhat().rpcUrl, "eth_getTransactionCount", [DEV_ACCOUNT, "latest"]));
    expect(count).to.be.greaterThan(0);
    expect(ok(await run(["nonce", DEV_ACCOUNT]))).to.equal(`${count}\n`);
    expect(JSON.parse(ok(await run(["nonce", DEV_ACCOUNT, "--json", "-b", "pending"])))).to.deep.equal({
      address: DEV_ACCOUNT,
      block: "pending",
      nonce: count,
    });
    const bad = await run(["nonce", DEV_ACCOUNT, "-b", "yesterday"]);
    expect(bad.code, show(bad)).to.equal(2);
    expect(bad.stdout).to.equal("");
    expect(bad.stderr).to.match(/^error: invalid --block "yesterday"/);
  });

  it("accounts lists eth_accounts checksummed, one per line and as a JSON array", async () => {
    const raw = (await rpc(hardhat().rpcUrl, "eth_accounts", [])) as string[];
    const expected = raw.map((a) => getAddress(a));
    expect(ok(await run(["accounts"]))).to.equal(`${expected.join("\n")}\n`);
    expect(JSON.parse(ok(await run(["accounts", "--json"])))).to.deep.equal(expected);
  });

  it("tx decodes the input and receipt prints the event with the one named-args line", async () => {
    const hash = await sendFromNodeAccount(demo, CallDemo__factory.createInterface().encodeFunctionData("setYear", [2031n]));
    const tx = ok(await run(["tx", hash]));
    expect(tx).to.match(/^function {4}setYear\(newYear=2031\)$/m);
    const txDoc = JSON.parse(ok(await run(["tx", hash, "--json"])));
    expect(txDoc.function).to.deep.equal({ name: "setYear", signature: "setYear(uint256)", args: { newYear: "2031" } });
    expect(txDoc.hash).to.equal(hash);
    const receipt = ok(await run(["receipt", hash]));
    expect(receipt).to.match(/^status {6}success$/m);
    expect(receipt).to.match(new RegExp(`^event {7}YearChanged\\(previous=\\d+, current=2031, by=${DEV_ACCOUNT}\\)$`, "m"));
  });

  it("receipt tells a pending transaction from an unknown one (both exit 1)", async () => {
    await rpc(hardhat().rpcUrl, "evm_setAutomine", [false]);
    try {
      const hash = await sendFromNodeAccount(demo, CallDemo__factory.createInterface().encodeFunctionData("setYear", [2032n]));
      const pending = await run(["receipt", hash]);
      expect(pending.code, show(pending)).to.equal(1);
      expect(pending.stderr).to.match(/^error: transaction 0x[0-9a-f]{64} is pending: it has no receipt yet$/m);
      const txLines = ok(await run(["tx", hash]));
      expect(txLines).to.match(/^block {7}pending$/m);
    } finally {
      await rpc(hardhat().rpcUrl, "evm_mine", []);
      await rpc(hardhat().rpcUrl, "evm_setAutomine", [true]);
    }
    const unknown = await run(["receipt", UNKNOWN_HASH]);
    expect(unknown.code, show(unknown)).to.equal(1);
    expect(unknown.stderr).to.match(/does not know transaction 0xcdcd/);
  });

  it("call --json prints a revert with the same error fields as a batch line", async () => {
    const call = await run(["call", `Vault@${vault}`, "store", "0", "--json"]);
    expect(call.code, show(call)).to.equal(1);
    const callError = JSON.parse(call.stdout).error;
    expect(callError).to.include({ code: "CALL_REVERTED", errorName: "Error" });
    expect(callError.args).to.deep.equal(["Vault: zero value"]);
    expect(callError.data).to.match(/^0x08c379a0/);
    // The same read through batch (a real process: batch reads stdin) carries the same fields.
    const batch = await runCli(["batch", "-r", hardhat().rpcUrl, "--abi-dir", ABI_DIR], {
      input: `${JSON.stringify({ target: `Vault@${vault}`, function: "store", args: [0] })}\n`,
      timeoutMs: 30_000,
    });
    expect(batch.code).to.equal(1);
    const lineError = JSON.parse(batch.stdout.trim()).error;
    expect(Object.keys(lineError).sort()).to.deep.equal(Object.keys(callError).sort());
    expect(lineError).to.deep.equal(callError);
  });

  it("call prints its note through the injected stderr, not the process's", async () => {
    const r = await run(["call", `CallDemo@${demo}`, "setYear", "2099"]);
    expect(r.code, show(r)).to.equal(0);
    expect(r.stdout).to.equal("");
    expect(r.stderr).to.match(
      /^note: setYear\(uint256\) returns nothing; .* chaincall send CallDemo@0x[0-9a-fA-F]{40} setYear 2099 makes it a transaction\n$/,
    );
  });
});
