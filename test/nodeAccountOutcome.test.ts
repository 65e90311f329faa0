import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "chai";
import { Wallet } from "ethers";
import { type Client, connect, UnknownOutcomeError } from "../src";
import { readJournal } from "../src/tx/journal";
import { rejection } from "./fixtures/assertions";
import { Gateway } from "./fixtures/gateway";
import { anvil, DEV_ACCOUNT, hardhat, isolateState, parseDocument, rpc, runCli, showCli, tempDir } from "./fixtures/nodes";

// Issue 11, item 1, for node-managed accounts (signer { from }, eth_sendTransaction): an answer that proves no
// refusal is an unknown outcome, as for raw sends. The node signed, so the hash is unknown: the chain is asked
// by the account's nonce. Never reported (or journalled) as refused.

/** Every line of a journal file, as `entry` or the outcome/refusal it records. */
function history(path: string): string[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as { outcome?: string; refused?: string })
    .map((l) => l.outcome ?? (l.refused ? `refused:${l.refused}` : "entry"));
}

async function balanceOf(address: string): Promise<bigint> {
  return BigInt((await rpc(hardhat().rpcUrl, "eth_getBalance", [address, "latest"])) as string);
}

describe("node-managed sends on Anvil without automining: a 502 after forwarding finds the transaction in the pending block", function () {
  this.timeout(60_000);
  const tmp = tempDir("node-account-pool");
  let gateway: Gateway | undefined;
  isolateState(anvil, "each");

  before(async () => {
    gateway = await Gateway.start(anvil().rpcUrl);
  });
  after(async () => {
    await rpc(anvil().rpcUrl, "evm_setAutomine", [true]);
    await gateway?.close();
  });

  it("resolves with the pending transaction; it is mined once, with the next block", async () => {
    const journal = join(tmp(), "pool.jsonl");
    const client = await connect({ rpcUrl: gateway!.url, signer: { from: DEV_ACCOUNT }, journal, timeoutMs: 10_000 });
    const recipient = Wallet.createRandom().address;
    try {
      await rpc(anvil().rpcUrl, "evm_setAutomine", [false]);
      gateway!.mode = "502-after-forward";
      const tx = await client.signer!.sendTransaction({ to: recipient, value: 8n, gasLimit: 21_000n });
      gateway!.mode = "forward";
      expect(await rpc(anvil().rpcUrl, "eth_getTransactionReceipt", [tx.hash]), "still pending").to.equal(null);
      expect(history(journal)).to.deep.equal(["entry", "unknown", "sent"]);
      await rpc(anvil().rpcUrl, "evm_mine", []);
      expect((await client.wait(tx, { timeoutMs: 10_000 })).status).to.equal(1);
      expect(BigInt((await rpc(anvil().rpcUrl, "eth_getBalance", [recipient, "latest"])) as string)).to.equal(8n);
    } finally {
      gateway!.mode = "forward";
      await rpc(anvil().rpcUrl, "evm_setAutomine", [true]);
      await client.close();
    }
  });
});

