import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { expect } from "chai";
import { decryptKeystoreJson, encryptKeystoreJson, Wallet } from "ethers";
import { ChaincallError } from "../src/errors/ChaincallError";
import { redact } from "../src/errors/redact";
import { checkKdfParams, loadKeystore, scryptMemoryBytes } from "../src/signer/loadKeystore";
import { promptHidden, readPassword } from "../src/signer/readPassword";
import { rejection } from "./fixtures/assertions";
import { KEYSTORE_PASSWORD, WRONG_KEYSTORE_PASSWORD } from "./fixtures/secrets";

// geth keystores (SPEC §4 signer options, §7 item 13), built at test time with light scrypt (N=2^12) so the
// suite stays fast. No Ethereum node needed.

const PASSWORD = KEYSTORE_PASSWORD;
const WRONG = WRONG_KEYSTORE_PASSWORD;

function thrown(fn: () => unknown): ChaincallError {
  try {
    fn();
  } catch (err) {
    expect(err, String(err)).to.be.instanceOf(ChaincallError);
    return err as ChaincallError;
  }
  return expect.fail("expected a throw");
}

/** geth's file name: UTC--<ISO time with dashes>--<address, lowercase, no 0x>. */
function gethFileName(address: string, when: Date): string {
  return `UTC--${when.toISOString().replace(/:/g, "-")}--${address.slice(2).toLowerCase()}`;
}

/** A light-scrypt keystore JSON for `wallet` (ethers writes `Crypto`, geth writes `crypto`: both occur). */
async function lightKeystore(wallet: Wallet, password = PASSWORD): Promise<string> {
  return encryptKeystoreJson({ address: wallet.address, privateKey: wallet.privateKey }, password, { scrypt: { N: 4096 } });
}

function edit(json: string, change: (data: any) => void): string {
  const data = JSON.parse(json);
  change(data);
  return JSON.stringify(data);
}

// From go-ethereum accounts/keystore/testdata/v3_test_vector.json ("wikipage_test_vector_*"), the vectors of the
// Web3 Secret Storage Definition (https://ethereum.org/developers/docs/data-structures-and-encoding/web3-secret-storage/).
const VECTOR_PASSWORD = "testpassword";
const VECTOR_PRIVATE_KEY = "0x7a28b5ba57c53603b0b07b56bba752f7784bf506fa95edc395f5cf6c7514fe9d";
const VECTOR_PBKDF2 = {
  crypto: {
    cipher: "aes-128-ctr",
    cipherparams: { iv: "6087dab2f9fdbbfaddc31a909735c1e6" },
    ciphertext: "5318b4d5bcd28de64ee5559e671353e16f075ecae9f99c7a79a38af5f869aa46",
    kdf: "pbkdf2",
    kdfparams: { c: 262144, dklen: 32, prf: "hmac-sha256", salt: "ae3cd4e7013836a3df6bd7241b12db061dbe2c6785853cce422d148a624ce0bd" },
    mac: "517ead924a9d0dc3124507e3393d175ce3ff7c1e96529c6c555ce9e51205e9b2",
  },
  id: "3198bc9c-6672-5ab3-d995-4942343ae5b6",
  version: 3,
};
const VECTOR_SCRYPT = {
  crypto: {
    cipher: "aes-128-ctr",
    cipherparams: { iv: "83dbcc02d8ccb40e466191a123791e0e" },
    ciphertext: "d172bf743a674da9cdad04534d56926ef8358534d458fffccd4e6ad2fbde479c",
    kdf: "scrypt",
    kdfparams: { dklen: 32, n: 262144, r: 1, p: 8, salt: "ab0c7876052600dd703518d6fc3fe8984592145b591fc8fb5c6d43190334ba19" },
    mac: "2103ac29920d71da29f15d75b4a16dbe95cfd7ff8faea1056c33131d846e3097",
  },
  id: "3198bc9c-6672-5ab3-d995-4942343ae5b6",
  version: 3,
};

