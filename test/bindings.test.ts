import { expect } from "chai";
import { AbiCoder, Contract, JsonRpcProvider, Result, Wallet } from "ethers";
import type { LocalNode } from "../scripts/lib/localNode";
import { type Client, ContractRevertedError, connect, type ErrorCode, isChaincallError, wrapContract, wrapDeploy } from "../src";
import {
  type CallDemo,
  CallDemo__factory,
  type Echo,
  Echo__factory,
  Oracle__factory,
  type Reader,
  Reader__factory,
  type Vault,
  Vault__factory,
} from "../typechain-types";
import { type CountingProxy, countingProxy } from "./fixtures/countingProxy";
import { anvil, DEV_ACCOUNT, DEV_PRIVATE_KEY, devClient, hardhat, isolateState, rpc } from "./fixtures/nodes";
import { deployTestContracts } from "./fixtures/testContracts";

// Issue 11 item 6: every misuse of a generated binding — a bad argument to a method, a constructor or the
// overrides, a wrong count, a call to an address without code — is a ChaincallError with a code, naming the
// function and parameter, with nothing sent to the node (counted by a pass-through proxy); valid calls still
// return exactly what ethers' own (unwrapped) contract returns. Issue 12 item 4: a binding's own custom
// errors are decoded without telling the client its ABI.

const BAD_CHECKSUM = "0xF39Fd6e51aad88F6F4ce6aB8827279cffFb92266"; // DEV_ACCOUNT with one letter's case flipped
const WORD = `0x${"ab".repeat(32)}`;

interface Misuse {
  title: string;
  code: ErrorCode;
  /** What the message must name: the function and the parameter (name, type, index), or the problem. */
  names?: RegExp;
  /** Requests it may send: only the no-code case asks the node (the call itself, then the code check). */
  sends?: boolean;
  run: () => unknown;
}

/** The dev account's transaction count, asked directly (not through the counting proxy). */
async function nonceOf(node: LocalNode): Promise<bigint> {
  return BigInt((await rpc(node.rpcUrl, "eth_getTransactionCount", [DEV_ACCOUNT, "latest"])) as string);
}

/** A method (or contract) as an untyped function, to pass what TypeChain's types would refuse. */
type Loose = ((...args: unknown[]) => Promise<unknown>) & { [form: string]: Loose };
const loose = (value: unknown): Loose => value as Loose;

/** ethers' own contract, not wrapped: what the bindings must agree with. */
function unwrapped<T>(factory: { abi: unknown }, address: string, runner: unknown): T {
  return new Contract(address, factory.abi as never, runner as never) as unknown as T;
}

/** Results as plain nested arrays, so wrapped and unwrapped answers compare with deep equality. */
function plain(value: unknown): unknown {
  return value instanceof Result ? value.toArray(true).map(plain) : Array.isArray(value) ? value.map(plain) : value;
}

