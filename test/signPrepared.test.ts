import { expect } from "chai";
import { computeAddress, keccak256, SigningKey, Transaction, type TransactionLike } from "ethers";
import { useSigner } from "../src/tx/signDigest";
import { signPrepared } from "../src/tx/signPrepared";

// A seeded generator (mulberry32): the same random transactions on every run, so a failure can be replayed.
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function hexBytes(random: () => number, length: number): string {
  let hex = "0x";
  for (let i = 0; i < length; i++)
    hex += Math.floor(random() * 256)
      .toString(16)
      .padStart(2, "0");
  return hex;
}

// An integer of 0 to `maxBytes` random bytes, with the edges (0, 1, 0x7f, 0x80, 2^n − 1) made likely.
function amount(random: () => number, maxBytes: number): bigint {
  const pick = random();
  if (pick < 0.1) return 0n;
  if (pick < 0.15) return 1n;
  if (pick < 0.2) return 0x7fn;
  if (pick < 0.25) return 0x80n;
  const bytes = 1 + Math.floor(random() * maxBytes);
  if (pick < 0.35) return (1n << BigInt(8 * bytes)) - 1n;
  return BigInt(hexBytes(random, bytes));
}

function dataOf(random: () => number): string {
  const pick = random();
  if (pick < 0.2) return "0x";
  if (pick < 0.3) return hexBytes(random, 1); // one byte: below 0x80 it is its own RLP encoding
  if (pick < 0.4) return hexBytes(random, 55 + Math.floor(random() * 3)); // around the long-string boundary
  return hexBytes(random, Math.floor(random() * (random() < 0.02 ? 70_000 : 600)));
}

function randomTransaction(random: () => number): TransactionLike<string> {
  const chainIds = [1n, 31337n, 137n, 0xffffffffn, amount(random, 8) || 5n];
  const tx: TransactionLike<string> = {
    chainId: chainIds[Math.floor(random() * chainIds.length)],
    to: random() < 0.15 ? null : hexBytes(random, 20),
    data: dataOf(random),
    value: amount(random, 32),
    gasLimit: amount(random, 8),
  };
  if (random() < 0.5) {
    const maxFeePerGas = amount(random, 32);
    // resolveFees keeps the tip at most the cap; a caller's tip above it is the error case below.
    Object.assign(tx, {
      type: 2,
      maxFeePerGas,
      maxPriorityFeePerGas: random() < 0.2 ? maxFeePerGas : amount(random, 32) % (maxFeePerGas + 1n),
    });
  } else Object.assign(tx, { type: 0, gasPrice: amount(random, 32) });
  if (tx.type === 2 && random() < 0.3) tx.accessList = [];
  return tx;
}

// What localKeyJob signed before the lean path: ethers' Transaction and the key's signature of its unsigned hash.
function signedByEthers(key: SigningKey, tx: TransactionLike<string>, nonce: number): { raw: string; hash: string } {
  const signed = Transaction.from({ ...tx, nonce });
  signed.signature = key.sign(signed.unsignedHash);
  return { raw: signed.serialized, hash: keccak256(signed.serialized) };
}

function captured(work: () => unknown): unknown {
  try {
    work();
    return undefined;
  } catch (err) {
    return err;
  }
}