describe("loadKeystore", () => {
  let root: string;
  const wallets = [Wallet.createRandom(), Wallet.createRandom(), Wallet.createRandom()].map((w) => new Wallet(w.privateKey));
  const json: string[] = [];
  let n = 0;
  /** A fresh directory under the suite's temp dir. */
  const dir = (): string => {
    const path = join(root, `case-${++n}`);
    mkdirSync(path);
    return path;
  };
  const put = (folder: string, name: string, text: string): string => {
    writeFileSync(join(folder, name), text);
    return join(folder, name);
  };

  before(async () => {
    root = mkdtempSync(join(tmpdir(), "chaincall-keystore-"));
    for (const wallet of wallets) json.push(await lightKeystore(wallet));
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  describe("a key file", () => {
    it("decrypts to an unconnected Wallet with the right key", async () => {
      const file = put(dir(), gethFileName(wallets[0].address, new Date()), json[0]);
      const wallet = await loadKeystore({ path: file, password: PASSWORD });
      expect(wallet).to.be.instanceOf(Wallet);
      expect(wallet.address).to.equal(wallets[0].address);
      expect(wallet.privateKey).to.equal(wallets[0].privateKey);
      expect(wallet.provider).to.equal(null);
    });

    it("accepts geth's lowercase `crypto`, a 0x-prefixed address and 0x-prefixed hex fields", async () => {
      const gethStyle = edit(json[0], (data) => {
        data.crypto = data.Crypto;
        delete data.Crypto;
        data.address = `0x${data.address}`;
        data.crypto.mac = `0x${data.crypto.mac}`;
      });
      expect(gethStyle).to.include('"crypto"');
      const wallet = await loadKeystore({ path: put(dir(), "key.json", gethStyle), password: PASSWORD });
      expect(wallet.address).to.equal(wallets[0].address);
    });

    it("accepts a matching address in any case, refuses another one with NOT_FOUND", async () => {
      const file = put(dir(), "key.json", json[1]);
      const upper = `0x${wallets[1].address.slice(2).toUpperCase()}`;
      expect((await loadKeystore({ path: file, address: upper, password: PASSWORD })).address).to.equal(wallets[1].address);
      const err = await rejection(loadKeystore({ path: file, address: wallets[2].address, password: PASSWORD }));
      expect(err.code).to.equal("NOT_FOUND");
      expect(err.message).to.include(wallets[1].address).and.include(wallets[2].address);
    });

    it("refuses a malformed or badly checksummed address with INVALID_ARGUMENT", async () => {
      const file = put(dir(), "key.json", json[1]);
      // The checksummed address with one letter's case swapped: still mixed case, no longer a valid checksum.
      const badChecksum = wallets[1].address.replace(/[a-fA-F]/, (c) => (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase()));
      for (const address of ["0x1234", "not an address", badChecksum]) {
        expect((await rejection(loadKeystore({ path: file, address, password: PASSWORD }))).code, address).to.equal("INVALID_ARGUMENT");
      }
    });

    it("a missing path is NOT_FOUND naming it", async () => {
      const missing = join(root, "nowhere", "key.json");
      const err = await rejection(loadKeystore({ path: missing, password: PASSWORD }));
      expect(err.code).to.equal("NOT_FOUND");
      expect(err.message).to.include(missing);
    });

    it("a file whose address field disagrees with its key is SIGNER_ERROR (corrupt)", async () => {
      const lying = edit(json[0], (data) => (data.address = wallets[1].address.slice(2).toLowerCase()));
      const err = await rejection(loadKeystore({ path: put(dir(), "key.json", lying), password: PASSWORD }));
      expect(err.code).to.equal("SIGNER_ERROR");
      expect(err.message)
        .to.match(/corrupt/)
        .and.include(wallets[0].address);
    });
  });

  describe("a keystore directory", () => {
    let many: string;
    before(() => {
      many = dir();
      // geth-named files, one with an unrelated name (the JSON address decides), and things that are not keys.
      put(many, gethFileName(wallets[0].address, new Date(Date.UTC(2016, 2, 22, 12, 57, 55))), json[0]);
      put(many, gethFileName(wallets[1].address, new Date(Date.UTC(2017, 0, 1))), json[1]);
      put(many, "my-third-key.json", json[2]);
      put(many, "README", "not a key\n");
      put(many, ".hidden", json[0]);
      put(many, "backup.json~", json[0]);
      mkdirSync(join(many, "subdir"));
    });

    it("picks the file whose JSON address matches (any case)", async () => {
      for (const [i, address] of [
        [0, wallets[0].address],
        [1, wallets[1].address.toLowerCase()],
        [2, wallets[2].address],
      ] as const) {
        expect((await loadKeystore({ path: many, address, password: PASSWORD })).address).to.equal(wallets[i].address);
      }
    });

    it("several keys and no address: INVALID_ARGUMENT listing them", async () => {
      const err = await rejection(loadKeystore({ path: many, password: PASSWORD }));
      expect(err.code).to.equal("INVALID_ARGUMENT");
      for (const wallet of wallets) expect(err.message).to.include(wallet.address);
      expect(err.message).to.include("3 keys");
    });

    it("an unknown address: NOT_FOUND listing the addresses it has", async () => {
      const stranger = Wallet.createRandom().address;
      const err = await rejection(loadKeystore({ path: many, address: stranger, password: PASSWORD }));
      expect(err.code).to.equal("NOT_FOUND");
      expect(err.message).to.include(stranger);
      for (const wallet of wallets) expect(err.message).to.include(wallet.address);
    });

    it("exactly one key and no address: uses it", async () => {
      const one = dir();
      put(one, gethFileName(wallets[2].address, new Date()), json[2]);
      put(one, "notes.txt", "hello");
      expect((await loadKeystore({ path: one, password: PASSWORD })).address).to.equal(wallets[2].address);
    });

    it("no keys at all: NOT_FOUND", async () => {
      const empty = dir();
      put(empty, "notes.txt", "hello");
      expect((await rejection(loadKeystore({ path: empty, password: PASSWORD }))).code).to.equal("NOT_FOUND");
    });
  });

  describe("passwords", () => {
    it("a wrong password is SIGNER_ERROR naming file and address, never either password", async () => {
      const file = put(dir(), gethFileName(wallets[0].address, new Date()), json[0]);
      const err = await rejection(loadKeystore({ path: file, password: WRONG }));
      expect(err.code).to.equal("SIGNER_ERROR");
      expect(err.message).to.equal(`wrong password for keystore ${file} (address ${wallets[0].address})`);
      const everything = [
        err.message,
        err.shortMessage,
        err.details ?? "",
        ...err.metaMessages,
        String((err.cause as Error)?.message),
        JSON.stringify(err.cause),
      ].join("\n");
      expect(everything).not.to.include(WRONG);
      expect(everything).not.to.include(PASSWORD);
    });

    it("registers the password as a secret before anything else", async () => {
      const secret = "registered-before-anything-1";
      await rejection(loadKeystore({ path: join(root, "missing.json"), password: secret }));
      expect(redact(`x ${secret} y`)).to.equal("x *** y");
    });

    it("registers the decrypted private key as a secret", async () => {
      const wallet = await loadKeystore({ path: put(dir(), "k.json", json[1]), password: PASSWORD });
      expect(redact(wallet.privateKey)).to.equal("***");
    });
  });

  describe("KDF limits", () => {
    it("refuses scrypt N=2^24 before allocating anything (fast, no memory spike)", async () => {
      const absurd = edit(json[0], (data) => (data.Crypto.kdfparams.n = 2 ** 24));
      const file = put(dir(), "absurd.json", absurd);
      const rssBefore = process.memoryUsage().rss;
      const started = performance.now();
      const err = await rejection(loadKeystore({ path: file, password: PASSWORD }));
      const elapsed = performance.now() - started;
      const grown = process.memoryUsage().rss - rssBefore;
      expect(err.code).to.equal("SIGNER_ERROR");
      expect(err.message).to.equal(`keystore ${file} asks for 16 GiB of scrypt memory (N=16777216, r=8); refusing`);
      expect(elapsed).to.be.below(500);
      expect(grown).to.be.below(200 * 1024 * 1024);
    });

    it("bounds scrypt CPU as well as memory: N=2^19, r=8, p=16 (512 MiB, but N·r·p = 2^26) is refused before deriving", async () => {
      const heavy = edit(json[0], (data) => Object.assign(data.Crypto.kdfparams, { n: 2 ** 19, r: 8, p: 16 }));
      const file = put(dir(), "heavy.json", heavy);
      const started = performance.now();
      const err = await rejection(loadKeystore({ path: file, password: PASSWORD }));
      expect(err.code).to.equal("SIGNER_ERROR");
      expect(err.message).to.match(/scrypt work N·r·p = 524288·8·16 = 67108864 \(at most 8388608/);
      expect(performance.now() - started).to.be.below(500);
      // The limit sits at 4 × geth's standard (N=2^18, r=8, p=1): p=4 passes, p=5 does not.
      expect(checkKdfParams("scrypt", { n: 2 ** 18, r: 8, p: 4, dklen: 32, salt: "ab" }).kdf).to.equal("scrypt");
      expect(() => checkKdfParams("scrypt", { n: 2 ** 18, r: 8, p: 5, dklen: 32, salt: "ab" })).to.throw(/scrypt work/);
      // pbkdf2 rounds: 16 × geth's 262,144 at most.
      expect(checkKdfParams("pbkdf2", { c: 2 ** 22, dklen: 32, prf: "hmac-sha256", salt: "ab" }).kdf).to.equal("pbkdf2");
      expect(() => checkKdfParams("pbkdf2", { c: 2 ** 22 + 1, dklen: 32, prf: "hmac-sha256", salt: "ab" })).to.throw(
        /4194305 pbkdf2 rounds/,
      );
    });

    it("honours maxKdfMemoryBytes", async () => {
      const file = put(dir(), "k.json", json[0]); // N=4096, r=8: 4 MiB
      const err = await rejection(loadKeystore({ path: file, password: PASSWORD, maxKdfMemoryBytes: 1024 * 1024 }));
      expect(err.code).to.equal("SIGNER_ERROR");
      expect(err.message).to.match(/4 MiB of scrypt memory \(N=4096, r=8\)/);
      expect((await loadKeystore({ path: file, password: PASSWORD, maxKdfMemoryBytes: 4 * 1024 * 1024 })).address).to.equal(
        wallets[0].address,
      );
    });

    const salt = "ab".repeat(32);
    it("passes geth's standard (N=2^18, r=8, p=1) and light (N=2^12, r=8, p=6) scrypt parameters", () => {
      expect(scryptMemoryBytes(2 ** 18, 8)).to.equal(256 * 1024 * 1024);
      expect(checkKdfParams("scrypt", { n: 262144, r: 8, p: 1, dklen: 32, salt })).to.deep.equal({
        kdf: "scrypt",
        n: 262144,
        r: 8,
        p: 1,
        dklen: 32,
        salt,
      });
      expect(checkKdfParams("scrypt", { n: 4096, r: 8, p: 6, dklen: 32, salt }).kdf).to.equal("scrypt");
      expect(checkKdfParams("scrypt", { n: 2 ** 20, r: 8, p: 1, dklen: 32, salt }).kdf, "exactly 1 GiB").to.equal("scrypt");
      expect(checkKdfParams("pbkdf2", { c: 262144, dklen: 32, prf: "hmac-sha256", salt }).kdf).to.equal("pbkdf2");
    });

    it("refuses absurd or unusable parameters with SIGNER_ERROR", () => {
      const cases: [unknown, Record<string, unknown>, RegExp][] = [
        ["scrypt", { n: 2 ** 24, r: 8, p: 1, dklen: 32, salt }, /16 GiB of scrypt memory \(N=16777216, r=8\)/],
        ["scrypt", { n: 2 ** 21, r: 8, p: 1, dklen: 32, salt }, /2 GiB of scrypt memory/],
        ["scrypt", { n: 2 ** 12, r: 2 ** 20, p: 1, dklen: 32, salt }, /512 GiB of scrypt memory/],
        ["scrypt", { n: 3000, r: 8, p: 1, dklen: 32, salt }, /N=3000, which is not a power of 2/],
        ["scrypt", { n: 2 ** 60, r: 8, p: 1, dklen: 32, salt }, /kdfparams.n=.*not a usable positive integer/],
        ["scrypt", { n: 4096, r: 8, p: 17, dklen: 32, salt }, /p=17/],
        ["scrypt", { n: 4096, r: 8, p: 1, dklen: 64, salt }, /64-byte derived key/],
        ["scrypt", { n: 4096, r: 0, p: 1, dklen: 32, salt }, /kdfparams.r=0/],
        ["scrypt", { n: 4096, r: 8, p: 1, dklen: 32 }, /salt/],
        ["scrypt", { n: 2 ** 16, r: 1, p: 1, dklen: 32, salt }, /RFC 7914/],
        ["pbkdf2", { c: 10_000_001, dklen: 32, prf: "hmac-sha256", salt }, /10000001 pbkdf2 rounds/],
        ["pbkdf2", { c: 1000, dklen: 32, prf: "hmac-md5", salt }, /prf "hmac-md5"/],
        ["argon2", { dklen: 32, salt }, /kdf "argon2"/],
      ];
      for (const [kdf, params, message] of cases) {
        const err = thrown(() => checkKdfParams(kdf, params, { file: "k.json" }));
        expect(err.code, JSON.stringify(params)).to.equal("SIGNER_ERROR");
        expect(err.message, err.message)
          .to.match(message)
          .and.match(/^keystore k\.json .*; refusing$/);
      }
    });
  });

  describe("malformed files", () => {
    const cases: [string, string, RegExp][] = [
      ["not JSON", "{ this is not json", /is not JSON/],
      ["a JSON array", "[1,2,3]", /not a JSON object/],
      ["version 2", "", /version 2; only version 3/],
      ["no crypto", "", /no "crypto" object/],
      ["an unknown cipher", "", /cipher "aes-128-cbc" \(expected aes-128-ctr\)/],
      ["a short iv", "", /cipherparams\.iv/],
      ["a malformed address field", "", /malformed address field/],
    ];
    before(() => {
      cases[2][1] = edit(json[0], (data) => (data.version = 2));
      cases[3][1] = edit(json[0], (data) => delete data.Crypto);
      cases[4][1] = edit(json[0], (data) => (data.Crypto.cipher = "aes-128-cbc"));
      cases[5][1] = edit(json[0], (data) => (data.Crypto.cipherparams.iv = "abcd"));
      cases[6][1] = edit(json[0], (data) => (data.address = "0xnope"));
    });
    for (const [i, [what, , message]] of cases.entries()) {
      it(`${what}: SIGNER_ERROR with a clear one-line message`, async () => {
        const file = put(dir(), "bad.json", cases[i][1]);
        const err = await rejection(loadKeystore({ path: file, password: PASSWORD }));
        expect(err.code).to.equal("SIGNER_ERROR");
        expect(err.message).to.match(message).and.include(file).and.not.include("\n");
      });
    }

    it("a file over 64 KiB is refused without parsing it", async () => {
      const big = put(
        dir(),
        "big.json",
        edit(json[0], (data) => (data.padding = "x".repeat(70_000))),
      );
      const err = await rejection(loadKeystore({ path: big, password: PASSWORD }));
      expect(err.code).to.equal("SIGNER_ERROR");
      expect(err.message).to.match(/larger than 64 KiB/);
    });
  });

  describe("Web3 Secret Storage test vectors", () => {
    it("decrypts the pbkdf2 vector to the published key", async () => {
      const file = put(dir(), "pbkdf2-vector.json", JSON.stringify(VECTOR_PBKDF2));
      const wallet = await loadKeystore({ path: file, password: VECTOR_PASSWORD });
      expect(wallet.privateKey).to.equal(VECTOR_PRIVATE_KEY);
    });

    it("refuses the scrypt vector (N=2^18 with r=1) clearly, as ethers itself cannot decrypt it", async () => {
      // RFC 7914 requires N < 2^(128·r/8); Go's scrypt (geth) does not enforce it, @noble/hashes (ethers) and
      // OpenSSL (node:crypto) do. So this file is valid for geth but undecryptable here: say so, fast.
      await decryptKeystoreJson(JSON.stringify(VECTOR_SCRYPT), VECTOR_PASSWORD).then(
        () => expect.fail("ethers now decrypts r=1, N=2^18: accept it in checkKdfParams and assert the key here"),
        (err: Error) => expect(err.message).to.match(/N must be/),
      );
      const file = put(dir(), "scrypt-vector.json", JSON.stringify(VECTOR_SCRYPT));
      const started = performance.now();
      const err = await rejection(loadKeystore({ path: file, password: VECTOR_PASSWORD }));
      expect(performance.now() - started).to.be.below(500);
      expect(err.code).to.equal("SIGNER_ERROR");
      expect(err.message).to.match(/N=262144 with r=1, which RFC 7914 forbids/);
    });
  });
});

describe("readPassword", () => {
  let root: string;
  let savedEnv: string | undefined;
  before(() => {
    root = mkdtempSync(join(tmpdir(), "chaincall-password-"));
    savedEnv = process.env.ETH_PASSWORD;
  });
  beforeEach(() => delete process.env.ETH_PASSWORD);
  after(() => {
    rmSync(root, { recursive: true, force: true });
    if (savedEnv === undefined) delete process.env.ETH_PASSWORD;
    else process.env.ETH_PASSWORD = savedEnv;
  });

  it("an explicit password wins over the file and the environment", async () => {
    const file = join(root, "ignored");
    writeFileSync(file, "from-the-file\n");
    process.env.ETH_PASSWORD = "from-the-environment";
    expect(await readPassword({ password: "explicit-password", passwordFile: file })).to.equal("explicit-password");
    expect(redact("explicit-password")).to.equal("***");
  });

  it("a password file: its first line, trailing CRLF stripped (geth's --password)", async () => {
    const crlf = join(root, "crlf");
    writeFileSync(crlf, "file-password-1 with spaces\r\nsecond line\r\n");
    process.env.ETH_PASSWORD = "from-the-environment";
    expect(await readPassword({ passwordFile: crlf })).to.equal("file-password-1 with spaces");
    const bare = join(root, "bare");
    writeFileSync(bare, "no-newline-password");
    expect(await readPassword({ passwordFile: bare })).to.equal("no-newline-password");
    expect(redact("no-newline-password")).to.equal("***");
  });

  it("a missing password file is NOT_FOUND naming it", async () => {
    const missing = join(root, "no-such-file");
    const err = await rejection(readPassword({ passwordFile: missing }));
    expect(err.code).to.equal("NOT_FOUND");
    expect(err.message).to.include(missing);
  });

  it("the environment: ETH_PASSWORD, or the variable given", async () => {
    process.env.ETH_PASSWORD = "env-password-1";
    expect(await readPassword({})).to.equal("env-password-1");
    process.env.CHAINCALL_TEST_PASSWORD = "other-env-password";
    try {
      expect(await readPassword({ envVar: "CHAINCALL_TEST_PASSWORD" })).to.equal("other-env-password");
    } finally {
      delete process.env.CHAINCALL_TEST_PASSWORD;
    }
    expect(redact("env-password-1 other-env-password")).to.equal("*** ***");
  });

  it("nothing available and no prompt: SIGNER_ERROR saying where a password can come from", async () => {
    const err = await rejection(readPassword({ prompt: false }));
    expect(err.code).to.equal("SIGNER_ERROR");
    expect(err.message).to.equal("no password for the keystore: use --password-file, ETH_PASSWORD, or run on a terminal");
  });

  it("prompt without a terminal (mocha's stdin is not one) falls through to the same SIGNER_ERROR", async function () {
    if (process.stdin.isTTY) this.skip();
    expect((await rejection(readPassword({ prompt: true }))).code).to.equal("SIGNER_ERROR");
  });

  describe("promptHidden (the no-echo prompt)", () => {
    /** A stand-in TTY: records raw-mode switches and everything written. */
    function fakeTerminal() {
      const input = Object.assign(new PassThrough(), { isTTY: true, isRaw: false, modes: [] as boolean[] });
      (input as any).setRawMode = (mode: boolean) => {
        input.modes.push(mode);
        input.isRaw = mode;
      };
      let written = "";
      const output = new PassThrough();
      output.on("data", (chunk: Buffer) => (written += chunk.toString()));
      return { input, output, written: () => written };
    }

    it("reads a line in raw mode, handles Backspace, Ctrl-U and escape sequences, echoes nothing", async () => {
      const t = fakeTerminal();
      const line = promptHidden("Password: ", t);
      t.input.write("junk\u0015hunter2x");
      t.input.write("\u007f\u001b[A\u001b[200~Z");
      t.input.write(Buffer.from("é!\r", "utf8").subarray(0, 1)); // a character split across chunks
      t.input.write(Buffer.from("é!\r", "utf8").subarray(1));
      expect(await line).to.equal("hunter2Zé!");
      expect(t.input.modes).to.deep.equal([true, false]);
      expect(t.input.isRaw).to.equal(false);
      expect(t.written()).to.equal("Password: \n");
    });

    it("Ctrl-C rejects with ABORTED and restores the terminal", async () => {
      const t = fakeTerminal();
      const line = promptHidden("Password: ", t);
      t.input.write("abc\u0003");
      expect((await rejection(line)).code).to.equal("ABORTED");
      expect(t.input.modes).to.deep.equal([true, false]);
    });

    it("end of input rejects with ABORTED", async () => {
      const t = fakeTerminal();
      const line = promptHidden("Password: ", t);
      t.input.end("abc");
      expect((await rejection(line)).code).to.equal("ABORTED");
    });
  });

  describe("on a real pseudo-terminal (util-linux `script`)", () => {
    const hasScript = spawnSync("script", ["--version"]).status === 0;
    const module = join(__dirname, "..", "src", "signer", "readPassword.js");

    /** Runs readPassword({ prompt: true }) on a pty; types `keys` once the prompt shows. */
    function onPty(keys: string): Promise<string> {
      const program = join(mkdtempSync(join(tmpdir(), "chaincall-pty-")), "prompt.js");
      writeFileSync(
        program,
        `delete process.env.ETH_PASSWORD;
require(${JSON.stringify(module)}).readPassword({ prompt: true, promptText: "Pass: " })
  .then((p) => process.stdout.write("GOT[" + p + "]\\n"), (e) => process.stdout.write("ERR[" + e.code + "]\\n"));`,
      );
      return new Promise((resolve, reject) => {
        const child = spawn("script", ["-qec", `${process.execPath} ${program}`, "/dev/null"], { stdio: ["pipe", "pipe", "inherit"] });
        let out = "";
        let typed = false;
        const timer = setTimeout(() => child.kill(), 15_000);
        child.stdout.on("data", (chunk: Buffer) => {
          out += chunk.toString();
          if (!typed && out.includes("Pass: ")) {
            typed = true;
            child.stdin.write(keys);
          }
        });
        child.on("error", reject);
        child.on("close", () => {
          clearTimeout(timer);
          rmSync(join(program, ".."), { recursive: true, force: true });
          resolve(out);
        });
      });
    }

    it("reads without echo, Backspace works, Enter ends", async function () {
      if (!hasScript) this.skip();
      const out = await onPty("pty-secretX\u007f!\r");
      expect(out).to.include("GOT[pty-secret!]");
      expect(out.slice(0, out.indexOf("GOT["))).not.to.include("pty-secret");
    });

    it("Ctrl-C rejects with ABORTED", async function () {
      if (!hasScript) this.skip();
      expect(await onPty("abc\u0003")).to.include("ERR[ABORTED]");
    });
  });
});
