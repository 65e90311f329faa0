import { expect } from "chai";
import { type BaseContract, Contract, ContractTransactionResponse, type EventLog, Interface, JsonRpcProvider, Result, Typed } from "ethers";
import type { LocalNode } from "../scripts/lib/localNode";
import { type Client, connect, isChaincallError } from "../src";
import { compileLeanRead, NOT_LEAN } from "../src/contract/compileLeanRead";
import { wrapContract } from "../src/contract/wrapContract";
import { CallDemo__factory, Echo__factory, Oracle__factory, Reader__factory, Vault__factory } from "../typechain-types";
import { type CountingProxy, countingProxy } from "./fixtures/countingProxy";
import { anvil, DEV_ACCOUNT, devClient, hardhat, isolateState } from "./fixtures/nodes";
import { deployTestContracts, type TestContracts } from "./fixtures/testContracts";

// Issue 14 item 1: plain view calls of generated bindings take the lean read path (coders built once per
// function, straight into the batcher). It must answer exactly what ethers' own method answers: the same
// values, and the same errors (code, message, decoded revert) for every argument, valid or not. Here many
// seeded-random calls over the test contracts' view functions go through the lean path (`c.f(...)`) and,
// for comparison, through ethers: its own unwrapped Contract for values, and the binding's wrapped ethers
// method (`c.f.staticCall(...)`, which the lean path never takes) for errors.

const BAD_CHECKSUM = "0xF39Fd6e51aad88F6F4ce6aB8827279cffFb92266"; // DEV_ACCOUNT with one letter's case flipped
const UPPER = `0x${DEV_ACCOUNT.slice(2).toUpperCase()}`;

type Loose = ((...args: unknown[]) => Promise<unknown>) & { staticCall: (...args: unknown[]) => Promise<unknown> };
const method = (contract: unknown, name: string): Loose => (contract as Record<string, Loose>)[name];

type Outcome = { value: unknown } | { error: unknown };
const settle = (work: () => Promise<unknown>): Promise<Outcome> =>
  Promise.resolve()
    .then(work)
    .then(
      (value) => ({ value }),
      (error: unknown) => ({ error }),
    );

/** Results as plain nested arrays, plus their names: what ethers' Result holds. */
function plain(value: unknown): unknown {
  if (value instanceof Result) return { result: value.toArray(true).map(plain), names: names(value) };
  return value;
}

function names(result: Result): string[] | "unnamed" {
  try {
    return Object.keys(result.toObject(false));
  } catch {
    return "unnamed"; // ethers' toObject refuses a Result with an unnamed value
  }
}

/** What must be equal between two failures: class, code, message, and a decoded revert's fields. */
function describeError(err: unknown): unknown {
  const e = err as {
    name?: string;
    code?: unknown;
    message?: string;
    errorName?: unknown;
    args?: unknown;
    reason?: unknown;
    data?: unknown;
  };
  return {
    chaincall: isChaincallError(err),
    name: e?.name,
    code: e?.code,
    message: e?.message,
    errorName: e?.errorName,
    args: Array.isArray(e?.args) || e?.args instanceof Result ? plain(e.args) : e?.args,
    reason: e?.reason,
    data: e?.data,
  };
}

// A fixed seed: a failure names its case and replays.
function seeded(start: number): { pick<T>(values: readonly T[]): T } {
  let seed = start;
  return {
    pick<T>(values: readonly T[]): T {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return values[seed % values.length]!;
    },
  };
}

// Arguments by type: what the lean coder takes, and what it must hand to ethers (valid or not).
const uints = (bits: number): unknown[] => {
  const max = 2n ** BigInt(bits) - 1n;
  return [0n, 1n, max, max - 1n, max + 1n, -1n, 7, 2 ** 53, 1.5, Number.NaN, "12", "0x1f", "abc", null, true, Typed.uint256(5)];
};
const ints = (bits: number): unknown[] => {
  const max = 2n ** BigInt(bits - 1) - 1n;
  return [0n, -1n, max, -max - 1n, max + 1n, -max - 2n, -7, "-3", 1.5, undefined];
};
const addresses = [DEV_ACCOUNT, DEV_ACCOUNT.toLowerCase(), UPPER, BAD_CHECKSUM, "0x1234", 42, `0x${"00".repeat(20)}`];

interface Case {
  contract: "demo" | "echo" | "reader" | "vault" | "oracle";
  fn: string;
  args: () => unknown[];
}

