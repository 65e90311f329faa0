import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "chai";
import { EventLog } from "ethers";
import { type Client, connect, sendTransaction } from "../src";
import { assertSendAllowed, guardedChainName } from "../src/tx/assertSendAllowed";
import { estimateFees } from "../src/tx/estimateFees";
import { readJournal } from "../src/tx/journal";
import { resolveFees } from "../src/tx/resolveFees";
import { rejection } from "./fixtures/assertions";
import {
  anvil,
  DEV_ACCOUNT,
  DEV_PRIVATE_KEY,
  deployCallDemo,
  expectErrorLine,
  hardhat,
  isolateState,
  parseDocument,
  rpc,
  runCli,
  tempDir,
} from "./fixtures/nodes";

// The send pipeline's SDK pieces (issue 13): journalling opt-in with its own error code, fee resolution,
// the mainnet guard, and responses whose wait() is the bounded one.

const RECIPIENT = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";

describe("the journal in the SDK: opt-in, and JOURNAL_ERROR when it cannot be written", function () {
  this.timeout(60_000);
  isolateState(hardhat, "each");
  const tmp = tempDir("tx-journal");
  let client: Client | undefined;
  let savedJournal: string | undefined;

  beforeEach(() => {
    savedJournal = process.env.CHAINCALL_JOURNAL;
  });
  afterEach(async () => {
    process.env.CHAINCALL_JOURNAL = savedJournal;
    await client?.close();
    client = undefined;
  });

  const pendingCount = () => client!.provider.getTransactionCount(DEV_ACCOUNT, "pending");

  /** Connects with `signer` and `journal`, sends, and expects JOURNAL_ERROR with nothing sent; returns the error and the unchanged count. */
  const failedSend = async (signer: { privateKey: string } | { from: string }, journal: string) => {
    client = await connect({ rpcUrl: hardhat().rpcUrl, signer, journal });
    const before = await pendingCount();
    const err = await rejection(sendTransaction(client, { to: RECIPIENT, value: 1n }));
    expect(err.code).to.equal("JOURNAL_ERROR");
    expect(await pendingCount()).to.equal(before);
    return { err, before };
  };

  it("connect() without journal writes no journal, not even to CHAINCALL_JOURNAL's file", async () => {
    const defaultFile = join(tmp(), "default.jsonl");
    process.env.CHAINCALL_JOURNAL = defaultFile;
    client = await connect({ rpcUrl: hardhat().rpcUrl, signer: { privateKey: DEV_PRIVATE_KEY } });
    expect(client.journal).to.equal(null);
    const tx = await sendTransaction(client, { to: RECIPIENT, value: 1n });
    expect((await client.wait(tx)).status).to.equal(1);
    expect(existsSync(defaultFile)).to.equal(false);
  });

  it("journal: true journals to the default file (CHAINCALL_JOURNAL), as the CLI does", async () => {
    const defaultFile = join(tmp(), "opted-in.jsonl");
    process.env.CHAINCALL_JOURNAL = defaultFile;
    client = await connect({ rpcUrl: hardhat().rpcUrl, signer: { privateKey: DEV_PRIVATE_KEY }, journal: true });
    expect(client.journal).to.equal(defaultFile);
    const tx = await sendTransaction(client, { to: RECIPIENT, value: 1n });
    await client.wait(tx);
    expect(readJournal(defaultFile).map((e) => e.hash)).to.deep.equal([tx.hash]);
  });

  it("a journal path that is a folder fails the send with JOURNAL_ERROR before anything is broadcast", async () => {
    const folder = join(tmp(), "a-folder.jsonl");
    mkdirSync(folder);
    const { err, before } = await failedSend({ privateKey: DEV_PRIVATE_KEY }, folder);
    expect(err.shortMessage).to.contain(folder).and.to.contain("EISDIR");
    // Nothing reached the node (its count is unchanged), and the next send (journal off) takes that nonce.
    const other = await connect({ rpcUrl: hardhat().rpcUrl, signer: { privateKey: DEV_PRIVATE_KEY }, journal: false });
    try {
      const tx = await sendTransaction(other, { to: RECIPIENT, value: 1n });
      expect(tx.nonce).to.equal(before);
    } finally {
      await other.close();
    }
  });

  it("a node-managed account's send (journalled once the node answered) fails with JOURNAL_ERROR before it is sent too", async () => {
    const folder = join(tmp(), "node-account-folder.jsonl");
    mkdirSync(folder);
    await failedSend({ from: DEV_ACCOUNT }, folder);
  });

  it("a journal in a folder that cannot be created fails with JOURNAL_ERROR too (a file where its folder should be)", async () => {
    // Root ignores read-only permissions, so the folder is made impossible instead: its parent is a file.
    const blocker = join(tmp(), "blocker");
    writeFileSync(blocker, "");
    const { err } = await failedSend({ privateKey: DEV_PRIVATE_KEY }, join(blocker, "journal.jsonl"));
    // Node says EEXIST (mkdir -p over a file) or ENOTDIR, depending on the platform.
    expect(err.shortMessage).to.match(/cannot write the journal .*: (EEXIST|ENOTDIR)$/);
  });
});

