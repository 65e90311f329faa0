import { createServer as createHttpServer, type Server as HttpServer } from "node:http";
import { createServer as createTcpServer, connect as netConnect, type Socket, type Server as TcpServer } from "node:net";
import { expect } from "chai";
import type { TransactionReceipt } from "ethers";
import { findFreePort, projectRoot } from "../scripts/lib/localNode";
import { ChaincallError, type ChainLog, type Client, connect, getLogs, type LogReorg, type LogWatcher, watchLogs } from "../src";
import { isRangeTooLarge, suggestedRangeEnd } from "../src/events/isRangeTooLarge";
import { type Emitter, Emitter__factory } from "../typechain-types";
import { rejection } from "./fixtures/assertions";
import { anvil, DEV_ACCOUNT, devClient, hardhat, isolateState, rpc, runNodeScript } from "./fixtures/nodes";

// Events and logs (issue 4, SPEC §7.10–11) against the real nodes: paged and split log queries, watches
// that poll or subscribe, survive a cut connection, and report reorgs. A local HTTP stub only injects the
// refusals a real provider makes; a local TCP proxy only cuts the WebSocket.

const NODES = [
  { name: "Hardhat", node: hardhat },
  { name: "Anvil", node: anvil },
];

const EMITTER_ABI = Emitter__factory.abi;

async function deployEmitter(client: Client): Promise<{ emitter: Emitter; address: string; block: number }> {
  const emitter = await new Emitter__factory(client.signer).deploy();
  const receipt = await emitter.deploymentTransaction()!.wait();
  return { emitter, address: await emitter.getAddress(), block: receipt!.blockNumber };
}

