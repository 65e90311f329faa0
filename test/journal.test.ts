import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { keccak256, Wallet } from "ethers";
import { type LocalNode, projectRoot, startAnvil } from "../scripts/lib/localNode";
import { checkJournal, connect, contractAt, rebroadcast, recordDeployment, resolveDeployment } from "../src";
import { addressBookPath } from "../src/registry/addressBook";
import { readJournal } from "../src/tx/journal";
import { CallDemo__factory } from "../typechain-types";
import { rejection } from "./fixtures/assertions";
import { Gateway } from "./fixtures/gateway";
import {
  anvil,
  DEV_ACCOUNT,
  DEV_PRIVATE_KEY,
  hardhat,
  isolateState,
  parseDocument,
  rpc,
  runCli,
  showCli as show,
  tempDir,
} from "./fixtures/nodes";

// Issue 11, items 1 and 2 (SPEC §7.14, §7.15): journal and address-book entries carry the node's identity
// (chain id + genesis hash on dev chains) and are never applied to another node; a send whose answer does not
// prove refusal is never journalled refused, and is resolved by asking the chain.

/** Account 1 of the dev mnemonic: funded on every Anvil, and a deployer other than account 0. */
const SECOND_KEY = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";

const ABI_DIR = join(projectRoot(), "abi");

async function genesisOf(node: LocalNode): Promise<string> {
  return ((await rpc(node.rpcUrl, "eth_getBlockByNumber", ["0x0", false])) as { hash: string }).hash.toLowerCase();
}

