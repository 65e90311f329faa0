import { copyFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { expect } from "chai";
import { getAddress, Interface, isError, MaxUint256, Result } from "ethers";
import { type LocalNode, projectRoot } from "../scripts/lib/localNode";
import { ChaincallError, type Client, ContractRevertedError, connect } from "../src";
import { Oracle__factory, type Vault, Vault__factory } from "../typechain-types";
import {
  anvil,
  type CliResult,
  chainState,
  DEV_ACCOUNT,
  DEV_PRIVATE_KEY,
  hardhat,
  isolateState,
  parseDocument,
  runCli,
  showCli as show,
  tempDir,
} from "./fixtures/nodes";

// Revert decoding (SPEC §3): Error(string), every common Panic, custom errors with plain, struct and array
// arguments, an error declared only in another contract (Oracle) that bubbles up through Vault, and a bare
// revert — through the typed bindings (eth_call and sends whose gas estimation reverts) and through the CLI,
// on the run's Hardhat node and on Anvil.

const ABI_DIR = join(projectRoot(), "abi");
/** Account 1 of the dev mnemonic: Vault's owner, so the dev key (account 0) is never authorised. */
const OWNER = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
/** What the dev account deposits before the tests: withdrawing more reverts InsufficientBalance(dev, 100, …). */
const DEPOSIT = 100n;
const TOO_MUCH = 10n ** 30n;
/** Oracle's price was "observed" at timestamp 1, so any maxAge younger than the chain is stale. */
const ORACLE_UPDATED_AT = 1n;
const MAX_AGE = 60n;
/** Every error a revert in these tests can carry, to build the exact revert data expected. */
const ERRORS = new Interface([...Vault__factory.abi, ...Oracle__factory.abi].filter((f) => f.type === "error"));
const STALE_PRICE_SELECTOR = ERRORS.getError("StalePrice")!.selector;

const OPEN: Vault.PositionStruct = { id: 1n, owner: DEV_ACCOUNT, amount: 5n, open: true };
const CLOSED: Vault.PositionStruct = { id: 2n, owner: OWNER, amount: 7n, open: false };

/** A method of the Vault binding: callable (a send for non-view functions) and with `.staticCall` (eth_call). */
type Method = ((...args: any[]) => Promise<unknown>) & {
  staticCall(...args: any[]): Promise<unknown>;
  send(...args: any[]): Promise<unknown>;
};

interface RevertCase {
  what: string;
  method: (vault: Vault) => Method;
  params: unknown[];
  /** Expected decoded revert; `errorName` undefined means "not decoded". */
  errorName?: string;
  args: unknown[];
  reason?: string | RegExp;
  /** The exact revert data expected. */
  data: string;
  /** A view/pure function: calling it is an eth_call, so sending needs `.send`. */
  readOnly?: boolean;
}

const panic = (code: number): string => ERRORS.encodeErrorResult("Panic", [code]);

/** Every way Vault reverts, with what the client (knowing Vault's and Oracle's ABIs) must decode. */
const CASES: RevertCase[] = [
  {
    what: "require(cond, reason) → Error(string)",
    method: (v) => v.store,
    params: [0n],
    errorName: "Error",
    args: ["Vault: zero value"],
    reason: "Vault: zero value",
    data: ERRORS.encodeErrorResult("Error", ["Vault: zero value"]),
  },
  {
    what: "division by zero → Panic(0x12)",
    method: (v) => v.divide,
    params: [1n, 0n],
    errorName: "Panic",
    args: [0x12n],
    reason: /division or modulo by zero/,
    data: panic(0x12),
  },
  {
    what: "arithmetic overflow → Panic(0x11)",
    method: (v) => v.add,
    params: [MaxUint256, 1n],
    errorName: "Panic",
    args: [0x11n],
    reason: /arithmetic overflow or underflow/,
    data: panic(0x11),
  },
  {
    what: "assert(false) → Panic(0x01)",
    method: (v) => v.breakInvariant,
    params: [],
    errorName: "Panic",
    args: [0x01n],
    reason: /assertion failed/,
    data: panic(0x01),
  },
  {
    what: "array index out of bounds → Panic(0x32)",
    method: (v) => v.pick,
    params: [[4n, 5n, 6n], 3n],
    errorName: "Panic",
    args: [0x32n],
    reason: /array index out of bounds/,
    data: panic(0x32),
  },
  {
    what: "custom error InsufficientBalance(address,uint256,uint256)",
    method: (v) => v.withdraw,
    params: [TOO_MUCH],
    errorName: "InsufficientBalance",
    args: [DEV_ACCOUNT, DEPOSIT, TOO_MUCH],
    reason: /^InsufficientBalance\(/,
    data: ERRORS.encodeErrorResult("InsufficientBalance", [DEV_ACCOUNT, DEPOSIT, TOO_MUCH]),
  },
  {
    what: "custom error Unauthorized(address)",
    method: (v) => v.setLast,
    params: [7n],
    errorName: "Unauthorized",
    args: [DEV_ACCOUNT],
    reason: /^Unauthorized\(/,
    data: ERRORS.encodeErrorResult("Unauthorized", [DEV_ACCOUNT]),
  },
  {
    what: "custom error with a struct argument PositionClosed(uint256,(uint256,address,uint128,bool))",
    method: (v) => v.totalOpen,
    params: [[OPEN, CLOSED]],
    readOnly: true,
    errorName: "PositionClosed",
    args: [1n, [2n, OWNER, 7n, false]],
    reason: /^PositionClosed\(/,
    data: ERRORS.encodeErrorResult("PositionClosed", [1n, CLOSED]),
  },
  {
    what: "custom error with an array argument BatchTooLarge(uint256[],uint256)",
    method: (v) => v.closeBatch,
    params: [[1n, 2n, 3n, 4n]],
    errorName: "BatchTooLarge",
    args: [[1n, 2n, 3n, 4n], 3n],
    reason: /^BatchTooLarge\(/,
    data: ERRORS.encodeErrorResult("BatchTooLarge", [[1n, 2n, 3n, 4n], 3n]),
  },
  {
    what: "Oracle's StalePrice bubbled up through Vault (Oracle's ABI known)",
    method: (v) => v.quote,
    params: [3n, MAX_AGE],
    errorName: "StalePrice",
    args: [ORACLE_UPDATED_AT, MAX_AGE],
    reason: /^StalePrice\(/,
    data: ERRORS.encodeErrorResult("StalePrice", [ORACLE_UPDATED_AT, MAX_AGE]),
  },
  {
    what: "bare revert() with no data",
    method: (v) => v.halt,
    params: [],
    errorName: undefined,
    args: [],
    data: "0x",
  },
];

/**
 * The dev account's next nonce, read from the node itself. Setup sends pass it explicitly: the SDK's nonce
 * queue is shared process-wide per (chain id, account), and both nodes serve chain 31337 and are rolled back
 * with evm_revert, so its cached nonce may belong to the other node (a send with it would wait forever on
 * Anvil). The tests under scrutiny here are the reverts, not nonce allocation.
 */
/** Decoded ABI values as plain arrays (ethers' `Result` proxies compare badly), for deep equality. */
function plain(value: unknown): unknown {
  if (value instanceof Result || Array.isArray(value)) return Array.from(value as unknown[], plain);
  return value;
}

/** Awaits a promise that must reject, and returns what it rejected with. */
async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  const outcome = await promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  if (!("error" in outcome)) expect.fail(`expected a revert, got ${String((outcome as { value: unknown }).value)}`);
  return outcome.error;
}

/** Checks the ChaincallError shape every revert must have, and returns it typed. */
function expectReverted(err: unknown): ContractRevertedError {
  expect(err, String((err as Error)?.stack ?? err)).to.be.instanceOf(ContractRevertedError);
  expect(err).to.be.instanceOf(ChaincallError);
  const reverted = err as ContractRevertedError;
  expect(reverted.code).to.equal("CALL_REVERTED");
  // The original ethers error, kept as the cause (not another chaincall error).
  expect(reverted.cause, "cause").to.be.instanceOf(Error);
  expect(reverted.cause).not.to.be.instanceOf(ChaincallError);
  expect(
    isError(reverted.cause, "CALL_EXCEPTION"),
    `cause is ethers' CALL_EXCEPTION, got ${(reverted.cause as { code?: unknown })?.code}`,
  ).to.equal(true);
  return reverted;
}

/** Asserts a revert decoded as `c` says. */
function expectDecoded(err: unknown, c: RevertCase): ContractRevertedError {
  const reverted = expectReverted(err);
  expect(reverted.data, "data").to.equal(c.data);
  expect(reverted.errorName, "errorName").to.equal(c.errorName);
  expect(plain(reverted.args), "args").to.deep.equal(c.args);
  if (typeof c.reason === "string") expect(reverted.reason, "reason").to.equal(c.reason);
  else if (c.reason) expect(reverted.reason, "reason").to.match(c.reason);
  return reverted;
}

/** A CLI failure with --json: the exit code, one `{"error":{code,message}}` document, and `error:` on stderr. */
function expectCliError(r: CliResult, exit: 1 | 2, code: string): string {
  expect(r.code, show(r)).to.equal(exit);
  const doc = parseDocument(r);
  expect(Object.keys(doc), show(r)).to.deep.equal(["error"]);
  expect(doc.error.code, show(r)).to.equal(code);
  expect(doc.error.message, show(r)).to.be.a("string");
  expect(r.stderr.split("\n")[0], show(r)).to.equal(`error: ${doc.error.message}`);
  return doc.error.message as string;
}

/** A CLI success with --json: exit 0 and the one JSON document. */
function expectCliOk(r: CliResult): any {
  expect(r.code, show(r)).to.equal(0);
  return JSON.parse(r.stdout);
}

const NODES: { name: string; node: () => LocalNode }[] = [
  { name: "Hardhat", node: hardhat },
  { name: "Anvil", node: anvil },
];

for (const { name, node } of NODES) {
  describe(`revert decoding on ${name}`, function () {
    this.timeout(60_000);
    // Deployments and deposits of this suite vanish afterwards.
    isolateState(node, "suite");
    const tmp = tempDir(`reverts-${name.toLowerCase()}`);

    /** Knows Vault's and Oracle's ABIs. */
    let client: Client;
    /** Knows only Vault's ABI: Oracle's StalePrice must stay undecoded. */
    let vaultOnly: Client;
    let vault: Vault;
    let vaultAddress: string;
    let oracleAddress: string;

    before(async () => {
      client = await connect({
        rpcUrl: node().rpcUrl,
        signer: { privateKey: DEV_PRIVATE_KEY },
        abis: [Vault__factory.abi, new Interface(Oracle__factory.abi)],
        timeoutMs: 20_000,
      });
      vaultOnly = await connect({
        rpcUrl: node().rpcUrl,
        signer: { privateKey: DEV_PRIVATE_KEY },
        abis: [Vault__factory.abi],
        timeoutMs: 20_000,
      });
      const oracle = await new Oracle__factory(client.signer).deploy(2000n, ORACLE_UPDATED_AT);
      await oracle.waitForDeployment();
      oracleAddress = await oracle.getAddress();
      vault = await new Vault__factory(client.signer).deploy(OWNER, oracleAddress);
      await vault.waitForDeployment();
      vaultAddress = await vault.getAddress();
      const receipt = await (await vault.deposit({ value: DEPOSIT })).wait();
      const [deposited] = receipt!.logs.map((l) => vault.interface.parseLog(l));
      expect(deposited?.name).to.equal("Deposited");
      expect(plain(deposited?.args)).to.deep.equal([DEV_ACCOUNT, DEPOSIT]);
    });

    after(async () => {
      await client?.close();
      await vaultOnly?.close();
    });

    it("deployed Vault with its constructor arguments", async () => {
      expect(await vault.owner()).to.equal(OWNER);
      expect(await vault.oracle()).to.equal(oracleAddress);
      expect(await vault.balanceOf(DEV_ACCOUNT)).to.equal(DEPOSIT);
    });

    describe("through the typed bindings, eth_call", () => {
      for (const c of CASES) {
        it(c.what, async () => {
          const err = await rejectionOf(c.method(vault).staticCall(...c.params));
          expectDecoded(err, c);
        });
      }
    });

    describe("through the typed bindings, a send whose gas estimation reverts (nothing sent)", () => {
      for (const c of CASES) {
        it(c.what, async () => {
          const before = await chainState(node());
          // State-changing functions send when called, as users write it; a pure one (totalOpen) needs .send.
          const method = c.method(vault);
          const err = await rejectionOf(c.readOnly ? method.send(...c.params) : method(...c.params));
          expectDecoded(err, c);
          expect(await chainState(node()), "nonce and block unchanged").to.deep.equal(before);
        });
      }
    });

    describe("Oracle's error when the client does not know Oracle's ABI", () => {
      const quote = CASES.find((c) => c.errorName === "StalePrice")!;

      it("eth_call: CALL_REVERTED, not decoded, data kept", async () => {
        const err = expectReverted(await rejectionOf(Vault__factory.connect(vaultAddress, vaultOnly.runner).quote.staticCall(3n, MAX_AGE)));
        expect(err.errorName).to.equal(undefined);
        expect(err.args).to.deep.equal([]);
        expect(err.data).to.equal(quote.data);
        expect(err.data.slice(0, 10)).to.equal(STALE_PRICE_SELECTOR);
      });

      it("send: CALL_REVERTED at gas estimation, not decoded, data kept, nothing sent", async () => {
        const before = await chainState(node());
        const err = expectReverted(await rejectionOf(Vault__factory.connect(vaultAddress, vaultOnly.runner).quote(3n, MAX_AGE)));
        expect(err.errorName).to.equal(undefined);
        expect(err.data).to.equal(quote.data);
        expect(await chainState(node())).to.deep.equal(before);
      });

      it("decodes it once the client learns Oracle's ABI (addAbi)", async () => {
        const learner = await connect({ rpcUrl: node().rpcUrl, abis: [Vault__factory.abi] });
        try {
          const binding = Vault__factory.connect(vaultAddress, learner.runner);
          expect(expectReverted(await rejectionOf(binding.quote.staticCall(3n, MAX_AGE))).errorName).to.equal(undefined);
          learner.addAbi(Oracle__factory.abi);
          expectDecoded(await rejectionOf(binding.quote.staticCall(3n, MAX_AGE)), quote);
        } finally {
          await learner.close();
        }
      });
    });

    describe("the reason text of custom errors with struct and array arguments", () => {
      // The reason is what the CLI prints: nested values must keep their brackets, or
      // "BatchTooLarge(1,2,3,4, 3)" reads as five arguments.
      it("keeps an array argument recognisable: BatchTooLarge([1, 2, 3, 4], 3)", async () => {
        const err = expectReverted(await rejectionOf(vault.closeBatch.staticCall([1n, 2n, 3n, 4n])));
        expect(err.reason).to.match(/^BatchTooLarge\(\[1, ?2, ?3, ?4\], 3\)$/);
      });

      it("keeps a struct argument recognisable: PositionClosed(1, [2, 0x…, 7, false])", async () => {
        const err = expectReverted(await rejectionOf(vault.totalOpen.staticCall([OPEN, CLOSED])));
        expect(err.reason).to.match(new RegExp(`^PositionClosed\\(1, [\\[{(][^\\[\\]{}()]*\\b2\\b.*${OWNER}.*\\b7\\b.*false[\\]})]\\)$`));
      });
    });

    describe("the CLI", () => {
      const target = (): string => `Vault@${vaultAddress}`;
      const at = (abiDir = ABI_DIR): string[] => ["-r", node().rpcUrl, "--abi-dir", abiDir, "--deployments", join(tmp(), "book")];

      it("call divide 1 0 --json → exit 1, CALL_REVERTED naming the panic", async () => {
        const r = await runCli(["call", target(), "divide", "1", "0", ...at(), "--json"]);
        expect(expectCliError(r, 1, "CALL_REVERTED")).to.include("division or modulo by zero");
      });

      it("call store 0 --json → the require reason in the message", async () => {
        const r = await runCli(["call", target(), "store", "0", ...at(), "--json"]);
        expect(expectCliError(r, 1, "CALL_REVERTED")).to.include("Vault: zero value");
      });

      it("call withdraw too much --from dev → InsufficientBalance(dev, 100, 10^30) in the message", async () => {
        const r = await runCli(["call", target(), "withdraw", TOO_MUCH.toString(), "--from", DEV_ACCOUNT, ...at(), "--json"]);
        const message = expectCliError(r, 1, "CALL_REVERTED");
        expect(message).to.match(new RegExp(`InsufficientBalance\\("?${DEV_ACCOUNT}"?, ${DEPOSIT}, ${TOO_MUCH}\\)`));
      });

      it("call quote → Oracle's StalePrice decoded from the ABI folder", async () => {
        const r = await runCli(["call", target(), "quote", "3", MAX_AGE.toString(), ...at(), "--json"]);
        expect(expectCliError(r, 1, "CALL_REVERTED")).to.include(`StalePrice(${ORACLE_UPDATED_AT}, ${MAX_AGE})`);
      });

      it("call quote with only Vault.abi in --abi-dir → CALL_REVERTED with the raw error data", async () => {
        const dir = join(tmp(), "vault-only-abi");
        mkdirSync(dir, { recursive: true });
        copyFileSync(join(ABI_DIR, "Vault.abi"), join(dir, "Vault.abi"));
        const r = await runCli(["call", target(), "quote", "3", MAX_AGE.toString(), ...at(dir), "--json"]);
        const message = expectCliError(r, 1, "CALL_REVERTED");
        expect(message).to.include(STALE_PRICE_SELECTOR).and.not.include("StalePrice");
      });

      it("send withdraw too much → exit 1 at gas estimation, InsufficientBalance, nothing sent", async () => {
        const before = await chainState(node());
        const r = await runCli(["send", target(), "withdraw", TOO_MUCH.toString(), ...at(), "--json"], {
          env: { ETH_PRIVATE_KEY: DEV_PRIVATE_KEY },
        });
        expect(expectCliError(r, 1, "CALL_REVERTED")).to.match(/InsufficientBalance\(/);
        expect(await chainState(node())).to.deep.equal(before);
      });

      it("call echoPosition with a JSON object → the struct back as JSON (owner checksummed, integers as strings)", async () => {
        const position = JSON.stringify({ id: 1, owner: OWNER.toLowerCase(), amount: "5", open: true });
        const doc = expectCliOk(await runCli(["call", target(), "echoPosition", position, ...at(), "--json"]));
        expect(doc.function).to.equal("echoPosition((uint256,address,uint128,bool))");
        expect(doc.result).to.deep.equal([{ id: "1", owner: OWNER, amount: "5", open: true }]);
      });

      it("call totalOpen with a JSON array of structs (objects and arrays mixed) → their sum", async () => {
        const positions = JSON.stringify([{ id: 1, owner: DEV_ACCOUNT, amount: "5", open: true }, [2, OWNER, "0x07", true]]);
        const doc = expectCliOk(await runCli(["call", target(), "totalOpen", positions, ...at(), "--json"]));
        expect(doc.result).to.deep.equal(["12"]);
      });

      it("call pick with a JSON array → the element, in human output", async () => {
        const r = await runCli(["call", target(), "pick", "[4,5,6]", "1", ...at()]);
        expect(r.code, show(r)).to.equal(0);
        expect(r.stdout).to.equal("5\n");
      });

      it("call echo (overloaded) → exit 2 listing the three candidates", async () => {
        const r = await runCli(["call", target(), "echo", "1", ...at(), "--json"]);
        expectCliError(r, 2, "INVALID_ARGUMENT");
        for (const candidate of ["echo(uint256)", "echo(uint256,uint256)", "echo(string)"]) expect(r.stderr, show(r)).to.include(candidate);
      });

      it('call "echo(uint256,uint256)" 2 3 → 5, and "echo(string)" hello → hello', async () => {
        const doc = expectCliOk(await runCli(["call", target(), "echo(uint256,uint256)", "2", "3", ...at(), "--json"]));
        expect(doc.function).to.equal("echo(uint256,uint256)");
        expect(doc.result).to.deep.equal(["5"]);
        const r = await runCli(["call", target(), "echo(string)", "hello", ...at()]);
        expect(r.code, show(r)).to.equal(0);
        expect(r.stdout).to.equal("hello\n");
      });

      it("deploy Oracle and Vault with constructor arguments, then call them by name", async () => {
        const env = { ETH_PRIVATE_KEY: DEV_PRIVATE_KEY };
        const oracle = expectCliOk(await runCli(["deploy", "Oracle", "2000", "1", ...at(), "--json"], { env }));
        // A lowercase owner is accepted (no checksum to verify) and comes back checksummed.
        const deployed = expectCliOk(await runCli(["deploy", "Vault", OWNER.toLowerCase(), oracle.address, ...at(), "--json"], { env }));
        expect(getAddress(deployed.address)).to.equal(deployed.address);
        const owner = expectCliOk(await runCli(["call", "Vault", "owner", ...at(), "--json"]));
        expect(owner.result).to.deep.equal([OWNER]);
        const linked = expectCliOk(await runCli(["call", "Vault", "oracle", ...at(), "--json"]));
        expect(linked.result).to.deep.equal([oracle.address]);
        const price = expectCliOk(await runCli(["call", "Oracle", "price", ...at(), "--json"]));
        expect(price.result).to.deep.equal(["2000"]);
      });
    });
  });
}

describe("revert decoding over IPC on Anvil", () => {
  isolateState(anvil, "suite");
  let client: Client;
  let vault: Vault;

  before(async () => {
    client = await connect({
      rpcUrl: anvil().ipcPath!,
      signer: { privateKey: DEV_PRIVATE_KEY },
      abis: [Vault__factory.abi, Oracle__factory.abi],
    });
    expect(client.transport).to.equal("ipc");
    const oracle = await new Oracle__factory(client.signer).deploy(2000n, ORACLE_UPDATED_AT);
    await oracle.waitForDeployment();
    vault = await new Vault__factory(client.signer).deploy(OWNER, await oracle.getAddress());
    await vault.waitForDeployment();
  });

  after(async () => client?.close());

  for (const c of CASES.filter((x) => ["Unauthorized", "StalePrice", "Panic", undefined].includes(x.errorName))) {
    it(`eth_call: ${c.what}`, async () => {
      expectDecoded(await rejectionOf(c.method(vault).staticCall(...c.params)), c);
    });
  }
});
