import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "chai";
import { getAddress, parseUnits } from "ethers";
import { type LocalNode, projectRoot, startAnvil } from "../scripts/lib/localNode";
import { connect, recordDeployment } from "../src";
import { CallDemo__factory } from "../typechain-types";
import {
  anvil,
  CLI,
  type CliResult,
  chainState,
  DEV_ACCOUNT,
  DEV_PRIVATE_KEY,
  devClient,
  expectErrorLine,
  isolateState,
  rpc,
  runCli,
  showCli as show,
  tempDir,
} from "./fixtures/nodes";

// `chaincall send` (issue 5, SPEC §4, §7.6, §7.8): the hash first, then a bounded wait (--confirmations,
// --timeout), then status, gas used and events; --async; progress on a terminal only; and the mainnet guard:
// chain id 1 with no terminal and no --yes broadcasts nothing, on a terminal it shows the transaction and asks.

const ABI_DIR = join(projectRoot(), "abi");
const HASH = /0x[0-9a-f]{64}/;
const env = { ETH_PRIVATE_KEY: DEV_PRIVATE_KEY };

function shellQuote(arg: string): string {
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/**
 * Runs the CLI on a pseudo-terminal (util-linux `script`): stdin, stdout and stderr are TTYs. `input` is
 * typed ahead. What the terminal showed (stdout and stderr together) comes back as `stdout`.
 */
function runOnTerminal(
  args: string[],
  options: { env?: Record<string, string>; input?: string; timeoutMs?: number; onOutput?: (text: string) => void } = {},
): Promise<CliResult> {
  const childEnv: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith("ETH_") && v !== undefined) childEnv[k] = v;
  Object.assign(childEnv, options.env, { TERM: "dumb" });
  const command = [process.execPath, CLI, ...args].map(shellQuote).join(" ");
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn("script", ["-qec", command, "/dev/null"], { cwd: projectRoot(), env: childEnv, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString("utf8");
      options.onOutput?.(stdout);
    });
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString("utf8")));
    const killer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 30_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(killer);
      resolve({ code, stdout: stdout.replace(/\r/g, ""), stderr, ms: Date.now() - started });
    });
    child.stdin.end(options.input ?? "");
  });
}

