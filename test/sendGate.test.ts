import { expect } from "chai";
import { SendGate } from "../src/tx/sendGate";

// The send pump's batches and the same provider's gas estimates never overlap (Anvil stalls a burst when an
// eth_estimateGas runs beside a batch of transactions: see src/tx/sendGate.ts). Scripted work stands in for requests.

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("SendGate: estimates and batches never overlap", () => {
  it("runs estimates together, batches alone, and never one beside the other", async () => {
    const gate = new SendGate();
    let estimates = 0;
    let batches = 0;
    let overlaps = 0;
    let maxEstimates = 0;
    const estimate = () =>
      gate.estimate(async () => {
        estimates++;
        maxEstimates = Math.max(maxEstimates, estimates);
        if (batches > 0) overlaps++;
        await sleep(Math.random() * 4);
        estimates--;
      });
    const batch = () =>
      gate.write(async () => {
        batches++;
        if (batches > 1 || estimates > 0) overlaps++;
        await sleep(Math.random() * 4);
        batches--;
      });
    const work: Promise<void>[] = [];
    for (let i = 0; i < 200; i++) {
      work.push(i % 3 === 0 ? batch() : estimate());
      if (i % 10 === 0) await sleep(1);
    }
    await Promise.all(work);
    expect(overlaps, "an estimate beside a batch, or two batches at once").to.equal(0);
    expect(maxEstimates, "estimates ran together").to.be.greaterThan(1);
  });

  it("a waiting batch goes before estimates asked after it: a stream of estimates cannot hold it back", async () => {
    const gate = new SendGate();
    const order: string[] = [];
    const first = gate.estimate(async () => {
      await sleep(20);
      order.push("estimate 1");
    });
    const written = gate.write(async () => {
      order.push("batch");
    });
    const later = gate.estimate(async () => {
      order.push("estimate 2");
    });
    await Promise.all([first, written, later]);
    expect(order).to.deep.equal(["estimate 1", "batch", "estimate 2"]);
  });

  it("a failing estimate or batch releases the gate", async () => {
    const gate = new SendGate();
    await gate.estimate(async () => Promise.reject(new Error("reverted"))).catch(() => undefined);
    await gate.write(async () => Promise.reject(new Error("reset"))).catch(() => undefined);
    expect(await gate.write(async () => "written")).to.equal("written");
    expect(await gate.estimate(async () => 21_000n)).to.equal(21_000n);
  });
});