describe("node identity: two Anvils, both chain 31337, told apart", function () {
  this.timeout(120_000);
  const tmp = tempDir("identity");
  let other: LocalNode | undefined;
  isolateState(anvil, "suite");

  before(async () => {
    other = await startAnvil({ ipc: false });
  });
  after(async () => {
    await other?.stop();
  });
  const second = () => {
    if (!other) throw new Error("the second Anvil did not start");
    return other;
  };

  it("each client knows its node's genesis hash, and the two differ", async () => {
    const [a, b] = await Promise.all([
      connect({ rpcUrl: anvil().rpcUrl, journal: false }),
      connect({ rpcUrl: second().rpcUrl, journal: false }),
    ]);
    try {
      expect([a.chainId, b.chainId]).to.deep.equal([31337n, 31337n]);
      expect(a.genesis).to.equal(await genesisOf(anvil()));
      expect(b.genesis).to.equal(await genesisOf(second()));
      expect(a.genesis).not.to.equal(b.genesis);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it("journal entries of one node are ignored on the other, with a note; never re-broadcast there", async () => {
    const journal = join(tmp(), "journal.jsonl");
    const client = await connect({ rpcUrl: anvil().rpcUrl, signer: { privateKey: DEV_PRIVATE_KEY }, journal, timeoutMs: 20_000 });
    let hash: string;
    try {
      const tx = await client.signer!.sendTransaction({ to: Wallet.createRandom().address, value: 1n });
      await client.wait(tx);
      hash = tx.hash;
      const [entry] = readJournal(journal);
      expect([entry.chainId, entry.genesis]).to.deep.equal(["31337", client.genesis]);
      expect(statSync(journal).mode & 0o077).to.equal(0);
    } finally {
      await client.close();
    }
    // An entry from before identities were recorded: "unknown node" on a dev chain.
    appendFileSync(
      journal,
      `${JSON.stringify({ v: 1, hash: `0x${"ab".repeat(32)}`, chainId: "31337", from: DEV_ACCOUNT, nonce: 0, to: null, raw: "0x02", time: new Date().toISOString() })}\n`,
    );

    const here = await connect({ rpcUrl: anvil().rpcUrl, journal: false });
    const there = await connect({ rpcUrl: second().rpcUrl, journal: false });
    try {
      const own = await checkJournal(here, journal);
      expect(own.map((r) => [r.entry.hash, r.status])).to.deep.equal([[hash, "confirmed"]]);
      expect([own.ignored.count, own.ignored.unknown]).to.deep.equal([1, 1]);

      const foreign = await checkJournal(there, journal);
      expect(foreign).to.have.length(0);
      expect(foreign.ignored).to.deep.equal({ count: 2, genesis: [here.genesis], unknown: 1 });
      const err = await rejection(rebroadcast(there, readJournal(journal)[0]));
      expect(err.code).to.equal("INVALID_ARGUMENT");
      expect(err.message).to.contain("another node");
    } finally {
      await Promise.all([here.close(), there.close()]);
    }

    const before = await rpc(second().rpcUrl, "eth_getTransactionCount", [DEV_ACCOUNT, "pending"]);
    const r = await runCli(["journal", "--journal", journal, "-r", second().rpcUrl, "--rebroadcast", "--json"]);
    expect(r.code, show(r)).to.equal(0);
    const doc = parseDocument(r);
    expect(doc.transactions).to.deep.equal([]);
    expect(doc.ignored.count).to.equal(2);
    expect(r.stderr).to.contain(
      `ignored 2 entries from another node (genesis ${(await genesisOf(anvil())).slice(0, 10)}…; 1 recorded without a node identity)`,
    );
    expect(
      await rpc(second().rpcUrl, "eth_getTransactionCount", [DEV_ACCOUNT, "pending"]),
      "nothing re-broadcast on the other node",
    ).to.equal(before);

    const human = await runCli(["journal", "--journal", journal, "-r", anvil().rpcUrl]);
    expect(human.code, show(human)).to.equal(0);
    expect(human.stdout).to.match(new RegExp(`${hash}\\s+nonce \\d+\\s+confirmed`));
    expect(human.stderr).to.contain("ignored 1 entry from another node (1 recorded without a node identity)");
  });

  it("a deploy on one node does not replace the other's address-book entry; each resolves its own; the other's is refused with a note", async () => {
    const book = join(tmp(), "book");
    const at = (node: LocalNode) => ["-r", node.rpcUrl, "--deployments", book, "--abi-dir", ABI_DIR, "--json"];
    const first = await runCli(["deploy", "CallDemo", ...at(anvil())], { env: { ETH_PRIVATE_KEY: DEV_PRIVATE_KEY } });
    expect(first.code, show(first)).to.equal(0);
    const second_ = await runCli(["deploy", "CallDemo", ...at(second())], { env: { ETH_PRIVATE_KEY: SECOND_KEY } });
    expect(second_.code, show(second_)).to.equal(0);
    const [a, b] = [parseDocument(first), parseDocument(second_)];
    expect(a.address).not.to.equal(b.address);
    expect([a.genesis, b.genesis]).to.deep.equal([await genesisOf(anvil()), await genesisOf(second())]);

    // One file per dev node, each entry with chain id and genesis.
    const files = readdirSync(book).sort();
    expect(files).to.deep.equal([`31337-${a.genesis.slice(2, 10)}.json`, `31337-${b.genesis.slice(2, 10)}.json`].sort());
    const entryA = JSON.parse(readFileSync(addressBookPath(book, { chainId: 31337n, genesis: a.genesis }), "utf8")).CallDemo;
    expect([entryA.address, entryA.chainId, entryA.genesis]).to.deep.equal([a.address, "31337", a.genesis]);
    expect(existsSync(join(book, "31337.json"))).to.equal(false);

    // Each node's `CallDemo` is its own deployment.
    for (const [node, address] of [
      [anvil(), a.address],
      [second(), b.address],
    ] as const) {
      const r = await runCli(["call", "CallDemo", "getYear", ...at(node), "-v"]);
      expect(r.code, show(r)).to.equal(0);
      const client = await connect({ rpcUrl: node.rpcUrl, journal: false });
      try {
        expect(resolveDeployment(book, client, "CallDemo").address).to.equal(address);
        expect(await contractAt(client, CallDemo__factory, { deployments: book }).getAddress()).to.equal(address);
      } finally {
        await client.close();
      }
    }

    // A book holding only the first node's entry: on the second node, CallDemo is another node's.
    const onlyFirst = join(tmp(), "only-first");
    const client = await connect({ rpcUrl: anvil().rpcUrl, journal: false });
    const elsewhere = await connect({ rpcUrl: second().rpcUrl, journal: false });
    try {
      recordDeployment(onlyFirst, client, "CallDemo", { address: a.address });
      const err = await rejection(Promise.resolve().then(() => contractAt(elsewhere, CallDemo__factory, { deployments: onlyFirst })));
      expect(err.code).to.equal("NOT_FOUND");
      expect(err.message).to.contain(`CallDemo is recorded for another node (genesis ${a.genesis.slice(0, 10)}…)`);
      expect(err.message).to.contain("deploy it here or give CallDemo@0xaddress");
    } finally {
      await Promise.all([client.close(), elsewhere.close()]);
    }
    const refused = await runCli(["call", "CallDemo", "getYear", "-r", second().rpcUrl, "--deployments", onlyFirst, "--abi-dir", ABI_DIR]);
    expect(refused.code, show(refused)).to.equal(2);
    expect(refused.stderr).to.contain("CallDemo is recorded for another node");
    // Name@0xaddress still works there.
    const explicit = await runCli(["call", `CallDemo@${b.address}`, "getYear", "-r", second().rpcUrl, "--abi-dir", ABI_DIR]);
    expect(explicit.stdout, show(explicit)).to.equal("2020\n");

    // An old book (31337.json, no genesis): an unknown node's, ignored with a note.
    const old = join(tmp(), "old");
    mkdirSync(old);
    writeFileSync(join(old, "31337.json"), JSON.stringify({ CallDemo: { address: a.address } }));
    const unknown = await runCli(["call", "CallDemo", "getYear", "-r", anvil().rpcUrl, "--deployments", old, "--abi-dir", ABI_DIR]);
    expect(unknown.code, show(unknown)).to.equal(2);
    expect(unknown.stderr).to.contain("CallDemo is recorded for an unknown node");
  });
});

/** Every line of a journal file, parsed. */
function journalLines(path: string): Record<string, unknown>[] {
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** Fails when the journal holds two transactions for one nonce of which the first is not proven gone. */
function expectOnePerNonce(path: string): void {
  const entries = readJournal(path);
  const live = new Map<string, string>();
  for (const e of entries) {
    const key = `${e.from}|${e.nonce}`;
    const earlier = live.get(key);
    expect(earlier, `nonce ${e.nonce}: ${earlier} and ${e.hash}`).to.equal(undefined);
    if (e.outcome !== "unsent" && e.outcome !== "gone" && !e.refused) live.set(key, e.hash);
  }
}

describe("send outcomes: an answer that proves no refusal is never journalled refused", function () {
  this.timeout(120_000);
  const tmp = tempDir("outcomes");
  let gateway: Gateway | undefined;
  isolateState(anvil, "each");

  before(async () => {
    gateway = await Gateway.start(anvil().rpcUrl);
  });
  after(async () => {
    await gateway?.close();
  });
  afterEach(async () => {
    if (!gateway) return;
    gateway.mode = "forward";
    if (!gateway.listening) await gateway.listen();
  });

  for (const mode of ["502-after-forward", "32603-after-forward"] as const) {
    it(`${mode === "502-after-forward" ? "HTTP 502" : "JSON-RPC -32603"} after the node took it: the send resolves, the journal says unknown then sent, \`chaincall journal\` says confirmed`, async () => {
      const journal = join(tmp(), `${mode}.jsonl`);
      const client = await connect({ rpcUrl: gateway!.url, signer: { privateKey: DEV_PRIVATE_KEY }, journal, timeoutMs: 10_000 });
      const recipient = Wallet.createRandom().address;
      let hash: string;
      try {
        gateway!.mode = mode;
        const tx = await client.signer!.sendTransaction({ to: recipient, value: 777n });
        gateway!.mode = "forward";
        expect(gateway!.sent).to.include(mode);
        hash = tx.hash;
        const receipt = await client.wait(tx, { timeoutMs: 20_000 });
        expect(receipt.status).to.equal(1);
        expect(await client.provider.getBalance(recipient)).to.equal(777n);
        // The next send takes the next nonce: the unknown one was not given away.
        const next = await client.signer!.sendTransaction({ to: recipient, value: 1n });
        expect(next.nonce).to.equal(tx.nonce + 1);
        await client.wait(next, { timeoutMs: 20_000 });
      } finally {
        await client.close();
      }
      const lines = journalLines(journal);
      expect(lines.filter((l) => l.hash === hash).map((l) => l.outcome ?? l.refused ?? "entry")).to.deep.equal([
        "entry",
        "unknown",
        "sent",
      ]);
      expect(
        lines.some((l) => "refused" in l),
        "never refused",
      ).to.equal(false);
      expectOnePerNonce(journal);
      const r = await runCli(["journal", "--journal", journal, "-r", anvil().rpcUrl, "--json"]);
      expect(r.code, show(r)).to.equal(0);
      expect(parseDocument(r).transactions.map((t: { hash: string; status: string }) => [t.hash, t.status])[0]).to.deep.equal([
        hash,
        "confirmed",
      ]);
    });
  }

  it("`chaincall send` through a gateway answering 502 after forwarding: exit 0, status success, journal never refused", async () => {
    const journal = join(tmp(), "cli-502.jsonl");
    const recipient = Wallet.createRandom().address;
    gateway!.mode = "502-after-forward";
    const r = await runCli(["send", recipient, "ping()", "-r", gateway!.url, "--json"], {
      env: { ETH_PRIVATE_KEY: DEV_PRIVATE_KEY, CHAINCALL_JOURNAL: journal },
    });
    gateway!.mode = "forward";
    expect(r.code, show(r)).to.equal(0);
    const doc = parseDocument(r);
    expect(doc.status).to.equal("success");
    expect(journalLines(journal).map((l) => l.outcome ?? l.refused ?? "entry")).to.deep.equal(["entry", "unknown", "sent"]);
    expect(((await rpc(anvil().rpcUrl, "eth_getTransactionReceipt", [doc.hash])) as { status: string }).status).to.equal("0x1");
  });

  it("no answer at all after forwarding (the request times out): the send asks the chain and resolves, never refused", async () => {
    const journal = join(tmp(), "timeout.jsonl");
    const client = await connect({ rpcUrl: gateway!.url, signer: { privateKey: DEV_PRIVATE_KEY }, journal, timeoutMs: 2_000 });
    try {
      gateway!.mode = "hang-after-forward";
      const tx = await client.signer!.sendTransaction({ to: Wallet.createRandom().address, value: 3n, gasLimit: 21_000n });
      gateway!.mode = "forward";
      expect((await client.wait(tx, { timeoutMs: 20_000 })).status).to.equal(1);
      expect(journalLines(journal).map((l) => l.outcome ?? l.refused ?? "entry")).to.deep.equal(["entry", "unknown", "sent"]);
      expect(journalLines(journal)[1].code).to.equal("TIMEOUT");
    } finally {
      await client.close();
    }
  });

  it("HTTP 502 after forwarding, then the gateway goes down: the outcome stays unknown, the nonce reserved until the chain is asked", async () => {
    const journal = join(tmp(), "down.jsonl");
    const client = await connect({ rpcUrl: gateway!.url, signer: { privateKey: DEV_PRIVATE_KEY }, journal, timeoutMs: 10_000 });
    const recipient = Wallet.createRandom().address;
    try {
      gateway!.mode = "502-then-down";
      const err = await rejection(client.signer!.sendTransaction({ to: recipient, value: 9n, gasLimit: 21_000n }));
      expect([err.code, err.name]).to.deep.equal(["RPC_ERROR", "UnknownOutcomeError"]);
      expect(err.message).to.match(/outcome of transaction 0x[0-9a-f]{64} \(nonce \d+\) is unknown/);
      const [entry] = readJournal(journal);
      expect(entry.outcome).to.equal("unknown");
      // While the chain cannot be asked, no other transaction is signed for that nonce.
      const blocked = await rejection(client.signer!.sendTransaction({ to: recipient, value: 1n, gasLimit: 21_000n }));
      expect(blocked.message).to.contain(`nonce ${entry.nonce} is taken by transaction ${entry.hash}`);
      expect(readJournal(journal)).to.have.length(1);

      gateway!.mode = "forward";
      await gateway!.listen();
      const next = await client.signer!.sendTransaction({ to: recipient, value: 1n, gasLimit: 21_000n });
      expect(next.nonce, "the unknown one was there: its nonce stays used").to.equal(entry.nonce + 1);
      await client.wait(next, { timeoutMs: 20_000 });
      expect(readJournal(journal).map((e) => [e.nonce, e.outcome])).to.deep.equal([
        [entry.nonce, "sent"],
        [entry.nonce + 1, undefined],
      ]);
    } finally {
      await client.close();
    }
    expectOnePerNonce(journal);
    expect(await rpc(anvil().rpcUrl, "eth_getBalance", [recipient, "latest"])).to.equal("0xa");
  });

  it("an unknown outcome left by an earlier run keeps its nonce until the chain is asked: there → next nonce; not there → reused", async () => {
    const journal = join(tmp(), "earlier-run.jsonl");
    const wallet = Wallet.createRandom();
    await rpc(anvil().rpcUrl, "hardhat_setBalance", [wallet.address, "0xde0b6b3a7640000"]);
    const genesis = await genesisOf(anvil());
    const to = Wallet.createRandom().address;
    const signAt = (nonce: number, value: bigint) =>
      wallet.signTransaction({
        chainId: 31337n,
        nonce,
        to,
        value,
        gasLimit: 21_000n,
        maxFeePerGas: 10n ** 11n,
        maxPriorityFeePerGas: 1n,
        type: 2,
      });
    const journalUnknown = (raw: string, nonce: number) => {
      const hash = keccak256(raw);
      appendFileSync(
        journal,
        `${JSON.stringify({ v: 1, hash, chainId: "31337", genesis, from: wallet.address, nonce, to, raw, time: new Date().toISOString() })}\n`,
        { mode: 0o600 },
      );
      appendFileSync(journal, `${JSON.stringify({ v: 1, hash, outcome: "unknown", code: "RPC_ERROR", time: new Date().toISOString() })}\n`);
      return hash;
    };
    // Nonce 0 reached the node (an earlier run's 502); nonce 1 was signed but never got there.
    const delivered = await signAt(0, 1n);
    await rpc(anvil().rpcUrl, "eth_sendRawTransaction", [delivered]);
    const first = journalUnknown(delivered, 0);
    const lost = journalUnknown(await signAt(1, 2n), 1);

    const client = await connect({ rpcUrl: anvil().rpcUrl, signer: { privateKey: wallet.privateKey }, journal, timeoutMs: 10_000 });
    try {
      const tx = await client.signer!.sendTransaction({ to, value: 4n, gasLimit: 21_000n });
      expect(tx.nonce, "nonce 0 is used (it was there); nonce 1 is free (provably not there)").to.equal(1);
      await client.wait(tx, { timeoutMs: 20_000 });
    } finally {
      await client.close();
    }
    expect(
      readJournal(journal).map((e) => [e.hash === first ? "first" : e.hash === lost ? "lost" : "new", e.nonce, e.outcome]),
    ).to.deep.equal([
      ["first", 0, "sent"],
      ["lost", 1, "gone"],
      ["new", 1, undefined],
    ]);
    expectOnePerNonce(journal);
    expect(await rpc(anvil().rpcUrl, "eth_getBalance", [to, "latest"])).to.equal("0x5");
  });

  it("a journal line saying refused (from an older version) is still looked up: a mined one is confirmed", async () => {
    const journal = join(tmp(), "old-refused.jsonl");
    const client = await connect({ rpcUrl: anvil().rpcUrl, signer: { privateKey: DEV_PRIVATE_KEY }, journal, timeoutMs: 10_000 });
    try {
      const tx = await client.signer!.sendTransaction({ to: Wallet.createRandom().address, value: 1n });
      await client.wait(tx);
      appendFileSync(journal, `${JSON.stringify({ v: 1, hash: tx.hash, refused: "RPC_ERROR", time: new Date().toISOString() })}\n`);
      expect((await checkJournal(client, journal)).map((r) => r.status)).to.deep.equal(["confirmed"]);
    } finally {
      await client.close();
    }
  });

  it("a broadcast refused at connect (closed port) is journalled unsent; the next send reuses its nonce; rebroadcast skips it", async () => {
    const journal = join(tmp(), "unsent.jsonl");
    const client = await connect({ rpcUrl: gateway!.url, signer: { privateKey: DEV_PRIVATE_KEY }, journal, timeoutMs: 10_000 });
    const recipient = Wallet.createRandom().address;
    let second: { hash: string; nonce: number };
    try {
      gateway!.mode = "refuse-after-nonce";
      const err = await rejection(client.signer!.sendTransaction({ to: recipient, value: 5n, gasLimit: 21_000n }));
      expect(err.code).to.equal("RPC_ERROR");
      gateway!.mode = "forward";
      await gateway!.listen();
      const tx = await client.signer!.sendTransaction({ to: recipient, value: 6n, gasLimit: 21_000n });
      await client.wait(tx, { timeoutMs: 20_000 });
      second = { hash: tx.hash, nonce: tx.nonce };
    } finally {
      await client.close();
    }
    const entries = readJournal(journal);
    expect(entries).to.have.length(2);
    expect(entries.map((e) => e.nonce)).to.deep.equal([second.nonce, second.nonce]);
    expect(entries.map((e) => e.outcome)).to.deep.equal(["unsent", undefined]);
    expect(journalLines(journal).some((l) => "refused" in l)).to.equal(false);
    expectOnePerNonce(journal);
    expect(await rpc(anvil().rpcUrl, "eth_getBalance", [recipient, "latest"])).to.equal("0x6");

    const before = await rpc(anvil().rpcUrl, "eth_getTransactionCount", [DEV_ACCOUNT, "pending"]);
    const r = await runCli(["journal", "--journal", journal, "-r", anvil().rpcUrl, "--rebroadcast", "--json"]);
    expect(r.code, show(r)).to.equal(0);
    expect(parseDocument(r).transactions.map((t: { status: string }) => t.status)).to.deep.equal(["unsent", "confirmed"]);
    expect(await rpc(anvil().rpcUrl, "eth_getTransactionCount", [DEV_ACCOUNT, "pending"])).to.equal(before);
  });
});

describe("journal --rebroadcast: one transaction per nonce, in nonce order, one at a time; the mainnet guard", function () {
  this.timeout(120_000);
  const tmp = tempDir("rebroadcast");
  isolateState(hardhat, "each");

  it("on Hardhat (queued nonces refused while automining): every dropped nonce mined, in order, the older duplicate skipped", async () => {
    const wallet = Wallet.createRandom();
    await rpc(hardhat().rpcUrl, "hardhat_setBalance", [wallet.address, "0xde0b6b3a7640000"]);
    const genesis = await genesisOf(hardhat());
    const recipient = Wallet.createRandom().address;
    const sign = (nonce: number, value: bigint) =>
      wallet.signTransaction({
        chainId: 31337n,
        nonce,
        to: recipient,
        value,
        gasLimit: 21_000n,
        maxFeePerGas: 10n ** 11n,
        maxPriorityFeePerGas: 1n,
        type: 2,
      });
    const journal = join(tmp(), "dropped.jsonl");
    const line = async (nonce: number, value: bigint) => {
      const raw = await sign(nonce, value);
      return {
        v: 1,
        hash: keccak256(raw),
        chainId: "31337",
        genesis,
        from: wallet.address,
        nonce,
        to: recipient,
        raw,
        time: new Date().toISOString(),
      };
    };
    // Journalled out of order, with two different transactions for nonce 1 (an older journal's flaw).
    const entries = [await line(2, 3n), await line(1, 100n), await line(0, 1n), await line(1, 2n), await line(3, 4n)];
    writeFileSync(journal, `${entries.map((e) => JSON.stringify(e)).join("\n")}\n`, { mode: 0o600 });

    const r = await runCli(["journal", "--journal", journal, "-r", hardhat().rpcUrl, "--rebroadcast", "--json"]);
    expect(r.code, show(r)).to.equal(0);
    const statuses = parseDocument(r).transactions.map((t: { hash: string; status: string }) => [t.hash, t.status]);
    expect(statuses).to.deep.equal([
      [entries[0].hash, "rebroadcast"],
      [entries[1].hash, "skipped"],
      [entries[2].hash, "rebroadcast"],
      [entries[3].hash, "rebroadcast"],
      [entries[4].hash, "rebroadcast"],
    ]);
    // Mined one by one in nonce order; the later nonce-1 transaction is the one that was sent.
    const blocks = await Promise.all(
      [entries[2], entries[3], entries[0], entries[4]].map(async (e) =>
        Number(((await rpc(hardhat().rpcUrl, "eth_getTransactionReceipt", [e.hash])) as { blockNumber: string }).blockNumber),
      ),
    );
    expect(blocks).to.deep.equal([...blocks].sort((a, b) => a - b));
    expect(await rpc(hardhat().rpcUrl, "eth_getTransactionReceipt", [entries[1].hash])).to.equal(null);
    expect(await rpc(hardhat().rpcUrl, "eth_getBalance", [recipient, "latest"])).to.equal(`0x${(1n + 2n + 3n + 4n).toString(16)}`);

    const after = await runCli(["journal", "--journal", journal, "-r", hardhat().rpcUrl, "--json"]);
    expect(parseDocument(after).transactions.map((t: { status: string }) => t.status)).to.deep.equal([
      "confirmed",
      "superseded",
      "confirmed",
      "confirmed",
      "confirmed",
    ]);
  });

  it("on chain id 1 with no terminal and no --yes, nothing is re-broadcast; with --yes it is", async () => {
    const node = await startAnvil({ ipc: false, args: ["--chain-id", "1"] });
    try {
      const journal = join(tmp(), "mainnet.jsonl");
      const wallet = new Wallet(DEV_PRIVATE_KEY);
      const raw = await wallet.signTransaction({
        chainId: 1n,
        nonce: 0,
        to: wallet.address,
        value: 0n,
        gasLimit: 21_000n,
        maxFeePerGas: 10n ** 11n,
        maxPriorityFeePerGas: 1n,
        type: 2,
      });
      writeFileSync(
        journal,
        `${JSON.stringify({ v: 1, hash: keccak256(raw), chainId: "1", from: wallet.address, nonce: 0, to: wallet.address, raw, time: new Date().toISOString() })}\n`,
        { mode: 0o600 },
      );
      const refused = await runCli(["journal", "--journal", journal, "-r", node.rpcUrl, "--rebroadcast"]);
      expect(refused.code, show(refused)).to.equal(2);
      expect(refused.stderr).to.match(/refusing to broadcast .* on Ethereum mainnet/);
      expect(await rpc(node.rpcUrl, "eth_getTransactionCount", [DEV_ACCOUNT, "pending"])).to.equal("0x0");
      const agreed = await runCli(["journal", "--journal", journal, "-r", node.rpcUrl, "--rebroadcast", "--yes", "--json"]);
      expect(agreed.code, show(agreed)).to.equal(0);
      expect(parseDocument(agreed).transactions[0].status).to.equal("rebroadcast");
      expect(await rpc(node.rpcUrl, "eth_getTransactionCount", [DEV_ACCOUNT, "pending"])).to.equal("0x1");
    } finally {
      await node.stop();
    }
  });
});

describe("journal lines are read in order: the same transaction journalled again is a new attempt", () => {
  const hash = `0x${"ab".repeat(32)}`;
  const entry = (nonce: number) =>
    JSON.stringify({ v: 1, hash, chainId: "31337", from: DEV_ACCOUNT, nonce, to: null, raw: "0x02", time: "t" });
  let folder: string;
  before(() => {
    folder = mkdtempSync(join(tmpdir(), "chaincall-journal-order-"));
  });
  after(() => rmSync(folder, { recursive: true, force: true }));

  it("a refusal or an unsent outcome holds for the attempt before it, not for the same bytes signed again after it", () => {
    // The send pump at Hardhat: refused as "nonce too high" in a batch, or held back, then signed again for
    // the same nonce: the same bytes, the same hash.
    const path = join(folder, "again.jsonl");
    writeFileSync(
      path,
      [
        entry(3),
        JSON.stringify({ v: 1, hash, refused: "NONCE_ERROR", time: "t" }),
        entry(3),
        JSON.stringify({ v: 1, hash: `0x${"cd".repeat(32)}`, outcome: "unsent", code: "RPC_ERROR", time: "t" }),
        "",
      ].join("\n"),
    );
    const entries = readJournal(path);
    expect(entries.map((e) => [e.hash, e.nonce, e.refused, e.outcome])).to.deep.equal([[hash, 3, undefined, undefined]]);

    appendFileSync(path, `${JSON.stringify({ v: 1, hash, outcome: "unsent", code: "RPC_ERROR", time: "t" })}\n${entry(3)}\n`);
    expect(readJournal(path).map((e) => [e.nonce, e.refused, e.outcome])).to.deep.equal([[3, undefined, undefined]]);

    // Still: a line about an attempt holds for it, and a line written before its entry (a node-signed send) too.
    appendFileSync(path, `${JSON.stringify({ v: 1, hash, refused: "INSUFFICIENT_FUNDS", time: "t" })}\n`);
    expect(readJournal(path).map((e) => e.refused)).to.deep.equal(["INSUFFICIENT_FUNDS"]);
    const early = join(folder, "early.jsonl");
    writeFileSync(early, `${JSON.stringify({ v: 1, hash, outcome: "unknown", code: "TIMEOUT", time: "t" })}\n${entry(4)}\n`);
    expect(readJournal(early).map((e) => [e.nonce, e.outcome])).to.deep.equal([[4, "unknown"]]);
  });
});