describe("chaincall send: hash first, bounded waits, progress on a terminal only (Anvil)", function () {
  this.timeout(60_000);
  isolateState(anvil, "suite");
  const tmp = tempDir("send");
  let book: string;

  before(async () => {
    const client = await devClient(anvil());
    try {
      const demo = await new CallDemo__factory(client.signer).deploy();
      await demo.waitForDeployment();
      book = join(tmp(), "book");
      recordDeployment(book, client, "CallDemo", { address: await demo.getAddress() });
    } finally {
      await client.close();
    }
  });
  isolateState(anvil);
  const at = () => ["-r", anvil().rpcUrl, "--deployments", book, "--abi-dir", ABI_DIR];

  it("prints the hash, then waits for --confirmations 2; status, gas used and the decoded event follow once a block is mined", async () => {
    const child = spawn(process.execPath, [CLI, "send", "CallDemo", "setYear", "2031", "--confirmations", "2", ...at()], {
      cwd: projectRoot(),
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString("utf8")));
    const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
    try {
      const hashLine = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no hash line within 20 s: ${stdout} ${stderr}`)), 20_000);
        child.stdout.on("data", (d: Buffer) => {
          stdout += d.toString("utf8");
          const first = stdout.split("\n")[0];
          if (stdout.includes("\n")) {
            clearTimeout(timer);
            resolve(first);
          }
        });
      });
      expect(hashLine).to.match(/^hash\s+0x[0-9a-f]{64}$/);
      // Mined in one block (automine), one more is needed: the CLI is still waiting, and has printed nothing else.
      await new Promise((resolve) => setTimeout(resolve, 700));
      expect(child.exitCode, "still waiting for the second confirmation").to.equal(null);
      expect(stdout.split("\n").filter(Boolean)).to.have.length(1);
      await rpc(anvil().rpcUrl, "evm_mine", []);
      expect(await exited, `${stdout}\n${stderr}`).to.equal(0);
    } finally {
      child.kill("SIGKILL");
    }
    const lines = stdout.trimEnd().split("\n");
    expect(lines[0]).to.equal(`hash        ${HASH.exec(lines[0])![0]}`);
    expect(lines).to.include("status      success");
    expect(
      lines.some((l) => /^gasUsed\s+\d+$/.test(l)),
      stdout,
    ).to.equal(true);
    expect(lines).to.include(`event       YearChanged(previous=2020, current=2031, by=${DEV_ACCOUNT})`);
    expect(stderr, "no progress without a terminal").to.equal("");
  });

  it("--timeout bounds the wait: --confirmations 3 with no new blocks ends in exit 1 naming the hash, which was printed first", async () => {
    const r = await runCli(["send", "CallDemo", "setYear", "2032", "--confirmations", "3", "--timeout", "2", ...at()], {
      env,
      timeoutMs: 20_000,
    });
    const message = expectErrorLine(r, 1);
    expect(r.ms, show(r)).to.be.within(1_800, 8_000);
    const printed = /^hash\s+(0x[0-9a-f]{64})\n$/.exec(r.stdout)?.[1];
    expect(printed, show(r)).to.match(HASH);
    expect(message).to.match(/time/i).and.to.include(printed!);
    // The transaction itself went out and was mined: only the wait ended.
    const receipt = (await rpc(anvil().rpcUrl, "eth_getTransactionReceipt", [printed])) as { status: string };
    expect(receipt.status).to.equal("0x1");
  });

  it("--async prints only the hash (human) or {hash, nonce} (--json), and does not wait", async () => {
    const nonce = Number(BigInt((await rpc(anvil().rpcUrl, "eth_getTransactionCount", [DEV_ACCOUNT, "latest"])) as string));
    // Even --confirmations 5 does not make --async wait.
    const human = await runCli(["send", "CallDemo", "setYear", "2033", "--async", "--confirmations", "5", ...at()], { env });
    expect(human.code, show(human)).to.equal(0);
    expect(human.stdout).to.match(/^0x[0-9a-f]{64}\n$/);
    const json = await runCli(["send", "CallDemo", "setYear", "2034", "--async", "--json", ...at()], { env });
    expect(json.code, show(json)).to.equal(0);
    const doc = JSON.parse(json.stdout);
    expect(Object.keys(doc).sort()).to.deep.equal(["hash", "nonce"]);
    expect(doc.nonce).to.equal(nonce + 1);
    expect(await rpc(anvil().rpcUrl, "eth_getTransactionByHash", [doc.hash])).to.not.equal(null);
  });

  it("on a terminal, progress goes to stderr: pending, then mined, then each confirmation", async () => {
    // The second confirmation is mined once the terminal shows the first, so each stage is seen.
    let mining = false;
    const r = await runOnTerminal(["send", "CallDemo", "setYear", "2035", "--confirmations", "2", ...at()], {
      env,
      onOutput: (text) => {
        if (!mining && /mined\s+in block/.test(text)) {
          mining = true;
          void rpc(anvil().rpcUrl, "evm_mine", []);
        }
      },
    });
    expect(r.code, show(r)).to.equal(0);
    const lines = r.stdout.split("\n");
    const index = (re: RegExp) => lines.findIndex((l) => re.test(l));
    const [hash, pending, mined, confirmed, status] = [
      /^hash\s+0x/,
      /^pending\s+0x[0-9a-f]{64} \(nonce \d+\)/,
      /^mined\s+in block \d+ \(1\/2\)/,
      /^confirmed\s+in block \d+ \(2\/2\)/,
      /^status\s+success/,
    ].map(index);
    expect(
      [hash, pending, mined, confirmed, status].every((i) => i >= 0),
      r.stdout,
    ).to.equal(true);
    expect(hash < pending && pending < mined && mined < confirmed && confirmed < status, r.stdout).to.equal(true);
  });
});

describe("mainnet guard: chain id 1 (an Anvil started with --chain-id 1)", function () {
  this.timeout(90_000);
  const tmp = tempDir("mainnet");
  let node: LocalNode;
  let book: string;
  let demo: string;

  before(async () => {
    node = await startAnvil({ ipc: false, args: ["--chain-id", "1"] });
    expect(node.chainId).to.equal(1n);
    const client = await connect({ rpcUrl: node.rpcUrl, signer: { privateKey: DEV_PRIVATE_KEY }, timeoutMs: 20_000 });
    try {
      const contract = await new CallDemo__factory(client.signer).deploy();
      await contract.waitForDeployment();
      demo = await contract.getAddress();
    } finally {
      await client.close();
    }
    book = join(tmp(), "book");
    recordDeployment(book, 1n, "CallDemo", { address: demo });
  });
  after(async () => {
    await node?.stop();
  });
  const at = () => ["-r", node.rpcUrl, "--deployments", book, "--abi-dir", ABI_DIR];

  it("send with no terminal and no --yes: exit 2, says mainnet and --yes, nothing reaches the node", async () => {
    const before = await chainState(node);
    const [human, json] = await Promise.all([
      runCli(["send", "CallDemo", "setYear", "2021", ...at()], { env }),
      runCli(["send", "CallDemo", "setYear", "2021", "--json", ...at()], { env }),
    ]);
    const message = expectErrorLine(human, 2);
    expect(message).to.match(/refusing to broadcast.*mainnet.*chain id 1/i);
    expect(human.stderr).to.match(/^hint: .*--yes/m);
    expect(human.stdout).to.equal("");
    expect(JSON.parse(json.stdout)).to.deep.equal({ error: { code: "INVALID_ARGUMENT", message } });
    expect(await chainState(node), "nonce and block unchanged").to.deep.equal(before);
  });

  it("a node-managed account (--from), deploy, and a batch with sends are refused the same way; reads need no confirmation", async () => {
    const before = await chainState(node);
    const file = join(tmp(), "sends.jsonl");
    writeFileSync(
      file,
      [7, 8].map((year) => `${JSON.stringify({ target: "CallDemo", function: "setYear", args: [year], send: true })}\n`).join(""),
    );
    const [fromAccount, deploy, batch, call, batchReads] = await Promise.all([
      runCli(["send", "CallDemo", "setYear", "2021", "--from", DEV_ACCOUNT, ...at()]),
      runCli(["deploy", "CallDemo", ...at()], { env }),
      runCli(["batch", file, ...at()], { env }),
      runCli(["call", "CallDemo", "getYear", ...at()]),
      runCli(["batch", ...at()], { input: JSON.stringify({ target: "CallDemo", function: "getYear" }) }),
    ]);
    for (const r of [fromAccount, deploy, batch]) expect(expectErrorLine(r, 2)).to.match(/mainnet/);
    expect(batch.stderr).to.match(/2 transactions/);
    expect(call.code, show(call)).to.equal(0);
    expect(call.stdout).to.equal("2020\n");
    expect(batchReads.code, show(batchReads)).to.equal(0);
    expect(batchReads.stdout).to.equal('{"line":1,"result":["2020"]}\n');
    expect(await chainState(node), "nothing reached the node").to.deep.equal(before);
  });

  it("on a terminal it shows chain, from, to, value and max fee, and asks: 'n' broadcasts nothing (exit 1)", async () => {
    const before = await chainState(node);
    const r = await runOnTerminal(["send", "CallDemo", "setYear", "2021", ...at()], { env, input: "n\n" });
    expect(r.code, show(r)).to.equal(1);
    expect(r.stdout).to.match(/^\s+chain\s+1 \(Ethereum mainnet\)/m);
    expect(r.stdout).to.include(`from      ${DEV_ACCOUNT}`);
    expect(r.stdout).to.include(`to        ${demo} (CallDemo.setYear(uint256))`);
    expect(r.stdout).to.match(/^\s+value\s+0\.0 ETH$/m);
    expect(r.stdout).to.match(/^\s+max fee\s+[\d.]+ gwei per gas/m);
    expect(r.stdout).to.include("Broadcast? [y/N]");
    expect(r.stdout).to.match(/^error: not broadcast: declined/m);
    expect(await chainState(node), "nothing reached the node").to.deep.equal(before);
  });

  it("on a terminal, 'y' broadcasts, signed with the max fee that was shown", async () => {
    const r = await runOnTerminal(["send", "CallDemo", "setYear", "2022", ...at()], { env, input: "y\n" });
    expect(r.code, show(r)).to.equal(0);
    const shown = /max fee\s+([\d.]+) gwei per gas \(priority fee ([\d.]+) gwei\)/.exec(r.stdout);
    expect(shown, r.stdout).to.not.equal(null);
    const hash = /^hash\s+(0x[0-9a-f]{64})$/m.exec(r.stdout)?.[1];
    expect(hash, r.stdout).to.match(HASH);
    const tx = (await rpc(node.rpcUrl, "eth_getTransactionByHash", [hash])) as {
      maxFeePerGas: string;
      maxPriorityFeePerGas: string;
      from: string;
    };
    expect(BigInt(tx.maxFeePerGas)).to.equal(parseUnits(shown![1], "gwei"));
    expect(BigInt(tx.maxPriorityFeePerGas)).to.equal(parseUnits(shown![2], "gwei"));
    expect(getAddress(tx.from)).to.equal(DEV_ACCOUNT);
  });

  it("--yes broadcasts without asking (send, deploy): the nonce advances by 2", async () => {
    const before = Number(BigInt((await rpc(node.rpcUrl, "eth_getTransactionCount", [DEV_ACCOUNT, "latest"])) as string));
    const send = await runCli(["send", "CallDemo", "setYear", "2023", "--yes", "--json", ...at()], { env });
    expect(send.code, show(send)).to.equal(0);
    expect(JSON.parse(send.stdout).status).to.equal("success");
    const deploy = await runCli(["deploy", "CallDemo", "--name", "CallDemo2", "-y", ...at()], { env });
    expect(deploy.code, show(deploy)).to.equal(0);
    expect(deploy.stdout).to.match(/^0x[0-9a-fA-F]{40}\n$/);
    const after = Number(BigInt((await rpc(node.rpcUrl, "eth_getTransactionCount", [DEV_ACCOUNT, "latest"])) as string));
    expect(after).to.equal(before + 2);
  });
});