for (const [label, node] of [
  ["Hardhat", hardhat],
  ["Anvil", anvil],
] as [string, () => LocalNode][]) {
  describe(`bindings on ${label}: every misuse a ChaincallError, nothing sent`, () => {
    isolateState(node, "suite");
    let proxy: CountingProxy;
    let reader: Client;
    let sender: Client;
    let addresses: { demo: string; echo: string; reader: string; vault: string; oracle: string };
    let demo: CallDemo;
    let demoRead: CallDemo;
    let echo: Echo;

    before(async function () {
      this.timeout(60_000);
      addresses = await deployTestContracts(node());
      proxy = await countingProxy(node().rpcUrl);
      reader = await connect({ rpcUrl: proxy.url, journal: false });
      sender = await connect({ rpcUrl: proxy.url, signer: { privateKey: DEV_PRIVATE_KEY }, journal: false });
      demo = CallDemo__factory.connect(addresses.demo, sender.runner);
      demoRead = CallDemo__factory.connect(addresses.demo, reader.runner);
      echo = Echo__factory.connect(addresses.echo, reader.runner);
    });

    after(async () => {
      await reader?.close();
      await sender?.close();
      await proxy?.close();
    });

    // A valid echoScalars argument list, with one position replaced.
    const scalars = (i: number, value: unknown): unknown[] => {
      const args: unknown[] = [DEV_ACCOUNT, true, "0x1234", WORD, "hi", "0x12345678"];
      args[i] = value;
      return args;
    };
    const callScalars = (i: number, value: unknown) => () => loose(echo.echoScalars)(...scalars(i, value));
    const anyDemo = () => loose(demo);
    const setYear = (...args: unknown[]) => anyDemo().setYear(...args);
    const newYear = /setYear\(uint256\) argument 0 "newYear" \(uint256\)/;
    const item = { id: 1n, label: "a", tags: [WORD] };
    const order = { owner: DEV_ACCOUNT, item, items: [item], flags: [true, false] as [boolean, boolean] };

    const cases: Misuse[] = [
      // one uint256 argument, every way to get it wrong
      { title: 'setYear("abc")', code: "INVALID_ARGUMENT", names: newYear, run: () => setYear("abc") },
      { title: "setYear(-1)", code: "INVALID_ARGUMENT", names: newYear, run: () => setYear(-1) },
      { title: "setYear(2^256)", code: "INVALID_ARGUMENT", names: newYear, run: () => setYear(2n ** 256n) },
      { title: "setYear(1.5)", code: "INVALID_ARGUMENT", names: newYear, run: () => setYear(1.5) },
      { title: "setYear(NaN)", code: "INVALID_ARGUMENT", names: newYear, run: () => setYear(NaN) },
      { title: "setYear(Infinity)", code: "INVALID_ARGUMENT", names: newYear, run: () => setYear(Infinity) },
      { title: "setYear(null)", code: "INVALID_ARGUMENT", names: newYear, run: () => setYear(null) },
      { title: "setYear(undefined)", code: "INVALID_ARGUMENT", names: newYear, run: () => setYear(undefined) },
      { title: "setYear({})", code: "INVALID_ARGUMENT", names: newYear, run: () => setYear({}) },
      { title: "setYear([2021])", code: "INVALID_ARGUMENT", names: newYear, run: () => setYear([2021]) },
      // counts and overrides
      {
        title: "setYear() (too few)",
        code: "INVALID_ARGUMENT",
        names: /setYear\(uint256\) takes 1 argument \(uint256 newYear\).*got 0/,
        run: () => setYear(),
      },
      {
        title: "setYear(1, 2, 3) (too many)",
        code: "INVALID_ARGUMENT",
        names: /setYear\(uint256\) takes 1 argument.*got 3/,
        run: () => setYear(1, 2, 3),
      },
      {
        title: 'setYear(1, "fast") (overrides not an object)',
        code: "INVALID_ARGUMENT",
        names: /overrides/,
        run: () => setYear(1, "fast"),
      },
      {
        title: 'setYear(1, { gasLimit: "lots" })',
        code: "INVALID_ARGUMENT",
        names: /overrides/,
        run: () => setYear(1, { gasLimit: "lots" }),
      },
      {
        title: "setYear(1, { to: … }) (cannot override to)",
        code: "INVALID_ARGUMENT",
        names: /overrides/,
        run: () => setYear(1, { to: DEV_ACCOUNT }),
      },
      { title: "setYear(1, { value: -1n })", code: "INVALID_ARGUMENT", names: /value/, run: () => setYear(1, { value: -1n }) },
      { title: "setYear(1, { nonce: -1 })", code: "INVALID_ARGUMENT", names: /nonce/, run: () => setYear(1, { nonce: -1 }) },
      { title: "setYear(1, { gasLimit: -5n })", code: "INVALID_ARGUMENT", names: /gasLimit/, run: () => setYear(1, { gasLimit: -5n }) },
      // every method form
      { title: 'setYear.staticCall("abc")', code: "INVALID_ARGUMENT", names: newYear, run: () => anyDemo().setYear.staticCall("abc") },
      { title: "setYear.estimateGas(-1)", code: "INVALID_ARGUMENT", names: newYear, run: () => anyDemo().setYear.estimateGas(-1) },
      {
        title: "setYear.populateTransaction(1.5)",
        code: "INVALID_ARGUMENT",
        names: newYear,
        run: () => anyDemo().setYear.populateTransaction(1.5),
      },
      { title: 'setYear.send("abc")', code: "INVALID_ARGUMENT", names: newYear, run: () => anyDemo().setYear.send("abc") },
      {
        title: "setYear.staticCallResult(2^256)",
        code: "INVALID_ARGUMENT",
        names: newYear,
        run: () => anyDemo().setYear.staticCallResult(2n ** 256n),
      },
      {
        title: 'getFunction("setYear")("abc")',
        code: "INVALID_ARGUMENT",
        names: newYear,
        run: () => loose(demo.getFunction("setYear"))("abc"),
      },
      {
        title: 'getFunction("setYear").staticCall(-1)',
        code: "INVALID_ARGUMENT",
        names: newYear,
        run: () => loose(demo.getFunction("setYear")).staticCall(-1),
      },
      {
        title: 'getFunction("nope")() (no such function)',
        code: "INVALID_ARGUMENT",
        names: /the ABI has no function nope/,
        run: () => loose(demo.getFunction("nope"))(),
      },
      {
        title: 'getFunction("setYear").getFragment(1, 2, 3)',
        code: "INVALID_ARGUMENT",
        run: () => loose(demo.getFunction("setYear")).getFragment(1, 2, 3),
      },
      {
        title: "connect(runner).setYear(-1)",
        code: "INVALID_ARGUMENT",
        names: newYear,
        run: () => loose(demo.connect(sender.runner)).setYear(-1),
      },
      { title: "a send through a binding with no signer", code: "SIGNER_ERROR", run: () => demoRead.setYear(2021n) },
      // the other ABI types, through Echo (reads)
      {
        title: "an address with a bad checksum",
        code: "INVALID_ARGUMENT",
        names: /argument 0 "who" \(address\)/,
        run: callScalars(0, BAD_CHECKSUM),
      },
      {
        title: 'an address "abc" (not resolved as an ENS name)',
        code: "INVALID_ARGUMENT",
        names: /argument 0 "who" \(address\)/,
        run: callScalars(0, "abc"),
      },
      {
        title: "an address of 19 bytes",
        code: "INVALID_ARGUMENT",
        names: /argument 0 "who" \(address\)/,
        run: callScalars(0, DEV_ACCOUNT.slice(0, -2)),
      },
      {
        title: 'a string for a bool ("false")',
        code: "INVALID_ARGUMENT",
        names: /argument 1 "flag" \(bool\)/,
        run: callScalars(1, "false"),
      },
      { title: "a number for a bool (1)", code: "INVALID_ARGUMENT", names: /argument 1 "flag" \(bool\)/, run: callScalars(1, 1) },
      { title: "bytes that are not hex", code: "INVALID_ARGUMENT", names: /argument 2 "blob" \(bytes\)/, run: callScalars(2, "zz") },
      { title: "bytes of odd length", code: "INVALID_ARGUMENT", names: /argument 2 "blob" \(bytes\)/, run: callScalars(2, "0x123") },
      { title: "a short bytes32", code: "INVALID_ARGUMENT", names: /argument 3 "word" \(bytes32\)/, run: callScalars(3, "0x1234") },
      {
        title: "a long bytes32 (33 bytes)",
        code: "INVALID_ARGUMENT",
        names: /argument 3 "word" \(bytes32\)/,
        run: callScalars(3, `${WORD}cd`),
      },
      { title: "a number for a string", code: "INVALID_ARGUMENT", names: /argument 4 "text" \(string\)/, run: callScalars(4, 42) },
      { title: "a bytes4 of 3 bytes", code: "INVALID_ARGUMENT", names: /argument 5 "tag" \(bytes4\)/, run: callScalars(5, "0x123456") },
      {
        title: "256 for a uint8",
        code: "INVALID_ARGUMENT",
        names: /echoUints\(.*\) argument 0 "a" \(uint8\)/,
        run: () => echo.echoUints(256, 0, 0, 0, 0, 0),
      },
      {
        title: "70000 for a uint16",
        code: "INVALID_ARGUMENT",
        names: /argument 1 "b" \(uint16\)/,
        run: () => echo.echoUints(0, 70_000, 0, 0, 0, 0),
      },
      {
        title: "-129 for an int8",
        code: "INVALID_ARGUMENT",
        names: /echoInts\(.*\) argument 0 "a" \(int8\)/,
        run: () => echo.echoInts(-129, 0, 0, 0, 0, 0),
      },
      {
        title: "2^255 for an int256",
        code: "INVALID_ARGUMENT",
        names: /argument 5 "f" \(int256\)/,
        run: () => echo.echoInts(0, 0, 0, 0, 0, 2n ** 255n),
      },
      {
        title: "2 items for a uint256[3]",
        code: "INVALID_ARGUMENT",
        names: /argument 0 "fixedNums" \(uint256\[3\]\)/,
        run: () => echo.echoArrays([1, 2] as never, [], [], [DEV_ACCOUNT, DEV_ACCOUNT], []),
      },
      {
        title: "a number for an int64[]",
        code: "INVALID_ARGUMENT",
        names: /argument 1 "nums" \(int64\[\]\)/,
        run: () => echo.echoArrays([1, 2, 3], 5 as never, [], [DEV_ACCOUNT, DEV_ACCOUNT], []),
      },
      {
        title: "a bad address inside an address[2]",
        code: "INVALID_ARGUMENT",
        names: /argument 3 "pair" \(address\[2\]\)/,
        run: () => echo.echoArrays([1, 2, 3], [], [], [DEV_ACCOUNT, BAD_CHECKSUM], []),
      },
      {
        title: 'a "true" string inside a bool[2][]',
        code: "INVALID_ARGUMENT",
        names: /argument 1 "pairs" \(bool\[2\]\[\]\)/,
        run: () =>
          echo.echoNested(
            [],
            [[true, "true" as never]],
            [
              [WORD, WORD],
              [WORD, WORD],
            ],
          ),
      },
      {
        title: "a struct missing a field",
        code: "INVALID_ARGUMENT",
        names: /echoOrder\(.*\) argument 0 "order" \(tuple\)/,
        run: () => echo.echoOrder({ ...order, item: { id: 1n, label: "a" } } as never),
      },
      {
        title: "a string for a bool inside a struct",
        code: "INVALID_ARGUMENT",
        names: /argument 0 "order" \(tuple\)/,
        run: () => echo.echoOrder({ ...order, flags: [true, "no"] } as never),
      },
      {
        title: "null for a struct",
        code: "INVALID_ARGUMENT",
        names: /argument 0 "order" \(tuple\)/,
        run: () => echo.echoOrder(null as never),
      },
      {
        title: "an overloaded name with no overload of 3 arguments",
        code: "INVALID_ARGUMENT",
        names: /echo\(uint256\).*echo\(string\)|echo\(string\).*echo\(uint256\)/,
        run: () => loose(echo).echo(1, 2, 3),
      },
      {
        title: 'echo(uint256) by signature with "abc"',
        code: "INVALID_ARGUMENT",
        names: /echo\(uint256\) argument 0 "x" \(uint256\)/,
        run: () => echo["echo(uint256)"]("abc" as never),
      },
      // constructors (deploy and getDeployTransaction), through the generated factories
      {
        title: 'deploy Oracle("abc", 1)',
        code: "INVALID_ARGUMENT",
        names: /constructor\(uint256,uint256\) argument 0 "initialPrice" \(uint256\)/,
        run: () => new Oracle__factory(sender.signer!).deploy("abc", 1),
      },
      {
        title: "deploy Oracle(1, -1)",
        code: "INVALID_ARGUMENT",
        names: /argument 1 "initialUpdatedAt" \(uint256\)/,
        run: () => new Oracle__factory(sender.signer!).deploy(1, -1),
      },
      {
        title: "deploy Oracle with one argument (the overrides {} taken for the second)",
        code: "INVALID_ARGUMENT",
        names: /constructor\(uint256,uint256\) argument 1 "initialUpdatedAt"/,
        run: () => {
          const factory = new Oracle__factory(sender.signer!);
          return loose(factory.deploy.bind(factory))(1);
        },
      },
      {
        title: "deploy Oracle(1, 2, 3) (a number where the overrides go)",
        code: "INVALID_ARGUMENT",
        names: /constructor\(uint256,uint256\): the overrides/,
        run: () => {
          const factory = new Oracle__factory(sender.signer!);
          return loose(factory.deploy.bind(factory))(1, 2, 3);
        },
      },
      {
        title: "wrapDeploy with five arguments for a constructor of two",
        code: "INVALID_ARGUMENT",
        names: /constructor\(uint256,uint256\) takes 2 arguments \(uint256 initialPrice, uint256 initialUpdatedAt\).*got 5/,
        run: () => {
          const factory = new Oracle__factory(sender.signer!);
          return wrapDeploy(factory, [1, 2, 3, 4, 5], (args) => factory.deploy(...(args as [bigint, bigint])));
        },
      },
      {
        title: "deploy Vault with a bad checksum owner",
        code: "INVALID_ARGUMENT",
        names: /argument 0 "initialOwner" \(address\)/,
        run: () => new Vault__factory(sender.signer!).deploy(BAD_CHECKSUM, addresses.oracle),
      },
      {
        title: 'deploy Oracle(1, 1, { gasLimit: "lots" })',
        code: "INVALID_ARGUMENT",
        names: /overrides/,
        run: () => new Oracle__factory(sender.signer!).deploy(1, 1, { gasLimit: "lots" as never }),
      },
      {
        title: "factory.connect(signer).deploy(-1, 1)",
        code: "INVALID_ARGUMENT",
        names: /argument 0 "initialPrice"/,
        run: () => new Oracle__factory().connect(sender.signer!).deploy(-1, 1),
      },
      {
        title: "getDeployTransaction(1.5, 1)",
        code: "INVALID_ARGUMENT",
        names: /argument 0 "initialPrice"/,
        run: () => new Oracle__factory(sender.signer!).getDeployTransaction(1.5, 1),
      },
      { title: "deploy without a signer", code: "SIGNER_ERROR", run: () => new Oracle__factory().deploy(1, 1) },
      // no code there: the node is asked, and the answer is NO_CONTRACT (not ethers' BAD_DATA)
      {
        title: "a call to an address without code",
        code: "NO_CONTRACT",
        sends: true,
        run: () => CallDemo__factory.connect(Wallet.createRandom().address, reader.runner).getYear(),
      },
      {
        title: "a call to an address without code, through the signer",
        code: "NO_CONTRACT",
        sends: true,
        run: () => CallDemo__factory.connect(Wallet.createRandom().address, sender.runner).getYear.staticCall(),
      },
    ];

    it(`covers at least 30 misuses (${cases.length})`, () => {
      expect(cases.length).to.be.at.least(30);
    });

    for (const c of cases) {
      it(`${c.title} → ${c.code}${c.sends ? "" : ", nothing sent"}`, async () => {
        const nonce = await nonceOf(node());
        const sentBefore = proxy.requests;
        const methodsBefore = proxy.methods.length;
        let error: unknown;
        try {
          await c.run();
        } catch (err) {
          error = err;
        }
        const sent = proxy.methods.slice(methodsBefore);
        expect(error, "the misuse succeeded").to.not.equal(undefined);
        expect(isChaincallError(error), `not a ChaincallError: ${String((error as Error)?.stack ?? error)}`).to.equal(true);
        const err = error as { code: string; message: string };
        expect(err.code, err.message).to.equal(c.code);
        expect(err.message, "one line").not.to.include("\n");
        if (c.names) expect(err.message).to.match(c.names);
        if (!c.sends) expect(proxy.requests - sentBefore, `requests that reached the node: ${sent.join(", ")}`).to.equal(0);
        expect(await nonceOf(node()), "the account's nonce").to.equal(nonce);
      });
    }

    describe("valid calls: the same answers as ethers' own contract", () => {
      it("reads of every ABI type give what the unwrapped contract gives", async () => {
        const raw = unwrapped<Echo>(Echo__factory, addresses.echo, reader.runner);
        const calls: [string, (e: Echo) => Promise<unknown>][] = [
          ["echoUints", (e) => e.echoUints(255, 65_535, 2n ** 32n - 1n, 1n, 2n ** 128n - 1n, 2n ** 256n - 1n)],
          ["echoInts", (e) => e.echoInts(-128, 32_767, -1, 2n ** 63n - 1n, -(2n ** 127n), -(2n ** 255n))],
          ["echoScalars", (e) => e.echoScalars(DEV_ACCOUNT.toLowerCase(), false, "0x", WORD, "héllo", "0xdeadbeef")],
          ["echoArrays", (e) => e.echoArrays([1, 2, 3], [-1n, 2n], ["a", ""], [DEV_ACCOUNT, BAD_CHECKSUM.toLowerCase()], ["0x01", "0x"])],
          [
            "echoNested",
            (e) =>
              e.echoNested(
                [[1n], [], [2n, 3n]],
                [[true, false]],
                [
                  [WORD, WORD],
                  [WORD, WORD],
                ],
              ),
          ],
          ["echoItems", (e) => e.echoItems([item, { id: 2n, label: "b", tags: [] }])],
          ["echoOrder", (e) => e.echoOrder(order)],
          ["echo(uint256)", (e) => e["echo(uint256)"](7n)],
          ["echo(string)", (e) => e["echo(string)"]("x")],
          ["getFunction", (e) => e.getFunction("echoString")("s")],
          ["staticCallResult", (e) => e.echoString.staticCallResult("r")],
          ["populateTransaction", (e) => e.echoUints.populateTransaction(1, 2, 3, 4, 5, 6)],
        ];
        for (const [name, run] of calls) {
          expect(plain(await run(echo)), name).to.deep.equal(plain(await run(raw)));
        }
      });

      it("a send, its estimate and the read after it agree with ethers' contract, through a wrapped connect()", async () => {
        const raw = unwrapped<CallDemo>(CallDemo__factory, addresses.demo, sender.runner);
        expect(await demo.setYear.estimateGas(2031n)).to.equal(await raw.setYear.estimateGas(2031n));
        const tx = await demo.setYear(2031n);
        expect((await tx.wait())?.status).to.equal(1);
        expect(await demo.getYear()).to.equal(2031n);
        expect(await raw.getYear()).to.equal(2031n);
        const again = demo.connect(reader.runner) as CallDemo;
        expect(await again.getYear()).to.equal(2031n);
        expect(await demo.getYear.staticCall()).to.equal(await raw.getYear.staticCall());
        expect(demo.getYear.fragment.format()).to.equal(raw.getYear.fragment.format());
        expect(demo.getYear.name).to.equal("getYear");
        expect(await demo.getAddress()).to.equal(addresses.demo);
      });

      it("a deploy returns a wrapped contract that works and is itself wrapped", async () => {
        const deployed = await new Oracle__factory(sender.signer!).deploy(5n, 6n);
        expect(await deployed.waitForDeployment()).to.equal(deployed);
        expect(await deployed.latestPrice(2n ** 64n)).to.equal(5n);
        const err = await deployed.setPrice(-1, 0).catch((e: unknown) => e);
        expect(isChaincallError(err, "INVALID_ARGUMENT"), String(err)).to.equal(true);
        const tx = await new Oracle__factory(sender.signer!).getDeployTransaction(5n, 6n);
        expect(tx.data).to.match(/^0x[0-9a-f]+$/);
      });

      it("a factory connected to a signer stays a generated factory, so its deploy is wrapped too", async () => {
        const factory = new Oracle__factory().connect(sender.signer!);
        expect(factory).to.be.instanceOf(Oracle__factory);
        const deployed = await factory.deploy(7n, 8n);
        // deploy() resolves once the transaction is sent; reading before it is mined finds no code
        await deployed.waitForDeployment();
        const err = await deployed.latestPrice(-1).catch((e: unknown) => e);
        expect(isChaincallError(err, "INVALID_ARGUMENT"), String(err)).to.equal(true);
        expect(await deployed.latestPrice(2n ** 64n)).to.equal(7n);
      });

      it("with a plain ethers provider as the runner: NO_CONTRACT (not ethers' BAD_DATA), INVALID_ARGUMENT, and the right answer", async () => {
        const provider = new JsonRpcProvider(node().rpcUrl, undefined, { staticNetwork: true });
        try {
          const missing = await CallDemo__factory.connect(Wallet.createRandom().address, provider)
            .getYear()
            .catch((e: unknown) => e);
          expect(isChaincallError(missing, "NO_CONTRACT"), String(missing)).to.equal(true);
          const bad = await Echo__factory.connect(addresses.echo, provider)
            .echoString(42 as never)
            .catch((e: unknown) => e);
          expect(isChaincallError(bad, "INVALID_ARGUMENT"), String(bad)).to.equal(true);
          expect(await CallDemo__factory.connect(addresses.demo, provider).year()).to.equal(await demoRead.year());
        } finally {
          provider.destroy();
        }
      });

      it("the receive/fallback function: its failures translated too, null where the ABI has none", async () => {
        expect(demo.fallback).to.equal(null);
        const payable = wrapContract(
          new Contract(Wallet.createRandom().address, [{ type: "receive", stateMutability: "payable" }], sender.runner),
        );
        const sentBefore = proxy.requests;
        for (const overrides of [{ gasLimit: "lots" }, { value: -1n }, { data: "0x1234" }]) {
          const err = await payable.fallback!(overrides as never).catch((e: unknown) => e);
          expect(
            isChaincallError(err, "INVALID_ARGUMENT"),
            `${JSON.stringify(overrides, (_k, v) => (typeof v === "bigint" ? String(v) : v))}: ${String(err)}`,
          ).to.equal(true);
        }
        expect(proxy.requests - sentBefore, "requests sent").to.equal(0);
      });

      it("wrapContract returns the same wrapper when given a wrapped contract, and keeps the method per name", () => {
        expect(wrapContract(demo)).to.equal(demo);
        expect(demo.getYear).to.equal(demo.getYear);
        expect(demo.getFunction("getYear")).to.equal(demo.getYear);
        expect((demo.getYear as unknown as { _contract: unknown })._contract).to.equal(demo);
      });
    });

    describe("random arguments, valid and not: wrapped and unwrapped agree", () => {
      // A fixed seed: a failure names its case and replays.
      let seed = 0x5eed;
      const random = (n: number): number => {
        seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
        return seed % n;
      };
      const pick = <T>(values: readonly T[]): T => values[random(values.length)]!;
      // Per parameter: values ethers encodes, and values it must refuse (the test's own oracle below decides).
      type Pool = { ok: unknown[]; bad: unknown[] };
      const uint = (bits: number): Pool => {
        const max = 2n ** BigInt(bits) - 1n;
        return { ok: [0n, 1n, max, "12", "0x1f", 7], bad: [max + 1n, -1n, 1.5, "abc", null, NaN] };
      };
      const int = (bits: number): Pool => {
        const max = 2n ** BigInt(bits - 1) - 1n;
        return { ok: [0n, -1n, -max - 1n, max, "-3"], bad: [max + 1n, -max - 2n, 1.5, "x", undefined] };
      };
      const pools: Record<"echoUints" | "echoInts" | "echoScalars", Pool[]> = {
        echoUints: [8, 16, 32, 64, 128, 256].map(uint),
        echoInts: [8, 16, 32, 64, 128, 256].map(int),
        echoScalars: [
          { ok: [DEV_ACCOUNT, DEV_ACCOUNT.toLowerCase()], bad: [BAD_CHECKSUM, "abc", DEV_ACCOUNT.slice(0, -2), 42] },
          { ok: [true, false], bad: ["true", 1, 0, null] },
          { ok: ["0x", "0x1234", new Uint8Array([1, 2])], bad: ["zz", "0x123"] },
          { ok: [WORD, new Uint8Array(32)], bad: ["0x12", `${WORD}00`] },
          { ok: ["hi", ""], bad: [42, null] },
          { ok: ["0x12345678", new Uint8Array(4)], bad: ["0x1234", "0x123456789a"] },
        ],
      };
      // A third of the calls all valid, a third with one bad value, a third with any mix.
      const draw = (pool: Pool[]): unknown[] => {
        const mode = random(3);
        const spoiled = random(pool.length);
        return pool.map((p, i) => pick(mode === 2 ? [...p.ok, ...p.bad] : mode === 1 && i === spoiled ? p.bad : p.ok));
      };

      // Bad by the ABI alone: the value does not encode as its parameter, or is not a boolean where it says bool.
      const firstBad = (name: keyof typeof pools, args: unknown[]): number => {
        const inputs = echo.interface.getFunction(name)!.inputs;
        return inputs.findIndex((param, i) => {
          if (param.type === "bool") return typeof args[i] !== "boolean";
          try {
            AbiCoder.defaultAbiCoder().encode([param], [args[i]]);
            return false;
          } catch {
            return true;
          }
        });
      };

      it("60 random calls each of echoUints, echoInts and echoScalars", async function () {
        this.timeout(60_000);
        const raw = unwrapped<Echo>(Echo__factory, addresses.echo, reader.runner);
        let refused = 0;
        for (const name of Object.keys(pools) as (keyof typeof pools)[]) {
          for (let n = 0; n < 60; n++) {
            const args = draw(pools[name]);
            const what = `${name}(${args.map((a) => String(a)).join(", ")})`;
            const bad = firstBad(name, args);
            const sentBefore = proxy.requests;
            const wrapped = await loose(echo[name])(...args).then(
              (value) => ({ value }),
              (error: unknown) => ({ error }),
            );
            const sentByWrapped = proxy.requests - sentBefore;
            const rawOutcome = await loose(raw[name])(...args).then(
              (value) => ({ value }),
              (error: unknown) => ({ error }),
            );
            if (bad === -1) {
              expect("value" in wrapped, `${what}: ${"error" in wrapped ? String(wrapped.error) : ""}`).to.equal(true);
              expect("value" in rawOutcome, `${what}: ethers refused what the ABI allows`).to.equal(true);
              expect(plain((wrapped as { value: unknown }).value), what).to.deep.equal(plain((rawOutcome as { value: unknown }).value));
            } else {
              refused++;
              const error = (wrapped as { error?: unknown }).error;
              expect(isChaincallError(error, "INVALID_ARGUMENT"), `${what}: ${String(error)}`).to.equal(true);
              expect((error as Error).message, what).to.include(`argument ${bad} `);
              expect(sentByWrapped, `${what}: requests sent`).to.equal(0);
              // ethers refuses it too, unless only a bool was wrong (ethers would have encoded it as true/false).
              const onlyBool =
                echo.interface.getFunction(name)!.inputs[bad]!.type === "bool" &&
                firstBad(
                  name,
                  args.map((a, i) => (i === bad ? true : a)),
                ) === -1;
              if (!onlyBool) expect("error" in rawOutcome, `${what}: ethers accepted it`).to.equal(true);
            }
          }
        }
        expect(refused, "both kinds of case were drawn").to.be.within(40, 140);
      });
    });

    describe("reverts decode the binding's own custom errors (no addAbi)", () => {
      it("a read reverting with a custom error only the binding declares: errorName and args", async () => {
        const binding: Reader = Reader__factory.connect(addresses.reader, reader.runner);
        const err = await binding.check(5_000n).catch((e: unknown) => e);
        expect(err).to.be.instanceOf(ContractRevertedError);
        expect((err as ContractRevertedError).errorName).to.equal("TooBig");
        expect((err as ContractRevertedError).args).to.deep.equal([5_000n, 1_900n]);
        // The unwrapped contract on the same client does not know the error: the binding made the difference.
        const raw = unwrapped<Reader>(Reader__factory, addresses.reader, reader.runner);
        const rawErr = await raw.check(5_000n).catch((e: unknown) => e);
        expect((rawErr as ContractRevertedError).errorName).to.equal(undefined);
      });

      it("a send whose estimate reverts with the binding's custom error: errorName, nothing mined", async () => {
        const vault: Vault = Vault__factory.connect(addresses.vault, sender.runner);
        const nonce = await nonceOf(node());
        const err = await vault.withdraw(1n).catch((e: unknown) => e);
        expect(err).to.be.instanceOf(ContractRevertedError);
        expect((err as ContractRevertedError).errorName).to.equal("InsufficientBalance");
        expect(await nonceOf(node())).to.equal(nonce);
      });
    });
  });
}