describe("lean coders: every calldata and result they give is ethers' own, the rest they leave to ethers", () => {
  const iface = new Interface([
    "function u(uint8 a, uint64 b, uint256 c) view returns (uint8)",
    "function i(int8 a, int128 b, int256 c) view returns (int16, int256)",
    "function s(address who, bool flag, bytes4 tag, bytes32 word) view returns (address, bool, bytes4, bytes32)",
  ]);
  const random = seeded(0xc0de);
  const bytes = (n: number): unknown[] => [
    `0x${"ab".repeat(n)}`,
    `0x${"AB".repeat(n)}`,
    `0x${"ab".repeat(n + 1)}`,
    "0x",
    new Uint8Array(n),
    "zz",
  ];
  const pools: Record<string, unknown[][]> = {
    u: [uints(8), uints(64), uints(256)],
    i: [ints(8), ints(128), ints(256)],
    s: [addresses, [true, false, 1, "true", null], bytes(4), bytes(32)],
  };
  const word = (n: bigint): string => n.toString(16).padStart(64, "0");
  const answers = [
    "0x",
    "0x1",
    `0x${word(2020n)}`,
    `0x${word(2020n).toUpperCase()}`,
    `0x${word(2020n).slice(0, 63)} `,
    `0x${word(2020n)}00`,
    `0x${word(2020n)}${word(1n)}`,
    `0x${"f".repeat(64)}`,
    `0x${"f".repeat(64)}${"f".repeat(64)}`,
    `0x${word(0xabcn)}${word(1n)}${word(0xdeadn)}${"12".repeat(32)}`,
    `0x${word(0xabcn)}${word(2n)}${"ff".repeat(32)}${"12".repeat(32)}`,
    `0x${"1".repeat(64)}${word(0n)}${"AB".repeat(32)}${"CD".repeat(32)}`,
    `0x${"gg".repeat(32)}`,
    `0x${"0".repeat(62)}zz`,
  ];

  it("1,500 random argument lists: lean calldata equals ethers' encodeFunctionData, or the lean coder hands over", () => {
    let lean = 0;
    for (let n = 0; n < 500; n++) {
      for (const name of ["u", "i", "s"]) {
        const fragment = iface.getFunction(name)!;
        const args = pools[name].map((pool) => random.pick(pool));
        const data = compileLeanRead(fragment)!.encode(args);
        let expected: string | undefined;
        try {
          // bool: chaincall's bindings refuse anything but a boolean before ethers sees it.
          if (fragment.inputs.some((p, k) => p.type === "bool" && typeof args[k] !== "boolean")) throw new Error("not a boolean");
          expected = iface.encodeFunctionData(fragment, args);
        } catch {
          expected = undefined;
        }
        if (data !== undefined) {
          lean++;
          expect(data, `${name}(${args.map(String).join(", ")})`).to.equal(expected);
        }
      }
    }
    expect(lean, "argument lists the lean coder encoded").to.be.greaterThan(100);
  });

  it("answers: a lean result equals ethers' decodeFunctionResult; what ethers refuses the lean decoder hands over", () => {
    let lean = 0;
    for (const name of ["u", "i", "s"]) {
      const fragment = iface.getFunction(name)!;
      for (const answer of answers) {
        const value = compileLeanRead(fragment)!.decode(answer);
        let expected: unknown;
        let refused = false;
        try {
          const result = iface.decodeFunctionResult(fragment, answer);
          expected = result.length === 1 ? result[0] : result;
        } catch {
          refused = true;
        }
        if (value === NOT_LEAN) continue;
        lean++;
        expect(refused, `${name} ← ${answer}: ethers refuses it`).to.equal(false);
        expect(plain(value), `${name} ← ${answer}`).to.deep.equal(plain(expected));
      }
    }
    expect(lean, "answers the lean decoder took").to.be.greaterThan(8);
  });
});

