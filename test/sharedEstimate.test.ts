import { expect } from "chai";
import type { Client } from "../src";
import { rejection } from "./fixtures/assertions";
import { anvil, deployCallDemo, devClient, isolateState } from "./fixtures/nodes";

// Gas-estimate sharing (tx/sharedEstimate.ts) on a real Anvil: identical calls in a burst are estimated once,
// different ones each, and a reverting estimate fails every send that shared it, as separate ones would.

/** Counts the client's estimateGas calls (each is one eth_estimateGas request). */
function countEstimates(client: Client): { count: number } {
  const counter = { count: 0 };
  const provider = client.provider;
  const original = provider.estimateGas.bind(provider);
  provider.estimateGas = (tx) => {
    counter.count++;
    return original(tx);
  };
  return counter;
}

describe("gas-estimate sharing in a burst", function () {
  this.timeout(60_000);
  isolateState(anvil);
  let client: Client | undefined;

  afterEach(async () => {
    await client?.close();
    client = undefined;
  });

  it("estimates a burst of identical calls once, and a burst of different calls once each; all are mined", async () => {
    client = await devClient(anvil());
    const { demo } = await deployCallDemo(client);
    const counter = countEstimates(client);
    const same = await Promise.all(Array.from({ length: 10 }, () => demo.setYear(2021)));
    expect(counter.count).to.equal(1);
    expect(new Set(same.map((tx) => tx.gasLimit)).size).to.equal(1);
    const different = await Promise.all(Array.from({ length: 10 }, (_, i) => demo.setYear(3000 + i)));
    expect(counter.count).to.equal(11);
    const receipts = await Promise.all([...same, ...different].map((tx) => tx.wait()));
    expect(receipts.map((r) => r?.status)).to.deep.equal(Array(20).fill(1));
    // Not kept once answered: the same call later is estimated afresh.
    await (await demo.setYear(2021)).wait();
    expect(counter.count).to.equal(12);
  });

  it("a reverting estimate fails every send that shared it, each with the error a separate estimate gives", async () => {
    client = await devClient(anvil());
    const { address } = await deployCallDemo(client);
    const alone = await rejection(client.signer!.sendTransaction({ to: address, data: "0xdeadbeef" }));
    const counter = countEstimates(client);
    const shared = await Promise.all(
      Array.from({ length: 3 }, () => rejection(client!.signer!.sendTransaction({ to: address, data: "0xdeadbeef" }))),
    );
    expect(counter.count).to.equal(1);
    for (const err of shared) {
      expect(err.code).to.equal(alone.code);
      expect(err.message).to.equal(alone.message);
    }
    expect(alone.code).to.equal("CALL_REVERTED");
  });
});
