import { mkdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "chai";
import { encryptKeystoreJson, JsonRpcProvider, keccak256, Transaction, Wallet } from "ethers";
import { type LocalNode, startAnvil } from "../scripts/lib/localNode";
import {
  ChaincallError,
  type Client,
  ContractRevertedError,
  checkJournal,
  connect,
  TransactionDroppedError,
  TransactionReplacedError,
} from "../src";
import { readJournal } from "../src/tx/journal";
import { type CallDemo, CallDemo__factory, Vault__factory } from "../typechain-types";
import { rejection } from "./fixtures/assertions";
import {
  anvil,
  DEV_ACCOUNT,
  DEV_PRIVATE_KEY,
  deployCallDemo,
  devClient,
  hardhat,
  isolateState,
  rpc,
  runCli,
  showCli as show,
  tempDir,
} from "./fixtures/nodes";
import { KEYSTORE_PASSWORD, WRONG_KEYSTORE_PASSWORD } from "./fixtures/secrets";

// Sending you can trust (issue 3, SPEC §3 and §7): nonces under concurrency, fees and gas, bounded waits
// that end in typed errors, the journal, keystores, and decoded reverts of mined transactions.

const NODES = [
  { name: "Hardhat", node: hardhat },
  { name: "Anvil", node: anvil },
];

/** The nonces of `txs`, sorted, must be exactly `first, first+1, …`. */
function expectConsecutive(txs: readonly { nonce: number }[], first: number): void {
  const nonces = txs.map((t) => t.nonce).sort((a, b) => a - b);
  expect(nonces).to.deep.equal(Array.from({ length: txs.length }, (_, i) => first + i));
}

/** Runs `work` with the node's automine off, and turns it back on whatever happens. */
async function withoutAutomine<T>(node: LocalNode, work: () => Promise<T>): Promise<T> {
  await rpc(node.rpcUrl, "evm_setAutomine", [false]);
  try {
    return await work();
  } finally {
    await rpc(node.rpcUrl, "evm_setAutomine", [true]);
  }
}

for (const { name, node } of NODES) {
  describe(`sending on ${name}`, function () {
    this.timeout(120_000);
    isolateState(node, "each");
    let client: Client;
    let demo: CallDemo;
    let address: string;

    beforeEach(async () => {
      client = await devClient(node());
      ({ demo, address } = await deployCallDemo(client));
    });
    afterEach(() => client.close());

    const pendingCount = () => client.provider.getTransactionCount(DEV_ACCOUNT, "pending");

    it("200 concurrent setYear sends through the TypeChain binding: all mined, nonces consecutive", async () => {
      const first = await pendingCount();
      const txs = await Promise.all(Array.from({ length: 200 }, (_, i) => demo.setYear(3000 + i)));
      expectConsecutive(txs, first);
      const receipts = await Promise.all(txs.map((tx) => client.wait(tx, { timeoutMs: 60_000 })));
      expect(receipts.every((r) => r.status === 1)).to.equal(true);
      expect(await client.provider.getTransactionCount(DEV_ACCOUNT, "latest")).to.equal(first + 200);
      // The last nonce's write is the one that stands.
      const last = txs.reduce((a, b) => (b.nonce > a.nonce ? b : a));
      expect(await demo.getYear()).to.equal(BigInt(3000 + txs.indexOf(last)));
    });

    it("a send refused at broadcast in the middle of a burst leaves no gap, and a second burst right after works", async () => {
      const first = await pendingCount();
      const startBlock = await client.provider.getBlockNumber();
      // Explicit gas and fees: no estimate, so all 100 reach the nonce queue in one tick and go out as one
      // group. Unaffordable fees pass every local check and are refused by the node, mid-group.
      const fees = { gasLimit: 100_000n, maxFeePerGas: 10n ** 10n, maxPriorityFeePerGas: 2n * 10n ** 9n };
      const unaffordable = { gasLimit: 100_000n, maxFeePerGas: 10n ** 24n, maxPriorityFeePerGas: 1n };
      const settled = await Promise.allSettled(
        Array.from({ length: 100 }, (_, i) => demo.setYear(4000 + i, i === 50 ? unaffordable : fees)),
      );
      const failed = settled.filter((s) => s.status === "rejected");
      expect(failed).to.have.length(1);
      const reason = (failed[0] as PromiseRejectedResult).reason;
      expect(reason).to.be.instanceOf(ChaincallError);
      expect((reason as ChaincallError).code).to.equal("INSUFFICIENT_FUNDS");
      const sent = settled
        .filter((s): s is PromiseFulfilledResult<Awaited<ReturnType<CallDemo["setYear"]>>> => s.status === "fulfilled")
        .map((s) => s.value);
      expect(sent).to.have.length(99);
      await Promise.all(sent.map((tx) => client.wait(tx, { timeoutMs: 30_000 })));

      // Refused before signing (gas limit below intrinsic gas), then the second burst.
      const refused = await rejection(demo.setYear(2, { gasLimit: 21_000n }));
      expect(refused.code).to.equal("INVALID_ARGUMENT");
      const second = await Promise.all(Array.from({ length: 100 }, (_, i) => demo.setYear(5000 + i)));
      await Promise.all(second.map((tx) => client.wait(tx, { timeoutMs: 60_000 })));

      // Every nonce from `first` on is used by a mined transaction: the 199 sends, plus the no-op (0 value to
      // itself) that fills the refused nonce where a node had accepted sends above it.
      const head = await client.provider.getBlockNumber();
      const mined: { nonce: number; hash: string; to: string | null; value: bigint; data: string }[] = [];
      for (let n = startBlock + 1; n <= head; n++) {
        const block = await client.provider.getBlock(n, true);
        for (const tx of block!.prefetchedTransactions) if (tx.from === DEV_ACCOUNT) mined.push(tx);
      }
      const ours = new Set([...sent, ...second].map((tx) => tx.hash));
      const fillers = mined.filter((tx) => !ours.has(tx.hash));
      // Anvil queues the sends above the refused nonce, so the gap gets its no-op; Hardhat refuses them
      // ("nonce too high" while automining), so they are simply signed again with the freed nonce.
      expect(fillers.length).to.equal(name === "Anvil" ? 1 : 0);
      for (const filler of fillers) expect([filler.to, filler.value, filler.data]).to.deep.equal([DEV_ACCOUNT, 0n, "0x"]);
      expectConsecutive(mined, first);
      expect(mined).to.have.length(199 + fillers.length);
      expect(await client.provider.getTransactionCount(DEV_ACCOUNT, "latest")).to.equal(first + 199 + fillers.length);
    });

    it("two clients of the same account in one process share its nonces", async () => {
      const other = await devClient(node());
      try {
        const first = await pendingCount();
        const otherDemo = CallDemo__factory.connect(address, other.runner);
        const txs = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? demo : otherDemo).setYear(6000 + i)));
        expectConsecutive(txs, first);
        await Promise.all(txs.map((tx) => client.wait(tx, { timeoutMs: 30_000 })));
      } finally {
        await other.close();
      }
    });

    it("concurrent sends from a node-managed account (eth_sendTransaction) get consecutive nonces", async () => {
      const managed = await connect({ rpcUrl: node().rpcUrl, signer: { from: DEV_ACCOUNT }, timeoutMs: 20_000 });
      try {
        const first = await pendingCount();
        const binding = CallDemo__factory.connect(address, managed.runner);
        const txs = await Promise.all(Array.from({ length: 30 }, (_, i) => binding.setYear(7000 + i)));
        expectConsecutive(txs, first);
        const receipts = await Promise.all(txs.map((tx) => managed.wait(tx, { timeoutMs: 30_000 })));
        expect(receipts.every((r) => r.status === 1)).to.equal(true);
      } finally {
        await managed.close();
      }
    });

    it("picks up nonces used elsewhere (another program with the same key) before the next burst", async () => {
      const outsider = new Wallet(DEV_PRIVATE_KEY, new JsonRpcProvider(node().rpcUrl, undefined, { staticNetwork: true }));
      try {
        await (await demo.setYear(1)).wait();
        await (await outsider.sendTransaction({ to: DEV_ACCOUNT, value: 1n })).wait();
        const txs = await Promise.all([demo.setYear(2), demo.setYear(3)]);
        await Promise.all(txs.map((tx) => client.wait(tx)));
        expect(await demo.getYear()).to.equal(3n);
      } finally {
        outsider.provider!.destroy();
      }
    });

    describe("fees and gas", () => {
      it("defaults to EIP-1559 with a non-zero priority fee and a max fee above the base fee", async () => {
        const tx = await demo.setYear(2030);
        expect(tx.type).to.equal(2);
        expect(tx.maxPriorityFeePerGas! >= 10n ** 9n, "tip ≥ 1 gwei on a local chain").to.equal(true);
        const block = await client.provider.getBlock("latest");
        expect(tx.maxFeePerGas! > block!.baseFeePerGas!).to.equal(true);
        const receipt = await client.wait(tx);
        // Estimated with headroom: the limit exceeds what was used, by at most ~20 % plus rounding.
        expect(tx.gasLimit > receipt.gasUsed).to.equal(true);
        expect(tx.gasLimit <= (receipt.gasUsed * 13n) / 10n + 1_000n).to.equal(true);
      });

      it("honours explicit fees, and sends legacy (type 0) when given a gas price", async () => {
        const explicit = await demo.setYear(2031, {
          maxFeePerGas: 50n * 10n ** 9n,
          maxPriorityFeePerGas: 3n * 10n ** 9n,
          gasLimit: 80_000n,
        });
        expect([explicit.type, explicit.maxFeePerGas, explicit.maxPriorityFeePerGas, explicit.gasLimit]).to.deep.equal([
          2,
          50n * 10n ** 9n,
          3n * 10n ** 9n,
          80_000n,
        ]);
        const legacy = await demo.setYear(2032, { gasPrice: 20n * 10n ** 9n });
        expect([legacy.type, legacy.gasPrice]).to.deep.equal([0, 20n * 10n ** 9n]);
        await client.wait(explicit);
        await client.wait(legacy);
        expect(await demo.getYear()).to.equal(2032n);
      });

      it("refuses a gas limit below intrinsic gas before signing: nothing sent, no nonce used", async () => {
        const before = await pendingCount();
        const err = await rejection(demo.setYear(2033, { gasLimit: 21_000n }));
        expect(err.code).to.equal("INVALID_ARGUMENT");
        expect(err.shortMessage).to.match(/gas limit 21000 is below the intrinsic gas of this transaction \(2\d{4}\)/);
        expect(await pendingCount()).to.equal(before);
        expect(await demo.getYear()).to.equal(2020n);
      });

      it("the CLI refuses it too: exit 2, one line, nothing sent", async () => {
        const before = await pendingCount();
        const r = await runCli(["send", `CallDemo@${address}`, "setYear", "2034", "--gas-limit", "21000", "-r", node().rpcUrl], {
          env: { ETH_PRIVATE_KEY: DEV_PRIVATE_KEY },
        });
        expect(r.code, show(r)).to.equal(2);
        expect(r.stderr.trim().split("\n")[0], show(r)).to.match(/^error: gas limit 21000 is below the intrinsic gas/);
        expect(await pendingCount()).to.equal(before);
      });
    });

    describe("bounded waits", () => {
      it("a dropped transaction ends the wait with TransactionDroppedError naming hash and nonce", async () => {
        const started = Date.now();
        const err = await withoutAutomine(node(), async () => {
          const tx = await demo.setYear(2040);
          await rpc(node().rpcUrl, name === "Hardhat" ? "hardhat_dropTransaction" : "anvil_dropTransaction", [tx.hash]);
          const e = await rejection(client.wait(tx, { timeoutMs: 10_000 }));
          expect(e).to.be.instanceOf(TransactionDroppedError);
          expect((e as TransactionDroppedError).hash).to.equal(tx.hash);
          expect((e as TransactionDroppedError).nonce).to.equal(tx.nonce);
          expect(e.shortMessage).to.include(tx.hash).and.include(`nonce ${tx.nonce}`);
          return e;
        });
        expect(err.code).to.equal("TX_DROPPED");
        expect(Date.now() - started).to.be.below(10_000);
        // The nonce was never used: the next send takes it, and is mined.
        const next = await demo.setYear(2041);
        expect(next.nonce).to.equal((err as TransactionDroppedError).nonce);
        await client.wait(next);
      });

      for (const kind of ["replaced", "cancelled"] as const) {
        it(`a ${kind} transaction ends the wait with TransactionReplacedError and the replacement's receipt`, async () => {
          const outsider = new Wallet(DEV_PRIVATE_KEY, new JsonRpcProvider(node().rpcUrl, undefined, { staticNetwork: true }));
          try {
            await withoutAutomine(node(), async () => {
              const tx = await demo.setYear(2050);
              const replacement = await outsider.signTransaction({
                type: 2,
                chainId: client.chainId,
                nonce: tx.nonce,
                to: kind === "cancelled" ? DEV_ACCOUNT : address,
                data: kind === "cancelled" ? "0x" : demo.interface.encodeFunctionData("setYear", [2051]),
                value: 0n,
                gasLimit: 100_000n,
                maxFeePerGas: tx.maxFeePerGas! * 3n,
                maxPriorityFeePerGas: tx.maxPriorityFeePerGas! * 3n,
              });
              const replacementHash = (await rpc(node().rpcUrl, "eth_sendRawTransaction", [replacement])) as string;
              const waiting = rejection(client.wait(tx, { timeoutMs: 10_000 }));
              await new Promise((resolve) => setTimeout(resolve, 300));
              await rpc(node().rpcUrl, "evm_mine", []);
              const err = await waiting;
              expect(err).to.be.instanceOf(TransactionReplacedError);
              const replaced = err as TransactionReplacedError;
              expect(replaced.code).to.equal("TX_REPLACED");
              expect([replaced.hash, replaced.nonce, replaced.replacementHash, replaced.cancelled]).to.deep.equal([
                tx.hash,
                tx.nonce,
                replacementHash,
                kind === "cancelled",
              ]);
              expect(replaced.receipt.status).to.equal(1);
              expect(replaced.shortMessage).to.include(kind).and.include(replacementHash);
            });
            expect(await demo.getYear()).to.equal(kind === "cancelled" ? 2020n : 2051n);
          } finally {
            outsider.provider!.destroy();
          }
        });
      }

      it("a transaction that is never mined ends the wait with TIMEOUT, and an AbortSignal ends it with ABORTED", async () => {
        await withoutAutomine(node(), async () => {
          const tx = await demo.setYear(2060);
          const started = Date.now();
          const timedOut = await rejection(client.wait(tx, { timeoutMs: 700 }));
          expect(timedOut.code).to.equal("TIMEOUT");
          expect(Date.now() - started).to.be.below(3_000);
          const controller = new AbortController();
          setTimeout(() => controller.abort(), 300);
          const aborted = await rejection(client.wait(tx, { timeoutMs: 10_000, signal: controller.signal }));
          expect(aborted.code).to.equal("ABORTED");
          await rpc(node().rpcUrl, "evm_mine", []);
          expect((await client.wait(tx, { timeoutMs: 5_000 })).status).to.equal(1);
        });
      });

      it("waits for the requested confirmations", async () => {
        const tx = await demo.setYear(2070);
        const notYet = await rejection(client.wait(tx, { confirmations: 3, timeoutMs: 800 }));
        expect(notYet.code).to.equal("TIMEOUT");
        const waiting = client.wait(tx, { confirmations: 3, timeoutMs: 10_000 });
        await rpc(node().rpcUrl, "evm_mine", []);
        await rpc(node().rpcUrl, "evm_mine", []);
        const receipt = await waiting;
        expect((await client.provider.getBlockNumber()) - receipt.blockNumber + 1).to.be.at.least(3);
      });
    });

    describe("mined transactions that reverted", () => {
      it("come back from wait as decoded ContractRevertedErrors with the transaction hash", async () => {
        const vaultClient = await connect({
          rpcUrl: node().rpcUrl,
          signer: { privateKey: DEV_PRIVATE_KEY },
          abis: [Vault__factory.abi],
          timeoutMs: 20_000,
        });
        try {
          const vault = await new Vault__factory(vaultClient.signer).deploy(DEV_ACCOUNT, DEV_ACCOUNT);
          await vault.waitForDeployment();
          // An explicit gas limit skips estimation, so the node mines the failing call.
          const custom = await vault.withdraw(5n, { gasLimit: 200_000n });
          const customErr = await rejection(vaultClient.wait(custom));
          expect(customErr).to.be.instanceOf(ContractRevertedError);
          const decoded = customErr as ContractRevertedError;
          expect([decoded.errorName, decoded.transactionHash, decoded.reason]).to.deep.equal([
            "InsufficientBalance",
            custom.hash,
            `InsufficientBalance(${DEV_ACCOUNT}, 0, 5)`,
          ]);
          expect(decoded.blockNumber).to.be.a("number");

          const require = await vault.store(0n, { gasLimit: 200_000n });
          const requireErr = (await rejection(vaultClient.wait(require))) as ContractRevertedError;
          expect([requireErr.errorName, requireErr.reason]).to.deep.equal(["Error", "Vault: zero value"]);

          const panic = await vault.divide(1n, 0n, { gasLimit: 200_000n });
          const panicErr = (await rejection(vaultClient.wait(panic))) as ContractRevertedError;
          expect(panicErr.errorName).to.equal("Panic");
          expect(panicErr.reason).to.equal("panic 0x12: division or modulo by zero");

          // throwOnRevert: false hands back the receipt instead.
          expect((await vaultClient.wait(panic, { throwOnRevert: false })).status).to.equal(0);
        } finally {
          await vaultClient.close();
        }
      });
    });
  });
}

