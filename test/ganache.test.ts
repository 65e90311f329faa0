import { join } from "node:path";
import { expect } from "chai";
import { projectRoot } from "../scripts/lib/localNode";
import {
  type ChainLog,
  type Client,
  ContractRevertedError,
  connect,
  getLogs,
  installMulticall3,
  MULTICALL3_ADDRESS,
  watchLogs,
} from "../src";
import { MULTICALL3_RUNTIME_CODE } from "../src/client/batch/bytecode";
import { ReadBatcher } from "../src/client/batch/ReadBatcher";
import {
  type CallDemo,
  CallDemo__factory,
  Echo__factory,
  Emitter__factory,
  Reader__factory,
  type Vault,
  Vault__factory,
} from "../typechain-types";
import { rejection } from "./fixtures/assertions";
import { type CountingProxy, countingProxy } from "./fixtures/countingProxy";
import {
  chainState,
  DEV_ACCOUNT,
  DEV_PRIVATE_KEY,
  deployCallDemo,
  devClient,
  ganache,
  isolateState,
  parseDocument,
  rpc,
  runCli,
  showCli,
  tempDir,
} from "./fixtures/nodes";

// Ganache 7 (chain 1337, pre-Cancun EVM, its own error shapes) as a third real node: the everyday flows
// over HTTP and WebSocket, reverts decoded on call, estimate and send through bindings (no addAbi) and the
// CLI, 1,000 batched reads that cost no more requests than unbatched ones, concurrent sends, logs.

const ABI_DIR = join(projectRoot(), "abi");
const READS = 1_000;

/** The revert a rejection must be: CALL_REVERTED, decoded to `errorName`. */
function expectRevert(err: unknown, errorName: string): ContractRevertedError {
  expect(err, String(err)).to.be.instanceOf(ContractRevertedError);
  const reverted = err as ContractRevertedError;
  expect(reverted.code).to.equal("CALL_REVERTED");
  expect(reverted.errorName, reverted.message).to.equal(errorName);
  return reverted;
}

