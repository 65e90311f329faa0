import { expect } from "chai";
import type { RpcOutcome, RpcRequest } from "../src/client/createProvider";
import { ChaincallError } from "../src/errors/ChaincallError";
import { AccountQueue, MAX_GROUP, type QueueAccount, type QueueJob, SLICE_MS } from "../src/tx/AccountQueue";
import { UnknownOutcomeError } from "../src/tx/UnknownOutcomeError";

// The nonce queue's decisions, with scripted jobs standing in for a node (the same paths run against real
// Hardhat and Anvil nodes in send.test.ts; here each path is forced, deterministically).

interface Script {
  /** Nonces the "node" refuses, and with what. */
  refuse?: Map<number, Error>;
  /** Nonces refused as "nonce too high" the first time only (out-of-order arrival at Hardhat). */
  tooHighOnce?: Set<number>;
}

function fakeAccount(startNonce: number): QueueAccount & { fills: number[]; fetches: number } {
  const account = {
    fills: [] as number[],
    fetches: 0,
    async fetchNonce() {
      account.fetches++;
      return startNonce;
    },
    async fill(nonce: number) {
      account.fills.push(nonce);
    },
  };
  return account;
}

/** A job that records the nonce it was signed with, and the refusals it was told about. */
function job(script: Script, log: { signed: number[]; sent: number[]; refused: number[] }): QueueJob<number, number> {
  return {
    async sign(nonce) {
      log.signed.push(nonce);
      return nonce;
    },
    async send(nonce) {
      log.sent.push(nonce);
      if (script.tooHighOnce?.delete(nonce)) throw new Error(`Nonce too high. Expected nonce to be ${nonce - 1} but got ${nonce}`);
      const refusal = script.refuse?.get(nonce);
      if (refusal) throw refusal;
      return nonce;
    },
    refused(nonce) {
      log.refused.push(nonce);
    },
  };
}

function newLog() {
  return { signed: [] as number[], sent: [] as number[], refused: [] as number[] };
}

