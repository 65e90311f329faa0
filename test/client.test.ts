import { createServer, type Server } from "node:net";
import { expect } from "chai";
import { Contract, FunctionFragment, Interface, id } from "ethers";
import { findFreePort, type LocalNode, projectRoot } from "../scripts/lib/localNode";
import { ChaincallError, ChainMismatchError, type Client, connect, wrapContract } from "../src";
import { CallDemo__factory } from "../typechain-types";
import { anvil, DEV_ACCOUNT, DEV_PRIVATE_KEY, deployCallDemo, hardhat, rpc, runNodeScript } from "./fixtures/nodes";

// The CallDemo flow (deploy, typed call, send, read back) over every transport, against real nodes.
const transports: { name: string; node: () => LocalNode; url: (n: LocalNode) => string; kind: string }[] = [
  { name: "HTTP on Hardhat", node: hardhat, url: (n) => n.rpcUrl, kind: "http" },
  { name: "WebSocket on Hardhat", node: hardhat, url: (n) => n.wsUrl, kind: "ws" },
  { name: "HTTP on Anvil", node: anvil, url: (n) => n.rpcUrl, kind: "http" },
  { name: "IPC on Anvil", node: anvil, url: (n) => n.ipcPath!, kind: "ipc" },
  { name: "WebSocket on Anvil", node: anvil, url: (n) => n.wsUrl, kind: "ws" },
];

describe("connect() and the CallDemo flow", () => {
  for (const t of transports) {
    describe(t.name, () => {
      let client: Client;
      afterEach(async () => client?.close());

      it("deploys CallDemo, reads 2020 through the binding, sends setYear(2021), reads 2021", async () => {
        client = await connect({ rpcUrl: t.url(t.node()), signer: { privateKey: DEV_PRIVATE_KEY } });
        expect(client.transport).to.equal(t.kind);
        expect(client.chainId).to.equal(31337n);
        const { demo, address } = await deployCallDemo(client);
        expect(await demo.getYear()).to.equal(2020n);
        const tx = await demo.setYear(2021);
        expect(tx.hash).to.match(/^0x[0-9a-f]{64}$/);
        const receipt = await tx.wait();
        expect(receipt?.status).to.equal(1);
        const [log] = receipt!.logs.map((l) => demo.interface.parseLog(l));
        expect(log?.name).to.equal("YearChanged");
        expect(log?.args.toArray()).to.deep.equal([2020n, 2021n, DEV_ACCOUNT]);
        // A read-only binding on the provider sees the same state.
        expect(await CallDemo__factory.connect(address, client.provider).getYear()).to.equal(2021n);
      });

      it("sends from a node-managed account (eth_sendTransaction)", async () => {
        client = await connect({ rpcUrl: t.url(t.node()), signer: { from: DEV_ACCOUNT } });
        const { demo } = await deployCallDemo(client);
        await (await demo.setYear(1999)).wait();
        expect(await demo.getYear()).to.equal(1999n);
      });
    });
  }

  it("reverts come back as CALL_REVERTED with the ChaincallError shape", async () => {
    const client = await connect({ rpcUrl: hardhat().rpcUrl });
    try {
      // setYear is not payable: a call carrying value reverts in the contract's payable check.
      const { demo } = await deployCallDemo(await connect({ rpcUrl: hardhat().rpcUrl, signer: { privateKey: DEV_PRIVATE_KEY } }));
      const err = await client.provider
        .call({ to: await demo.getAddress(), data: demo.interface.encodeFunctionData("setYear", [1]), value: 1n, from: DEV_ACCOUNT })
        .then(
          () => null,
          (e: unknown) => e,
        );
      expect(err).to.be.instanceOf(ChaincallError);
      expect((err as ChaincallError).code).to.equal("CALL_REVERTED");
      expect((err as ChaincallError).cause).to.not.equal(undefined);
    } finally {
      await client.close();
    }
  });
});

describe("connect() failures", () => {
  let silent: Server | undefined;
  after(() => silent?.close());

  it("refuses a node on another chain before anything else is sent, naming both ids", async () => {
    const err = await connect({ rpcUrl: hardhat().rpcUrl, chainId: 1n, signer: { privateKey: DEV_PRIVATE_KEY } }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(ChainMismatchError);
    expect((err as ChainMismatchError).code).to.equal("CHAIN_MISMATCH");
    expect((err as ChainMismatchError).expected).to.equal(1n);
    expect((err as ChainMismatchError).actual).to.equal(31337n);
    expect((err as Error).message)
      .to.include("1")
      .and.include("31337");
  });

  it("accepts the right chain id", async () => {
    const client = await connect({ rpcUrl: anvil().ipcPath!, chainId: 31337 });
    expect(await client.provider.getBlockNumber()).to.be.a("number");
    await client.close();
  });

  for (const [name, url] of [
    ["HTTP", async () => `http://127.0.0.1:${await findFreePort()}`],
    ["WebSocket", async () => `ws://127.0.0.1:${await findFreePort()}`],
    ["IPC", async () => "/tmp/chaincall-no-such-dir/geth.ipc"],
  ] as const) {
    it(`says "cannot reach <host>" at once when nothing listens (${name})`, async () => {
      const rpcUrl = await url();
      const started = Date.now();
      const err = await connect({ rpcUrl, timeoutMs: 10_000 }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).to.be.instanceOf(ChaincallError);
      expect((err as ChaincallError).code).to.equal("RPC_ERROR");
      expect((err as Error).message).to.equal(`cannot reach ${rpcUrl}`);
      expect(Date.now() - started).to.be.below(3_000);
    });
  }

  it("gives up on a node that accepts connections but never answers, within the timeout", async () => {
    const port = await findFreePort();
    silent = createServer(() => undefined).listen(port, "127.0.0.1");
    const started = Date.now();
    const err = await connect({ rpcUrl: `http://127.0.0.1:${port}`, timeoutMs: 1_500 }).then(
      () => null,
      (e: unknown) => e,
    );
    const elapsed = Date.now() - started;
    expect((err as ChaincallError).code).to.equal("TIMEOUT");
    expect((err as Error).message).to.include(`cannot reach http://127.0.0.1:${port}`);
    expect(elapsed).to.be.within(1_400, 4_000);
  });

  it("stops connecting when the AbortSignal fires", async () => {
    const port = await findFreePort();
    const server = createServer(() => undefined).listen(port, "127.0.0.1");
    try {
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 200);
      const err = await connect({ rpcUrl: `ws://127.0.0.1:${port}`, timeoutMs: 30_000, signal: controller.signal }).then(
        () => null,
        (e: unknown) => e,
      );
      expect((err as ChaincallError).code).to.equal("ABORTED");
    } finally {
      server.close();
    }
  });

  it("rejects unsupported URL schemes and malformed private keys with stable codes", async () => {
    const scheme = await connect({ rpcUrl: "ftp://127.0.0.1:8545" }).then(
      () => null,
      (e: unknown) => e,
    );
    expect((scheme as ChaincallError).code).to.equal("INVALID_ARGUMENT");
    const key = await connect({ rpcUrl: hardhat().rpcUrl, signer: { privateKey: "0x1234" } }).then(
      () => null,
      (e: unknown) => e,
    );
    expect((key as ChaincallError).code).to.equal("SIGNER_ERROR");
    expect((key as Error).message).to.not.include("0x1234");
  });
});

