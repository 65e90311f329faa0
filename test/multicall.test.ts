import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { expect } from "chai";
import { AbiCoder, hexlify, randomBytes, Wallet } from "ethers";
import { startDelayProxy } from "../scripts/bench/delayProxy";
import type { LocalNode } from "../scripts/lib/localNode";
import { type Client, ContractRevertedError, connect, installMulticall3, MULTICALL3_ADDRESS } from "../src";
import { decodeResults, encodeAggregate3, encodeDeploylessArgs } from "../src/client/batch/encoding";
import { CallDemo__factory, type Reader, Reader__factory } from "../typechain-types";
import { anvil, DEV_ACCOUNT, deployCallDemo, devClient, hardhat, isolateState, rpc } from "./fixtures/nodes";

const coder = AbiCoder.defaultAbiCoder();

/** What a read came to, as one comparable string: the value, or the error's code, name and reason. */
async function outcome(read: Promise<unknown>): Promise<string> {
  try {
    return `ok ${String(await read)}`;
  } catch (err) {
    const e = err as ContractRevertedError;
    return `${e.code} ${e.errorName ?? "-"} ${e.reason ?? "-"} ${e instanceof ContractRevertedError ? e.args.map(String).join(",") : ""}`;
  }
}

/** What `Reader.check(x)` must come to. */
function expected(x: number): string {
  if (x > 1_900) return `CALL_REVERTED TooBig TooBig(${x}, 1900) ${x},1900`;
  if (x === 13) return "CALL_REVERTED Error unlucky unlucky";
  if (x === 7) return "CALL_REVERTED - - ";
  if (x === 0) return "CALL_REVERTED Panic panic 0x12: division or modulo by zero 18";
  return `ok ${2 * x}`;
}

/**
 * An HTTP pass-through to a real node that counts what reaches it: JSON-RPC methods, and for eth_call
 * whether it went to Multicall3, ran deploylessly (no `to`) or went to the contract itself.
 */
class CountingProxy {
  readonly counts = new Map<string, number>();
  private server?: Server;

  constructor(private readonly target: string) {}

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        const body = Buffer.concat(chunks).toString("utf8");
        const parsed = JSON.parse(body) as { method: string; params: { to?: string }[] } | { method: string; params: { to?: string }[] }[];
        this.count("http request");
        for (const call of Array.isArray(parsed) ? parsed : [parsed]) {
          this.count(call.method);
          if (call.method === "eth_call") {
            const to = call.params[0].to?.toLowerCase();
            this.count(
              to === undefined ? "eth_call deployless" : to === MULTICALL3_ADDRESS.toLowerCase() ? "eth_call multicall3" : "eth_call plain",
            );
          }
        }
        fetch(this.target, { method: "POST", headers: { "content-type": "application/json" }, body })
          .then(async (answer) => {
            res.writeHead(answer.status, { "content-type": "application/json" });
            res.end(await answer.text());
          })
          .catch(() => res.destroy());
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  get(key: string): number {
    return this.counts.get(key) ?? 0;
  }