describe("AccountQueue (nonce allocation)", () => {
  it("gives concurrent sends consecutive nonces, reading the node's count once per burst", async () => {
    const queue = new AccountQueue();
    const account = fakeAccount(7);
    const log = newLog();
    const nonces = await Promise.all(Array.from({ length: 250 }, () => queue.submit(account, job({}, log))));
    expect(nonces).to.deep.equal(Array.from({ length: 250 }, (_, i) => 7 + i));
    expect(account.fetches).to.equal(1);
    // Groups of at most MAX_GROUP, signed in nonce order.
    expect(log.signed).to.deep.equal(nonces);
    expect(MAX_GROUP).to.equal(100);
  });

  it("broadcasts one at a time in nonce order: a send leaves only once the node answered for the previous one", async () => {
    const queue = new AccountQueue();
    const account = fakeAccount(0);
    const events: string[] = [];
    const slowJob = (): QueueJob<number, number> => ({
      async sign(nonce) {
        return nonce;
      },
      async send(nonce) {
        events.push(`start ${nonce}`);
        // Answers arrive in a scrambled order of delays: were sends overlapping, starts and ends would interleave.
        await new Promise((resolve) => setTimeout(resolve, (nonce * 7) % 5));
        events.push(`end ${nonce}`);
        return nonce;
      },
    });
    const nonces = await Promise.all(Array.from({ length: 12 }, () => queue.submit(account, slowJob())));
    expect(nonces).to.deep.equal(Array.from({ length: 12 }, (_, i) => i));
    expect(events).to.deep.equal(nonces.flatMap((n) => [`start ${n}`, `end ${n}`]));
  });

  it("a refusal at the end of a group leaves no trace: the next send takes that nonce", async () => {
    const queue = new AccountQueue();
    const account = fakeAccount(0);
    const log = newLog();
    const script = { refuse: new Map([[4, new ChaincallError("INSUFFICIENT_FUNDS", "insufficient funds")]]) };
    const settled = await Promise.allSettled(Array.from({ length: 5 }, () => queue.submit(account, job(script, log))));
    expect(settled.map((s) => s.status)).to.deep.equal(["fulfilled", "fulfilled", "fulfilled", "fulfilled", "rejected"]);
    expect(account.fills).to.deep.equal([]);
    expect(log.refused).to.deep.equal([4]);
    // Same burst? No: the queue drained, so the next send reads the node's count again (4 here, as a node would say).
    const next = fakeAccount(4);
    expect(await queue.submit(next, job({}, log))).to.equal(4);
  });

  it("a refusal below accepted sends is filled with a no-op, so those above it can be mined", async () => {
    const queue = new AccountQueue();
    const account = fakeAccount(10);
    const log = newLog();
    const script = { refuse: new Map([[12, new ChaincallError("INSUFFICIENT_FUNDS", "insufficient funds")]]) };
    const settled = await Promise.allSettled(Array.from({ length: 5 }, () => queue.submit(account, job(script, log))));
    expect(settled.map((s) => s.status)).to.deep.equal(["fulfilled", "fulfilled", "rejected", "fulfilled", "fulfilled"]);
    expect((settled[2] as PromiseRejectedResult).reason.code).to.equal("INSUFFICIENT_FUNDS");
    expect(account.fills).to.deep.equal([12]);
    expect(log.refused).to.deep.equal([12]);
  });

  it('"nonce too high" (Hardhat, out of order) re-signs those sends with the right nonces, then goes one at a time', async () => {
    const queue = new AccountQueue();
    const account = fakeAccount(0);
    const log = newLog();
    const script = { tooHighOnce: new Set([3, 4]) };
    const nonces = await Promise.all(Array.from({ length: 5 }, () => queue.submit(account, job(script, log))));
    expect(nonces.slice(0, 3)).to.deep.equal([0, 1, 2]);
    expect(nonces.slice(3)).to.deep.equal([3, 4]);
    expect(log.refused).to.deep.equal([3, 4]);
    expect(account.fills).to.deep.equal([]);
    // Serial from now on: a burst goes out in groups of one.
    const sentBefore = log.sent.length;
    await Promise.all(Array.from({ length: 3 }, () => queue.submit(account, job({}, log))));
    expect(log.sent.slice(sentBefore)).to.deep.equal([0, 1, 2]);
  });

  it("a nonce taken elsewhere (nonce too low) is not filled, and the count is read again", async () => {
    const queue = new AccountQueue();
    const account = fakeAccount(0);
    const log = newLog();
    const script = { refuse: new Map([[0, new ChaincallError("NONCE_ERROR", "nonce too low")]]) };
    const settled = await Promise.allSettled(Array.from({ length: 3 }, () => queue.submit(account, job(script, log))));
    expect(settled.map((s) => s.status)).to.deep.equal(["rejected", "fulfilled", "fulfilled"]);
    expect(account.fills).to.deep.equal([]);
    await queue.submit(account, job({}, log));
    expect(account.fetches).to.equal(2);
  });

  it("an explicit nonce goes alone and is used as given", async () => {
    const queue = new AccountQueue();
    const account = fakeAccount(0);
    const log = newLog();
    const [a, b, c] = await Promise.all([
      queue.submit(account, job({}, log)),
      queue.submit(account, job({}, log), 42),
      queue.submit(account, job({}, log)),
    ]);
    expect(a).to.equal(0);
    expect(b).to.equal(42);
    // After an explicit nonce the count is read again (the fake node still says 0).
    expect(c).to.equal(0);
  });

  it("a signing failure rejects that send only; the rest are signed afresh from its nonce", async () => {
    const queue = new AccountQueue();
    const account = fakeAccount(5);
    const log = newLog();
    const broken: QueueJob<number, number> = {
      async sign() {
        throw new ChaincallError("SIGNER_ERROR", "hardware wallet unplugged");
      },
      async send() {
        return -1;
      },
    };
    const settled = await Promise.allSettled([
      queue.submit(account, job({}, log)),
      queue.submit(account, broken),
      queue.submit(account, job({}, log)),
    ]);
    expect(settled.map((s) => (s.status === "fulfilled" ? s.value : (s.reason as ChaincallError).code))).to.deep.equal([
      5,
      "SIGNER_ERROR",
      6,
    ]);
  });

  it("once a broadcast's outcome is unknown (the node cannot be reached), the rest of the group is not sent: those fail as not sent, journalled so", async () => {
    const queue = new AccountQueue();
    const account = fakeAccount(0);
    const log = newLog();
    const unsent: number[] = [];
    let reachable = false;
    const lost = new UnknownOutcomeError(
      `0x${"33".repeat(32)}`,
      3,
      async () => {
        if (!reachable) throw new ChaincallError("RPC_ERROR", "cannot reach the node");
        return true;
      },
      new ChaincallError("TIMEOUT", "timed out"),
    );
    const withUnsent = (): QueueJob<number, number> => ({
      ...job({ refuse: new Map([[3, lost]]) }, log),
      unsent: (nonce) => void unsent.push(nonce),
    });
    const results = await Promise.allSettled(Array.from({ length: 6 }, () => queue.submit(account, withUnsent())));
    expect(results.slice(0, 3).map((r) => r.status === "fulfilled" && r.value)).to.deep.equal([0, 1, 2]);
    expect(results.slice(3).map((r) => r.status === "rejected" && (r.reason as ChaincallError).code)).to.deep.equal([
      "RPC_ERROR",
      "RPC_ERROR",
      "RPC_ERROR",
    ]);
    expect((results[3] as PromiseRejectedResult).reason).to.equal(lost);
    expect(String((results[4] as PromiseRejectedResult).reason.message)).to.match(/^not sent: .*\(nonce 3\).*\(nonce 4\)/);
    expect(log.sent, "nothing sent after the unknown one").to.deep.equal([0, 1, 2, 3]);
    expect(unsent).to.deep.equal([4, 5]);
    expect(log.refused, "not sent is no refusal").to.deep.equal([]);

    // Its nonce stays taken while the node cannot tell; once it can (there: used), the next send follows it.
    const blocked = await queue.submit(account, withUnsent()).catch((err: Error) => err.message);
    expect(blocked).to.contain("nonce 3 is taken by transaction 0x3333");
    reachable = true;
    const next = fakeAccount(4);
    expect(await queue.submit(next, withUnsent())).to.equal(4);
  });

  describe("the send pump (held keys: ordered batches written while the next slice is signed)", () => {
    /** A node behind `writeBatch`: answers each batch after `delayMs`, per nonce as `answer` says (default: accepted). */
    function batchNode(delayMs: number, answer: (nonce: number, batch: number) => RpcOutcome = (nonce) => ({ result: nonce })) {
      const node = {
        batches: [] as number[][],
        inFlight: 0,
        maxInFlight: 0,
        /** Nonces signed while a batch was in flight: signing overlapped the node's work. */
        signedWhileInFlight: 0,
        fail: undefined as Error | undefined,
        async writeBatch(requests: readonly RpcRequest[]): Promise<RpcOutcome[]> {
          const nonces = requests.map((r) => r.params[0] as number);
          expect(requests.every((r) => r.method === "eth_sendRawTransaction")).to.equal(true);
          node.batches.push(nonces);
          const batch = node.batches.length - 1;
          node.inFlight++;
          node.maxInFlight = Math.max(node.maxInFlight, node.inFlight);
          await new Promise((resolve) => setTimeout(resolve, delayMs));
          node.inFlight--;
          if (node.fail) throw node.fail;
          return nonces.map((nonce) => answer(nonce, batch));
        },
      };
      return node;
    }

    function pumpAccount(start: number, node: ReturnType<typeof batchNode>) {
      return { ...fakeAccount(start), writeBatch: node.writeBatch };
    }

    /** A held key's job: signing costs `signMs` of CPU; the broadcast is one request through `post`. */
    function keyJob(node: ReturnType<typeof batchNode>, log: ReturnType<typeof pumpLog>, signMs = 0.5) {
      const job: QueueJob<number, number> = {
        batchable: true,
        async sign(nonce) {
          const until = performance.now() + signMs;
          while (performance.now() < until);
          if (node.inFlight > 0) node.signedWhileInFlight++;
          log.signed.push(nonce);
          return nonce;
        },
        async send(nonce, post) {
          log.sent.push(nonce);
          if (post) return Number(await post("eth_sendRawTransaction", [nonce]));
          // Not pumped (a group of one, or one by one): it broadcasts on its own.
          log.single.push(nonce);
          return nonce;
        },
        refused: (nonce) => void log.refused.push(nonce),
        unsent: (nonce) => void log.unsent.push(nonce),
      };
      return job;
    }

    const pumpLog = () => ({ ...newLog(), unsent: [] as number[], single: [] as number[] });

    it("writes a burst as ordered batches, one at a time, signing the next slice while one is in flight", async () => {
      const queue = new AccountQueue();
      const node = batchNode(8);
      const account = pumpAccount(5, node);
      const log = pumpLog();
      const nonces = await Promise.all(Array.from({ length: 100 }, () => queue.submit(account, keyJob(node, log))));
      expect(nonces).to.deep.equal(Array.from({ length: 100 }, (_, i) => 5 + i));
      expect(node.batches.flat(), "every nonce written once, in nonce order").to.deep.equal(nonces);
      // 100 × 0.5 ms of signing = 50 ms: several slices of about SLICE_MS, never two batches at the node at once.
      expect(node.batches.length, JSON.stringify(node.batches.map((b) => b.length))).to.be.within(3, 40);
      expect(node.maxInFlight).to.equal(1);
      expect(node.signedWhileInFlight, "signing went on while the node worked").to.be.greaterThan(10);
      expect(SLICE_MS).to.equal(10);
    });

    it("a refusal inside a batch below accepted ones is filled with a no-op, as one by one", async () => {
      const queue = new AccountQueue();
      const node = batchNode(1, (nonce) =>
        nonce === 2 ? { error: new ChaincallError("INSUFFICIENT_FUNDS", "insufficient funds") } : { result: nonce },
      );
      const account = pumpAccount(0, node);
      const log = pumpLog();
      const settled = await Promise.allSettled(Array.from({ length: 6 }, () => queue.submit(account, keyJob(node, log))));
      expect(settled.map((r) => r.status)).to.deep.equal(["fulfilled", "fulfilled", "rejected", "fulfilled", "fulfilled", "fulfilled"]);
      expect(account.fills).to.deep.equal([2]);
      expect(log.refused).to.deep.equal([2]);
    });

    it('"nonce too high" in a batch (Hardhat takes a batch out of order) ends the pump: the refused and the held back are signed again with their nonces, and sent one by one', async () => {
      const queue = new AccountQueue();
      // The first batch holding nonces from 5 up: the node takes those below 5 and refuses the rest as too high.
      let metIn: number | undefined;
      const node = batchNode(5, (nonce, batch) => {
        if (nonce < 5 || (metIn !== undefined && metIn !== batch)) return { result: nonce };
        metIn = batch;
        return { error: new Error(`Nonce too high. Expected nonce to be 5 but got ${nonce}`) };
      });
      const account = pumpAccount(0, node);
      const log = pumpLog();
      const nonces = await Promise.all(Array.from({ length: 40 }, () => queue.submit(account, keyJob(node, log, 1))));
      expect(nonces).to.deep.equal(Array.from({ length: 40 }, (_, i) => i));
      expect(metIn, "a batch met it").not.to.equal(undefined);
      expect(node.batches.length, "no batch after the one that met it").to.equal(metIn! + 1);
      const written = node.batches.flat();
      expect(written.slice(0, 5)).to.deep.equal([0, 1, 2, 3, 4]);
      expect(log.refused, "refused as too high").to.deep.equal(written.slice(5));
      expect(log.unsent, "signed, held back").to.deep.equal(Array.from({ length: 40 - written.length }, (_, i) => written.length + i));
      expect(log.single, "the rest one by one, in nonce order").to.deep.equal(Array.from({ length: 35 }, (_, i) => 5 + i));
      // From then on: one by one at this node (the next burst reads the node's count: 40).
      await Promise.all(Array.from({ length: 5 }, () => queue.submit(pumpAccount(40, node), keyJob(node, log))));
      expect(node.batches.length).to.equal(metIn! + 1);
      expect(log.single.slice(-5)).to.deep.equal([40, 41, 42, 43, 44]);
    });

    it("a burst the node left unmined (the stall check reports a stall) ends the pump at that node: the next burst goes one by one", async () => {
      const queue = new AccountQueue();
      const node = batchNode(1);
      let stalled = true;
      const account = { ...pumpAccount(0, node), afterBurst: async () => stalled };
      const log = pumpLog();
      await Promise.all(Array.from({ length: 30 }, () => queue.submit(account, keyJob(node, log, 1))));
      const written = node.batches.length;
      expect(written).to.be.greaterThan(0);
      await new Promise((resolve) => setImmediate(resolve));
      stalled = false;
      await Promise.all(Array.from({ length: 30 }, () => queue.submit(pumpAccount(30, node), keyJob(node, log, 1))));
      expect(node.batches.length, "no batch after the stall").to.equal(written);
      expect(log.single).to.deep.equal(Array.from({ length: 30 }, (_, i) => 30 + i));
    });

    it("a batch whose request fails before it was written (connection refused) stops the pump: nothing more is written, the rest fail as not sent", async () => {
      const queue = new AccountQueue();
      const node = batchNode(5);
      const account = pumpAccount(0, node);
      const log = pumpLog();
      const refusedConnection = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" });
      node.fail = refusedConnection;
      const settled = await Promise.allSettled(Array.from({ length: 60 }, () => queue.submit(account, keyJob(node, log, 1))));
      expect(settled.every((r) => r.status === "rejected")).to.equal(true);
      expect(node.batches.length, "one batch written, none after it").to.equal(1);
      const first = node.batches[0].length;
      expect(settled.slice(0, first).map((r) => (r as PromiseRejectedResult).reason)).to.deep.equal(Array(first).fill(refusedConnection));
      for (const r of settled.slice(first)) expect(String((r as PromiseRejectedResult).reason.message)).to.match(/^not sent: /);
      expect(log.unsent, "the ones never written are journalled unsent").to.deep.equal(
        Array.from({ length: 60 - first }, (_, i) => first + i),
      );
      // Nothing was taken: the next burst starts from the node's count again.
      node.fail = undefined;
      expect(await queue.submit(account, keyJob(node, log))).to.equal(0);
    });
  });
});