describe("client.close()", () => {
  // A child process that connects, calls and closes must exit by itself: no socket or timer left open.
  for (const which of ["http", "ws", "ipc"] as const) {
    it(`leaves nothing open (${which})`, async function () {
      this.timeout(20_000);
      const node = which === "http" ? hardhat() : anvil();
      const url = which === "http" ? node.rpcUrl : which === "ws" ? node.wsUrl : node.ipcPath!;
      const script = `
        const { connect } = require(${JSON.stringify(`${projectRoot()}/dist/src`)});
        (async () => {
          const client = await connect({ rpcUrl: ${JSON.stringify(url)} });
          await client.provider.getBlockNumber();
          await client.close();
          console.log("closed");
        })();`;
      const { code, stdout, ms } = await runNodeScript(script);
      expect(stdout.trim()).to.equal("closed");
      expect(code).to.equal(0);
      expect(ms).to.be.below(5_000);
    });
  }
});

describe("per-request bound", () => {
  it("a request to a node that stops answering ends with TIMEOUT, not a hang", async () => {
    // A server that answers eth_chainId, then swallows everything else.
    const port = await findFreePort();
    const { createServer: createHttpServer } = await import("node:http");
    const server = createHttpServer((req, res) => {
      let body = "";
      req.on("data", (d) => (body += d));
      req.on("end", () => {
        if (body.includes("eth_chainId")) res.end(JSON.stringify({ jsonrpc: "2.0", id: JSON.parse(body).id, result: "0x7a69" }));
      });
    }).listen(port, "127.0.0.1");
    try {
      const client = await connect({ rpcUrl: `http://127.0.0.1:${port}`, timeoutMs: 800 });
      const started = Date.now();
      const err = await client.provider.getBlockNumber().then(
        () => null,
        (e: unknown) => e,
      );
      expect((err as ChaincallError).code).to.equal("TIMEOUT");
      expect(Date.now() - started).to.be.below(3_000);
      await client.close();
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it("raw JSON-RPC still works through client.provider.send (node-control methods)", async () => {
    const client = await connect({ rpcUrl: anvil().rpcUrl });
    const before = Number(await client.provider.send("eth_blockNumber", []));
    await rpc(anvil().rpcUrl, "evm_mine", []);
    expect(Number(await client.provider.send("eth_blockNumber", []))).to.equal(before + 1);
    await client.close();
  });
});

describe("selector caching (no ethers prototype patched)", () => {
  it("a wrapped binding's functions carry their selector, exactly ethers' own; other fragments and FunctionFragment.prototype are untouched", async () => {
    const getter = Object.getOwnPropertyDescriptor(FunctionFragment.prototype, "selector")?.get;
    const client = await connect({ rpcUrl: anvil().rpcUrl, signer: { privateKey: DEV_PRIVATE_KEY } });
    try {
      const { demo } = await deployCallDemo(client);
      expect(await demo.getYear()).to.equal(2020n);
      expect(
        Object.getOwnPropertyDescriptor(FunctionFragment.prototype, "selector")?.get,
        "the prototype's getter is ethers' own",
      ).to.equal(getter);
      const wrapped = demo.interface.getFunction("getYear");
      expect(Object.getOwnPropertyDescriptor(wrapped, "selector")?.value).to.equal(id("getYear()").slice(0, 10));
      demo.interface.forEachFunction((f) =>
        expect(Object.getOwnPropertyDescriptor(f, "selector")?.value, f.format()).to.equal(id(f.format("sighash")).slice(0, 10)),
      );
      // An interface chaincall never wrapped keeps ethers' getter.
      const other = new Interface(["function getYear() view returns (uint256)"]).getFunction("getYear")!;
      expect(Object.hasOwn(other, "selector")).to.equal(false);
      expect(other.selector).to.equal(wrapped.selector);
      // Wrapping another contract of the same interface twice changes nothing (idempotent).
      const again = wrapContract(new Contract(await demo.getAddress(), demo.interface, client.runner));
      expect(again.interface.getFunction("getYear")!.selector).to.equal(wrapped.selector);
    } finally {
      await client.close();
    }
  });
});