describe("keystore signers (geth's scrypt format)", function () {
  this.timeout(120_000);
  isolateState(hardhat, "each");
  const dir = tempDir("send-keystore");
  let funder: Client;
  let address: string;
  let keyholder: Wallet;
  let keystoreDir: string;
  let keystoreFile: string;
  let passwordFile: string;
  let wrongPasswordFile: string;

  before(async () => {
    keyholder = Wallet.createRandom() as unknown as Wallet;
    // geth's layout: a keystore folder of UTC--<time>--<address> files with lowercase `crypto` and a bare address.
    const json = JSON.parse(
      await encryptKeystoreJson({ address: keyholder.address, privateKey: keyholder.privateKey }, KEYSTORE_PASSWORD, {
        scrypt: { N: 4096 },
      }),
    );
    const geth = { address: json.address.replace(/^0x/, "").toLowerCase(), crypto: json.Crypto, id: json.id, version: 3 };
    expect(geth.crypto.kdf).to.equal("scrypt");
    keystoreDir = join(dir(), "keystore");
    mkdirSync(keystoreDir);
    keystoreFile = join(keystoreDir, `UTC--2026-11-24T10-00-00.000000000Z--${geth.address}`);
    writeFileSync(keystoreFile, JSON.stringify(geth));
    passwordFile = join(dir(), "password.txt");
    writeFileSync(passwordFile, `${KEYSTORE_PASSWORD}\n`);
    wrongPasswordFile = join(dir(), "wrong.txt");
    writeFileSync(wrongPasswordFile, `${WRONG_KEYSTORE_PASSWORD}\n`);
  });

  beforeEach(async () => {
    funder = await devClient(hardhat());
    ({ address } = await deployCallDemo(funder));
    await funder.wait(await funder.signer!.sendTransaction({ to: keyholder.address, value: 10n ** 18n }));
  });
  afterEach(() => funder.close());

  it("signs a send through the SDK (keystore folder + address + password file)", async () => {
    const client = await connect({
      rpcUrl: hardhat().rpcUrl,
      signer: { keystore: keystoreDir, address: keyholder.address, passwordFile },
      timeoutMs: 20_000,
    });
    try {
      expect(client.signer!.address).to.equal(keyholder.address);
      const tx = await CallDemo__factory.connect(address, client.runner).setYear(2101);
      expect(tx.from).to.equal(keyholder.address);
      expect((await client.wait(tx)).status).to.equal(1);
      expect(await CallDemo__factory.connect(address, client.runner).getYear()).to.equal(2101n);
    } finally {
      await client.close();
    }
  });

  it("signs a send through the CLI (--keystore file --password-file)", async () => {
    const r = await runCli([
      "send",
      `CallDemo@${address}`,
      "setYear",
      "2102",
      "--keystore",
      keystoreFile,
      "--password-file",
      passwordFile,
      "-r",
      hardhat().rpcUrl,
      "--json",
    ]);
    expect(r.code, show(r)).to.equal(0);
    const doc = JSON.parse(r.stdout);
    expect([doc.status, doc.from]).to.deep.equal(["success", keyholder.address]);
  });

  it("a wrong password fails clearly (SDK and CLI), naming neither password", async () => {
    const err = await rejection(
      connect({ rpcUrl: hardhat().rpcUrl, signer: { keystore: keystoreFile, password: WRONG_KEYSTORE_PASSWORD } }),
    );
    expect(err.code).to.equal("SIGNER_ERROR");
    expect(err.shortMessage).to.match(/wrong password/i);
    const r = await runCli([
      "send",
      `CallDemo@${address}`,
      "setYear",
      "2103",
      "--keystore",
      keystoreFile,
      "--password-file",
      wrongPasswordFile,
      "-r",
      hardhat().rpcUrl,
    ]);
    expect(r.code, show(r)).to.equal(1);
    expect(r.stderr.trim().split("\n"), show(r)).to.have.length(1);
    expect(r.stderr, show(r)).to.match(/^error: .*wrong password/i);
    for (const secret of [KEYSTORE_PASSWORD, WRONG_KEYSTORE_PASSWORD]) expect(r.stdout + r.stderr + err.message).not.to.include(secret);
    expect(await CallDemo__factory.connect(address, funder.runner).getYear()).to.equal(2020n);
  });
});

