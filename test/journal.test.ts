import { expect } from "chai";
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Wallet } from "ethers";
import { projectRoot, startAnvil, type LocalNode } from "../scripts/lib/localNode";
import { checkJournal, connect, contractAt, rebroadcast, recordDeployment, resolveDeployment } from "../src";
import { addressBookPath } from "../src/registry/addressBook";
import { readJournal } from "../src/tx/journal";
import { CallDemo__factory } from "../typechain-types";
import { rejection } from "./fixtures/assertions";
import { anvil, DEV_ACCOUNT, DEV_PRIVATE_KEY, isolateState, parseDocument, rpc, runCli, showCli as show, tempDir } from "./fixtures/nodes";

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
    const [a, b] = await Promise.all([connect({ rpcUrl: anvil().rpcUrl, journal: false }), connect({ rpcUrl: second().rpcUrl, journal: false })]);
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
    appendFileSync(journal, `${JSON.stringify({ v: 1, hash: `0x${"ab".repeat(32)}`, chainId: "31337", from: DEV_ACCOUNT, nonce: 0, to: null, raw: "0x02", time: new Date().toISOString() })}\n`);

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
    expect(r.stderr).to.contain(`ignored 2 entries from another node (genesis ${(await genesisOf(anvil())).slice(0, 10)}…; 1 recorded without a node identity)`);
    expect(await rpc(second().rpcUrl, "eth_getTransactionCount", [DEV_ACCOUNT, "pending"]), "nothing re-broadcast on the other node").to.equal(before);

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
    for (const [node, address] of [[anvil(), a.address], [second(), b.address]] as const) {
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