describe("lean sends: the request a binding's send hands its runner is ethers' own, or ethers' method sends it", () => {
  const iface = new Interface([
    "function set(uint8 a, address who, bool flag, bytes4 tag)",
    "function pay(int128 amount) payable",
    "function name(string label)",
  ]);
  const target = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
  const marker = new Error("recorded, not sent");
  const random = seeded(0x5e4d);
  const overrides = [
    undefined,
    {},
    { gasLimit: 60_000n },
    { gasLimit: 60_000 },
    { nonce: 7, gasLimit: 21_000n, maxFeePerGas: 10n ** 9n, maxPriorityFeePerGas: 1n },
    { gasPrice: 5n, type: 0 },
    { value: 1n },
    { value: 2 ** 53 },
    { gasLimit: "60000" },
    { nonce: 7n },
    { gasLimit: undefined, value: null },
    { from: DEV_ACCOUNT },
    { to: DEV_ACCOUNT },
    { customData: 1 },
    Typed.overrides({ gasLimit: 1n }),
    null,
    5n,
  ];
  const pools: Record<string, unknown[][]> = {
    set: [uints(8), addresses, [true, false, 1, "true"], [`0x${"ab".repeat(4)}`, `0x${"AB".repeat(4)}`, "0x12", "zz"]],
    pay: [ints(128)],
    name: [["a", 1]],
  };

  it("1,200 random calls with random overrides: the same request as ethers' populateTransaction, or ethers' path and its error", async () => {
    const requests: unknown[] = [];
    const runner = {
      provider: null,
      sendTransaction: async (request: unknown) => {
        requests.push(request);
        throw marker;
      },
    };
    const contract = wrapContract(new Contract(target, iface, runner as never));
    let lean = 0;
    for (let n = 0; n < 400; n++) {
      for (const name of ["set", "pay", "name"]) {
        const args = pools[name].map((pool) => random.pick(pool));
        const extra = random.pick(overrides);
        const all = extra === undefined ? args : [...args, extra];
        const what = `${name}(${all.map((a) => (typeof a === "object" && a !== null ? JSON.stringify(a, (_, v) => (typeof v === "bigint" ? `${v}n` : v)) : String(a))).join(", ")})`;
        const encodes = encodeCount(contract.interface);
        const viaMethod = await settle(() => method(contract, name)(...all));
        const leanTook = encodeCount(contract.interface) === encodes && requests.length > 0;
        const sentByMethod = requests.splice(0);
        const populated = await settle(() =>
          (method(contract, name) as unknown as { populateTransaction: Loose }).populateTransaction(...all),
        );
        const viaSend = await settle(() => (method(contract, name) as unknown as { send: Loose }).send(...all));
        requests.splice(0);
        // Both ways reject: the runner records and refuses. The errors are the same.
        expect(describeError((viaMethod as { error: unknown }).error), what).to.deep.equal(
          describeError((viaSend as { error: unknown }).error),
        );
        if ("value" in populated) {
          expect(sentByMethod, what).to.deep.equal([populated.value]);
          if (leanTook) lean++;
        } else {
          expect(sentByMethod, `${what}: ethers refused it, so nothing reached the runner`).to.deep.equal([]);
        }
      }
    }
    expect(lean, "calls the lean path sent").to.be.greaterThan(150);
  });
});

// Counts ethers' encodeFunctionData calls on one interface (installed on first use).
const encodeCounts = new WeakMap<Interface, { n: number }>();
function encodeCount(iface: Interface): number {
  let counter = encodeCounts.get(iface);
  if (!counter) {
    const count = { n: 0 };
    counter = count;
    const encode = iface.encodeFunctionData.bind(iface);
    iface.encodeFunctionData = (...args: Parameters<Interface["encodeFunctionData"]>) => {
      count.n++;
      return encode(...args);
    };
    encodeCounts.set(iface, count);
  }
  return counter.n;
}

