import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { expect } from "chai";
import { projectRoot } from "../scripts/lib/localNode";
import type { JsonRpcAnswer, SubscriptionConnection } from "../src/client/transport/types";
import { ChaincallError } from "../src/errors/ChaincallError";
import type { ChainLog } from "../src/events/createLogDecoder";
import { SubscriptionSource } from "../src/events/logSources";
import { type BlockHeader, ReorgTracker } from "../src/events/ReorgTracker";
import { Sleeper } from "../src/events/Sleeper";
import { CallDemo__factory } from "../typechain-types";
import { devClient, hardhat, isolateState } from "./fixtures/nodes";

// Issue 12 item 5: watchLogs over HTTP fetched the headers of every new block at once, each request adding
// an abort listener to the watcher's one signal — more than 10 blocks between two polls printed Node's
// MaxListenersExceededWarning. The watch runs in a child process so its stderr can be read.

describe("watchLogs over HTTP: many blocks between polls (Hardhat)", function () {
  this.timeout(90_000);
  isolateState(hardhat);
  let child: ChildProcess | undefined;
  afterEach(() => {
    child?.kill("SIGKILL");
    child = undefined;
  });

  it("30 blocks with logs between two polls: every log delivered, no listener warning", async () => {
    const client = await devClient(hardhat());
    try {
      const demo = await new CallDemo__factory(client.signer).deploy();
      await demo.waitForDeployment();
      const address = await demo.getAddress();
      const script = `
        const { connect, watchLogs } = require(${JSON.stringify(join(projectRoot(), "dist/src/index.js"))});
        (async () => {
          const client = await connect({ rpcUrl: ${JSON.stringify(hardhat().rpcUrl)} });
          let seen = 0;
          const watcher = await watchLogs(client, { address: ${JSON.stringify(address)}, mode: "poll", pollIntervalMs: 6000, onLogs: async (logs) => {
            seen += logs.length;
            if (seen >= 30) { console.log("seen " + seen); await watcher.stop(); await client.close(); }
          } });
          console.log("ready");
        })().catch((e) => { console.error(e); process.exit(3); });`;
      const proc = spawn(process.execPath, ["-e", script], { cwd: projectRoot(), stdio: ["ignore", "pipe", "pipe"] });
      child = proc;
      let stdout = "";
      let stderr = "";
      proc.stderr!.on("data", (d: Buffer) => (stderr += d.toString("utf8")));
      const exited = new Promise<number | null>((resolve) => proc.on("close", resolve));
      await new Promise<void>((resolve, reject) => {
        proc.stdout!.on("data", (d: Buffer) => {
          stdout += d.toString("utf8");
          if (stdout.includes("ready")) resolve();
        });
        proc.on("close", () => reject(new Error(`watcher exited early: ${stderr}`)));
      });
      // 30 transactions, 30 blocks (automine), well inside one 6 s poll interval.
      const started = Date.now();
      for (let year = 0; year < 30; year++) await (await demo.setYear(3000 + year)).wait();
      expect(Date.now() - started, "all blocks mined between two polls").to.be.below(6000);
      const code = await exited;
      expect(code, stderr).to.equal(0);
      expect(stdout).to.include("seen 30");
      expect(stderr).not.to.match(/MaxListenersExceededWarning|memory leak/);
    } finally {
      await client.close();
    }
  });
});