describe("bindings over Anvil's IPC and WebSocket: the same translation", () => {
  isolateState(anvil, "suite");
  let address: string;

  before(async () => {
    const deployer = await devClient(anvil());
    try {
      address = await (await (await new CallDemo__factory(deployer.signer!).deploy()).waitForDeployment()).getAddress();
    } finally {
      await deployer.close();
    }
  });

  for (const transport of ["ipc", "ws"] as const) {
    it(`${transport}: a bad argument is INVALID_ARGUMENT, a codeless address NO_CONTRACT, a good read 2020`, async () => {
      const rpcUrl = transport === "ipc" ? anvil().ipcPath! : anvil().wsUrl;
      const client = await connect({ rpcUrl, signer: { privateKey: DEV_PRIVATE_KEY }, journal: false });
      try {
        const demo = CallDemo__factory.connect(address, client.runner);
        const bad = await demo.setYear(-1).catch((e: unknown) => e);
        expect(isChaincallError(bad, "INVALID_ARGUMENT"), String(bad)).to.equal(true);
        expect((bad as Error).message).to.match(/argument 0 "newYear" \(uint256\)/);
        const missing = await CallDemo__factory.connect(Wallet.createRandom().address, client.runner)
          .getYear()
          .catch((e: unknown) => e);
        expect(isChaincallError(missing, "NO_CONTRACT"), String(missing)).to.equal(true);
        expect(await demo.getYear()).to.equal(2020n);
      } finally {
        await client.close();
      }
    });
  }
});
