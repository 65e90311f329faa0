import { expect } from "chai";
import { keccak256, Transaction, toQuantity, Wallet } from "ethers";
import { signDevTransfer } from "../scripts/lib/devTransfer";
import { type Client, waitForReceipt } from "../src";
import { STALL_MS, stallCheck } from "../src/tx/stallCheck";
import { anvil, DEV_ACCOUNT, DEV_PRIVATE_KEY, devClient, isolateState, rpc } from "./fixtures/nodes";

// The stall check after a burst (tx/stallCheck.ts), on a real Anvil whose mining the test stops: the way
// Anvil sometimes leaves a fast burst in its pool, unmined, made deterministic.

const RECIPIENT = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";

/** Records the client's own requests (method and first parameter) as the send pipeline makes them, alone or in ordered batches. */
function recordRequests(client: Client): { method: string; first: unknown; latest: boolean; at: number }[] {
  const log: { method: string; first: unknown; latest: boolean; at: number }[] = [];
  const provider = client.provider;
  const original = provider.sendNow.bind(provider);
  provider.sendNow = (method: string, params: unknown[]) => {
    log.push({ method, first: params[0], latest: params[1] === "latest", at: Date.now() });
    return original(method, params);
  };
  const inOrder = provider.sendInOrder.bind(provider);
  provider.sendInOrder = (requests) => {
    for (const { method, params } of requests) log.push({ method, first: params[0], latest: params[1] === "latest", at: Date.now() });
    return inOrder(requests);
  };
  return log;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function burst(client: Client, count: number) {
  return Promise.all(Array.from({ length: count }, () => client.signer!.sendTransaction({ to: RECIPIENT, value: 1n, gasLimit: 21_000n })));
}

describe("stall check after a burst (dev chains)", function () {
  this.timeout(60_000);
  isolateState(anvil);
  let client: Client | undefined;

  afterEach(async () => {
    await rpc(anvil().rpcUrl, "evm_setAutomine", [true]);
    await client?.close();
    client = undefined;
  });

  it("re-broadcasts, once and in nonce order, the burst's transactions a node leaves unmined, then stops watching", async () => {
    client = await devClient(anvil());
    await rpc(anvil().rpcUrl, "evm_setAutomine", [false]);
    const log = recordRequests(client);
    const sent = await burst(client, 5);
    // In nonce order (the pump writes a batch to Anvil highest nonce first).
    const raws = log
      .filter((r) => r.method === "eth_sendRawTransaction")
      .map((r) => String(r.first))
      .sort((a, b) => Transaction.from(a).nonce - Transaction.from(b).nonce);
    expect(raws).to.have.length(5);

    // Nothing is mined: within STALL_MS (plus polling slack) each is broadcast a second time, in nonce order.
    const deadline = Date.now() + STALL_MS + 3_000;
    while (log.filter((r) => r.method === "eth_sendRawTransaction").length < 10 && Date.now() < deadline) await sleep(100);
    const broadcasts = log.filter((r) => r.method === "eth_sendRawTransaction").map((r) => r.first);
    expect(broadcasts.slice(5), "the re-broadcasts").to.deep.equal(raws);
    const stalledAt = log.filter((r) => r.method === "eth_sendRawTransaction").at(-1)!.at;
    const firstPoll = log.find((r) => r.method === "eth_getTransactionCount" && r.latest)!.at;
    expect(stalledAt - firstPoll).to.be.at.least(STALL_MS - 50);

    // Bounded: once it re-broadcast, it neither polls nor re-broadcasts again. It asked whether the node
    // automines: mining is off here, so it left the node alone (no evm_mine).
    await sleep(300);
    const requests = log.length;
    await sleep(800);
    expect(log.slice(requests).map((r) => r.method)).to.deep.equal([]);
    const after = log.slice(log.findLastIndex((r) => r.method === "eth_sendRawTransaction") + 1).map((r) => r.method);
    expect(after).to.deep.equal(["anvil_getAutomine"]);

    // The node has them all still: mined by hand, each is there, in order.
    await rpc(anvil().rpcUrl, "evm_mine", []);
    const receipts = await Promise.all(sent.map((tx) => client!.provider.getTransactionReceipt(tx.hash)));
    expect(receipts.map((r) => r?.status)).to.deep.equal([1, 1, 1, 1, 1]);
    expect(sent.map((tx) => tx.from)).to.deep.equal(Array(5).fill(DEV_ACCOUNT));
  });

  it("does nothing but watch when the node mines: no re-broadcast, and the watch ends once all are mined", async () => {
    client = await devClient(anvil());
    const log = recordRequests(client);
    await burst(client, 20);
    await sleep(STALL_MS + 800);
    expect(log.filter((r) => r.method === "eth_sendRawTransaction")).to.have.length(20);
    const polls = log.filter((r) => r.method === "eth_getTransactionCount" && r.latest && r.first === DEV_ACCOUNT);
    expect(polls.length, "it looked").to.be.at.least(1);
    // It ended: nothing asked in the last stretch.
    expect(polls.at(-1)!.at).to.be.below(Date.now() - STALL_MS);
  });

  it("close() right after a burst still watches it: it returns once the check has re-broadcast the unmined ones (bounded), or at once when all are mined", async () => {
    client = await devClient(anvil());
    await rpc(anvil().rpcUrl, "evm_setAutomine", [false]);
    const log = recordRequests(client);
    const sent = await burst(client, 3);
    const started = Date.now();
    await client.close();
    const closeMs = Date.now() - started;
    expect(closeMs, "it waited for the stall check").to.be.within(STALL_MS - 100, 2 * STALL_MS + 1_500);
    expect(
      log.filter((r) => r.method === "eth_sendRawTransaction"),
      "sent, then re-broadcast before closing",
    ).to.have.length(6);
    client = undefined;
    await rpc(anvil().rpcUrl, "evm_mine", []);
    await rpc(anvil().rpcUrl, "evm_setAutomine", [true]);

    // Mined at once: close() does not wait.
    client = await devClient(anvil());
    await burst(client, 3);
    const quick = Date.now();
    await client.close();
    expect(Date.now() - quick, "nothing left unmined").to.be.below(STALL_MS / 2);
    client = undefined;
    const receipts = await Promise.all(sent.map((tx) => rpc(anvil().rpcUrl, "eth_getTransactionReceipt", [tx.hash])));
    expect(receipts.map((r) => (r as { status?: string } | null)?.status)).to.deep.equal(["0x1", "0x1", "0x1"]);
  });

  it("a chain that goes back (a snapshot reverted) is not sent its lost transactions again: the check stops watching", async () => {
    client = await devClient(anvil());
    const log = recordRequests(client);
    const snapshot = await rpc(anvil().rpcUrl, "evm_snapshot", []);
    const before = Number(await rpc(anvil().rpcUrl, "eth_getTransactionCount", [DEV_ACCOUNT, "latest"]));
    await client.wait((await burst(client, 1))[0]);
    await rpc(anvil().rpcUrl, "evm_setAutomine", [false]);
    await burst(client, 1); // unmined: the check watches it
    await sleep(300);
    await rpc(anvil().rpcUrl, "evm_revert", [snapshot]);
    await sleep(STALL_MS + 800);
    expect(
      log.filter((r) => r.method === "eth_sendRawTransaction"),
      "no re-broadcast",
    ).to.have.length(2);
    expect(Number(await rpc(anvil().rpcUrl, "eth_getTransactionCount", [DEV_ACCOUNT, "latest"]))).to.equal(before);
  });

  it("Anvil's stuck pool, made by hand (a transaction filed as waiting for a predecessor the chain already counts): taken out of the pool and sent again, it is mined", async () => {
    client = await devClient(anvil());
    const url = anvil().rpcUrl;
    // Nothing of the account's left in the pool by an earlier test (a revert keeps the pool as it was).
    await rpc(url, "anvil_removePoolTransactions", [DEV_ACCOUNT]);
    const nonce = Number(await rpc(url, "eth_getTransactionCount", [DEV_ACCOUNT, "latest"])) + 1;
    const raw = await signDevTransfer(new Wallet(DEV_PRIVATE_KEY), nonce);
    const hash = String(await rpc(url, "eth_sendRawTransaction", [raw]));
    // What Anvil's race leaves behind: the chain's count passes the predecessor without it ever entering the pool.
    await rpc(url, "anvil_setNonce", [DEV_ACCOUNT, toQuantity(nonce)]);
    await rpc(url, "evm_mine", []);
    expect(await rpc(url, "txpool_status", [])).to.deep.equal({ pending: "0x0", queued: "0x1" });

    const check = stallCheck(client.provider, DEV_ACCOUNT, 300);
    check.sent(nonce, raw, hash);
    expect(await check.afterBurst()).to.deep.equal({ minedCount: nonce, rebroadcast: [nonce], resent: true });
    // Sent again, it is mined (automining: within a moment, not necessarily before the heal returns).
    const receipt = await waitForReceipt(client, hash, { timeoutMs: 5_000, pollIntervalMs: 50 });
    expect(receipt.status).to.equal(1);
  });

  // Stand-in providers: the mined count never moves, the node says it automines; its pool holds `pooled`.
  function stuckNode(pooled: string[]) {
    const calls: string[] = [];
    const provider = {
      sendNow: async (method: string, params: unknown[]) => {
        calls.push(method === "eth_sendRawTransaction" ? `send ${params[0]}` : method);
        if (method === "eth_getTransactionCount") return "0x0";
        if (method === "anvil_getAutomine") return true;
        if (method === "txpool_content") {
          const queued = Object.fromEntries(pooled.map((hash, nonce) => [String(nonce), { hash, nonce: `0x${nonce.toString(16)}` }]));
          return { pending: {}, queued: { [DEV_ACCOUNT.toLowerCase()]: queued } };
        }
        if (method === "eth_sendRawTransaction") throw new Error("transaction already imported");
        return null;
      },
      sendInOrder: async (requests: { method: string; params: unknown[] }[]) => {
        calls.push(`batch ${requests.map((r) => (r.method === "eth_sendRawTransaction" ? `send ${r.params[0]}` : r.method)).join(", ")}`);
        return requests.map(() => ({ result: "0x" }));
      },
    };
    return { calls, provider: provider as never };
  }
  const RAWS = ["0x02aa", "0x02bb"];

  it("Anvil's stuck pool (the next nonce filed as queued): the account's transactions are taken out of the pool and sent again, the same bytes, the lowest last and alone", async () => {
    const node = stuckNode(RAWS.map((raw) => keccak256(raw)));
    const check = stallCheck(node.provider, DEV_ACCOUNT, 300);
    check.sent(0, RAWS[0], keccak256(RAWS[0]));
    check.sent(1, RAWS[1], keccak256(RAWS[1]));
    const stall = await check.afterBurst();
    expect(stall).to.deep.equal({ minedCount: 0, rebroadcast: [0, 1], resent: true });
    expect(node.calls.filter((m) => m !== "eth_getTransactionCount")).to.deep.equal([
      "send 0x02aa",
      "send 0x02bb",
      "anvil_getAutomine",
      "txpool_content",
      "anvil_removePoolTransactions",
      "batch send 0x02bb",
      "batch send 0x02aa",
    ]);
  });

  it("…but never when the pool holds a transaction of the account that is not one of the burst's (another sender's would be lost)", async () => {
    const node = stuckNode([keccak256(RAWS[0]), keccak256("0x02cc"), keccak256(RAWS[1])]);
    const check = stallCheck(node.provider, DEV_ACCOUNT, 300);
    check.sent(0, RAWS[0], keccak256(RAWS[0]));
    check.sent(1, RAWS[1], keccak256(RAWS[1]));
    expect(await check.afterBurst()).to.deep.equal({ minedCount: 0, rebroadcast: [0, 1], resent: false });
    expect(node.calls).not.to.include("anvil_removePoolTransactions");
  });
});
