import { expect } from "chai";
import { ChaincallError } from "../src/errors/ChaincallError";
import { AccountQueue, MAX_GROUP, type QueueAccount, type QueueJob } from "../src/tx/AccountQueue";
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
});