describe("node-managed sends (eth_sendTransaction): an answer that proves nothing is an unknown outcome, settled by nonce", function () {
  this.timeout(60_000);
  const tmp = tempDir("node-account");
  let gateway: Gateway | undefined;
  const clients: Client[] = [];
  isolateState(hardhat, "each");

  before(async () => {
    gateway = await Gateway.start(hardhat().rpcUrl);
  });
  after(async () => {
    await gateway?.close();
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    if (!gateway) return;
    gateway.mode = "forward";
    gateway.beforeFault = undefined;
    if (!gateway.listening) await gateway.listen();
  });
  const open = async (journal: string) => {
    const client = await connect({ rpcUrl: gateway!.url, signer: { from: DEV_ACCOUNT }, journal, timeoutMs: 10_000 });
    clients.push(client);
    return client;
  };

  for (const mode of ["502-after-forward", "32603-after-forward"] as const) {
    it(`${mode === "502-after-forward" ? "HTTP 502" : "JSON-RPC -32603"} after Hardhat took it: the send resolves with the transaction found by nonce; journal entry, unknown, sent`, async () => {
      const journal = join(tmp(), `${mode}.jsonl`);
      const client = await open(journal);
      const recipient = Wallet.createRandom().address;
      gateway!.mode = mode;
      const tx = await client.signer!.sendTransaction({ to: recipient, value: 777n });
      gateway!.mode = "forward";
      expect(gateway!.sent).to.include(mode);
      expect([tx.from, tx.to, tx.value]).to.deep.equal([DEV_ACCOUNT, recipient, 777n]);
      expect((await client.wait(tx, { timeoutMs: 10_000 })).status).to.equal(1);
      expect(await balanceOf(recipient), "executed once").to.equal(777n);
      const next = await client.signer!.sendTransaction({ to: recipient, value: 1n });
      expect(next.nonce, "its nonce stays used").to.equal(tx.nonce + 1);
      await client.wait(next, { timeoutMs: 10_000 });
      expect(history(journal)).to.deep.equal(["entry", "unknown", "sent", "entry"]);
      expect(readJournal(journal).map((e) => [e.hash, e.nonce, e.outcome])).to.deep.equal([
        [tx.hash, tx.nonce, "sent"],
        [next.hash, next.nonce, undefined],
      ]);
    });
  }

  it("HTTP 502 without forwarding: the chain has nothing at that nonce, so the send fails (not refused, nothing journalled) and the next send takes the nonce", async () => {
    const journal = join(tmp(), "502-instead.jsonl");
    const client = await open(journal);
    const recipient = Wallet.createRandom().address;
    const before = Number(await rpc(hardhat().rpcUrl, "eth_getTransactionCount", [DEV_ACCOUNT, "pending"]));
    gateway!.mode = "502-instead";
    const err = await rejection(client.signer!.sendTransaction({ to: recipient, value: 5n }));
    gateway!.mode = "forward";
    expect(err).not.to.be.instanceOf(UnknownOutcomeError);
    expect(err.code).to.equal("RPC_ERROR");
    const tx = await client.signer!.sendTransaction({ to: recipient, value: 6n });
    expect(tx.nonce).to.equal(before);
    await client.wait(tx, { timeoutMs: 10_000 });
    expect(history(journal)).to.deep.equal(["entry"]);
    expect(await balanceOf(recipient)).to.equal(6n);
  });

  it("HTTP 502 without forwarding while another client takes that nonce: that transaction is not taken for this send, which goes again with the next nonce", async () => {
    const journal = join(tmp(), "taken.jsonl");
    const client = await open(journal);
    const recipient = Wallet.createRandom().address;
    const nonce = Number(await rpc(hardhat().rpcUrl, "eth_getTransactionCount", [DEV_ACCOUNT, "pending"]));
    let other: string | undefined;
    // Once: the send that follows (the signer's retry after NONCE_ERROR) goes through.
    gateway!.beforeFault = async () => {
      gateway!.mode = "forward";
      other = (await rpc(hardhat().rpcUrl, "eth_sendTransaction", [
        { from: DEV_ACCOUNT, to: DEV_ACCOUNT, value: "0x0", nonce: `0x${nonce.toString(16)}` },
      ])) as string;
    };
    gateway!.mode = "502-instead";
    const tx = await client.signer!.sendTransaction({ to: recipient, value: 5n, gasLimit: 21_000n });
    expect(gateway!.sent).to.include("502-instead");
    expect(other).to.match(/^0x[0-9a-f]{64}$/);
    expect(tx.hash).not.to.equal(other);
    expect(tx.nonce).to.equal(nonce + 1);
    await client.wait(tx, { timeoutMs: 10_000 });
    expect(readJournal(journal).map((e) => [e.hash, e.nonce])).to.deep.equal([[tx.hash, nonce + 1]]);
    expect(await balanceOf(recipient), "executed once").to.equal(5n);
  });

  it("HTTP 502 after forwarding, then the gateway goes down: UnknownOutcomeError naming the nonce; no other send takes it; settled by nonce once the node answers", async () => {
    const journal = join(tmp(), "down.jsonl");
    const client = await open(journal);
    const recipient = Wallet.createRandom().address;
    gateway!.mode = "502-then-down";
    const err = await rejection(client.signer!.sendTransaction({ to: recipient, value: 9n }));
    expect(err).to.be.instanceOf(UnknownOutcomeError);
    const unknown = err as UnknownOutcomeError;
    expect([unknown.code, unknown.hash]).to.deep.equal(["RPC_ERROR", undefined]);
    expect(unknown.message).to.match(/outcome of the transaction the node signed \(nonce \d+\) is unknown/);
    expect(history(journal), "no hash known yet: nothing journalled").to.deep.equal([]);

    // Fixed gas and fees: the send gets as far as the nonce queue without asking the node.
    const blocked = await rejection(
      client.signer!.sendTransaction({ to: recipient, value: 1n, gasLimit: 21_000n, maxFeePerGas: 10n ** 11n, maxPriorityFeePerGas: 1n }),
    );
    expect(blocked.message).to.contain(`nonce ${unknown.nonce} is taken by a transaction the node signed`);

    gateway!.mode = "forward";
    await gateway!.listen();
    expect(await unknown.settle(), "it is there").to.equal(true);
    const next = await client.signer!.sendTransaction({ to: recipient, value: 1n });
    expect(next.nonce).to.equal(unknown.nonce + 1);
    await client.wait(next, { timeoutMs: 10_000 });
    expect(readJournal(journal).map((e) => [e.nonce, e.outcome])).to.deep.equal([
      [unknown.nonce, "sent"],
      [unknown.nonce + 1, undefined],
    ]);
    expect(await balanceOf(recipient), "executed once").to.equal(10n);
  });

  it("no answer at all after forwarding (the request times out): the chain is asked by nonce and the send resolves", async () => {
    const journal = join(tmp(), "timeout.jsonl");
    const client = await connect({ rpcUrl: gateway!.url, signer: { from: DEV_ACCOUNT }, journal, timeoutMs: 2_000 });
    clients.push(client);
    const recipient = Wallet.createRandom().address;
    gateway!.mode = "hang-after-forward";
    const tx = await client.signer!.sendTransaction({ to: recipient, value: 4n, gasLimit: 21_000n });
    gateway!.mode = "forward";
    expect((await client.wait(tx, { timeoutMs: 10_000 })).status).to.equal(1);
    expect(history(journal)).to.deep.equal(["entry", "unknown", "sent"]);
    expect(readFileSync(journal, "utf8")).to.contain('"code":"TIMEOUT"');
    expect(await balanceOf(recipient)).to.equal(4n);
  });

  it("`chaincall send --from` through a gateway answering 502 after forwarding: exit 0, status success, journal never refused", async () => {
    const journal = join(tmp(), "cli.jsonl");
    const recipient = Wallet.createRandom().address;
    gateway!.mode = "502-after-forward";
    const r = await runCli(["send", recipient, "ping()", "--from", DEV_ACCOUNT, "-r", gateway!.url, "--json"], {
      env: { CHAINCALL_JOURNAL: journal },
    });
    gateway!.mode = "forward";
    expect(r.code, showCli(r)).to.equal(0);
    const doc = parseDocument(r);
    expect(doc.status).to.equal("success");
    expect(history(journal)).to.deep.equal(["entry", "unknown", "sent"]);
    expect(readJournal(journal)[0].hash).to.equal(doc.hash);
    const mined = (await rpc(hardhat().rpcUrl, "eth_getTransactionByHash", [doc.hash])) as { from: string; to: string };
    expect([mined.from.toLowerCase(), mined.to.toLowerCase()]).to.deep.equal([DEV_ACCOUNT.toLowerCase(), recipient.toLowerCase()]);
  });
});
