import { expect } from "chai";
import { Transaction } from "ethers";
import { type Client, connect } from "../src";
import type { RpcOutcome, RpcRequest } from "../src/client/createProvider";
import { classifyBroadcastFailure } from "../src/tx/classifyBroadcastFailure";
import { NO_PROGRESS_MS, poolSafeBatches } from "../src/tx/poolSafeBatches";
import { anvil, DEV_ACCOUNT, hardhat, isolateState, rpc } from "./fixtures/nodes";

// The send pump's batches at Anvil (tx/poolSafeBatches.ts): all but the lowest nonce first, then, once every
// nonce below the batch is mined, the lowest alone, so Anvil's pool cannot file one as waiting for a
// predecessor already mined. A stand-in node pins the rules; real Anvil and Hardhat nodes show what a burst's
// writes look like there.

const RECIPIENT = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
// A dev account of its own (the 9th of the dev mnemonic): its nonce queue is this file's alone, whatever
// earlier tests in the process did to the dev account's (a stall they staged turns its pump off).
const OWN_KEY = "0xdbda1821b80551c9d65939329250298aa3472ba22feea921c0cf5d620ea67b97";
const OWN_ACCOUNT = "0x23618e81E3f5cdF7f54C3d65f7FBc0aBf5B21E8f";

/** A stand-in node: says it is `version`, automines when `automine`, and its mined count follows `counts` (the last repeats). */
function standIn(version: string, automine: boolean, counts: number[]) {
  // What the node was asked and written, in order: method names, and "write <raw>,<raw>" for each write.
  const log: string[] = [];
  let polls = 0;
  const count = () => `0x${counts[Math.min(polls++, counts.length - 1)].toString(16)}`;
  const answer = (method: string): unknown => {
    log.push(method);
    if (method === "web3_clientVersion") return version;
    if (method === "anvil_getAutomine") return automine;
    if (method === "eth_getTransactionCount") return count();
    throw new Error(`unexpected ${method}`);
  };
  const provider = {
    sendNow: async (method: string) => answer(method),
    sendInOrder: async (requests: readonly RpcRequest[]) => requests.map(({ method }): RpcOutcome => ({ result: answer(method) })),
  };
  const write = async (requests: readonly RpcRequest[]): Promise<RpcOutcome[]> => {
    log.push(`write ${requests.map((r) => String(r.params[0])).join(",")}`);
    return requests.map((r) => ({ result: `hash of ${r.params[0]}` }));
  };
  const writes = () => log.filter((entry) => entry.startsWith("write "));
  return { log, writes, writer: poolSafeBatches(provider as never, DEV_ACCOUNT, write) };
}

const sends = (...raws: string[]): RpcRequest[] => raws.map((raw) => ({ method: "eth_sendRawTransaction", params: [raw] }));