describe("the journal: a node killed after the broadcast", function () {
  this.timeout(120_000);
  const dir = tempDir("journal");
  let node: LocalNode | undefined;
  after(() => node?.stop());

  it("lists the transaction as dropped after a restart, re-broadcasts it, then reports it confirmed", async () => {
    // A fixed genesis timestamp: the restarted node has the same genesis block, so it is the same node to the
    // journal (a fresh node with another genesis would be another node, whose entries are not its own).
    node = await startAnvil({ ipc: false, args: ["--no-mining", "--timestamp", "1700000000"] });
    const port = node.port;
    const journal = join(dir(), "journal.jsonl");
    const recipient = Wallet.createRandom().address;
    const client = await connect({ rpcUrl: node.rpcUrl, signer: { privateKey: DEV_PRIVATE_KEY }, journal, timeoutMs: 10_000 });
    let hash: string;
    let refusedHash: string;
    try {
      const tx = await client.signer!.sendTransaction({ to: recipient, value: 12345n });
      hash = tx.hash;
      const [entry] = readJournal(journal);
      expect([entry.hash, entry.chainId, entry.from, entry.nonce, entry.to]).to.deep.equal([
        hash,
        "31337",
        DEV_ACCOUNT,
        tx.nonce,
        recipient,
      ]);
      expect(keccak256(entry.raw!)).to.equal(hash);
      expect(Transaction.from(entry.raw!).nonce).to.equal(tx.nonce);
      expect(Number.isNaN(Date.parse(entry.time))).to.equal(false);
      // Owner-only: the journal holds signed transactions.
      expect(statSync(journal).mode & 0o077).to.equal(0);
      // A send the node refuses is journalled too (signed first), then marked refused: never re-broadcast.
      const refusal = await rejection(
        client.signer!.sendTransaction({ to: recipient, value: 1n, gasLimit: 21_000n, maxFeePerGas: 10n ** 24n, maxPriorityFeePerGas: 1n }),
      );
      expect(refusal.code).to.equal("INSUFFICIENT_FUNDS");
      const entries = readJournal(journal);
      expect(entries.map((e) => e.refused)).to.deep.equal([undefined, "INSUFFICIENT_FUNDS"]);
      refusedHash = entries[1].hash;
    } finally {
      await client.close();
    }

    // The node dies with the transaction in its pool; a new one starts on the same port, its pool empty.
    process.kill(node.pid, "SIGKILL");
    await node.stop();
    node = await startAnvil({ ipc: false, port, args: ["--no-mining", "--timestamp", "1700000000"] });

    const first = await runCli(["journal", "--journal", journal, "-r", node.rpcUrl, "--json"]);
    expect(first.code, show(first)).to.equal(0);
    expect(JSON.parse(first.stdout).transactions.map((t: { hash: string; status: string }) => [t.hash, t.status])).to.deep.equal([
      [hash, "dropped"],
      [refusedHash, "refused"],
    ]);

    const again = await runCli(["journal", "--journal", journal, "-r", node.rpcUrl, "--rebroadcast"]);
    expect(again.code, show(again)).to.equal(0);
    expect(again.stdout).to.match(new RegExp(`${hash}\\s+nonce 0\\s+rebroadcast`));
    expect(again.stdout).to.match(new RegExp(`${refusedHash}\\s+nonce 1\\s+refused`));
    await rpc(node.rpcUrl, "evm_mine", []);

    const sdk = await connect({ rpcUrl: node.rpcUrl, journal });
    try {
      const reports = await checkJournal(sdk, journal);
      expect(reports.map((r) => [r.entry.hash, r.status])).to.deep.equal([
        [hash, "confirmed"],
        [refusedHash, "refused"],
      ]);
      expect(await sdk.provider.getBalance(recipient)).to.equal(12345n);
    } finally {
      await sdk.close();
    }
    const raw = readJournal(journal)[0].raw!;
    for (const r of [first, again]) expect(r.stdout + r.stderr).not.to.include(raw.slice(2, 66));
  });
});