async function mined(tx: Promise<{ wait(): Promise<TransactionReceipt | null> }>): Promise<TransactionReceipt> {
  const receipt = await (await tx).wait();
  if (!receipt) throw new Error("no receipt");
  return receipt;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function waitUntil(condition: () => boolean, what: () => string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting: ${what()}`);
    await sleep(20);
  }
}

const key = (log: { blockHash: string; logIndex: number }) => `${log.blockHash}:${log.logIndex}`;

// --- fault injection -------------------------------------------------------------------------------------

interface StubOptions {
  /** Refuse eth_getLogs spanning more blocks, with Alchemy's words (JSON-RPC error, HTTP 200). */
  maxBlocks?: number;
  /** Refuse eth_getLogs returning more logs, with Infura's words and its suggested range. */
  maxResults?: number;
  /** Refuse eth_getLogs spanning more blocks, as QuickNode does: HTTP 413 with a JSON-RPC error body. */
  http413Blocks?: number;
  /** Fail every eth_getLogs with this error (not a range problem). */
  failWith?: { code: number; message: string };
  /** Delay each eth_getLogs answer. */
  delayMs?: number;
}

interface RpcStub {
  url: string;
  /** Every eth_getLogs seen: its range and whether it was refused. */
  calls: { from: number; to: number; refused: boolean }[];
  close(): Promise<void>;
}

/** A JSON-RPC proxy to a real node that refuses eth_getLogs the way public providers do. */
async function startRpcStub(upstream: string, options: StubOptions): Promise<RpcStub> {
  const calls: RpcStub["calls"] = [];
  const forward = async (item: unknown) => {
    const response = await fetch(upstream, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(item) });
    return (await response.json()) as { id: unknown; result?: unknown; error?: unknown };
  };
  const server: HttpServer = createHttpServer((req, res) => {
    let body = "";
    req.on("data", (d: Buffer) => (body += d.toString("utf8")));
    req.on("end", async () => {
      try {
        const parsed = JSON.parse(body);
        const items: { id: unknown; method: string; params: any[] }[] = Array.isArray(parsed) ? parsed : [parsed];
        let status = 200;
        const answers = await Promise.all(
          items.map(async (item) => {
            if (item.method !== "eth_getLogs") return forward(item);
            const from = Number(item.params[0].fromBlock);
            const to = Number(item.params[0].toBlock);
            const span = to - from + 1;
            const refuse = (error: unknown) => {
              calls.push({ from, to, refused: true });
              return { jsonrpc: "2.0", id: item.id, error };
            };
            if (options.delayMs) await sleep(options.delayMs);
            if (options.failWith) return refuse(options.failWith);
            if (options.maxBlocks !== undefined && span > options.maxBlocks) {
              return refuse({
                code: -32602,
                message:
                  "Log response size exceeded. You can make eth_getLogs requests with up to a 2K block range and no limit on the response size, or you can request any block range with a cap of 10K logs in the response.",
              });
            }
            if (options.http413Blocks !== undefined && span > options.http413Blocks) {
              status = 413;
              return refuse({ code: -32614, message: "eth_getLogs is limited to a 10,000 range" });
            }
            const answer = await forward(item);
            const logs = answer.result as { blockNumber: string }[] | undefined;
            if (options.maxResults !== undefined && Array.isArray(logs) && logs.length > options.maxResults) {
              const fits = Math.max(from, Number(logs[options.maxResults].blockNumber) - 1);
              return refuse({
                code: -32005,
                message: `query returned more than ${options.maxResults} results. Try with this block range [0x${from.toString(16)}, 0x${fits.toString(16)}].`,
              });
            }
            calls.push({ from, to, refused: false });
            return answer;
          }),
        );
        res.writeHead(status, { "content-type": "application/json" });
        res.end(JSON.stringify(Array.isArray(parsed) ? answers : answers[0]));
      } catch (err) {
        res.writeHead(500);
        res.end(String(err));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

interface TcpProxy {
  port: number;
  /** Destroys every connection and refuses new ones for `ms`; resolves when it accepts again. */
  cut(ms: number): Promise<void>;
  close(): Promise<void>;
}

/** A TCP proxy to a node's port, which can cut the line (a dropped WebSocket, a node briefly away). */
async function startTcpProxy(targetPort: number): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  let server: TcpServer;
  let closed = false;
  const onConnection = (client: Socket) => {
    const upstream = netConnect(targetPort, "127.0.0.1");
    sockets.add(client);
    sockets.add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on("error", drop).on("close", drop);
    upstream.on("error", drop).on("close", drop);
    client.pipe(upstream);
    upstream.pipe(client);
  };
  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server = createTcpServer(onConnection);
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => resolve());
    });
  const shut = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const socket of sockets) socket.destroy();
      sockets.clear();
    });
  await listen(0);
  const port = (server!.address() as { port: number }).port;
  return {
    port,
    async cut(ms) {
      await shut();
      await sleep(ms);
      if (!closed) await listen(port);
    },
    async close() {
      if (closed) return;
      closed = true;
      if (server.listening) await shut();
      else for (const socket of sockets) socket.destroy();
    },
  };
}

// --- getLogs ----------------------------------------------------------------------------------------------

describe("recognising a node's 'range too large'", () => {
  // As providers word it (sources in src/events/isRangeTooLarge.ts), in the shapes errors reach us.
  const refusals = [
    "query returned more than 10000 results",
    "query returned more than 10000 results. Try with this block range [0x1, 0x2].",
    "range 1000000 exceeds limit of 10000",
    "query exceeds max block range 100000",
    "query exceeds max results 20000, retry with the range 25766988-25775072",
    "exceed maximum block range: 5000",
    "Log response size exceeded. Please reduce query block range.",
    "eth_getLogs is limited to a 10,000 range",
    "range 9009594 is bigger than range limit 2000",
    "block range is bigger than maxBlockRange",
    "block range is too wide (maximum 10)",
    "Exceeded max range limit for eth_getLogs: 800",
    "query exceeds limit",
  ];
  const others = [
    "rate limit exceeded",
    "daily request count exceeded, request rate limited",
    "Your app has exceeded its compute units per second capacity",
    "block range extends beyond current head block",
    "invalid block range params",
    "header not found",
    "internal error: database is closed",
  ];
  it("matches the refusals of the common nodes and providers, whatever the wrapping", () => {
    for (const text of refusals) {
      expect(isRangeTooLarge(new Error(text)), text).to.equal(true);
      expect(
        isRangeTooLarge(new ChaincallError("RPC_ERROR", "could not coalesce error", { cause: { error: { code: -32005, message: text } } })),
        text,
      ).to.equal(true);
      expect(
        isRangeTooLarge({ shortMessage: "server response 413", info: { responseBody: JSON.stringify({ error: { message: text } }) } }),
        text,
      ).to.equal(true);
    }
  });
  it("does not match rate limits or other errors, which a smaller range does not fix", () => {
    for (const text of others) expect(isRangeTooLarge(new Error(text)), text).to.equal(false);
  });
  it("uses a suggested range only when it is narrower and starts where the refused one did", () => {
    const infura = new Error("query returned more than 10000 results. Try with this block range [0x10, 0x1f].");
    expect(suggestedRangeEnd(infura, 16, 100)).to.equal(31);
    expect(suggestedRangeEnd(infura, 17, 100)).to.equal(undefined);
    const reth = new Error("query exceeds max results 20000, retry with the range 100-200");
    expect(suggestedRangeEnd(reth, 100, 300)).to.equal(200);
    // reth can suggest the very range it refused: that is no suggestion.
    expect(suggestedRangeEnd(reth, 100, 200)).to.equal(undefined);
  });
});

for (const { name, node } of NODES) {
  describe(`getLogs on ${name}`, function () {
    this.timeout(120_000);
    isolateState(node, "suite");

    let client: Client;
    let address: string;
    let first: number;
    let last: number;
    /** Every log the emitter made, from the receipts, in chain order. */
    let expected: { blockNumber: number; blockHash: string; logIndex: number; transactionHash: string }[];
    const stubs: RpcStub[] = [];
    const clients: Client[] = [];

    before(async () => {
      client = await devClient(node());
      const deployed = await deployEmitter(client);
      address = deployed.address;
      first = deployed.block;
      const receipts: TransactionReceipt[] = [];
      for (let i = 0; i < 6; i++) receipts.push(await mined(deployed.emitter.ping(`single ${i}`)));
      await rpc(node().rpcUrl, "hardhat_mine", ["0x10"]); // empty blocks inside the range
      receipts.push(await mined(deployed.emitter.pingMany(4, "four in one block")));
      for (let i = 0; i < 3; i++) receipts.push(await mined(deployed.emitter.ping(`later ${i}`)));
      receipts.push(await mined(deployed.emitter.pingMany(7, "seven in one block")));
      last = Number(await rpc(node().rpcUrl, "eth_blockNumber", []));
      expected = receipts.flatMap((r) =>
        r.logs.map((l) => ({ blockNumber: l.blockNumber, blockHash: l.blockHash, logIndex: l.index, transactionHash: l.transactionHash })),
      );
      expect(expected).to.have.length(6 + 5 + 3 + 8);
    });

    afterEach(async () => {
      await Promise.all(stubs.splice(0).map((s) => s.close()));
      await Promise.all(clients.splice(0).map((c) => c.close()));
    });
    after(async () => client?.close());

    async function viaStub(options: StubOptions, abis = true): Promise<{ stub: RpcStub; stubbed: Client }> {
      const stub = await startRpcStub(node().rpcUrl, options);
      stubs.push(stub);
      const stubbed = await connect({ rpcUrl: stub.url, abis: abis ? [EMITTER_ABI] : [], timeoutMs: 20_000 });
      clients.push(stubbed);
      return { stub, stubbed };
    }

    function expectComplete(logs: ChainLog[]): void {
      expect(
        logs.map((l) => ({ blockNumber: l.blockNumber, blockHash: l.blockHash, logIndex: l.logIndex, transactionHash: l.transactionHash })),
      ).to.deep.equal(expected);
      expect(new Set(logs.map(key)).size).to.equal(logs.length);
    }

    it("decodes every log with the client's ABIs, in (block, logIndex) order", async () => {
      const decoding = await connect({ rpcUrl: node().rpcUrl, abis: [EMITTER_ABI] });
      clients.push(decoding);
      const logs = await getLogs(decoding, { address, fromBlock: first });
      expectComplete(logs);
      const pings = logs.filter((l) => l.eventName === "Ping");
      expect(pings.map((l) => l.args!.id)).to.deep.equal(Array.from({ length: 20 }, (_, i) => BigInt(i)));
      expect(pings[0].args!.note).to.equal("single 0");
      expect(pings[0].args![1]).to.equal(DEV_ACCOUNT);
      expect(pings[0].signature).to.equal("Ping(uint256,address,string)");
      expect(pings[0].address).to.equal(address);
      expect(pings[0].removed).to.equal(false);
      const batches = logs.filter((l) => l.eventName === "Batch");
      expect(batches.map((l) => [l.args!.firstId, l.args!.count])).to.deep.equal([
        [6n, 4n],
        [13n, 7n],
      ]);
    });

    it("leaves logs undecoded when no ABI knows them, and decodes with ABIs passed to the call", async () => {
      const bare = await connect({ rpcUrl: node().rpcUrl });
      clients.push(bare);
      const raw = await getLogs(bare, { address, fromBlock: first });
      expect(raw).to.have.length(expected.length);
      expect(raw.every((l) => l.eventName === null && l.args === null)).to.equal(true);
      const decoded = await getLogs(bare, { address, fromBlock: first, abis: [EMITTER_ABI] });
      expect(decoded.every((l) => l.eventName !== null)).to.equal(true);
    });

    it("filters by event (name, signature or fragment) and by indexed arguments", async () => {
      const decoding = await connect({ rpcUrl: node().rpcUrl, abis: [EMITTER_ABI] });
      clients.push(decoding);
      expect(await getLogs(decoding, { address, event: "Ping", fromBlock: first })).to.have.length(20);
      expect(await getLogs(decoding, { address, event: "Batch(uint256,uint256)", fromBlock: first })).to.have.length(2);
      const byArg = await getLogs(decoding, { address, event: "Ping", args: { id: 3n }, fromBlock: first });
      expect(byArg.map((l) => l.args!.note)).to.deep.equal(["single 3"]);
      const anyOf = await getLogs(decoding, { address, event: "Ping", args: [[1n, 14n]], fromBlock: first });
      expect(anyOf.map((l) => l.args!.id)).to.deep.equal([1n, 14n]);
      const byFragment = await getLogs(decoding, {
        address,
        event: "event Batch(uint256 indexed firstId, uint256 count)",
        fromBlock: first,
        toBlock: last,
      });
      expect(byFragment.map((l) => l.args!.count)).to.deep.equal([4n, 7n]);
    });

    it("refuses bad filters and ranges with INVALID_ARGUMENT, before sending anything", async () => {
      const { stub, stubbed } = await viaStub({});
      expect((await rejection(getLogs(stubbed, { address, event: "Nope", fromBlock: 0 }))).code).to.equal("INVALID_ARGUMENT");
      expect((await rejection(getLogs(stubbed, { address: "0x1234", fromBlock: 0 }))).code).to.equal("INVALID_ARGUMENT");
      expect((await rejection(getLogs(stubbed, { address, event: "Ping", args: { nope: 1 }, fromBlock: 0 }))).code).to.equal(
        "INVALID_ARGUMENT",
      );
      expect((await rejection(getLogs(stubbed, { address, fromBlock: 10, toBlock: 5 }))).code).to.equal("INVALID_ARGUMENT");
      expect((await rejection(getLogs(stubbed, { address, fromBlock: 0, pageSize: 0 }))).code).to.equal("INVALID_ARGUMENT");
      expect(stub.calls).to.have.length(0);
    });

    it("returns every log exactly once when the node refuses ranges wider than 4 blocks (Alchemy's refusal)", async () => {
      const { stub, stubbed } = await viaStub({ maxBlocks: 4 });
      const logs = await getLogs(stubbed, { address, fromBlock: first, toBlock: last });
      expectComplete(logs);
      expect(stub.calls.some((c) => c.refused)).to.equal(true);
      // Split, not retried blindly: once a size passes it is kept, so refusals stay few.
      expect(stub.calls.filter((c) => c.refused).length).to.be.at.most(4);
      const accepted = stub.calls.filter((c) => !c.refused).sort((a, b) => a.from - b.from);
      expect(accepted[0].from).to.equal(first);
      expect(accepted[accepted.length - 1].to).to.equal(last);
      for (let i = 1; i < accepted.length; i++) expect(accepted[i].from).to.equal(accepted[i - 1].to + 1);
    });

    it("returns every log exactly once when the node refuses more than 8 results (Infura's refusal, its suggested range used)", async () => {
      const { stub, stubbed } = await viaStub({ maxResults: 8 });
      const logs = await getLogs(stubbed, { address, fromBlock: first, toBlock: last, pageSize: 1_000 });
      expectComplete(logs);
      expect(stub.calls.some((c) => c.refused)).to.equal(true);
    });

    it("returns every log exactly once when the node answers HTTP 413 for ranges wider than 3 blocks (QuickNode's refusal)", async () => {
      const { stub, stubbed } = await viaStub({ http413Blocks: 3 });
      const logs = await getLogs(stubbed, { address, fromBlock: first, toBlock: "latest" });
      expectComplete(logs);
      expect(stub.calls.some((c) => c.refused)).to.equal(true);
    });

    it("fails with RPC_ERROR when one block alone has more logs than the node will return, after a bounded split", async () => {
      const { stub, stubbed } = await viaStub({ maxResults: 3 });
      const err = await rejection(getLogs(stubbed, { address, fromBlock: first, toBlock: last }));
      expect(err.code).to.equal("RPC_ERROR");
      expect(err.message).to.match(/even for block \d+ alone/);
      expect(err.message).to.include("query returned more than 3 results");
      expect(stub.calls.length).to.be.below(30);
    });

    it("does not retry an error that is not about the range: it surfaces as a ChaincallError at once", async () => {
      const { stub, stubbed } = await viaStub({ failWith: { code: -32603, message: "internal error: database is closed" } });
      const started = Date.now();
      const err = await rejection(getLogs(stubbed, { address, fromBlock: first, toBlock: last }));
      expect(err.code).to.equal("RPC_ERROR");
      expect(err.message).to.include("database is closed");
      expect(stub.calls).to.have.length(1);
      expect(Date.now() - started).to.be.below(3_000);
    });

    it("stops paging when the AbortSignal fires", async () => {
      const { stub, stubbed } = await viaStub({ delayMs: 100 });
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 350);
      const started = Date.now();
      const err = await rejection(getLogs(stubbed, { address, fromBlock: first, toBlock: last, pageSize: 1, signal: controller.signal }));
      expect(err.code).to.equal("ABORTED");
      expect(Date.now() - started).to.be.below(2_000);
      expect(stub.calls.length).to.be.below(last - first + 1);
    });
  });
}

// --- watchLogs --------------------------------------------------------------------------------------------

interface Delivery {
  id: bigint;
  note: string;
  removed: boolean;
  blockNumber: number;
  blockHash: string;
  logIndex: number;
}

/** Records what a watcher delivers. */
function recorder() {
  const deliveries: Delivery[] = [];
  const errors: Error[] = [];
  const reorgs: LogReorg[] = [];
  return {
    deliveries,
    errors,
    reorgs,
    added: () => deliveries.filter((d) => !d.removed),
    removed: () => deliveries.filter((d) => d.removed),
    ids: () => deliveries.filter((d) => !d.removed).map((d) => d.id),
    onLogs(logs: ChainLog[]) {
      for (const log of logs) {
        deliveries.push({
          id: log.args!.id,
          note: log.args!.note,
          removed: log.removed,
          blockNumber: log.blockNumber,
          blockHash: log.blockHash,
          logIndex: log.logIndex,
        });
      }
    },
    onError(err: Error) {
      errors.push(err);
    },
    onReorg(reorg: LogReorg) {
      reorgs.push(reorg);
    },
    describe: () =>
      JSON.stringify({ deliveries, errors: errors.map((e) => e.message) }, (_, v) => (typeof v === "bigint" ? v.toString() : v)),
  };
}

/** Each id delivered (not removed) exactly once, in this order. */
function expectExactlyOnce(seen: ReturnType<typeof recorder>, ids: number[]): void {
  expect(seen.ids(), seen.describe()).to.deep.equal(ids.map(BigInt));
  const keys = seen.added().map(key);
  expect(new Set(keys).size).to.equal(keys.length);
}

/** A cleanup list run in reverse, whatever happened. */
/** Emits three Pings in two blocks; a watch with a poll interval of a minute must deliver them at once: only newHeads can wake it this fast. */
async function expectWokenByHeads(emitter: Emitter, seen: ReturnType<typeof recorder>): Promise<void> {
  await mined(emitter.ping("a"));
  await mined(emitter.pingMany(2, "b"));
  await waitUntil(() => seen.ids().length >= 3, seen.describe, 10_000);
  await sleep(200);
  expectExactlyOnce(seen, [0, 1, 2]);
}

function cleanups() {
  const list: (() => Promise<void> | void)[] = [];
  return {
    add<T extends () => Promise<void> | void>(fn: T) {
      list.push(fn);
    },
    async run() {
      for (const fn of list.splice(0).reverse()) {
        try {
          await fn();
        } catch {
          // Keep cleaning up.
        }
      }
    },
  };
}

for (const { name, node } of NODES) {
  describe(`watchLogs on ${name}`, function () {
    this.timeout(120_000);
    isolateState(node, "each");
    const cleanup = cleanups();
    afterEach(() => cleanup.run());

    async function setup(rpcUrl: string) {
      const sender = await devClient(node());
      cleanup.add(() => sender.close());
      const { emitter, address, block } = await deployEmitter(sender);
      const watching = await connect({ rpcUrl, abis: [EMITTER_ABI], timeoutMs: 10_000 });
      cleanup.add(() => watching.close());
      return { sender, emitter, address, block, watching };
    }

    async function start(
      client: Client,
      parameters: Omit<Parameters<typeof watchLogs>[1], "onLogs">,
      seen: ReturnType<typeof recorder>,
    ): Promise<LogWatcher> {
      const watcher = await watchLogs(client, {
        onLogs: (l) => seen.onLogs(l),
        onError: (e) => seen.onError(e),
        onReorg: (r) => seen.onReorg(r),
        ...parameters,
      });
      cleanup.add(() => watcher.stop());
      return watcher;
    }

    it("polls over HTTP: back-fills from fromBlock, then delivers each new event once, in order", async () => {
      const { emitter, address, block, watching } = await setup(node().rpcUrl);
      await mined(emitter.ping("a"));
      await mined(emitter.ping("b"));
      const seen = recorder();
      const watcher = await start(watching, { address, event: "Ping", fromBlock: block, pollIntervalMs: 50 }, seen);
      expect(watcher.mode).to.equal("poll");
      await waitUntil(() => seen.ids().length >= 2, seen.describe);
      await mined(emitter.pingMany(3, "three"));
      await mined(emitter.ping("c"));
      await waitUntil(() => seen.ids().length >= 6, seen.describe);
      await sleep(300);
      expectExactlyOnce(seen, [0, 1, 2, 3, 4, 5]);
      const many = seen.added().filter((d) => d.note === "three");
      expect(new Set(many.map((d) => d.blockNumber)).size).to.equal(1);
      expect(many.map((d) => d.logIndex)).to.deep.equal([...many.map((d) => d.logIndex)].sort((a, b) => a - b));
      expect(seen.errors, seen.describe()).to.have.length(0);
      await watcher.stop();
      await mined(emitter.ping("after stop"));
      await sleep(300);
      expect(seen.ids()).to.have.length(6);
    });

    it("subscribes over WebSocket: new heads wake it, each event delivered once", async () => {
      const { emitter, address, watching } = await setup(node().wsUrl);
      const seen = recorder();
      const watcher = await start(watching, { address, event: "Ping", pollIntervalMs: 60_000 }, seen);
      expect(watcher.mode).to.equal("subscribe");
      await expectWokenByHeads(emitter, seen);
    });

    it("reports a reorg (evm_snapshot/evm_revert): the removed logs with removed: true, then the new chain's", async () => {
      const { emitter, address, block, watching } = await setup(node().rpcUrl);
      const seen = recorder();
      await start(watching, { address, event: "Ping", pollIntervalMs: 50 }, seen);
      const snapshot = await rpc(node().rpcUrl, "evm_snapshot", []);
      await mined(emitter.ping("old 0"));
      await mined(emitter.ping("old 1"));
      await waitUntil(() => seen.ids().length >= 2, seen.describe);
      await rpc(node().rpcUrl, "evm_revert", [snapshot]);
      await mined(emitter.ping("new 0"));
      await waitUntil(() => seen.deliveries.length >= 5, seen.describe);
      await sleep(300);
      expect(
        seen.deliveries.map((d) => `${d.removed ? "-" : "+"}${d.note}`),
        seen.describe(),
      ).to.deep.equal(["+old 0", "+old 1", "-old 1", "-old 0", "+new 0"]);
      expect(seen.reorgs).to.have.length(1);
      expect(seen.reorgs[0].forkBlock).to.equal(block);
      expect(seen.reorgs[0].depth).to.equal(2);
      expect(seen.reorgs[0].removed.map((l) => l.args!.note)).to.deep.equal(["old 1", "old 0"]);
      const [oldFirst] = seen.deliveries;
      const newFirst = seen.deliveries[4];
      expect(newFirst.blockNumber).to.equal(oldFirst.blockNumber);
      expect(newFirst.blockHash).to.not.equal(oldFirst.blockHash);
    });
  });
}

describe("watchLogs on Anvil: connection cuts and same-height reorgs", function () {
  this.timeout(120_000);
  isolateState(anvil, "each");
  const cleanup = cleanups();
  afterEach(() => cleanup.run());

  it("a WebSocket watch with the connection cut for 3 s while 3 events are emitted delivers all of them exactly once after reconnecting", async () => {
    const proxy = await startTcpProxy(anvil().port);
    cleanup.add(() => proxy.close());
    const sender = await devClient(anvil());
    cleanup.add(() => sender.close());
    const { emitter, address } = await deployEmitter(sender);
    const watching = await connect({ rpcUrl: `ws://127.0.0.1:${proxy.port}`, abis: [EMITTER_ABI], timeoutMs: 5_000 });
    cleanup.add(() => watching.close());
    const seen = recorder();
    const watcher = await watchLogs(watching, {
      address,
      event: "Ping",
      onLogs: (logs) => seen.onLogs(logs),
      onError: (err) => seen.onError(err),
      maxRetryDelayMs: 500,
    });
    cleanup.add(() => watcher.stop());
    expect(watcher.mode).to.equal("subscribe");

    await mined(emitter.ping("before the cut"));
    await waitUntil(() => seen.ids().length === 1, seen.describe);

    const restored = proxy.cut(3_000);
    const cutAt = Date.now();
    for (let i = 0; i < 3; i++) await mined(emitter.ping(`during the cut ${i}`));
    await sleep(500);
    expect(seen.ids(), "nothing can arrive while the line is cut").to.have.length(1);
    await restored;
    await waitUntil(() => seen.ids().length >= 4, seen.describe, 15_000);
    expect(Date.now() - cutAt).to.be.at.least(3_000);

    await mined(emitter.ping("after the cut"));
    await waitUntil(() => seen.ids().length >= 5, seen.describe);
    await sleep(500);
    expectExactlyOnce(seen, [0, 1, 2, 3, 4]);
    // The drop and the refused reconnects were reported, as ChaincallErrors with a stable code.
    expect(seen.errors.length, seen.describe()).to.be.at.least(1);
    expect(
      seen.errors.every((e) => e instanceof ChaincallError && e.code === "RPC_ERROR"),
      seen.describe(),
    ).to.equal(true);
    expect(seen.errors.some((e) => /lost the connection to ws:\/\/127\.0\.0\.1/.test(e.message))).to.equal(true);
  });

  it("with several nodes, subscribes on the active WebSocket node: a socket node down at connect is skipped, HTTP ones too", async () => {
    const sender = await devClient(anvil());
    cleanup.add(() => sender.close());
    const { emitter, address } = await deployEmitter(sender);
    const down = `ws://127.0.0.1:${await findFreePort()}`;
    const watching = await connect({ rpcUrl: [down, anvil().rpcUrl, anvil().wsUrl], abis: [EMITTER_ABI], timeoutMs: 5_000 });
    cleanup.add(() => watching.close());
    expect(watching.transport).to.equal("ws");
    const seen = recorder();
    const watcher = await watchLogs(watching, {
      address,
      event: "Ping",
      pollIntervalMs: 60_000,
      onLogs: (logs) => seen.onLogs(logs),
      onError: (err) => seen.onError(err),
    });
    cleanup.add(() => watcher.stop());
    expect(watcher.mode).to.equal("subscribe");
    await expectWokenByHeads(emitter, seen);
    expect(seen.errors, seen.describe()).to.have.length(0);
  });

  it("reports a same-height reorg made by anvil_reorg over WebSocket", async () => {
    const sender = await devClient(anvil());
    cleanup.add(() => sender.close());
    const { emitter, address, block } = await deployEmitter(sender);
    const watching = await connect({ rpcUrl: anvil().wsUrl, abis: [EMITTER_ABI] });
    cleanup.add(() => watching.close());
    const seen = recorder();
    const watcher = await watchLogs(watching, {
      address,
      event: "Ping",
      onLogs: (l) => seen.onLogs(l),
      onError: (e) => seen.onError(e),
      onReorg: (r) => seen.onReorg(r),
    });
    cleanup.add(() => watcher.stop());
    await mined(emitter.ping("old 0"));
    await mined(emitter.ping("old 1"));
    await waitUntil(() => seen.ids().length >= 2, seen.describe);
    const head = Number(await rpc(anvil().rpcUrl, "eth_blockNumber", []));
    // Replace the last 2 blocks; the first of the new ones carries another ping (anvil_reorg does not
    // estimate gas: its default is too low for an event with a string).
    const tx = { from: DEV_ACCOUNT, to: address, data: emitter.interface.encodeFunctionData("ping", ["new 0"]), gas: "0x30000" };
    await rpc(anvil().rpcUrl, "anvil_reorg", [2, [[tx, 0]]]);
    expect(Number(await rpc(anvil().rpcUrl, "eth_blockNumber", []))).to.equal(head);
    await waitUntil(() => seen.deliveries.length >= 5, seen.describe);
    await sleep(300);
    expect(
      seen.deliveries.map((d) => `${d.removed ? "-" : "+"}${d.note}`),
      seen.describe(),
    ).to.deep.equal(["+old 0", "+old 1", "-old 1", "-old 0", "+new 0"]);
    expect(seen.reorgs.map((r) => [r.forkBlock, r.depth])).to.deep.equal([[block, 2]]);
  });

  it("a watch over IPC subscribes on its own socket", async () => {
    const sender = await devClient(anvil());
    cleanup.add(() => sender.close());
    const { emitter, address } = await deployEmitter(sender);
    const watching = await connect({ rpcUrl: anvil().ipcPath!, abis: [EMITTER_ABI] });
    cleanup.add(() => watching.close());
    const seen = recorder();
    const watcher = await watchLogs(watching, {
      address,
      event: "Ping",
      onLogs: (l) => seen.onLogs(l),
      onError: (e) => seen.onError(e),
      pollIntervalMs: 60_000,
    });
    cleanup.add(() => watcher.stop());
    expect(watcher.mode).to.equal("subscribe");
    await mined(emitter.ping("a"));
    await mined(emitter.ping("b"));
    await waitUntil(() => seen.ids().length >= 2, seen.describe, 10_000);
    expectExactlyOnce(seen, [0, 1]);
  });

  it("offers the same logs again when onLogs throws, then goes on; each acknowledged once", async () => {
    const sender = await devClient(anvil());
    cleanup.add(() => sender.close());
    const { emitter, address } = await deployEmitter(sender);
    const watching = await connect({ rpcUrl: anvil().rpcUrl, abis: [EMITTER_ABI] });
    cleanup.add(() => watching.close());
    const acknowledged: bigint[] = [];
    const errors: Error[] = [];
    let failuresLeft = 2;
    const watcher = await watchLogs(watching, {
      address,
      event: "Ping",
      pollIntervalMs: 50,
      maxRetryDelayMs: 200,
      onLogs: (logs) => {
        if (failuresLeft-- > 0) throw new Error("database unavailable");
        for (const log of logs) acknowledged.push(log.args!.id);
      },
      onError: (err) => errors.push(err),
    });
    cleanup.add(() => watcher.stop());
    await mined(emitter.ping("a"));
    await waitUntil(
      () => acknowledged.length >= 1,
      () => JSON.stringify(errors.map((e) => e.message)),
    );
    await mined(emitter.ping("b"));
    await waitUntil(
      () => acknowledged.length >= 2,
      () => String(acknowledged),
    );
    await sleep(200);
    expect(acknowledged).to.deep.equal([0n, 1n]);
    expect(errors.map((e) => e.message)).to.deep.equal(["database unavailable", "database unavailable"]);
  });

  it("waits for a fromBlock ahead of the chain, and stops by itself when its client is closed", async () => {
    const sender = await devClient(anvil());
    cleanup.add(() => sender.close());
    const { emitter, address, block } = await deployEmitter(sender);
    const watching = await connect({ rpcUrl: anvil().rpcUrl, abis: [EMITTER_ABI] });
    cleanup.add(() => watching.close());
    const seen = recorder();
    const watcher = await watchLogs(watching, {
      address,
      event: "Ping",
      fromBlock: block + 3,
      pollIntervalMs: 50,
      onLogs: (l) => seen.onLogs(l),
      onError: (e) => seen.onError(e),
    });
    cleanup.add(() => watcher.stop());
    for (let i = 0; i < 4; i++) await mined(emitter.ping(`p${i}`));
    await waitUntil(() => seen.ids().length >= 2, seen.describe);
    await sleep(200);
    // Blocks block+1 and block+2 hold ids 0 and 1: before the start.
    expectExactlyOnce(seen, [2, 3]);
    expect(seen.errors).to.have.length(0);
    await watching.close();
    await waitUntil(() => seen.errors.length > 0, seen.describe, 5_000);
    expect((seen.errors[0] as ChaincallError).code).to.equal("ABORTED");
    await watcher.stop();
  });

  for (const which of ["http", "ws"] as const) {
    it(`leaves nothing open once stopped (${which}): the process exits by itself`, async function () {
      this.timeout(20_000);
      const url = which === "http" ? anvil().rpcUrl : anvil().wsUrl;
      const script = `
        const { connect, watchLogs } = require(${JSON.stringify(`${projectRoot()}/dist/src`)});
        (async () => {
          const client = await connect({ rpcUrl: ${JSON.stringify(url)} });
          const watcher = await watchLogs(client, { onLogs: () => undefined, pollIntervalMs: 50 });
          await new Promise((r) => setTimeout(r, 300));
          await watcher.stop();
          await client.close();
          console.log("stopped " + watcher.mode);
        })();`;
      const { code, stdout, ms } = await runNodeScript(script);
      expect(stdout.trim()).to.equal(`stopped ${which === "http" ? "poll" : "subscribe"}`);
      expect(code).to.equal(0);
      expect(ms).to.be.below(6_000);
    });
  }

  it('fails at start with "cannot reach" when the node is away, naming the host but not the URL\'s credentials', async () => {
    const proxy = await startTcpProxy(anvil().port);
    cleanup.add(() => proxy.close());
    // Credentials in the URL go to the node as Basic auth on the watcher's own socket, and into no message.
    const password = "watch-secret-9f3a";
    const watching = await connect({ rpcUrl: `ws://watcher:${password}@127.0.0.1:${proxy.port}`, timeoutMs: 3_000 });
    cleanup.add(() => watching.close());
    const working = await watchLogs(watching, { onLogs: () => undefined });
    await working.stop();
    await proxy.close();
    const started = Date.now();
    const err = await rejection(watchLogs(watching, { onLogs: () => undefined }));
    expect(err.code).to.equal("RPC_ERROR");
    expect(err.message).to.equal(`cannot reach ws://***@127.0.0.1:${proxy.port}`);
    expect(JSON.stringify([err.message, err.details, err.metaMessages])).to.not.include(password);
    expect(Date.now() - started).to.be.below(3_500);
  });

  it("refuses bad options with INVALID_ARGUMENT and stops on its AbortSignal", async () => {
    const http = await connect({ rpcUrl: anvil().rpcUrl, abis: [EMITTER_ABI] });
    cleanup.add(() => http.close());
    expect((await rejection(watchLogs(http, { mode: "subscribe", onLogs: () => undefined }))).code).to.equal("INVALID_ARGUMENT");
    expect((await rejection(watchLogs(http, { event: "Nope", onLogs: () => undefined }))).code).to.equal("INVALID_ARGUMENT");
    expect((await rejection(watchLogs(http, { pollIntervalMs: 0, onLogs: () => undefined }))).code).to.equal("INVALID_ARGUMENT");
    const sender = await devClient(anvil());
    cleanup.add(() => sender.close());
    const { emitter, address } = await deployEmitter(sender);
    const controller = new AbortController();
    const ids: bigint[] = [];
    const watcher = await watchLogs(http, {
      address,
      event: "Ping",
      pollIntervalMs: 50,
      signal: controller.signal,
      onLogs: (logs) => void ids.push(...logs.map((l) => l.args!.id)),
    });
    cleanup.add(() => watcher.stop());
    await mined(emitter.ping("a"));
    await waitUntil(
      () => ids.length === 1,
      () => String(ids),
    );
    controller.abort();
    await watcher.stop();
    await mined(emitter.ping("b"));
    await sleep(300);
    expect(ids).to.deep.equal([0n]);
  });
});