for (const [label, node] of [
  ["Hardhat", hardhat],
  ["Anvil", anvil],
] as [string, () => LocalNode][]) {
  describe(`lean reads on ${label}: the same values and errors as ethers`, () => {
    isolateState(node, "suite");
    let proxy: CountingProxy;
    let reader: Client;
    let signerClient: Client;
    let plainProvider: JsonRpcProvider;
    let at: TestContracts;
    const abis: Record<Case["contract"], { abi: unknown; connect(address: string, runner: never): BaseContract }> = {
      demo: CallDemo__factory,
      echo: Echo__factory,
      reader: Reader__factory,
      vault: Vault__factory,
      oracle: Oracle__factory,
    };

    before(async function () {
      this.timeout(60_000);
      at = await deployTestContracts(node());
      const deployer = await devClient(node());
      try {
        await (await Vault__factory.connect(at.vault, deployer.signer!).deposit({ value: 12_345n })).wait();
      } finally {
        await deployer.close();
      }
      proxy = await countingProxy(node().rpcUrl);
      reader = await connect({ rpcUrl: proxy.url, journal: false });
      signerClient = await devClient(node(), proxy.url);
      plainProvider = new JsonRpcProvider(node().rpcUrl, undefined, { staticNetwork: true });
    });

    after(async () => {
      await reader?.close();
      await signerClient?.close();
      plainProvider?.destroy();
      await proxy?.close();
    });

    const random = seeded(label === "Hardhat" ? 0x1ea4 : 0x5eed);
    const cases: Case[] = [
      { contract: "demo", fn: "getYear", args: () => [] },
      { contract: "echo", fn: "echoUints", args: () => [8, 16, 32, 64, 128, 256].map((bits) => random.pick(uints(bits))) },
      { contract: "echo", fn: "echoInts", args: () => [8, 16, 32, 64, 128, 256].map((bits) => random.pick(ints(bits))) },
      { contract: "reader", fn: "check", args: () => [random.pick([0n, 1n, 5n, 7n, 13n, 1_900n, 1_901n, 2n ** 256n - 1n, "13", -1n])] },
      { contract: "reader", fn: "MAX", args: () => [] },
      { contract: "vault", fn: "balanceOf", args: () => [random.pick(addresses)] },
      { contract: "vault", fn: "owner", args: () => [] },
      { contract: "vault", fn: "MAX_BATCH", args: () => [] },
      { contract: "oracle", fn: "latestPrice", args: () => [random.pick([0n, 1n, 2n ** 40n, 2n ** 256n - 1n, 10, "5"])] },
      { contract: "oracle", fn: "price", args: () => [] },
      // an overload named by its signature is lean; by its bare name, and dynamic types, are not
      { contract: "vault", fn: "echo(uint256)", args: () => [random.pick([1n, 2n, "x"])] },
      { contract: "vault", fn: "echo", args: () => [random.pick([1n, "x", 2])] },
      { contract: "echo", fn: "echoString", args: () => [random.pick(["a", 1])] },
    ];

    // One call through the lean path (or its fallback) and through ethers: equal values, or equal errors.
    const compare = (c: Case, args: unknown[], outcomes: [Outcome, Outcome, Outcome]): void => {
      const what = `${c.contract}.${c.fn}(${args.map((a) => (typeof a === "bigint" ? `${a}n` : String(a))).join(", ")})`;
      const [lean, ethersWay, raw] = outcomes;
      if ("value" in lean) {
        expect("value" in raw, `${what}: ethers refused what the lean path answered: ${"error" in raw ? String(raw.error) : ""}`).to.equal(
          true,
        );
        expect(plain(lean.value), what).to.deep.equal(plain((raw as { value: unknown }).value));
        expect("value" in ethersWay, what).to.equal(true);
      } else {
        expect("error" in ethersWay, `${what}: the wrapped ethers method answered, the lean path threw ${String(lean.error)}`).to.equal(
          true,
        );
        expect(describeError(lean.error), what).to.deep.equal(describeError((ethersWay as { error: unknown }).error));
        expect(isChaincallError(lean.error), `${what}: ${String(lean.error)}`).to.equal(true);
        expect("error" in raw, `${what}: ethers' own contract answered`).to.equal(true);
      }
    };

    const bindings = (runner: unknown) => {
      const made: Record<string, BaseContract> = {};
      for (const [name, factory] of Object.entries(abis)) made[name] = factory.connect(at[name as Case["contract"]], runner as never);
      return made;
    };
    const raws = (runner: unknown) => {
      const made: Record<string, BaseContract> = {};
      for (const [name, factory] of Object.entries(abis)) {
        made[name] = new Contract(at[name as Case["contract"]], factory.abi as never, runner as never) as unknown as BaseContract;
      }
      return made;
    };

    for (const [runnerLabel, runnerOf, calls] of [
      ["a read-only client (batching)", () => reader.runner, 25],
      ["a client with a signer", () => signerClient.runner, 25],
      ["a plain ethers provider", () => plainProvider, 10],
    ] as [string, () => unknown, number][]) {
      it(`one by one, through ${runnerLabel}: ${calls} random calls of each function`, async function () {
        this.timeout(60_000);
        const lean = bindings(runnerOf());
        const raw = raws(runnerOf());
        for (const c of cases) {
          for (let n = 0; n < calls; n++) {
            const args = c.args();
            const outcomes = [
              await settle(() => method(lean[c.contract], c.fn)(...args)),
              await settle(() => method(lean[c.contract], c.fn).staticCall(...args)),
              await settle(() => method(raw[c.contract], c.fn)(...args)),
            ] as [Outcome, Outcome, Outcome];
            compare(c, args, outcomes);
          }
        }
      });
    }

    it("concurrently (aggregated in the batcher): 400 random calls, the same outcomes as the wrapped ethers method", async function () {
      this.timeout(60_000);
      const lean = bindings(reader.runner);
      const raw = raws(reader.runner);
      const drawn = Array.from({ length: 400 }, () => {
        const c = random.pick(cases);
        return { c, args: c.args() };
      });
      const viaLean = await Promise.all(drawn.map(({ c, args }) => settle(() => method(lean[c.contract], c.fn)(...args))));
      const viaEthers = await Promise.all(drawn.map(({ c, args }) => settle(() => method(lean[c.contract], c.fn).staticCall(...args))));
      const viaRaw = await Promise.all(drawn.map(({ c, args }) => settle(() => method(raw[c.contract], c.fn)(...args))));
      for (const [i, { c, args }] of drawn.entries()) compare(c, args, [viaLean[i], viaEthers[i], viaRaw[i]]);
      const failures = viaLean.filter((o) => "error" in o).length;
      expect(failures, "some calls failed (reverts, bad arguments)").to.be.greaterThan(20);
      expect(400 - failures, "some calls answered").to.be.greaterThan(100);
    });

    it("lean reads use no ethers coder and go to the node aggregated; other calls still use ethers'", async () => {
      const demo = CallDemo__factory.connect(at.demo, reader.runner);
      const vault = Vault__factory.connect(at.vault, reader.runner);
      const counts = { encode: 0, decode: 0 };
      for (const iface of [demo.interface, vault.interface] as Interface[]) {
        const encode = iface.encodeFunctionData.bind(iface);
        const decode = iface.decodeFunctionResult.bind(iface);
        Object.assign(iface, {
          encodeFunctionData: (...args: Parameters<Interface["encodeFunctionData"]>) => {
            counts.encode++;
            return encode(...args);
          },
          decodeFunctionResult: (...args: Parameters<Interface["decodeFunctionResult"]>) => {
            counts.decode++;
            return decode(...args);
          },
        });
      }
      await demo.getYear(); // warm: the batcher learns the node's mode
      const before = proxy.requests;
      const years = await Promise.all(Array.from({ length: 200 }, () => demo.getYear()));
      const balances = await Promise.all(Array.from({ length: 100 }, (_, i) => vault.balanceOf(i % 2 ? DEV_ACCOUNT : UPPER)));
      expect(years.every((y) => y === 2020n)).to.equal(true);
      expect(balances.every((b) => b === 12_345n)).to.equal(true);
      expect(counts, "ethers' coders were not used").to.deep.equal({ encode: 0, decode: 0 });
      // Aggregated: deployless here (no Multicall3 on the test nodes), at most 153 reads per eth_call.
      expect(proxy.requests - before, `requests: ${proxy.methods.slice(before).join(", ")}`).to.be.at.most(6);
      expect(await vault.balanceOf(DEV_ACCOUNT.toLowerCase())).to.equal(12_345n);
      expect(await vault["echo(uint256)"](5n), "an overload named by its signature").to.equal(5n);
      expect(counts.encode).to.equal(0);
      // The explicit staticCall form and string numbers take ethers' method.
      expect(await method(vault, "MAX_BATCH").staticCall()).to.equal(3n);
      expect(await method(vault, "echo(uint256)")("5")).to.equal(5n);
      expect(await method(vault, "echo(uint256,uint256)")(5n, "6")).to.equal(11n);
      expect(counts.encode).to.equal(3);
    });

    it("a lean send answers what ethers' send answers: a ContractTransactionResponse whose receipt's logs are decoded, with no ethers coder", async () => {
      const demo = CallDemo__factory.connect(at.demo, signerClient.runner);
      const encodes = encodeCount(demo.interface);
      const lean = await demo.setYear(2031n);
      expect(encodeCount(demo.interface), "the lean path encoded it").to.equal(encodes);
      const viaEthers = await demo.setYear.send(2032n, {});
      expect(encodeCount(demo.interface), "the send form takes ethers' method").to.equal(encodes + 1);
      for (const [sent, year] of [
        [lean, 2031n],
        [viaEthers, 2032n],
      ] as const) {
        expect(sent).to.be.instanceOf(ContractTransactionResponse);
        expect(sent.to).to.equal(at.demo);
        const receipt = await sent.wait();
        expect(receipt!.status).to.equal(1);
        const changed = receipt!.logs[0] as EventLog;
        expect(changed.fragment.name).to.equal("YearChanged");
        expect(changed.args.current).to.equal(year);
      }
      expect(await demo.getYear()).to.equal(2032n);
    });

    it("a lean read of an address without code is NO_CONTRACT, as the ethers path says it", async () => {
      const nowhere = `0x${"5a".repeat(20)}`;
      const lean = await settle(() => CallDemo__factory.connect(nowhere, reader.runner).getYear());
      const viaEthers = await settle(() => CallDemo__factory.connect(nowhere, reader.runner).getYear.staticCall());
      expect("error" in lean && (lean.error as { code?: unknown }).code).to.equal("NO_CONTRACT");
      expect(describeError((lean as { error: unknown }).error)).to.deep.equal(describeError((viaEthers as { error: unknown }).error));
    });
  });
}