// The parts watchLogs is made of, alone (the watch tests above and in events.test.ts run them on real nodes).
describe("watchLogs parts: ReorgTracker, Sleeper, SubscriptionSource", () => {
  const hash = (n: number, fork = "a") => `0x${fork}${n.toString(16).padStart(63, "0")}`;
  const headers = (from: number, to: number, fork = "a"): BlockHeader[] =>
    Array.from({ length: to - from + 1 }, (_, i) => ({
      number: from + i,
      hash: hash(from + i, fork),
      parentHash: hash(from + i - 1, fork),
    }));
  const log = (blockNumber: number, logIndex: number, fork = "a") =>
    ({ blockNumber, logIndex, blockHash: hash(blockNumber, fork), removed: false }) as unknown as ChainLog;

  it("ReorgTracker: finds the fork by hash, gives the removed logs newest first, rolls back, and forgets blocks past its window", async () => {
    const tracker = new ReorgTracker(4);
    tracker.start(9, hash(9));
    tracker.advance(headers(10, 14), [log(10, 0), log(13, 0), log(13, 1), log(14, 0)], 14);
    expect(tracker.last).to.equal(14);
    expect(tracker.hashOf(10), "older than the window").to.equal(undefined);
    expect(tracker.hashOf(11)).to.equal(hash(11));
    // Blocks 13 and 14 were replaced: the chain now has fork "b" there.
    const chainNow = (n: number) => Promise.resolve(n >= 13 ? hash(n, "b") : hash(n));
    const found = await tracker.findFork(14, chainNow);
    expect(found).to.deep.equal({ fork: 12, deeper: false, oldest: 11 });
    const { removed, depth } = tracker.removedAfter(12);
    expect(depth).to.equal(2);
    expect(removed.map((l) => [l.blockNumber, l.logIndex, l.removed])).to.deep.equal([
      [14, 0, true],
      [13, 1, true],
      [13, 0, true],
    ]);
    tracker.rollback(12);
    expect(tracker.last).to.equal(12);
    expect(tracker.hashOf(13)).to.equal(undefined);
    expect(tracker.removedAfter(12).removed).to.deep.equal([]);
    // A reorg deeper than every remembered block: the fork is taken below the oldest.
    expect(await tracker.findFork(12, (n) => Promise.resolve(hash(n, "c")))).to.deep.equal({ fork: 10, deeper: true, oldest: 11 });
  });

  it("Sleeper: wake ends a wakeable pause (or the next one) but not an unwakeable one; interrupt ends every pause", async () => {
    const sleeper = new Sleeper();
    const timed = async (ms: number, wakeable: boolean, during?: () => void) => {
      const started = Date.now();
      const pause = sleeper.sleep(ms, wakeable);
      during?.();
      await pause;
      return Date.now() - started;
    };
    expect(await timed(5000, true, () => sleeper.wake())).to.be.below(1000);
    sleeper.wake();
    expect(await timed(5000, true), "a wake before the pause is not lost").to.be.below(1000);
    expect(await timed(200, false, () => sleeper.wake())).to.be.at.least(150);
    expect(await timed(5000, true), "a wake during an unwakeable pause is kept for the next wakeable one").to.be.below(1000);
    expect(await timed(5000, false, () => sleeper.interrupt())).to.be.below(1000);
    expect(await timed(5000, false), "interrupted for good").to.be.below(1000);
  });

  it("SubscriptionSource: a node refusing eth_subscribe is polled over the connection; a dropped or timed-out connection is reported and reopened", async () => {
    // Scripted connections (what openDedicated gives): the faults are exact, which a real node cannot give.
    const opened: { connection: SubscriptionConnection; end(reason: ChaincallError): void }[] = [];
    const open = async (): Promise<SubscriptionConnection> => {
      let end!: (reason: ChaincallError) => void;
      const closed = new Promise<ChaincallError>((resolve) => (end = resolve));
      const state = { open: true };
      const connection: SubscriptionConnection = {
        kind: "ws",
        endpoint: `fake ${opened.length + 1}`,
        request: async (payload) => [{ id: (payload as { id: number }).id, result: "0x10" } as JsonRpcAnswer],
        subscribe: () => Promise.reject(new ChaincallError("RPC_ERROR", "the method eth_subscribe does not exist")),
        get isOpen() {
          return state.open;
        },
        closed,
        close: () => {
          state.open = false;
          end(new ChaincallError("ABORTED", "closed"));
        },
      };
      opened.push({
        connection,
        end: (reason) => {
          state.open = false;
          end(reason);
        },
      });
      return connection;
    };
    const reports: string[] = [];
    let wakes = 0;
    const controller = new AbortController();
    const context = {
      endpoint: "ws://node",
      timeoutMs: 1000,
      pollIntervalMs: 250,
      signal: controller.signal,
      wake: () => wakes++,
      report: (err: unknown) => reports.push((err as Error).message),
    };
    const source = new SubscriptionSource(open, context);
    try {
      await source.ensureOpen();
      expect(source.subscribed).to.equal(false);
      expect(reports).to.deep.equal(["ws://node refused eth_subscribe newHeads: polling it every 250 ms instead"]);
      expect(await source.request()("eth_blockNumber", [])).to.equal("0x10");
      // The connection drops: requests fail at once, the drop wakes the watcher, and the next ensureOpen
      // reports why and opens another.
      opened[0].end(new ChaincallError("RPC_ERROR", "lost the connection to ws://node"));
      expect(() => source.request()).to.throw(ChaincallError, "lost the connection");
      await source.ensureOpen();
      expect(wakes).to.equal(1);
      expect(reports.slice(1, 2)).to.deep.equal(["lost the connection to ws://node"]);
      expect(opened).to.have.length(2);
      // A request that timed out makes the connection suspect: let go, reopened next time.
      source.failed(new ChaincallError("TIMEOUT", "timed out"));
      expect(opened[1].connection.isOpen).to.equal(false);
      await source.ensureOpen();
      expect(opened).to.have.length(3);
      // Any other failure keeps a connection that is still open.
      source.failed(new ChaincallError("RPC_ERROR", "a node error"));
      expect(opened[2].connection.isOpen).to.equal(true);
    } finally {
      controller.abort();
      source.close();
    }
    expect(
      opened.every((o) => !o.connection.isOpen),
      "close() ends the connection",
    ).to.equal(true);
  });
});