describe("pool-safe batches: the send pump's batches at Anvil", function () {
  this.timeout(30_000);
  it("Anvil, automining: all but the lowest nonce first; the lowest alone once every nonce below the batch is mined; answers lowest first", async () => {
    const node = standIn("anvil/v1.7.1", true, [3, 4, 5, 6, 9]);
    const outcomes = await node.writer(sends("0xa", "0xb", "0xc"), 6);
    expect(outcomes).to.deep.equal([{ result: "hash of 0xa" }, { result: "hash of 0xb" }, { result: "hash of 0xc" }]);
    const counts = Array(4).fill("eth_getTransactionCount");
    expect(node.log).to.deep.equal(["web3_clientVersion", "write 0xb,0xc", "anvil_getAutomine", ...counts, "write 0xa"]);
    // A batch of one: the wait, then the write; the node's name is asked once per provider.
    await node.writer(sends("0xd"), 9);
    expect(node.log.slice(8)).to.deep.equal(["anvil_getAutomine", "eth_getTransactionCount", "write 0xd"]);
  });

  it("does not wait when the node does not automine, nor (beyond NO_PROGRESS_MS) for a count that does not move, nor again while it stays there", async () => {
    const off = standIn("anvil/v1.7.1", false, [0]);
    await off.writer(sends("0xa", "0xb"), 5);
    expect(off.writes()).to.deep.equal(["write 0xb", "write 0xa"]);
    expect(off.log.filter((m) => m === "eth_getTransactionCount")).to.have.length(1);

    const stuck = standIn("anvil/v1.7.1", true, [2]);
    const started = performance.now();
    await stuck.writer(sends("0xa", "0xb"), 5);
    const waited = performance.now() - started;
    expect(waited).to.be.within(NO_PROGRESS_MS - 5, NO_PROGRESS_MS + 1_000);
    expect(stuck.writes()).to.deep.equal(["write 0xb", "write 0xa"]);
    const again = performance.now();
    await stuck.writer(sends("0xc"), 7);
    expect(performance.now() - again).to.be.below(200);
  });

  it("the node gone between the two steps: the lowest, which the others wait for, counts as of unknown outcome (not unsent)", async () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" });
    expect(classifyBroadcastFailure(refused)).to.equal("unsent");
    const provider = {
      sendNow: async (method: string) => (method === "web3_clientVersion" ? "anvil/v1.7.1" : "0x5"),
      sendInOrder: async (requests: readonly RpcRequest[]) => requests.map((): RpcOutcome => ({ result: true })),
    };
    const gone = (accepted: boolean) =>
      poolSafeBatches(provider as never, DEV_ACCOUNT, async (requests) => {
        if (requests[0].params[0] === "0xa") throw refused;
        return requests.map((): RpcOutcome => (accepted ? { result: "0xhash" } : { error: refused }));
      });
    const [lowest, other] = await gone(true)(sends("0xa", "0xb"), 5);
    expect(other).to.deep.equal({ result: "0xhash" });
    expect("error" in lowest && classifyBroadcastFailure(lowest.error)).to.equal("unknown");
    expect("error" in lowest && lowest.error.message).to.match(/nonce 5 .*unknown/);
    // None of the others taken: the lowest is as unsent as they are.
    const [alone] = await gone(false)(sends("0xa", "0xb"), 5);
    expect("error" in alone && classifyBroadcastFailure(alone.error)).to.equal("unsent");
  });

  it("other nodes get the batch as it is, unasked", async () => {
    for (const version of ["HardhatNetwork/2.26.3/@nomicfoundation/edr/0.12.0", "Ganache/v7.9.2/EthereumJS TestRPC/v7.9.2/ethereum-js"]) {
      const node = standIn(version, true, [0]);
      await node.writer(sends("0xa", "0xb"), 5);
      expect(node.log).to.deep.equal(["web3_clientVersion", "write 0xa,0xb"]);
    }
  });

  describe("on real nodes", function () {
    this.timeout(60_000);
    let client: Client | undefined;
    afterEach(async () => {
      await client?.close();
      client = undefined;
    });

    /** The pump's batches of a burst of `count` sends: each batch's nonces as written, and the mined count just before. */
    async function burstBatches(rpcUrl: string, count: number) {
      const batches: { nonces: number[]; minedBefore: number }[] = [];
      const provider = client!.provider;
      const inOrder = provider.sendInOrder.bind(provider);
      provider.sendInOrder = async (requests) => {
        if (requests[0]?.method === "eth_sendRawTransaction") {
          const minedBefore = Number(await rpc(rpcUrl, "eth_getTransactionCount", [OWN_ACCOUNT, "latest"]));
          batches.push({ nonces: requests.map((r) => Transaction.from(String(r.params[0])).nonce), minedBefore });
        }
        return inOrder(requests);
      };
      const sent = await Promise.all(
        Array.from({ length: count }, () => client!.signer!.sendTransaction({ to: RECIPIENT, value: 1n, gasLimit: 21_000n })),
      );
      const receipts = await Promise.all(sent.map((tx) => client!.wait(tx)));
      expect(receipts.map((r) => r.status)).to.deep.equal(sent.map(() => 1));
      return { batches, nonces: sent.map((tx) => tx.nonce) };
    }

    describe("Anvil", () => {
      isolateState(anvil);
      it("a burst's writes: each batch but its lowest nonce, then the lowest alone once everything below it was mined; every send mined", async () => {
        client = await connect({ rpcUrl: anvil().rpcUrl, signer: { privateKey: OWN_KEY }, timeoutMs: 20_000 });
        const { batches, nonces } = await burstBatches(anvil().rpcUrl, 150);
        expect(batches.filter((b) => b.nonces.length > 1).length, "pumped in batches").to.be.greaterThan(1);
        for (const [k, { nonces: batch, minedBefore }] of batches.entries()) {
          const next = batches[k + 1]?.nonces;
          if (next?.length === 1 && next[0] === batch[0] - 1) {
            // A batch but its lowest nonce, which follows alone.
            expect(batch, "consecutive").to.deep.equal(batch.map((_, i) => batch[0] + i));
            continue;
          }
          expect(batch, "a batch's lowest nonce, alone").to.have.length(1);
          expect(minedBefore, `mined below ${batch[0]} before it was written`).to.be.at.least(batch[0]);
        }
        expect(batches.flatMap((b) => b.nonces).sort((a, b) => a - b)).to.deep.equal([...nonces].sort((a, b) => a - b));
      });
    });

    describe("Hardhat", () => {
      isolateState(hardhat);
      it("batches as signed (lowest nonce first), and every send mined", async () => {
        client = await connect({ rpcUrl: hardhat().rpcUrl, signer: { privateKey: OWN_KEY }, timeoutMs: 20_000 });
        const { batches } = await burstBatches(hardhat().rpcUrl, 40);
        expect(batches.length, "pumped").to.be.at.least(1);
        for (const { nonces: batch } of batches) expect(batch).to.deep.equal([...batch].sort((a, b) => a - b));
      });
    });
  });
});