describe("signPrepared (the lean serializer and signer)", () => {
  // Back to what the send pipeline uses (the WebAssembly signer, loaded).
  after(() => useSigner("wasm"));

  for (const signer of ["wasm", "noble"] as const)
    it(`signs 2,000 seeded-random EIP-1559 and legacy transactions to the same bytes and hash as ethers' Transaction (${signer} signer)`, async () => {
      expect(await useSigner(signer), "the signer in use").to.equal(signer);
      const random = seeded(signer === "wasm" ? 14 : 41);
      let lean = 0;
      for (let i = 0; i < 2000; i++) {
        const key = new SigningKey(hexBytes(random, 31).replace("0x", "0x01"));
        const tx = randomTransaction(random);
        const nonce = Number(amount(random, 6));
        const ours = signPrepared(key, tx, nonce);
        const theirs = signedByEthers(key, tx, nonce);
        expect(ours.raw, `transaction ${i}: ${JSON.stringify(tx, (_, v) => (typeof v === "bigint" ? `${v}n` : v))}`).to.equal(theirs.raw);
        expect(ours.hash).to.equal(theirs.hash);
        // The response's fields are the ones ethers parses back out of the bytes.
        const parsed = Transaction.from(ours.raw);
        expect(parsed.from).to.equal(computeAddress(key.publicKey));
        expect([ours.signed.nonce, ours.signed.gasLimit, ours.signed.value, ours.signed.chainId, ours.signed.type]).to.deep.equal([
          parsed.nonce,
          parsed.gasLimit,
          parsed.value,
          parsed.chainId,
          parsed.type,
        ]);
        expect([ours.signed.to?.toLowerCase() ?? null, ours.signed.data]).to.deep.equal([parsed.to?.toLowerCase() ?? null, parsed.data]);
        expect([ours.signed.maxFeePerGas, ours.signed.maxPriorityFeePerGas]).to.deep.equal([
          parsed.maxFeePerGas,
          parsed.maxPriorityFeePerGas,
        ]);
        if (parsed.type === 0) expect(ours.signed.gasPrice).to.equal(parsed.gasPrice);
        expect(ours.signed.signature.serialized).to.equal(parsed.signature!.serialized);
        lean++;
      }
      expect(lean).to.equal(2000);
    });

  it("hands what it does not encode itself (access lists, type 1, chain id 0) to ethers, with the same bytes", () => {
    const random = seeded(1414);
    const key = new SigningKey(hexBytes(random, 32));
    const base = { to: hexBytes(random, 20), data: hexBytes(random, 36), value: 5n, gasLimit: 50_000n };
    const accessList = [{ address: hexBytes(random, 20), storageKeys: [hexBytes(random, 32), hexBytes(random, 32)] }];
    const cases: TransactionLike<string>[] = [
      { ...base, chainId: 31337n, type: 2, maxFeePerGas: 10n, maxPriorityFeePerGas: 1n, accessList },
      { ...base, chainId: 31337n, type: 1, gasPrice: 7n, accessList },
      { ...base, chainId: 0n, type: 0, gasPrice: 7n },
    ];
    for (const [i, tx] of cases.entries()) {
      if (i === 0) expect(() => signPrepared(key, { ...tx, accessList: undefined }, 0)).to.not.throw();
      const ours = signPrepared(key, tx, i);
      expect(ours.raw).to.equal(signedByEthers(key, tx, i).raw);
      expect(ours.signed.type).to.equal(tx.type);
    }
  });

  it("refuses what ethers refuses, with ethers' own error (a tip above the cap, calldata that is not whole bytes)", () => {
    const key = new SigningKey(`0x${"11".repeat(32)}`);
    const base = { chainId: 31337n, to: `0x${"22".repeat(20)}`, value: 0n, gasLimit: 50_000n, type: 2, maxFeePerGas: 10n };
    const cases: TransactionLike<string>[] = [
      { ...base, data: "0x", maxPriorityFeePerGas: 11n },
      { ...base, data: "0xabc", maxPriorityFeePerGas: 1n },
      { ...base, data: "0xzz", maxPriorityFeePerGas: 1n },
      { ...base, data: "0x", type: 0, maxFeePerGas: undefined, gasPrice: 1n, accessList: [] },
    ];
    for (const tx of cases) {
      const theirs = captured(() => signedByEthers(key, tx, 0));
      const ours = captured(() => signPrepared(key, tx, 0));
      expect(
        theirs,
        JSON.stringify(tx, (_, v) => (typeof v === "bigint" ? `${v}` : v)),
      ).to.be.instanceOf(Error);
      expect((ours as Error).message).to.equal((theirs as Error).message);
    }
  });
});