describe("the CLI journals by default, and a journal it cannot write is JOURNAL_ERROR (exit 1)", function () {
  this.timeout(60_000);
  isolateState(hardhat, "each");
  const tmp = tempDir("tx-journal-cli");

  it("send with CHAINCALL_JOURNAL and no --journal writes the entry there", async () => {
    const journal = join(tmp(), "cli.jsonl");
    const r = await runCli(["send", RECIPIENT, "ping()", "-r", hardhat().rpcUrl, "--json"], {
      env: { ETH_PRIVATE_KEY: DEV_PRIVATE_KEY, CHAINCALL_JOURNAL: journal },
    });
    expect(r.code, r.stderr).to.equal(0);
    expect(readJournal(journal).map((e) => e.hash)).to.deep.equal([JSON.parse(r.stdout).hash]);
  });

  it("send --journal with a name the file system refuses: exit 1, one JOURNAL_ERROR line, nothing sent", async () => {
    // The CLI refuses a folder (or a path through a file) itself, as bad input; a name longer than the file
    // system allows passes that check and fails only when written (root ignores read-only folders).
    const journal = join(tmp(), `${"j".repeat(300)}.jsonl`);
    const before = await rpc(hardhat().rpcUrl, "eth_getTransactionCount", [DEV_ACCOUNT, "pending"]);
    const r = await runCli(["send", RECIPIENT, "ping()", "-r", hardhat().rpcUrl, "--journal", journal, "--json"], {
      env: { ETH_PRIVATE_KEY: DEV_PRIVATE_KEY },
    });
    expect(expectErrorLine(r, 1)).to.match(/^cannot write the journal .*: ENAMETOOLONG$/);
    expect(parseDocument(r).error.code).to.equal("JOURNAL_ERROR");
    expect(await rpc(hardhat().rpcUrl, "eth_getTransactionCount", [DEV_ACCOUNT, "pending"])).to.equal(before);
  });
});

describe("resolveFees: the caller's fees, the node's suggestion for the rest", function () {
  this.timeout(60_000);
  let client: Client;
  before(async () => {
    client = await connect({ rpcUrl: anvil().rpcUrl });
  });
  after(() => client.close());

  it("uses both EIP-1559 fields as given, and a gas price as legacy", async () => {
    expect(await resolveFees(client, { maxFeePerGas: 7n, maxPriorityFeePerGas: 3n })).to.deep.equal({
      type: 2,
      maxFeePerGas: 7n,
      maxPriorityFeePerGas: 3n,
    });
    expect(await resolveFees(client, { gasPrice: 5n })).to.deep.equal({ type: 0, gasPrice: 5n });
  });

  it("type 0 without a price asks the node's gas price", async () => {
    const price = BigInt((await rpc(anvil().rpcUrl, "eth_gasPrice", [])) as string);
    expect(await resolveFees(client, { type: 0 })).to.deep.equal({ type: 0, gasPrice: price });
  });

  it("keeps a given tip on the suggested base, and lowers a tip above the given cap to it", async () => {
    const suggested = await estimateFees(client.provider, client.chainId);
    if (suggested.type !== 2) throw new Error("Anvil suggests EIP-1559 fees");
    const tip = suggested.maxPriorityFeePerGas + 5n;
    expect(await resolveFees(client, { maxPriorityFeePerGas: tip })).to.deep.equal({
      type: 2,
      maxFeePerGas: suggested.maxFeePerGas + 5n,
      maxPriorityFeePerGas: tip,
    });
    expect(await resolveFees(client, { maxFeePerGas: 10n, maxPriorityFeePerGas: undefined })).to.deep.equal({
      type: 2,
      maxFeePerGas: 10n,
      maxPriorityFeePerGas: 10n,
    });
    expect(await resolveFees(client)).to.deep.equal(suggested);
  });
});

