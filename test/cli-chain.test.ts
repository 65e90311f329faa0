import { execFile, spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { type AddressInfo, createServer, type Socket } from "node:net";
import { join } from "node:path";
import { expect } from "chai";
import { getAddress, Interface } from "ethers";
import { castBinary, type LocalNode, projectRoot } from "../scripts/lib/localNode";
import { addressBookPath } from "../src/registry/addressBook";
import {
  anvil,
  CLI,
  type CliResult,
  DEV_ACCOUNT,
  hardhat,
  isolateState,
  parseDocument,
  rpc,
  runCli,
  showCli as show,
  tempDir,
} from "./fixtures/nodes";

// The chain-query commands (SPEC §4): receipt, tx, balance, nonce, block-number, chain-id, accounts, logs
// and completion, spawned for real against the run's Anvil and Hardhat. Expected values come from raw
// JSON-RPC (the fixtures' rpc()) and from Foundry's cast on Anvil, never from chaincall's own SDK.

const ABI_DIR = join(projectRoot(), "abi");
const CAST = castBinary();
const UNKNOWN_HASH = `0x${"ab".repeat(32)}`;
const OTHER_ACCOUNT = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";

const callDemoAbi = new Interface(JSON.parse(readFileSync(join(ABI_DIR, "CallDemo.abi"), "utf8")));
const emitterAbi = new Interface(JSON.parse(readFileSync(join(ABI_DIR, "Emitter.abi"), "utf8")));
const vaultAbi = new Interface(JSON.parse(readFileSync(join(ABI_DIR, "Vault.abi"), "utf8")));
const bytecode = (name: string) =>
  `0x${readFileSync(join(ABI_DIR, `${name}.bin`), "utf8")
    .trim()
    .replace(/^0x/, "")}`;

function cli(args: string[], options: { env?: Record<string, string> } = {}): Promise<CliResult> {
  return runCli(args, { timeoutMs: 30_000, ...options });
}

/** Exit 0, nothing on stderr, and (with --json) one document. */
function ok(r: CliResult): CliResult {
  expect(r.code, show(r)).to.equal(0);
  expect(r.stderr, show(r)).to.equal("");
  return r;
}

/** An error the SPEC way: the exit code, one `error:` line first, no stack trace; returns the message. */
function expectError(r: CliResult, code: 1 | 2, options: { json?: boolean } = {}): string {
  expect(r.code, show(r)).to.equal(code);
  const first = r.stderr.split("\n")[0];
  expect(first, show(r)).to.match(/^error: \S/);
  expect(r.stderr, `no stack trace\n${show(r)}`).not.to.match(/^\s+at /m);
  expect(
    r.stderr
      .split("\n")
      .slice(1)
      .filter(Boolean)
      .every((line) => /^(hint|usage): /.test(line)),
    `only hint lines after the error\n${show(r)}`,
  ).to.equal(true);
  const message = first.slice("error: ".length);
  if (options.json) {
    const doc = parseDocument(r);
    expect(Object.keys(doc), show(r)).to.deep.equal(["error"]);
    expect(doc.error.message, show(r)).to.equal(message);
  } else {
    expect(r.stdout, show(r)).to.equal("");
  }
  return message;
}

/** Runs cast (Foundry's reference CLI) and returns its trimmed stdout. */
function cast(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(CAST, args, { timeout: 30_000 }, (err, stdout, stderr) =>
      err ? reject(new Error(`cast ${args.join(" ")}: ${stderr || err.message}`)) : resolve(stdout.trim()),
    );
  });
}

/** Sends a transaction from a node-managed account with raw JSON-RPC (automine) and returns its receipt. */
async function sendRaw(node: LocalNode, tx: Record<string, string>): Promise<RawReceipt> {
  const hash = (await rpc(node.rpcUrl, "eth_sendTransaction", [{ from: DEV_ACCOUNT, ...tx }])) as string;
  return receiptOf(node, hash);
}

/** Sends a transaction that reverts, mined on its own: Hardhat answers eth_sendTransaction with an error for those while automining. */
async function sendReverting(node: LocalNode, tx: Record<string, string>): Promise<RawReceipt> {
  await rpc(node.rpcUrl, "evm_setAutomine", [false]);
  try {
    const hash = (await rpc(node.rpcUrl, "eth_sendTransaction", [{ from: DEV_ACCOUNT, ...tx }])) as string;
    await rpc(node.rpcUrl, "evm_mine", []);
    return await receiptOf(node, hash);
  } finally {
    await rpc(node.rpcUrl, "evm_setAutomine", [true]);
  }
}

// Anvil mines right after answering eth_sendTransaction: the receipt may take a moment.
async function receiptOf(node: LocalNode, hash: string): Promise<RawReceipt> {
  for (let i = 0; i < 100; i++) {
    const receipt = (await rpc(node.rpcUrl, "eth_getTransactionReceipt", [hash])) as RawReceipt | null;
    if (receipt) return receipt;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`no receipt for ${hash} after 2 s (is automine on?)`);
}

interface RawReceipt {
  transactionHash: string;
  blockNumber: string;
  blockHash: string;
  transactionIndex: string;
  from: string;
  to: string | null;
  contractAddress: string | null;
  gasUsed: string;
  cumulativeGasUsed: string;
  effectiveGasPrice: string;
  status: string;
  type: string;
  logs: { logIndex: string; topics: string[]; data: string; address: string; blockNumber: string; transactionHash: string }[];
}

