import { expect } from "chai";
import { Interface, type TransactionReceipt } from "ethers";
import { type Client, getLogs } from "../src";
import { decodeLogs } from "../src/abi/decodeLogs";
import { Emitter__factory } from "../typechain-types";
import { anvil, DEV_ACCOUNT, devClient, isolateState } from "./fixtures/nodes";

// Issue 13 item 5: one log decoder. A receipt's events (decodeLogs, printed by send and receipt) and
// getLogs/watchLogs (createLogDecoder) decode with the same matching: by topic 0, same-topic events told
// apart by their number of topics, the first ABI that decodes a log winning.

/** Same name and types as Emitter's Ping, so the same topic 0, but `from` is not indexed: one topic fewer. */
const RIVAL = new Interface(["event Ping(uint256 indexed id, address from, string note)"]);
const EMITTER = new Interface(Emitter__factory.abi);

describe("one log decoder: receipts and getLogs decode alike (Anvil)", function () {
  this.timeout(60_000);
  isolateState(anvil, "suite");
  let client: Client;
  let address: string;
  let receipt: TransactionReceipt;

  before(async () => {
    client = await devClient(anvil());
    const emitter = await new Emitter__factory(client.signer).deploy();
    await emitter.waitForDeployment();
    address = await emitter.getAddress();
    const mined = await (await emitter.pingMany(2, "hi")).wait();
    if (!mined) throw new Error("no receipt");
    receipt = mined;
  });
  after(async () => {
    await client?.close();
  });

  it("decodeLogs skips a same-topic event whose indexing does not fit, and decodes with the ABI that does", () => {
    expect(RIVAL.getEvent("Ping")!.topicHash).to.equal(EMITTER.getEvent("Ping")!.topicHash);
    const events = decodeLogs(receipt.logs, [RIVAL, EMITTER]);
    expect(events.map((e) => e.name)).to.deep.equal(["Ping", "Ping", "Batch"]);
    expect(events[0]!.signature).to.equal("Ping(uint256,address,string)");
    expect(events[0]!.args).to.deep.equal({ id: "0", from: DEV_ACCOUNT, note: "hi" });
    expect(events[1]!.args).to.deep.equal({ id: "1", from: DEV_ACCOUNT, note: "hi" });
    expect(events[2]!.args).to.deep.equal({ firstId: "0", count: "2" });
    expect(events.map((e) => e.logIndex)).to.deep.equal(receipt.logs.map((l) => l.index));
  });

  it("a log no ABI knows keeps its topics and data, with no name and no arguments", () => {
    const [unknown] = decodeLogs(receipt.logs.slice(0, 1), [RIVAL]);
    expect(unknown!.name).to.equal(undefined);
    expect(unknown!.args).to.deep.equal({});
    expect(unknown!.topics).to.deep.equal(receipt.logs[0]!.topics);
    expect(unknown!.data).to.equal(receipt.logs[0]!.data);
  });

  it("getLogs over the same block decodes the same events with the same arguments", async () => {
    const logs = await getLogs(client, { address, fromBlock: receipt.blockNumber, toBlock: receipt.blockNumber, abis: [RIVAL, EMITTER] });
    const events = decodeLogs(receipt.logs, [RIVAL, EMITTER]);
    expect(logs.map((l) => l.eventName)).to.deep.equal(events.map((e) => e.name));
    expect(logs.map((l) => l.signature)).to.deep.equal(events.map((e) => e.signature));
    expect(logs.map((l) => l.args?.toObject())).to.deep.equal([
      { id: 0n, from: DEV_ACCOUNT, note: "hi" },
      { id: 1n, from: DEV_ACCOUNT, note: "hi" },
      { firstId: 0n, count: 2n },
    ]);
  });
});