describe("errors of a send never carry secrets", function () {
  this.timeout(60_000);
  isolateState(anvil, "each");

  it("a node refusal (insufficient funds) shows neither the key nor the signed transaction", async () => {
    const client = await devClient(anvil());
    try {
      const { demo } = await deployCallDemo(client);
      const err = await rejection(demo.setYear(1, { gasLimit: 100_000n, maxFeePerGas: 10n ** 24n, maxPriorityFeePerGas: 1n }));
      expect(err.code).to.equal("INSUFFICIENT_FUNDS");
      const everything = JSON.stringify({
        message: err.message,
        short: err.shortMessage,
        details: err.details,
        meta: err.metaMessages,
        stack: err.stack,
      });
      expect(everything).not.to.include(DEV_PRIVATE_KEY.slice(2));
      expect(everything).not.to.match(/0x02f8[0-9a-f]{100,}/i);
    } finally {
      await client.close();
    }
  });

  it("RPC URL credentials never appear in a send's error", async () => {
    const url = `${anvil().rpcUrl.replace("http://", "http://alice:s3cr3t-pa55@")}/v3/abcdef0123456789abcdef0123456789`;
    const r = await runCli(["send", "0x0000000000000000000000000000000000000001", "setYear(uint256)", "1", "-r", url, "--timeout", "3"], {
      env: { ETH_PRIVATE_KEY: DEV_PRIVATE_KEY },
    });
    expect(r.code, show(r)).to.not.equal(0);
    expect(r.stdout + r.stderr)
      .not.to.include("s3cr3t-pa55")
      .and.not.include("abcdef0123456789abcdef0123456789");
  });
});