/** A TCP listener that counts connections and answers none: proof that bad input sends nothing. */
async function startCounter(): Promise<{ url: string; connections(): number; close(): Promise<void> }> {
  let count = 0;
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    count++;
    sockets.add(socket);
    socket.on("error", () => undefined);
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    connections: () => count,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** What one chain holds after `seedChain`. */
interface Seeded {
  callDemo: string;
  emitter: string;
  vault: string;
  /** setYear(2021): one YearChanged event. */
  setYear: RawReceipt;
  /** pingMany(3, "hello, world"): three Pings and a Batch in one transaction. */
  pingMany: RawReceipt;
  /** ping("second"), in a later block. */
  ping: RawReceipt;
  /** Vault.store(0) with a fixed gas limit: mined, reverted. */
  reverted: RawReceipt;
  /** 1.5 ether + 1 wei to `payee`. */
  payment: RawReceipt;
  payee: string;
  /** The address book folder, with CallDemo, Emitter (from its deployment block) and Vault. */
  book: string;
}

/** Deploys and exercises the test contracts with raw JSON-RPC, and writes an address book for them. */
async function seedChain(node: LocalNode, book: string): Promise<Seeded> {
  const deploy = async (data: string) => getAddress((await sendRaw(node, { data, gas: "0x2dc6c0" })).contractAddress!);
  const callDemo = await deploy(bytecode("CallDemo"));
  const emitterDeployment = await sendRaw(node, { data: bytecode("Emitter"), gas: "0x2dc6c0" });
  const emitter = getAddress(emitterDeployment.contractAddress!);
  const vault = await deploy(bytecode("Vault") + vaultAbi.encodeDeploy([DEV_ACCOUNT, DEV_ACCOUNT]).slice(2));
  const setYear = await sendRaw(node, { to: callDemo, data: callDemoAbi.encodeFunctionData("setYear", [2021]) });
  const pingMany = await sendRaw(node, { to: emitter, data: emitterAbi.encodeFunctionData("pingMany", [3, "hello, world"]) });
  const ping = await sendRaw(node, { to: emitter, data: emitterAbi.encodeFunctionData("ping", ["second"]) });
  const reverted = await sendReverting(node, { to: vault, data: vaultAbi.encodeFunctionData("store", [0]), gas: "0x30d40" });
  const payee = getAddress(
    `0x${"5e".repeat(19)}${Math.floor(Math.random() * 256)
      .toString(16)
      .padStart(2, "0")}`,
  );
  const payment = await sendRaw(node, { to: payee, value: `0x${(1_500_000_000_000_000_001n).toString(16)}` });
  mkdirSync(book, { recursive: true });
  writeFileSync(
    await nodeBookPath(node.rpcUrl, book),
    JSON.stringify({
      CallDemo: { address: callDemo },
      Emitter: { address: emitter, blockNumber: Number(emitterDeployment.blockNumber) },
      Vault: vault,
    }),
  );
  return { callDemo, emitter, vault, setYear, pingMany, ping, reverted, payment, payee, book };
}

describe("chaincall chain queries (receipt, tx, balance, nonce, block-number, chain-id, accounts, logs, completion)", function () {
  this.timeout(120_000);
  const tmp = tempDir("cli-chain");

  describe("on Anvil, compared with cast and raw JSON-RPC", () => {
    let s: Seeded;
    isolateState(anvil, "suite");
    before(async () => {
      s = await seedChain(anvil(), join(tmp(), "anvil-book"));
    });
    const at = () => ["-r", anvil().rpcUrl, "--abi-dir", ABI_DIR, "--deployments", s.book];
    const castRpc = () => ["-r", anvil().rpcUrl];

    describe("balance", () => {
      it("prints wei exactly as cast balance does, and --json holds the same number", async () => {
        for (const who of [DEV_ACCOUNT, s.payee]) {
          const [ours, theirs, json, raw] = await Promise.all([
            cli(["balance", who, ...at()]),
            cast(["balance", who, ...castRpc()]),
            cli(["balance", who, "--json", ...at()]),
            rpc(anvil().rpcUrl, "eth_getBalance", [who, "latest"]),
          ]);
          expect(ok(ours).stdout).to.equal(`${theirs}\n`);
          const doc = parseDocument(ok(json));
          expect(doc.balance).to.equal(BigInt(raw as string).toString());
          expect(doc.address).to.equal(getAddress(who));
          expect(doc.block).to.equal("latest");
        }
        // The payee got exactly 1.5 ether and 1 wei: the number is not merely the same as cast's, it is right.
        expect(parseDocument(await cli(["balance", s.payee, "--json", ...at()])).balance).to.equal("1500000000000000001");
      });

      it("--ether prints 18 decimals exactly as cast balance --ether does", async () => {
        for (const who of [DEV_ACCOUNT, s.payee, "0x0000000000000000000000000000000000000001"]) {
          const [ours, theirs] = await Promise.all([
            cli(["balance", who, "--ether", ...at()]),
            cast(["balance", who, "--ether", ...castRpc()]),
          ]);
          expect(ok(ours).stdout, who).to.equal(`${theirs}\n`);
        }
        expect(ok(await cli(["balance", s.payee, "-e", ...at()])).stdout).to.equal("1.500000000000000001\n");
      });

      it("-b reads an older block, like cast balance -B", async () => {
        const block = String(Number(s.payment.blockNumber) - 1);
        const [ours, theirs, json] = await Promise.all([
          cli(["balance", s.payee, "-b", block, ...at()]),
          cast(["balance", s.payee, "-B", block, ...castRpc()]),
          cli(["balance", s.payee, "-b", block, "--json", ...at()]),
        ]);
        expect(ok(ours).stdout).to.equal(`${theirs}\n`);
        expect(ours.stdout).to.equal("0\n");
        expect(parseDocument(json).block).to.equal(Number(block));
      });

      it("takes a contract name from the address book", async () => {
        await rpc(anvil().rpcUrl, "anvil_setBalance", [s.callDemo, "0x3039"]);
        const doc = parseDocument(ok(await cli(["balance", "CallDemo", "--json", ...at()])));
        expect(doc.address).to.equal(s.callDemo);
        expect(doc.balance).to.equal("12345");
      });
    });

    describe("nonce", () => {
      it("prints the transaction count exactly as cast nonce does; --json matches eth_getTransactionCount", async () => {
        const [ours, theirs, json, raw] = await Promise.all([
          cli(["nonce", DEV_ACCOUNT, ...at()]),
          cast(["nonce", DEV_ACCOUNT, ...castRpc()]),
          cli(["nonce", DEV_ACCOUNT, "--json", ...at()]),
          rpc(anvil().rpcUrl, "eth_getTransactionCount", [DEV_ACCOUNT, "latest"]),
        ]);
        expect(ok(ours).stdout).to.equal(`${theirs}\n`);
        const doc = parseDocument(ok(json));
        expect(doc.nonce).to.equal(Number(raw));
        expect(doc.nonce, "the seeding sent 8 transactions at least").to.be.at.least(8);
        expect(doc.address).to.equal(DEV_ACCOUNT);
      });

      it("-b <number> and -b <block hash> give the count at that block", async () => {
        const block = Number(s.setYear.blockNumber);
        const raw = Number(await rpc(anvil().rpcUrl, "eth_getTransactionCount", [DEV_ACCOUNT, `0x${block.toString(16)}`]));
        const [byNumber, byHash, theirs] = await Promise.all([
          cli(["nonce", DEV_ACCOUNT, "-b", String(block), ...at()]),
          cli(["nonce", DEV_ACCOUNT, "--block", s.setYear.blockHash, "--json", ...at()]),
          cast(["nonce", DEV_ACCOUNT, "-B", String(block), ...castRpc()]),
        ]);
        expect(ok(byNumber).stdout).to.equal(`${raw}\n`);
        expect(byNumber.stdout).to.equal(`${theirs}\n`);
        expect(parseDocument(ok(byHash)).nonce).to.equal(raw);
      });
    });

    describe("block-number, chain-id, accounts", () => {
      it("block-number prints the height exactly as cast block-number does", async () => {
        const [ours, theirs, json, raw] = await Promise.all([
          cli(["block-number", ...at()]),
          cast(["block-number", ...castRpc()]),
          cli(["block-number", "--json", ...at()]),
          rpc(anvil().rpcUrl, "eth_blockNumber", []),
        ]);
        expect(ok(ours).stdout).to.equal(`${theirs}\n`);
        expect(parseDocument(ok(json))).to.deep.equal({ blockNumber: Number(raw) });
        expect(ours.stdout).to.equal(`${Number(raw)}\n`);
      });

      it("block-number <tag|hash> resolves that block", async () => {
        const [earliest, byHash] = await Promise.all([
          cli(["block-number", "earliest", ...at()]),
          cli(["block-number", s.pingMany.blockHash, "--json", ...at()]),
        ]);
        expect(ok(earliest).stdout).to.equal("0\n");
        expect(parseDocument(ok(byHash)).blockNumber).to.equal(Number(s.pingMany.blockNumber));
      });

      it("chain-id prints the id exactly as cast chain-id does; --json has it as a decimal string", async () => {
        const [ours, theirs, json] = await Promise.all([
          cli(["chain-id", ...at()]),
          cast(["chain-id", ...castRpc()]),
          cli(["chain-id", "--json", ...at()]),
        ]);
        expect(ok(ours).stdout).to.equal(`${theirs}\n`);
        expect(parseDocument(ok(json))).to.deep.equal({ chainId: String(Number(await rpc(anvil().rpcUrl, "eth_chainId", []))) });
      });

      it("chain-id with another --chain-id is a chain mismatch (exit 1) naming both ids", async () => {
        const r = await cli(["chain-id", "--chain-id", "1", ...at()]);
        const message = expectError(r, 1);
        expect(message).to.include("31337");
        expect(message).to.match(/\b1\b/);
        expect(parseDocument(await cli(["chain-id", "--chain-id", "1", "--json", ...at()])).error.code).to.equal("CHAIN_MISMATCH");
      });

      it("accounts lists eth_accounts checksummed, one per line, and as a JSON array", async () => {
        const raw = ((await rpc(anvil().rpcUrl, "eth_accounts", [])) as string[]).map((a) => getAddress(a));
        expect(raw.length).to.be.greaterThan(1);
        const [human, json] = await Promise.all([cli(["accounts", ...at()]), cli(["accounts", "--json", ...at()])]);
        expect(ok(human).stdout).to.equal(`${raw.join("\n")}\n`);
        expect(parseDocument(ok(json))).to.deep.equal(raw);
        expect(raw[0]).to.equal(DEV_ACCOUNT);
      });
    });

    describe("receipt", () => {
      it("--json matches the node's receipt and decodes the YearChanged event", async () => {
        const doc = parseDocument(ok(await cli(["receipt", s.setYear.transactionHash, "--json", ...at()])));
        const raw = s.setYear;
        expect(doc.hash).to.equal(raw.transactionHash);
        expect(doc.status).to.equal("success");
        expect(doc.blockNumber).to.equal(Number(raw.blockNumber));
        expect(doc.blockHash).to.equal(raw.blockHash);
        expect(doc.transactionIndex).to.equal(Number(raw.transactionIndex));
        expect(doc.from).to.equal(DEV_ACCOUNT);
        expect(doc.to).to.equal(s.callDemo);
        expect(doc.contractAddress).to.equal(null);
        expect(doc.gasUsed).to.equal(BigInt(raw.gasUsed).toString());
        expect(doc.cumulativeGasUsed).to.equal(BigInt(raw.cumulativeGasUsed).toString());
        expect(doc.effectiveGasPrice).to.equal(BigInt(raw.effectiveGasPrice).toString());
        expect(doc.type).to.equal(Number(raw.type));
        expect(doc.events).to.have.length(1);
        expect(doc.events[0]).to.include({ name: "YearChanged", address: s.callDemo, logIndex: 0 });
        expect(doc.events[0].args).to.deep.equal({ previous: "2020", current: "2021", by: DEV_ACCOUNT });
        // cast reads the same receipt fields.
        expect(await cast(["receipt", raw.transactionHash, "gasUsed", ...castRpc()])).to.equal(doc.gasUsed);
        expect(await cast(["receipt", raw.transactionHash, "blockNumber", ...castRpc()])).to.equal(String(doc.blockNumber));
      });

      it("human output: key/value lines, then one line per decoded event", async () => {
        const r = ok(await cli(["receipt", s.pingMany.transactionHash, ...at()]));
        const lines = r.stdout.trimEnd().split("\n");
        expect(lines[0]).to.equal(`hash        ${s.pingMany.transactionHash}`);
        expect(lines).to.include("status      success");
        expect(lines).to.include(`block       ${Number(s.pingMany.blockNumber)}`);
        expect(lines).to.include(`from        ${DEV_ACCOUNT}`);
        expect(lines).to.include(`to          ${s.emitter}`);
        expect(lines).to.include(`gasUsed     ${BigInt(s.pingMany.gasUsed)}`);
        const events = lines.filter((l) => l.startsWith("event "));
        expect(events).to.deep.equal([
          `event       Ping(id=0, from=${DEV_ACCOUNT}, note=hello, world)`,
          `event       Ping(id=1, from=${DEV_ACCOUNT}, note=hello, world)`,
          `event       Ping(id=2, from=${DEV_ACCOUNT}, note=hello, world)`,
          "event       Batch(firstId=0, count=3)",
        ]);
        for (const line of lines) expect(line, "every line is `key value`").to.match(/^[A-Za-z]+ +\S/);
      });

      it("events stay undecoded (topic 0 shown) when the ABI folder does not know them", async () => {
        const empty = join(tmp(), "no-abis");
        mkdirSync(empty, { recursive: true });
        const args = ["receipt", s.setYear.transactionHash, "-r", anvil().rpcUrl, "--abi-dir", empty];
        const [human, json] = await Promise.all([cli(args), cli([...args, "--json"])]);
        const topic0 = s.setYear.logs[0].topics[0];
        expect(ok(human).stdout).to.include(`event       unknown at ${s.callDemo} topic0=${topic0}`);
        const doc = parseDocument(ok(json));
        expect(doc.events[0].name).to.equal(undefined);
        expect(doc.events[0].topics).to.deep.equal(s.setYear.logs[0].topics);
      });

      it("a contract creation shows the contract address; a reverted transaction shows status reverted (exit 0)", async () => {
        const reverted = parseDocument(ok(await cli(["receipt", s.reverted.transactionHash, "--json", ...at()])));
        expect(s.reverted.status).to.equal("0x0");
        expect(reverted.status).to.equal("reverted");
        expect(ok(await cli(["receipt", s.reverted.transactionHash, ...at()])).stdout).to.include("status      reverted");
        const deployment = await sendRaw(anvil(), { data: bytecode("CallDemo"), gas: "0x2dc6c0" });
        const doc = parseDocument(ok(await cli(["receipt", deployment.transactionHash, "--json", ...at()])));
        expect(doc.contractAddress).to.equal(getAddress(deployment.contractAddress!));
        expect(doc.to).to.equal(null);
        expect(ok(await cli(["receipt", deployment.transactionHash, ...at()])).stdout).to.include(`contract    ${doc.contractAddress}`);
      });

      it("an unknown transaction hash: exit 1, NOT_FOUND, naming the hash", async () => {
        const [human, json] = await Promise.all([
          cli(["receipt", UNKNOWN_HASH, ...at()]),
          cli(["receipt", UNKNOWN_HASH, "--json", ...at()]),
        ]);
        expect(expectError(human, 1)).to.include(UNKNOWN_HASH);
        expectError(json, 1, { json: true });
        expect(parseDocument(json).error.code).to.equal("NOT_FOUND");
      });
    });

    describe("tx", () => {
      it("--json matches the node's transaction and decodes the call with the ABI folder", async () => {
        const [doc, raw] = await Promise.all([
          cli(["tx", s.setYear.transactionHash, "--json", ...at()]).then((r) => parseDocument(ok(r))),
          rpc(anvil().rpcUrl, "eth_getTransactionByHash", [s.setYear.transactionHash]) as Promise<Record<string, string>>,
        ]);
        expect(doc.hash).to.equal(s.setYear.transactionHash);
        expect(doc.from).to.equal(DEV_ACCOUNT);
        expect(doc.to).to.equal(s.callDemo);
        expect(doc.nonce).to.equal(Number(raw.nonce));
        expect(doc.value).to.equal("0");
        expect(doc.gasLimit).to.equal(BigInt(raw.gas).toString());
        expect(doc.maxFeePerGas).to.equal(BigInt(raw.maxFeePerGas).toString());
        expect(doc.chainId).to.equal("31337");
        expect(doc.blockNumber).to.equal(Number(raw.blockNumber));
        expect(doc.blockHash).to.equal(raw.blockHash);
        expect(doc.data).to.equal(raw.input);
        expect(doc.function).to.deep.equal({ name: "setYear", signature: "setYear(uint256)", args: { newYear: "2021" } });
      });

      it("human output: key/value lines with value, nonce and the decoded function; value and nonce agree with cast tx", async () => {
        const r = ok(await cli(["tx", s.payment.transactionHash, ...at()]));
        const lines = r.stdout.trimEnd().split("\n");
        const field = (key: string) => lines.find((l) => l.startsWith(`${key} `))?.slice(12);
        expect(field("hash")).to.equal(s.payment.transactionHash);
        expect(field("value")).to.equal("1500000000000000001");
        expect(field("value")).to.equal(await cast(["tx", s.payment.transactionHash, "value", ...castRpc()]));
        expect(field("nonce")).to.equal(await cast(["tx", s.payment.transactionHash, "nonce", ...castRpc()]));
        expect(field("to")).to.equal(s.payee);
        expect(field("block")).to.equal(String(Number(s.payment.blockNumber)));
        expect(field("function"), "a plain transfer has no call to decode").to.equal(undefined);
        const call = ok(await cli(["tx", s.pingMany.transactionHash, ...at()]));
        expect(call.stdout).to.include("function    pingMany(count=3, note=hello, world)\n");
      });

      it("an unknown transaction hash: exit 1, NOT_FOUND", async () => {
        const [human, json] = await Promise.all([cli(["tx", UNKNOWN_HASH, ...at()]), cli(["tx", UNKNOWN_HASH, "--json", ...at()])]);
        expect(expectError(human, 1)).to.include(UNKNOWN_HASH);
        expect(expectError(json, 1, { json: true })).to.include(UNKNOWN_HASH);
        expect(parseDocument(json).error.code).to.equal("NOT_FOUND");
      });
    });

    describe("logs", () => {
      /** The node's own logs for a filter, as (block, tx, index) keys. */
      async function rawLogs(filter: Record<string, unknown>): Promise<string[]> {
        const logs = (await rpc(anvil().rpcUrl, "eth_getLogs", [{ fromBlock: "0x0", toBlock: "latest", ...filter }])) as RawReceipt["logs"];
        return logs.map((l) => `${Number(l.blockNumber)}:${l.transactionHash}:${Number((l as { logIndex: string }).logIndex)}`);
      }
      const keys = (doc: any[]) => doc.map((l) => `${l.blockNumber}:${l.transactionHash}:${l.logIndex}`);

      it("logs <Name> --json: every log of the contract, decoded, matching eth_getLogs", async () => {
        const doc = parseDocument(ok(await cli(["logs", "Emitter", "--json", ...at()])));
        expect(doc).to.be.an("array").with.length(5);
        expect(keys(doc)).to.deep.equal(await rawLogs({ address: s.emitter }));
        expect(doc.map((l: any) => l.name)).to.deep.equal(["Ping", "Ping", "Ping", "Batch", "Ping"]);
        expect(doc[0]).to.include({ address: s.emitter, signature: "Ping(uint256,address,string)", blockHash: s.pingMany.blockHash });
        expect(doc[0].args).to.deep.equal({ id: "0", from: DEV_ACCOUNT, note: "hello, world" });
        expect(doc[3].args).to.deep.equal({ firstId: "0", count: "3" });
        expect(doc[4].args).to.deep.equal({ id: "3", from: DEV_ACCOUNT, note: "second" });
        expect(doc[4].transactionHash).to.equal(s.ping.transactionHash);
      });

      it("human output: one line per log, `block tx logIndex Event(args)`", async () => {
        const r = ok(await cli(["logs", "Emitter", "Ping", ...at()]));
        const lines = r.stdout.trimEnd().split("\n");
        const block = Number(s.pingMany.blockNumber);
        expect(lines).to.deep.equal([
          `${block} ${s.pingMany.transactionHash} 0 Ping(id=0, from=${DEV_ACCOUNT}, note=hello, world)`,
          `${block} ${s.pingMany.transactionHash} 1 Ping(id=1, from=${DEV_ACCOUNT}, note=hello, world)`,
          `${block} ${s.pingMany.transactionHash} 2 Ping(id=2, from=${DEV_ACCOUNT}, note=hello, world)`,
          `${Number(s.ping.blockNumber)} ${s.ping.transactionHash} 0 Ping(id=3, from=${DEV_ACCOUNT}, note=second)`,
        ]);
      });

      it("an event and indexed argument values filter on the node (`_` matches any)", async () => {
        const [byId, byFrom, none] = await Promise.all([
          cli(["logs", "Emitter", "Ping", "1", "--json", ...at()]),
          cli(["logs", "Emitter", "Ping", "_", DEV_ACCOUNT, "--json", ...at()]),
          cli(["logs", "Emitter", "Ping", "_", OTHER_ACCOUNT, "--json", ...at()]),
        ]);
        const one = parseDocument(ok(byId));
        expect(one).to.have.length(1);
        expect(one[0].args.id).to.equal("1");
        expect(one[0].logIndex).to.equal(1);
        expect(parseDocument(ok(byFrom))).to.have.length(4);
        expect(parseDocument(ok(none))).to.deep.equal([]);
        expect(ok(await cli(["logs", "Emitter", "Ping", "_", OTHER_ACCOUNT, ...at()])).stdout, "no logs, no lines").to.equal("");
      });

      it("--from-block/--to-block bound the range; --page-size 1 pages block by block to the same logs", async () => {
        const from = Number(s.setYear.blockNumber);
        const to = Number(s.ping.blockNumber);
        const [whole, paged, narrow] = await Promise.all([
          cli(["logs", "Emitter", "--from-block", "0", "--to-block", "latest", "--json", ...at()]),
          cli(["logs", "Emitter", "--from-block", String(from), "--to-block", String(to), "--page-size", "1", "--json", ...at()]),
          cli(["logs", "Emitter", "--from-block", String(to), "--to-block", String(to), "--json", ...at()]),
        ]);
        expect(keys(parseDocument(ok(paged)))).to.deep.equal(keys(parseDocument(ok(whole))));
        expect(keys(parseDocument(ok(narrow)))).to.deep.equal(
          await rawLogs({ address: s.emitter, fromBlock: `0x${to.toString(16)}`, toBlock: `0x${to.toString(16)}` }),
        );
        expect(parseDocument(narrow)).to.have.length(1);
      });

      it("by default starts at the address book's deployment block", async () => {
        const book = join(tmp(), "late-book");
        mkdirSync(book, { recursive: true });
        // An entry claiming a later deployment block: the default range starts there.
        writeFileSync(
          await nodeBookPath(anvil().rpcUrl, book),
          JSON.stringify({ Emitter: { address: s.emitter, blockNumber: Number(s.ping.blockNumber) } }),
        );
        const doc = parseDocument(
          ok(await cli(["logs", "Emitter", "--json", "-r", anvil().rpcUrl, "--abi-dir", ABI_DIR, "--deployments", book])),
        );
        expect(doc.map((l: any) => l.transactionHash)).to.deep.equal([s.ping.transactionHash]);
      });

      it("a bare address with a signature, and Name@0x…, decode the same logs", async () => {
        const [bare, named, lowercase] = await Promise.all([
          cli(["logs", s.callDemo, "YearChanged(uint256,uint256,address)", "--json", ...at()]),
          cli(["logs", `CallDemo@${s.callDemo}`, "YearChanged", "--json", "-r", anvil().rpcUrl, "--abi-dir", ABI_DIR]),
          cli(["logs", s.callDemo.toLowerCase(), "--json", ...at()]),
        ]);
        const expected = { previous: "2020", current: "2021", by: DEV_ACCOUNT };
        for (const r of [bare, named, lowercase]) {
          const doc = parseDocument(ok(r));
          expect(doc).to.have.length(1);
          expect(doc[0].name).to.equal("YearChanged");
          expect(doc[0].args).to.deep.equal(expected);
          expect(doc[0].transactionHash).to.equal(s.setYear.transactionHash);
        }
      });
    });

    it("works over IPC and WebSocket as over HTTP", async () => {
      const expected = `${Number(await rpc(anvil().rpcUrl, "eth_blockNumber", []))}\n`;
      const [ipc, ws, ipcLogs] = await Promise.all([
        cli(["block-number", "-r", anvil().ipcPath!]),
        cli(["block-number", "-r", anvil().wsUrl]),
        cli(["logs", "Emitter", "Batch", "--json", "-r", anvil().ipcPath!, "--abi-dir", ABI_DIR, "--deployments", s.book]),
      ]);
      expect(ok(ipc).stdout).to.equal(expected);
      expect(ok(ws).stdout).to.equal(expected);
      expect(parseDocument(ok(ipcLogs)).map((l: any) => l.args)).to.deep.equal([{ firstId: "0", count: "3" }]);
    });

    it("every command takes the node from ETH_RPC_URL when -r is absent", async () => {
      const env = { ETH_RPC_URL: anvil().rpcUrl };
      const [blockNumber, balance] = await Promise.all([cli(["block-number"], { env }), cli(["balance", s.payee], { env })]);
      expect(ok(blockNumber).stdout).to.equal(`${Number(await rpc(anvil().rpcUrl, "eth_blockNumber", []))}\n`);
      expect(ok(balance).stdout).to.equal("1500000000000000001\n");
    });
  });

  describe("on Hardhat", () => {
    let s: Seeded;
    isolateState(hardhat, "suite");
    before(async () => {
      s = await seedChain(hardhat(), join(tmp(), "hardhat-book"));
    });
    const at = () => ["-r", hardhat().rpcUrl, "--abi-dir", ABI_DIR, "--deployments", s.book];

    it("balance, nonce, block-number and chain-id --json match raw JSON-RPC", async () => {
      const url = hardhat().rpcUrl;
      const [balance, nonce, blockNumber, chainId] = await Promise.all([
        cli(["balance", s.payee, "--json", ...at()]),
        cli(["nonce", DEV_ACCOUNT, "--json", ...at()]),
        cli(["block-number", "--json", ...at()]),
        cli(["chain-id", "--json", ...at()]),
      ]);
      expect(parseDocument(ok(balance)).balance).to.equal(
        BigInt((await rpc(url, "eth_getBalance", [s.payee, "latest"])) as string).toString(),
      );
      expect(parseDocument(ok(nonce)).nonce).to.equal(Number(await rpc(url, "eth_getTransactionCount", [DEV_ACCOUNT, "latest"])));
      expect(parseDocument(ok(blockNumber)).blockNumber).to.equal(Number(await rpc(url, "eth_blockNumber", [])));
      expect(parseDocument(ok(chainId)).chainId).to.equal(BigInt((await rpc(url, "eth_chainId", [])) as string).toString());
    });

    it("balance -b <block hash> (EIP-1898) reads the balance at that block", async () => {
      const before = String(Number(s.payment.blockNumber) - 1);
      const hashBefore = (
        (await rpc(hardhat().rpcUrl, "eth_getBlockByNumber", [`0x${Number(before).toString(16)}`, false])) as { hash: string }
      ).hash;
      const [atHash, atPayment] = await Promise.all([
        cli(["balance", s.payee, "-b", hashBefore, ...at()]),
        cli(["balance", s.payee, "-b", s.payment.blockHash, ...at()]),
      ]);
      expect(ok(atHash).stdout).to.equal("0\n");
      expect(ok(atPayment).stdout).to.equal("1500000000000000001\n");
    });

    it("receipt, tx and logs decode the same events and calls as on Anvil", async () => {
      const [receipt, tx, logs] = await Promise.all([
        cli(["receipt", s.setYear.transactionHash, "--json", ...at()]),
        cli(["tx", s.setYear.transactionHash, "--json", ...at()]),
        cli(["logs", "CallDemo", "YearChanged", "--json", ...at()]),
      ]);
      const r = parseDocument(ok(receipt));
      expect(r.status).to.equal("success");
      expect(r.gasUsed).to.equal(BigInt(s.setYear.gasUsed).toString());
      expect(r.events.map((e: any) => e.args)).to.deep.equal([{ previous: "2020", current: "2021", by: DEV_ACCOUNT }]);
      expect(parseDocument(ok(tx)).function.args).to.deep.equal({ newYear: "2021" });
      const l = parseDocument(ok(logs));
      expect(l.map((x: any) => x.transactionHash)).to.deep.equal([s.setYear.transactionHash]);
    });

    it("a pending transaction: tx shows it as pending, receipt fails with exit 1", async () => {
      const url = hardhat().rpcUrl;
      await rpc(url, "evm_setAutomine", [false]);
      let hash: string | undefined;
      try {
        hash = (await rpc(url, "eth_sendTransaction", [{ from: DEV_ACCOUNT, to: s.payee, value: "0x1" }])) as string;
        const [tx, txJson, receipt, receiptJson] = await Promise.all([
          cli(["tx", hash, ...at()]),
          cli(["tx", hash, "--json", ...at()]),
          cli(["receipt", hash, ...at()]),
          cli(["receipt", hash, "--json", ...at()]),
        ]);
        expect(ok(tx).stdout).to.include("block       pending\n");
        const doc = parseDocument(ok(txJson));
        expect(doc).to.include({ hash, blockNumber: null, blockHash: null, value: "1" });
        expect(expectError(receipt, 1)).to.match(/pending/);
        expect(parseDocument(receiptJson).error.code).to.equal("NOT_FOUND");
      } finally {
        if (hash) await rpc(url, "hardhat_dropTransaction", [hash]);
        await rpc(url, "evm_setAutomine", [true]);
      }
    });
  });

  describe("completion", () => {
    it("prints a bash script that bash accepts (bash -n)", async () => {
      const r = ok(await cli(["completion"]));
      expect(r.stdout).to.include("complete -o bashdefault -o default -F _chaincall_completions chaincall");
      const file = join(tmp(), "completion.bash");
      writeFileSync(file, r.stdout);
      const check = spawnSync("bash", ["-n", file], { encoding: "utf8" });
      expect(check.status, check.stderr).to.equal(0);
    });

    it("completing `chaincall ca` in bash offers call (and not send)", async () => {
      const r = ok(await cli(["completion"]));
      // `chaincall` on PATH, as npm installs it.
      const bin = join(tmp(), "bin");
      mkdirSync(bin, { recursive: true });
      writeFileSync(join(bin, "chaincall"), `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`);
      chmodSync(join(bin, "chaincall"), 0o755);
      writeFileSync(join(tmp(), "completion-run.bash"), r.stdout);
      const complete = (words: string[]) => {
        const script = `source "${join(tmp(), "completion-run.bash")}"; COMP_WORDS=(${words.map((w) => `'${w}'`).join(" ")}); COMP_CWORD=${words.length - 1}; _chaincall_completions; printf '%s\\n' "\${COMPREPLY[@]}"`;
        const run = spawnSync("bash", ["-c", script], { encoding: "utf8", env: { ...process.env, PATH: `${bin}:${process.env.PATH}` } });
        expect(run.status, run.stderr).to.equal(0);
        return run.stdout.split("\n").filter(Boolean);
      };
      const commands = complete(["chaincall", "ca"]);
      expect(commands).to.include("call");
      expect(commands).to.not.include("send");
      expect(complete(["chaincall", "block-"])).to.deep.equal(["block-number"]);
      expect(complete(["chaincall", "balance", "--et"])).to.deep.equal(["--ether"]);
    });

    it("--shell zsh prints a zsh script (compdef) whose answers carry descriptions", async () => {
      const r = ok(await cli(["completion", "--shell", "zsh"]));
      expect(r.stdout.split("\n")[0]).to.equal("#compdef chaincall");
      expect(r.stdout).to.include("compdef _chaincall_completions chaincall");
      expect(r.stdout).to.include("ZSH_NAME=zsh");
      // What the zsh script asks the CLI for: "name:description" pairs.
      const answer = ok(await cli(["--get-yargs-completions", "chaincall", "re"], { env: { ZSH_NAME: "zsh" } }));
      expect(answer.stdout.split("\n").some((l) => l.startsWith("receipt:") && l.length > "receipt:".length)).to.equal(true);
    });

    it("--json wraps the script in one document", async () => {
      const doc = parseDocument(ok(await cli(["completion", "--json"])));
      expect(doc.shell).to.equal("bash");
      expect(doc.script).to.include("--get-yargs-completions");
    });
  });

  describe("--help of every command has an example", () => {
    for (const command of ["receipt", "tx", "balance", "nonce", "block-number", "chain-id", "accounts", "logs", "completion"]) {
      it(command, async () => {
        const r = ok(await cli([command, "--help"]));
        expect(r.stdout).to.include("Examples:");
        expect(r.stdout).to.include(`$ chaincall ${command}`);
      });
    }
  });

  describe("bad input: exit 2, one error line, no stack trace, nothing sent (SPEC §7.1)", () => {
    let counter: Awaited<ReturnType<typeof startCounter>>;
    before(async () => {
      counter = await startCounter();
    });
    after(async () => {
      await counter?.close();
    });

    const BROKEN_CHECKSUM = "0xf39fd6e51aad88F6F4ce6aB8827279cffFb92266";
    const cases: { title: string; args: string[]; includes?: string | RegExp }[] = [
      { title: "receipt: a hash that is not 32 bytes", args: ["receipt", "0x1234"], includes: "0x1234" },
      { title: "receipt: no hash at all", args: ["receipt"] },
      { title: "tx: a hash with a non-hex digit", args: ["tx", `0x${"g".repeat(64)}`], includes: /transaction hash/ },
      { title: "tx: a 20-byte address instead of a hash", args: ["tx", DEV_ACCOUNT], includes: DEV_ACCOUNT },
      { title: "balance: a malformed address", args: ["balance", "0x123"], includes: "0x123" },
      { title: "balance: a broken checksum", args: ["balance", BROKEN_CHECKSUM], includes: /checksum/ },
      { title: "balance: a name that cannot be one", args: ["balance", "not an address!"], includes: "not an address!" },
      { title: "balance: a bad --block", args: ["balance", DEV_ACCOUNT, "-b", "yesterday"], includes: "yesterday" },
      { title: "balance: an unknown option", args: ["balance", DEV_ACCOUNT, "--eth"], includes: "--eth" },
      { title: "nonce: a broken checksum", args: ["nonce", BROKEN_CHECKSUM], includes: /checksum/ },
      { title: "nonce: a bad --block", args: ["nonce", DEV_ACCOUNT, "--block", "-1"] },
      { title: "block-number: a bad block", args: ["block-number", "tomorrow"], includes: "tomorrow" },
      { title: "chain-id: a malformed --timeout", args: ["chain-id", "--timeout", "soon"], includes: "soon" },
      { title: "chain-id: a malformed --chain-id", args: ["chain-id", "--chain-id", "main"], includes: "main" },
      { title: "accounts: an unexpected argument", args: ["accounts", "extra"], includes: "extra" },
      { title: "logs: a malformed address", args: ["logs", "0xabc"], includes: "0xabc" },
      { title: "logs: an event the contract does not have", args: ["logs", "CallDemo", "Ping"], includes: "Ping" },
      { title: "logs: an indexed value of the wrong type", args: ["logs", "Emitter", "Ping", "abc"], includes: "uint256" },
      { title: "logs: more values than indexed arguments", args: ["logs", "Emitter", "Batch", "1", "2"], includes: /indexed/ },
      { title: "logs: indexed values without an event", args: ["logs", DEV_ACCOUNT, "--", "1"], includes: /event/ },
      { title: "logs: --from-block after --to-block", args: ["logs", "Emitter", "--from-block", "10", "--to-block", "5"], includes: "10" },
      { title: "logs: a bad --from-block", args: ["logs", "Emitter", "--from-block", "pending"], includes: "pending" },
      { title: "logs: --page-size 0", args: ["logs", "Emitter", "--page-size", "0"], includes: "page-size" },
      { title: "logs: an event name no known ABI has, for a bare address", args: ["logs", DEV_ACCOUNT, "Nope"], includes: "Nope" },
      { title: "logs: an unknown contract name", args: ["logs", "NoSuchContract"], includes: "NoSuchContract" },
      { title: "completion: an unknown shell", args: ["completion", "--shell", "fish"], includes: "fish" },
    ];

    for (const c of cases) {
      it(c.title, async () => {
        // Ours right after the command name: a case's own --timeout (the last value wins) overrides ours.
        const args = [c.args[0], "--timeout", "5", "-r", counter.url, "--abi-dir", ABI_DIR, ...c.args.slice(1)];
        const before = counter.connections();
        const [human, json] = await Promise.all([cli(args), cli([...args, "--json"])]);
        expect(counter.connections(), `nothing sent\n${show(human)}`).to.equal(before);
        const message = expectError(human, 2);
        if (typeof c.includes === "string") expect(message).to.include(c.includes);
        else if (c.includes) expect(message).to.match(c.includes);
        expect(expectError(json, 2, { json: true }), "the same message in both modes").to.equal(message);
      });
    }

    it("the listener does count connections (control: a valid command reaches it and fails with exit 1)", async () => {
      const before = counter.connections();
      const r = await cli(["block-number", "-r", counter.url, "--timeout", "5"]);
      expect(r.code, show(r)).to.equal(1);
      expect(counter.connections()).to.be.greaterThan(before);
    });
  });
});

// The node's own address book file (on a dev chain: named after the chain id and its genesis hash).
async function nodeBookPath(rpcUrl: string, book: string): Promise<string> {
  const genesis = (await rpc(rpcUrl, "eth_getBlockByNumber", ["0x0", false])) as { hash: string };
  return addressBookPath(book, { chainId: 31337n, genesis: genesis.hash });
}