for (const transport of ["http", "ws"] as const) {
  describe(`Ganache over ${transport.toUpperCase()}`, function () {
    this.timeout(120_000);
    isolateState(ganache, "suite");
    let client: Client;
    let demo: CallDemo;
    let vault: Vault;

    before(async () => {
      client = await devClient(ganache(), transport === "http" ? ganache().rpcUrl : ganache().wsUrl);
      demo = (await deployCallDemo(client)).demo;
      vault = await new Vault__factory(client.signer).deploy(DEV_ACCOUNT, DEV_ACCOUNT);
      await vault.waitForDeployment();
    });
    after(async () => client?.close());

    it("the CallDemo flow: chain 1337, deployed through the binding, getYear 2020, setYear mined", async () => {
      expect((await client.provider.getNetwork()).chainId).to.equal(1337n);
      expect(await demo.getYear()).to.equal(2020n);
      const receipt = await (await demo.setYear(2031)).wait();
      expect(receipt?.status).to.equal(1);
      expect(await demo.getYear()).to.equal(2031n);
    });

    describe("reverts decoded through the binding, with no addAbi", () => {
      const cases = [
        {
          what: "Error(string)",
          run: (v: Vault) => v.store,
          args: [0n],
          errorName: "Error",
          check: (e: ContractRevertedError) => expect(e.reason).to.equal("Vault: zero value"),
        },
        {
          what: "Panic(0x12)",
          run: (v: Vault) => v.divide,
          args: [1n, 0n],
          errorName: "Panic",
          check: (e: ContractRevertedError) => expect(e.args.map(String)).to.deep.equal(["18"]),
        },
        {
          what: "a custom error",
          run: (v: Vault) => v.withdraw,
          args: [5n],
          errorName: "InsufficientBalance",
          check: (e: ContractRevertedError) => expect(e.args.map(String)).to.deep.equal([DEV_ACCOUNT, "0", "5"]),
        },
      ] as const;

      for (const c of cases) {
        it(`${c.what} on call (eth_call), estimate (eth_estimateGas) and send`, async () => {
          const fn = c.run(vault) as unknown as {
            staticCall(...a: unknown[]): Promise<unknown>;
            estimateGas(...a: unknown[]): Promise<unknown>;
            (...a: unknown[]): Promise<unknown>;
          };
          c.check(expectRevert(await rejection(fn.staticCall(...c.args)), c.errorName));
          // Ganache puts eth_estimateGas's revert data in error.data.result: the send fails there, decoded.
          c.check(expectRevert(await rejection(fn.estimateGas(...c.args)), c.errorName));
          const before = await chainState(ganache());
          c.check(expectRevert(await rejection(fn(...c.args)), c.errorName));
          expect(await chainState(ganache()), "nothing sent").to.deep.equal(before);
        });
      }

      it("a send with its own gas limit is mined, reverts, and its wait decodes why (replayed)", async () => {
        const tx = await vault.store(0n, { gasLimit: 200_000n });
        const err = expectRevert(await rejection(client.wait(tx)), "Error");
        expect(err.reason).to.equal("Vault: zero value");
        expect(err.transactionHash).to.equal(tx.hash);
      });
    });

    it("50 concurrent sends from one key: all mined, status 1, distinct consecutive nonces", async () => {
      const first = await client.provider.getTransactionCount(DEV_ACCOUNT, "pending");
      const sent = await Promise.all(Array.from({ length: 50 }, (_, i) => demo.setYear(3_000 + i)));
      const receipts = await Promise.all(sent.map((tx) => tx.wait()));
      expect(receipts.map((r) => r?.status)).to.deep.equal(Array.from({ length: 50 }, () => 1));
      expect(sent.map((tx) => tx.nonce).sort((a, b) => a - b)).to.deep.equal(Array.from({ length: 50 }, (_, i) => first + i));
    });

    it("getLogs decodes the events of a binding's ABI", async () => {
      const emitter = await new Emitter__factory(client.signer).deploy();
      await emitter.waitForDeployment();
      const from = await client.provider.getBlockNumber();
      await (await emitter.ping("one")).wait();
      await (await emitter.pingMany(3, "many")).wait();
      const decoding = await connect({ rpcUrl: transport === "http" ? ganache().rpcUrl : ganache().wsUrl, abis: [Emitter__factory.abi] });
      try {
        const logs = await getLogs(decoding, { address: await emitter.getAddress(), fromBlock: from });
        expect(logs.map((l) => l.eventName)).to.deep.equal(["Ping", "Ping", "Ping", "Ping", "Batch"]);
        expect(logs.filter((l) => l.eventName === "Ping").map((l) => [l.args!.id, l.args!.note])).to.deep.equal([
          [0n, "one"],
          [1n, "many"],
          [2n, "many"],
          [3n, "many"],
        ]);
        expect(logs[0].args![1]).to.equal(DEV_ACCOUNT);
      } finally {
        await decoding.close();
      }
    });

    it(`watchLogs (${transport === "ws" ? "subscription" : "polling"}) receives each new event once, in order`, async () => {
      const emitter = await new Emitter__factory(client.signer).deploy();
      await emitter.waitForDeployment();
      const watching = await connect({
        rpcUrl: transport === "http" ? ganache().rpcUrl : ganache().wsUrl,
        abis: [Emitter__factory.abi],
        timeoutMs: 10_000,
      });
      const seen: ChainLog[] = [];
      const errors: unknown[] = [];
      const watcher = await watchLogs(watching, {
        address: await emitter.getAddress(),
        event: "Ping",
        pollIntervalMs: 50,
        onLogs: (logs) => void seen.push(...logs),
        onError: (e) => void errors.push(e),
      });
      try {
        expect(watcher.mode).to.equal(transport === "ws" ? "subscribe" : "poll");
        for (const note of ["a", "b", "c"]) await (await emitter.ping(note)).wait();
        const deadline = Date.now() + 10_000;
        while (seen.length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
        await new Promise((r) => setTimeout(r, 200));
        expect(seen.map((l) => l.args!.note)).to.deep.equal(["a", "b", "c"]);
        expect(errors).to.deep.equal([]);
      } finally {
        await watcher.stop();
        await watching.close();
      }
    });
  });
}

describe("Ganache: the CLI decodes reverts on send", function () {
  this.timeout(120_000);
  isolateState(ganache, "suite");
  const tmp = tempDir("ganache-cli");
  let vaultAddress: string;

  before(async () => {
    const client = await devClient(ganache());
    try {
      const vault = await new Vault__factory(client.signer).deploy(DEV_ACCOUNT, DEV_ACCOUNT);
      await vault.waitForDeployment();
      vaultAddress = await vault.getAddress();
    } finally {
      await client.close();
    }
  });

  const at = (): string[] => ["-r", ganache().rpcUrl, "--abi-dir", ABI_DIR, "--deployments", join(tmp(), "book")];
  const env = { ETH_PRIVATE_KEY: DEV_PRIVATE_KEY };

  it("send of a require(…, reason) that reverts prints the reason (human), exit 1, nothing sent", async () => {
    const before = await chainState(ganache());
    const r = await runCli(["send", `Vault@${vaultAddress}`, "store", "0", ...at()], { env });
    expect(r.code, showCli(r)).to.equal(1);
    expect(r.stderr.split("\n")[0], showCli(r)).to.match(/^error: .*Vault: zero value/);
    expect(r.stderr, showCli(r)).not.to.include("no reason given");
    expect(await chainState(ganache())).to.deep.equal(before);
  });

  it("send reverting with a custom error → CALL_REVERTED naming it with its arguments (--json)", async () => {
    const r = await runCli(["send", `Vault@${vaultAddress}`, "withdraw", "5", ...at(), "--json"], { env });
    expect(r.code, showCli(r)).to.equal(1);
    const doc = parseDocument(r);
    expect(doc.error.code, showCli(r)).to.equal("CALL_REVERTED");
    expect(doc.error.message, showCli(r)).to.match(new RegExp(`InsufficientBalance\\("?${DEV_ACCOUNT}"?, 0, 5\\)`));
  });

  it("call of the same function prints the same reason", async () => {
    const r = await runCli(["call", `Vault@${vaultAddress}`, "store", "0", ...at(), "--json"]);
    expect(r.code, showCli(r)).to.equal(1);
    expect(parseDocument(r).error.message, showCli(r)).to.include("Vault: zero value");
  });
});

describe("Ganache: 1,000 batched reads", function () {
  this.timeout(120_000);
  isolateState(ganache, "suite");
  let owner: Client;
  let proxy: CountingProxy;
  let demoAddress: string;

  before(async () => {
    owner = await devClient(ganache());
    demoAddress = (await deployCallDemo(owner)).address;
    proxy = await countingProxy(ganache().rpcUrl);
  });
  after(async () => {
    await proxy?.close();
    await owner?.close();
  });

  /** `READS` concurrent getYear() through the proxy; the eth_calls and all requests they cost. */
  async function burst(batch: boolean): Promise<{ values: bigint[]; ethCalls: number; requests: number }> {
    const client = await connect({ rpcUrl: proxy.url, batch: batch ? undefined : false, timeoutMs: 60_000 });
    try {
      const demo = CallDemo__factory.connect(demoAddress, client.runner);
      const from = proxy.methods.length;
      const values = await Promise.all(Array.from({ length: READS }, () => demo.getYear()));
      const methods = proxy.methods.slice(from);
      return { values, ethCalls: methods.filter((m) => m === "eth_call").length, requests: methods.length };
    } finally {
      await client.close();
    }
  }

  it("batched: every value right, at most one node request per read (no halving into failing calls)", async () => {
    for (let round = 0; round < 2; round++) {
      const { values, ethCalls, requests } = await burst(true);
      expect(values).to.deep.equal(Array.from({ length: READS }, () => 2020n));
      expect(ethCalls, `round ${round}: ${requests} requests`).to.be.at.most(READS);
      expect(requests, `round ${round}`).to.be.at.most(READS + 2);
    }
  });

  it("reads that revert get their own decoded revert in a batch, as unbatched", async () => {
    const reader = await new Reader__factory(owner.signer).deploy();
    await reader.waitForDeployment();
    const readerAddress = await reader.getAddress();
    const outcomes = async (batch: boolean): Promise<string[]> => {
      const client = await connect({ rpcUrl: ganache().rpcUrl, batch: batch ? undefined : false, abis: [Reader__factory.abi] });
      try {
        const bound = Reader__factory.connect(readerAddress, client.runner);
        const settled = await Promise.allSettled(Array.from({ length: 40 }, (_, i) => bound.check(i === 39 ? 5_000 : i)));
        return settled.map((s) =>
          s.status === "fulfilled"
            ? `ok ${s.value}`
            : `${(s.reason as ContractRevertedError).code} ${(s.reason as ContractRevertedError).errorName ?? "-"}`,
        );
      } finally {
        await client.close();
      }
    };
    const batched = await outcomes(true);
    expect(batched).to.deep.equal(await outcomes(false));
    expect([batched[0], batched[7], batched[13], batched[39], batched[2]]).to.deep.equal([
      "CALL_REVERTED Panic",
      "CALL_REVERTED -",
      "CALL_REVERTED Error",
      "CALL_REVERTED TooBig",
      "ok 4",
    ]);
  });

  it("unbatched: the same values, one eth_call each", async () => {
    const { values, ethCalls } = await burst(false);
    expect(values).to.deep.equal(Array.from({ length: READS }, () => 2020n));
    expect(ethCalls).to.equal(READS);
  });
});

describe("Ganache: read batching learns what the node cannot do", function () {
  this.timeout(120_000);
  isolateState(ganache, "each");
  let owner: Client;

  before(async () => {
    owner = await devClient(ganache());
  });
  after(async () => owner?.close());

  /**
   * A batcher over the client's provider that does not know it talks to Ganache (no clientVersion), so it
   * aggregates as on any node; counts the aggregated and the plain eth_calls, and the failed ones.
   */
  function countingBatcher(client: Client) {
    const counts = { aggregated: 0, plain: 0, failed: 0 };
    const batcher = new ReadBatcher({
      call: async (tx, blockTag) => {
        const aggregated = tx.to === undefined || tx.to === MULTICALL3_ADDRESS;
        if (aggregated) counts.aggregated++;
        else counts.plain++;
        try {
          return (await client.provider.send("eth_call", [tx.to ? { to: tx.to, data: tx.data } : { data: tx.data }, blockTag])) as string;
        } catch (err) {
          counts.failed++;
          throw err;
        }
      },
      revertError: (_read, _blockTag, data) => new Error(`reverted ${data}`),
      getCode: (address) => client.provider.getCode(address),
    });
    return { batcher, counts };
  }

  it("installMulticall3 puts chaincall's Multicall3 (Paris build) on Ganache with evm_setAccountCode, once", async () => {
    expect(await installMulticall3(owner.provider)).to.equal(true);
    expect(await rpc(ganache().rpcUrl, "eth_getCode", [MULTICALL3_ADDRESS, "latest"])).to.equal(MULTICALL3_RUNTIME_CODE);
    expect(await installMulticall3(owner.provider)).to.equal(false);
  });

  it("an aggregate the node cannot run (MCOPY on a Shanghai EVM: invalid opcode) fails once, then reads go plain: ≤ reads + 1 requests", async () => {
    const { address } = await deployCallDemo(owner);
    // A "Multicall3" whose first instruction is Cancun's MCOPY: Ganache (Shanghai) answers invalid opcode,
    // as it did to the Cancun build chaincall used to ship.
    await rpc(ganache().rpcUrl, "evm_setAccountCode", [MULTICALL3_ADDRESS, "0x5e00"]);
    const { batcher, counts } = countingBatcher(owner);
    const data = CallDemo__factory.createInterface().encodeFunctionData("getYear");
    const year = `0x${(2020).toString(16).padStart(64, "0")}`;
    for (let round = 0; round < 2; round++) {
      const before = { ...counts };
      const results = await Promise.all(Array.from({ length: READS }, () => batcher.read({ to: address, data }, "latest")));
      expect(
        results.every((r) => r === year),
        `round ${round}`,
      ).to.equal(true);
      const aggregated = counts.aggregated - before.aggregated;
      expect([aggregated, counts.plain - before.plain], `round ${round}`).to.deep.equal([round === 0 ? 1 : 0, READS]);
    }
    expect(counts.failed).to.equal(1);
  });

  it("a deployless aggregate whose answer is over the code-size limit: the size is halved for good, no read lost", async () => {
    const echo = await new Echo__factory(owner.signer).deploy();
    await echo.waitForDeployment();
    const address = await echo.getAddress();
    const iface = Echo__factory.createInterface();
    const text = "x".repeat(200);
    const data = iface.encodeFunctionData("echoString", [text]);
    const { batcher, counts } = countingBatcher(owner);
    const reads = 600;
    const first = await Promise.all(Array.from({ length: reads }, () => batcher.read({ to: address, data }, "latest")));
    expect(first.map((r) => iface.decodeFunctionResult("echoString", r)[0])).to.deep.equal(Array.from({ length: reads }, () => text));
    // Ganache refuses answers over 24,576 bytes ("code size to deposit exceeds maximum code size"):
    // a few refusals while the size is learned, never a cascade, and nothing sent plain.
    expect(counts.failed, JSON.stringify(counts)).to.be.within(1, 3);
    expect(counts.plain, JSON.stringify(counts)).to.equal(0);
    expect(counts.aggregated, JSON.stringify(counts)).to.be.below(reads / 20);
    const learned = { ...counts };
    const second = await Promise.all(Array.from({ length: reads }, () => batcher.read({ to: address, data }, "latest")));
    expect(second).to.deep.equal(first);
    expect(counts.failed, "nothing refused once learned").to.equal(learned.failed);
  });
});