  reset(): void {
    this.counts.clear();
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private count(key: string): void {
    this.counts.set(key, this.get(key) + 1);
  }
}

describe("read batching: encoding", () => {
  const reads = Array.from({ length: 7 }, (_, i) => ({ to: Wallet.createRandom().address, data: hexlify(randomBytes(i * 11)) }));

  it("aggregate3 calldata equals ethers' ABI encoding", () => {
    const expectedData = coder.encode(["(address,bool,bytes)[]"], [reads.map((r) => [r.to, true, r.data])]);
    expect(encodeAggregate3(reads)).to.equal(`0x82ad56cb${expectedData.slice(2)}`);
  });

  it("the deployless constructor arguments equal ethers' ABI encoding", () => {
    expect(encodeDeploylessArgs(reads)).to.equal(coder.encode(["(address,bytes)[]"], [reads.map((r) => [r.to, r.data])]));
  });

  it("results decode like ethers decodes them; anything else is null", () => {
    const results = reads.map((r, i) => ({ success: i % 3 !== 0, data: r.data }));
    const encoded = coder.encode(["(bool,bytes)[]"], [results.map((r) => [r.success, r.data])]);
    expect(decodeResults(encoded, results.length)).to.deep.equal(results);
    expect(decodeResults(encoded, results.length + 1)).to.equal(null);
    expect(decodeResults("0x", 2)).to.equal(null);
    expect(decodeResults(encoded.slice(0, encoded.length - 64), results.length)).to.equal(null);
  });
});

const NODES: { name: string; node: () => LocalNode }[] = [
  { name: "Hardhat", node: hardhat },
  { name: "Anvil", node: anvil },
];

for (const { name, node } of NODES) {
  describe(`read batching on ${name}`, function () {
    this.timeout(180_000);
    isolateState(node, "suite");
    let owner: Client;
    let proxy: CountingProxy;
    let proxyUrl: string;
    let readerAddress: string;

    before(async () => {
      owner = await devClient(node());
      const reader = await new Reader__factory(owner.signer).deploy();
      await reader.waitForDeployment();
      readerAddress = await reader.getAddress();
      // Whatever an earlier suite left: these tests say when Multicall3 is there.
      await rpc(node().rpcUrl, name === "Hardhat" ? "hardhat_setCode" : "anvil_setCode", [MULTICALL3_ADDRESS, "0x"]);
      proxy = new CountingProxy(node().rpcUrl);
      proxyUrl = await proxy.start();
    });
    after(async () => {
      await proxy?.stop();
      await owner?.close();
    });

    // A read-only client through the counting proxy, knowing Reader's ABI for its custom error.
    async function withReader<T>(options: { batch?: boolean }, work: (reader: Reader, client: Client) => Promise<T>): Promise<T> {
      const client = await connect({ rpcUrl: proxyUrl, abis: [Reader__factory.abi], batch: options.batch, timeoutMs: 60_000 });
      try {
        proxy.reset();
        return await work(Reader__factory.connect(readerAddress, client.runner), client);
      } finally {
        await client.close();
      }
    }

    const READS = 2_000;
    const inputs = Array.from({ length: READS }, (_, i) => i);

    for (const multicall3 of [false, true]) {
      describe(multicall3 ? "with Multicall3 installed" : "without Multicall3 (deployless)", () => {
        before(async () => {
          if (multicall3) expect(await installMulticall3(owner.provider)).to.equal(true);
        });

        it(`${READS} concurrent typed reads, some reverting: each caller gets its own value or its own decoded revert, in a few requests`, async () => {
          const outcomes = await withReader({}, (reader) => Promise.all(inputs.map((x) => outcome(reader.check(x)))));
          for (const [x, got] of outcomes.entries()) expect(got, `check(${x})`).to.equal(expected(x));
          // Aggregated: a handful of eth_calls of the right kind, plus one plain retry for the read that
          // reverted without data (inside an aggregate that could also have been an out-of-gas).
          const aggregated = proxy.get(multicall3 ? "eth_call multicall3" : "eth_call deployless");
          expect(aggregated, JSON.stringify([...proxy.counts])).to.be.within(1, 40);
          expect(proxy.get(multicall3 ? "eth_call deployless" : "eth_call multicall3")).to.equal(0);
          expect(proxy.get("eth_call plain")).to.equal(1);
        });

        it("behind a slow link, reads that trickle in while a round is in flight gather into one aggregate (the window)", async () => {
          // 30 ms added to each request: the first round is surely in flight while the later reads come.
          const delay = await startDelayProxy(proxyUrl, 30);
          const client = await connect({ rpcUrl: delay.url, abis: [Reader__factory.abi], timeoutMs: 60_000 });
          try {
            const reader = Reader__factory.connect(readerAddress, client.runner);
            await Promise.all([reader.check(1), reader.check(1)]); // the batcher learns the node's mode
            proxy.reset();
            const first = Promise.all([reader.check(2), reader.check(3)]);
            const later: Promise<bigint>[] = [];
            for (let i = 0; i < 5; i++) {
              await new Promise((resolve) => setImmediate(resolve)); // one read per turn of the event loop
              later.push(reader.check(20 + i));
            }
            expect(await first).to.deep.equal([4n, 6n]);
            expect(await Promise.all(later)).to.deep.equal([40n, 42n, 44n, 46n, 48n]);
            // Without the window: one aggregate, then five plain calls (one per turn). With it: the five
            // together (a loaded machine may split them once more).
            expect(proxy.get("eth_call"), JSON.stringify([...proxy.counts])).to.be.at.most(3);
            expect(proxy.get("eth_call plain"), JSON.stringify([...proxy.counts])).to.be.at.most(1);
          } finally {
            await client.close();
            await delay.close();
          }
        });

        it("the same reads with batching off come to exactly the same outcomes, one eth_call each", async () => {
          const subset = inputs.filter((x) => x < 20 || x > 1_890);
          const batched = await withReader({}, (reader) => Promise.all(subset.map((x) => outcome(reader.check(x)))));
          const plain = await withReader({ batch: false }, (reader) => Promise.all(subset.map((x) => outcome(reader.check(x)))));
          expect(batched).to.deep.equal(plain);
          expect(proxy.get("eth_call plain")).to.equal(subset.length);
        });

        it("a read alone goes out at once as a plain eth_call", async () => {
          await withReader({}, async (reader) => {
            const started = performance.now();
            expect(await reader.check(21)).to.equal(42n);
            expect(performance.now() - started).to.be.below(1_000);
          });
          expect([proxy.get("eth_call"), proxy.get("eth_call plain")]).to.deep.equal([1, 1]);
        });

        it("reads with a from, a value or an old block tag stay correct amid aggregated ones", async () => {
          const { demo } = await deployCallDemo(owner);
          const before = await owner.provider.getBlockNumber();
          await (await demo.setYear(2031)).wait();
          const demoAddress = await demo.getAddress();
          await withReader({}, async (reader, client) => {
            const old = CallDemo__factory.connect(demoAddress, client.runner);
            const [sender, paid, thenYear, nowYear, ...rest] = await Promise.all([
              reader.sender({ from: DEV_ACCOUNT }),
              reader.paid.staticCall({ value: 5n, from: DEV_ACCOUNT }),
              old.getYear({ blockTag: before }),
              old.getYear(),
              ...inputs.slice(100, 150).map((x) => reader.check(x)),
            ]);
            expect([sender, paid, thenYear, nowYear]).to.deep.equal([DEV_ACCOUNT, 5n, 2020n, 2031n]);
            expect(rest).to.deep.equal(inputs.slice(100, 150).map((x) => BigInt(2 * x)));
          });
        });

        it("reads whose gas together exceeds the node's per-call cap all succeed (aggregates split)", async () => {
          // ~1M gas each (400 cold accounts, different ones per read): 40 of them are far above Hardhat's
          // 16,777,216 cap for one eth_call.
          const accounts = 400;
          const single = await withReader({ batch: false }, (reader) => reader.burn(accounts, 0));
          expect(single).to.equal(BigInt(accounts));
          const all = await withReader({}, (reader) => Promise.all(Array.from({ length: 40 }, (_, salt) => reader.burn(accounts, salt))));
          expect(all).to.deep.equal(Array.from({ length: 40 }, () => single));
          expect(proxy.get("eth_call"), "split into several aggregates").to.be.above(1);
        });
      });
    }
  });
}