describe("assertSendAllowed: the mainnet guard", () => {
  it("refuses chain 1 unless confirmed, naming the chain, with the given reason and hints", () => {
    expect(guardedChainName(1n)).to.equal("Ethereum mainnet");
    let caught: unknown;
    try {
      assertSendAllowed({ chainId: 1n }, { confirmed: false, count: 2, reason: "no terminal to ask on", hints: ["hint: pass --yes"] });
    } catch (err) {
      caught = err;
    }
    expect(caught).to.have.property("code", "INVALID_ARGUMENT");
    expect((caught as Error & { shortMessage: string }).shortMessage).to.equal(
      "refusing to broadcast 2 transactions on Ethereum mainnet (chain id 1) without confirmation: no terminal to ask on",
    );
    expect(caught).to.have.property("metaMessages").that.deep.equals(["hint: pass --yes"]);
  });

  it("lets confirmed sends, empty ones and other chains through", () => {
    expect(() => assertSendAllowed({ chainId: 1n }, { confirmed: true })).not.to.throw();
    expect(() => assertSendAllowed({ chainId: 1n }, { confirmed: false, count: 0 })).not.to.throw();
    expect(guardedChainName(31337n)).to.equal(undefined);
    expect(() => assertSendAllowed({ chainId: 31337n }, { confirmed: false })).not.to.throw();
  });
});

describe("a sent transaction's wait() is the bounded one", function () {
  this.timeout(60_000);
  isolateState(anvil, "each");
  let client: Client;
  beforeEach(async () => {
    client = await connect({ rpcUrl: anvil().rpcUrl, signer: { privateKey: DEV_PRIVATE_KEY }, journal: false });
  });
  afterEach(async () => {
    await rpc(anvil().rpcUrl, "evm_setAutomine", [true]);
    await client.close();
  });

  it("wait(0) answers at once, wait(1, timeout) ends with TIMEOUT for a transaction never mined, and resolves once mined", async () => {
    await rpc(anvil().rpcUrl, "evm_setAutomine", [false]);
    const tx = await sendTransaction(client, { to: RECIPIENT, value: 1n });
    expect(await tx.wait(0)).to.equal(null);
    const started = Date.now();
    const err = await rejection(tx.wait(1, 300));
    expect(err.code).to.equal("TIMEOUT");
    expect(Date.now() - started).to.be.below(5_000);
    await rpc(anvil().rpcUrl, "evm_mine", []);
    expect((await tx.wait())?.status).to.equal(1);
  });

  it("so is a binding's (ethers' ContractTransactionResponse): bounded, and its receipt's logs still parsed", async () => {
    const { demo } = await deployCallDemo(client);
    await rpc(anvil().rpcUrl, "evm_setAutomine", [false]);
    const tx = await demo.setYear(2042);
    const err = await rejection(tx.wait(1, 300));
    expect(err.code).to.equal("TIMEOUT");
    await rpc(anvil().rpcUrl, "evm_mine", []);
    const receipt = await tx.wait();
    expect(receipt?.status).to.equal(1);
    const log = receipt!.logs[0];
    expect(log).to.be.instanceOf(EventLog);
    expect((log as EventLog).eventName).to.equal("YearChanged");
    expect((log as EventLog).args.current).to.equal(2042n);
  });
});
