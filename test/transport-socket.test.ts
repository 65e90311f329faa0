import { createServer as createHttpServer } from "node:http";
import { createServer, type Server, type Socket } from "node:net";
import { join } from "node:path";
import { expect } from "chai";
import { type JsonRpcPayload, keccak256, toUtf8Bytes, Wallet } from "ethers";
import { JsonStreamSplitter } from "../src/client/JsonStreamSplitter";
import { parseRpcUrl } from "../src/client/parseRpcUrl";
import { openIpcTransport } from "../src/client/transport/IpcTransport";
import { requestResults } from "../src/client/transport/resultOf";
import { SubscriptionRouter } from "../src/client/transport/SubscriptionRouter";
import type { JsonRpcAnswer, Transport } from "../src/client/transport/types";
import { openWsTransport } from "../src/client/transport/WsTransport";
import { classifyBroadcastFailure } from "../src/tx/classifyBroadcastFailure";
import { rejection } from "./fixtures/assertions";
import { anvil, DEV_PRIVATE_KEY, isolateState, rpc, runNodeScript, tempDir } from "./fixtures/nodes";
import { HUGE_ANSWER_BYTES, startWsFaultStub, type WsFaultMode, type WsFaultStub } from "./fixtures/wsFaultStub";

// The WebSocket and IPC transports (issue 11 item 3) against the run's real Anvil (WS and IPC), and the
// faults a real node cannot produce from a loopback WebSocket stub that otherwise proxies to that Anvil.
// Hostile modes run in a child process: it must print its outcome and exit by itself (no uncaught
// exception, nothing left open) within its deadline plus 1 s.

const DIST_SRC = join(__dirname, "..", "src");
const sha3 = (i: number) => keccak256(toUtf8Bytes(`chaincall ${i}`));
const hexOf = (i: number) => `0x${Buffer.from(`chaincall ${i}`).toString("hex")}`;

const KINDS = [
  { name: "WebSocket", url: () => anvil().wsUrl, open: openWsTransport },
  { name: "IPC", url: () => anvil().ipcPath!, open: openIpcTransport },
];

const resultOf = (answers: JsonRpcAnswer[], id: number) => {
  const answer = answers.find((a) => a.id === id);
  expect(answer, `answer to id ${id} in ${JSON.stringify(answers)}`).to.not.equal(undefined);
  return answer as JsonRpcAnswer & { result?: unknown; error?: { code: number; message: string } };
};

for (const kind of KINDS) {
  describe(`${kind.name} transport against Anvil`, () => {
    let transport: Transport | undefined;
    const open = async () => (transport = await kind.open(parseRpcUrl(kind.url()), { timeoutMs: 10_000 }));
    afterEach(() => transport?.close());

    it("answers one request with the caller's id", async () => {
      const t = await open();
      expect(t.kind).to.equal(kind.name === "IPC" ? "ipc" : "ws");
      const answers = await t.request({ jsonrpc: "2.0", id: 42, method: "eth_chainId", params: [] }, { timeoutMs: 10_000 });
      expect(answers).to.deep.equal([{ jsonrpc: "2.0", id: 42, result: "0x7a69" }]);
    });

    it("answers a batch, the node's own errors included, matched by the caller's ids", async () => {
      const t = await open();
      const answers = await t.request(
        [
          { jsonrpc: "2.0", id: 3, method: "web3_sha3", params: [hexOf(3)] },
          { jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] },
          { jsonrpc: "2.0", id: 2, method: "no_suchMethod", params: [] },
        ],
        { timeoutMs: 10_000 },
      );
      expect(answers).to.have.length(3);
      expect(resultOf(answers, 1).result).to.equal("0x7a69");
      expect(resultOf(answers, 3).result).to.equal(sha3(3));
      expect(resultOf(answers, 2).error?.code).to.be.a("number");
    });

    it("matches 1,000 concurrent requests by id, though every caller used the same id", async () => {
      const t = await open();
      const started = Date.now();
      const all = await Promise.all(
        Array.from({ length: 1000 }, (_, i) =>
          t.request({ jsonrpc: "2.0", id: 7, method: "web3_sha3", params: [hexOf(i)] }, { timeoutMs: 30_000 }),
        ),
      );
      const ms = Date.now() - started;
      for (const [i, answers] of all.entries()) expect(answers, `request ${i}`).to.deep.equal([{ jsonrpc: "2.0", id: 7, result: sha3(i) }]);
      console.log(`      (${kind.name}: 1,000 concurrent requests in ${ms} ms)`);
    });

    it("close() rejects pending requests and later ones with ABORTED; safe to call twice", async () => {
      const t = await open();
      // A slow call: the answer cannot arrive before close().
      const pending = t.request({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }, { timeoutMs: 10_000 });
      t.close();
      t.close();
      expect((await rejection(pending)).code).to.equal("ABORTED");
      expect((await rejection(t.request({ jsonrpc: "2.0", id: 2, method: "eth_chainId", params: [] }, { timeoutMs: 1000 }))).code).to.equal(
        "ABORTED",
      );
    });

    it("refuses a deadline of 0, a negative one or NaN, and clamps Infinity", async () => {
      const t = await open();
      const payload: JsonRpcPayload = { jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] };
      for (const timeoutMs of [0, -1, Number.NaN]) {
        expect((await rejection(() => t.request(payload, { timeoutMs }))).code, String(timeoutMs)).to.equal("INVALID_ARGUMENT");
      }
      expect(resultOf(await t.request(payload, { timeoutMs: Infinity }), 1).result).to.equal("0x7a69");
    });

    it("lets the process exit after close()", async () => {
      const r = await runNodeScript(
        childScript(kind.name === "IPC" ? "IpcTransport" : "WsTransport", kind.url(), 5000, "[{ method: 'eth_chainId' }]"),
        10_000,
      );
      expect(r.code, r.stdout).to.equal(0);
      const out = JSON.parse(r.stdout);
      expect(out.results).to.deep.equal([{ ok: "0x7a69" }]);
      expect(r.ms).to.be.below(5000);
    });
  });
}

describe("socket transports that cannot connect", () => {
  it("WebSocket: a refused connection is RPC_ERROR 'cannot reach', ECONNREFUSED as cause, and 'unsent' for a send", async () => {
    const port = await closedPort();
    const err = await rejection(openWsTransport(parseRpcUrl(`ws://127.0.0.1:${port}`), { timeoutMs: 5000 }));
    expect(err.code).to.equal("RPC_ERROR");
    expect(err.shortMessage).to.equal(`cannot reach ws://127.0.0.1:${port}`);
    expect((err.cause as { code?: string }).code).to.equal("ECONNREFUSED");
    expect(classifyBroadcastFailure(err)).to.equal("unsent");
  });

  it("IPC: a missing socket is RPC_ERROR 'cannot reach'", async () => {
    const path = join(anvil().ipcPath!, "..", "no-such.ipc");
    const err = await rejection(openIpcTransport(parseRpcUrl(path), { timeoutMs: 5000 }));
    expect(err.code).to.equal("RPC_ERROR");
    expect(err.shortMessage).to.equal(`cannot reach ${path}`);
  });

  it("a node gone after the connection dropped: the next request fails 'cannot reach' (ECONNREFUSED), 'unsent' for a send", async () => {
    const gone = await startWsFaultStub(anvil().wsUrl);
    let t: Transport | undefined;
    try {
      t = await openWsTransport(parseRpcUrl(gone.url), { timeoutMs: 5000 });
      expect(
        resultOf(await t.request({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }, { timeoutMs: 5000 }), 1).result,
      ).to.equal("0x7a69");
      await gone.close();
      // Time for the client to see the close (a request written before that is "unknown", rightly).
      await new Promise((resolve) => setTimeout(resolve, 200));
      const err = await rejection(
        t.request({ jsonrpc: "2.0", id: 2, method: "eth_sendRawTransaction", params: ["0x00"] }, { timeoutMs: 5000 }),
      );
      expect(err.code).to.equal("RPC_ERROR");
      expect(err.shortMessage).to.equal(`cannot reach ${gone.url}`);
      expect(classifyBroadcastFailure(err)).to.equal("unsent");
    } finally {
      t?.close();
      await gone.close();
    }
  });

  it("a server that refuses the upgrade (HTTP 401) is RPC_ERROR 'cannot reach', and the process exits", async () => {
    const server = createHttpServer((_req, res) => res.writeHead(401).end("no"));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const port = (server.address() as { port: number }).port;
      const r = await runNodeScript(childScript("WsTransport", `ws://127.0.0.1:${port}`, 5000, "[]"), 10_000);
      expect(r.code, r.stdout).to.equal(0);
      expect(JSON.parse(r.stdout).open).to.deep.include({
        code: "RPC_ERROR",
        message: `cannot reach ws://127.0.0.1:${port}: it answered HTTP 401 to the WebSocket upgrade`,
      });
      expect(r.ms).to.be.below(STARTUP_ALLOWANCE_MS + 1000);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it("a node that accepts TCP but never completes the upgrade is TIMEOUT within the deadline, nothing left open", async () => {
    const server = createServer((socket) => socket.on("error", () => undefined));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const port = (server.address() as { port: number }).port;
      const r = await runNodeScript(childScript("WsTransport", `ws://127.0.0.1:${port}`, 1000, "[]"), 10_000);
      expect(r.code, r.stdout).to.equal(0);
      expect(JSON.parse(r.stdout).open).to.deep.include({ code: "TIMEOUT" });
      expect(r.ms).to.be.below(2000 + STARTUP_ALLOWANCE_MS);
    } finally {
      server.close();
    }
  });
});

// Node's own start-up and module loading in the child, on a shared 2-core machine.
const STARTUP_ALLOWANCE_MS = 1500;

describe("WebSocket transport against a hostile server (loopback stub)", () => {
  let stub: WsFaultStub;
  before(async () => {
    stub = await startWsFaultStub(anvil().wsUrl);
  });
  after(() => stub.close());
  beforeEach(() => {
    stub.mode = "proxy";
    stub.received.length = 0;
  });

  const THREE_READS = "[{ method: 'eth_chainId' }, { method: 'eth_blockNumber' }, { method: 'eth_gasPrice' }]";
  const hostile: Array<{ mode: WsFaultMode; code: string; message?: RegExp }> = [
    { mode: "nonJson", code: "RPC_ERROR", message: /^malformed answer from ws:\/\/127\.0\.0\.1:\d+$/ },
    { mode: "binary", code: "RPC_ERROR", message: /^malformed answer from ws:\/\/127\.0\.0\.1:\d+: a binary frame$/ },
    { mode: "unknownId", code: "RPC_ERROR", message: /^malformed answer/ },
    { mode: "notRpc", code: "RPC_ERROR", message: /^malformed answer/ },
    { mode: "silent", code: "TIMEOUT" },
    { mode: "pingOnly", code: "TIMEOUT" },
    { mode: "trickle", code: "TIMEOUT" },
  ];
  for (const { mode, code, message } of hostile) {
    it(`${mode}: every pending request fails ${code}, no uncaught exception, the process exits within its deadline + 1 s`, async () => {
      stub.mode = mode;
      const timeoutMs = 1500;
      const r = await runNodeScript(childScript("WsTransport", stub.url, timeoutMs, THREE_READS), 15_000);
      expect(r.code, r.stdout).to.equal(0);
      const out = JSON.parse(r.stdout);
      expect(out.results).to.have.length(3);
      for (const result of out.results) {
        expect(result.code, JSON.stringify(result)).to.equal(code);
        if (message) expect(result.message).to.match(message);
      }
      expect(out.requestMs, "failed within the deadline").to.be.below(timeoutMs + 500);
      expect(r.ms, "exited within deadline + 1 s (+ start-up)").to.be.below(timeoutMs + 1000 + STARTUP_ALLOWANCE_MS);
    });
  }

  it("huge: a 50 MB answer is RPC_ERROR at the size limit, memory stays low, the process exits", async () => {
    stub.mode = "huge";
    const r = await runNodeScript(childScript("WsTransport", stub.url, 5000, "[{ method: 'eth_chainId' }]"), 20_000);
    expect(r.code, r.stdout).to.equal(0);
    const out = JSON.parse(r.stdout);
    expect(out.results[0].code).to.equal("RPC_ERROR");
    expect(out.results[0].message).to.match(/larger than 33554432 bytes$/);
    // The frame is refused from its header: its 50 MB are never held (one held copy alone would add 50 MB).
    const growthMb = out.rssMb - out.rssBeforeMb;
    expect(growthMb, `rss ${out.rssBeforeMb} → ${out.rssMb} MB`).to.be.below(HUGE_ANSWER_BYTES / 1024 / 1024 / 5);
    console.log(`      (50 MB answer refused after ${out.requestMs} ms; child rss ${out.rssBeforeMb} → ${out.rssMb} MB)`);
  });

  it("a smaller maxResponseBytes is honoured", async () => {
    const t = await openWsTransport(parseRpcUrl(stub.url), { timeoutMs: 5000, maxResponseBytes: 20 });
    try {
      const err = await rejection(t.request({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }, { timeoutMs: 5000 }));
      expect(err.code).to.equal("RPC_ERROR");
      expect(err.shortMessage).to.match(/larger than 20 bytes$/);
    } finally {
      t.close();
    }
  });

  it("sends the URL's credentials as Basic auth and never shows them", async () => {
    const t = await openWsTransport(parseRpcUrl(stub.url.replace("ws://", "ws://alice:s3cr3t-pw@")), { timeoutMs: 5000 });
    try {
      expect(t.endpoint).to.not.include("s3cr3t-pw");
      expect(stub.lastAuthorization).to.equal(`Basic ${Buffer.from("alice:s3cr3t-pw").toString("base64")}`);
      stub.mode = "binary";
      const err = await rejection(t.request({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }, { timeoutMs: 5000 }));
      expect(`${err.message} ${err.details}`).to.not.include("s3cr3t-pw");
    } finally {
      t.close();
    }
  });

  it("an answer with id null (a node's parse error) fails the pending requests with the node's words", async () => {
    const t = await openWsTransport(parseRpcUrl(stub.url), { timeoutMs: 5000 });
    try {
      stub.mode = "nullIdError";
      const err = await rejection(t.request({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }, { timeoutMs: 5000 }));
      expect(err.code).to.equal("RPC_ERROR");
      expect(err.shortMessage).to.match(/^malformed answer from /);
      expect(err.details).to.equal("the node sent an answer with id null: batch too large");
    } finally {
      t.close();
    }
  });

  it("after a malformed frame the next request reconnects and is answered", async () => {
    const t = await openWsTransport(parseRpcUrl(stub.url), { timeoutMs: 5000 });
    try {
      stub.mode = "binary";
      expect((await rejection(t.request({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }, { timeoutMs: 5000 }))).code).to.equal(
        "RPC_ERROR",
      );
      stub.mode = "proxy";
      const connectionsBefore = stub.connections;
      expect(
        resultOf(await t.request({ jsonrpc: "2.0", id: 2, method: "eth_chainId", params: [] }, { timeoutMs: 5000 }), 2).result,
      ).to.equal("0x7a69");
      expect(stub.connections).to.equal(connectionsBefore + 1);
    } finally {
      t.close();
    }
  });

  it("a late answer to a timed-out request is ignored, not taken as malformed", async () => {
    const t = await openWsTransport(parseRpcUrl(stub.url), { timeoutMs: 5000 });
    try {
      stub.mode = "delayed";
      const connections = stub.connections;
      expect((await rejection(t.request({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }, { timeoutMs: 100 }))).code).to.equal(
        "TIMEOUT",
      );
      // The answer arrives 300 ms after the request: well after its deadline.
      await new Promise((resolve) => setTimeout(resolve, 400));
      stub.mode = "proxy";
      expect(
        resultOf(await t.request({ jsonrpc: "2.0", id: 2, method: "eth_chainId", params: [] }, { timeoutMs: 5000 }), 2).result,
      ).to.equal("0x7a69");
      expect(stub.connections, "same connection").to.equal(connections);
    } finally {
      t.close();
    }
  });

  describe("a connection dropped after the request was written", () => {
    isolateState(anvil);

    it("a read is retried once on a new connection, then fails RPC_ERROR ('unknown' as a broadcast)", async () => {
      stub.mode = "closeAfterRequest";
      const t = await openWsTransport(parseRpcUrl(stub.url), { timeoutMs: 5000 });
      try {
        const err = await rejection(t.request({ jsonrpc: "2.0", id: 1, method: "eth_blockNumber", params: [] }, { timeoutMs: 5000 }));
        expect(err.code).to.equal("RPC_ERROR");
        expect(String((err.cause as Error).message)).to.match(/closed after the request was written/);
        expect(
          stub.received.filter((m) => m.includes("eth_blockNumber")),
          "sent twice: once, then once retried",
        ).to.have.length(2);
        // And the connection comes back for the next request.
        stub.mode = "proxy";
        expect(
          resultOf(await t.request({ jsonrpc: "2.0", id: 2, method: "eth_chainId", params: [] }, { timeoutMs: 5000 }), 2).result,
        ).to.equal("0x7a69");
      } finally {
        t.close();
      }
    });

    it("a send is never re-sent: RPC_ERROR classified 'unknown', and the node did mine it", async () => {
      const wallet = new Wallet(DEV_PRIVATE_KEY);
      const nonce = Number(await rpc(anvil().rpcUrl, "eth_getTransactionCount", [wallet.address, "pending"]));
      const raw = await wallet.signTransaction({
        type: 2,
        chainId: 31337,
        nonce,
        to: wallet.address,
        value: 1n,
        gasLimit: 21_000n,
        maxFeePerGas: 100_000_000_000n,
        maxPriorityFeePerGas: 1_000_000_000n,
      });
      stub.mode = "closeAfterRequest";
      const r = await runNodeScript(
        childScript("WsTransport", stub.url, 5000, `[{ method: 'eth_sendRawTransaction', params: ['${raw}'] }]`),
        15_000,
      );
      expect(r.code, r.stdout).to.equal(0);
      const [result] = JSON.parse(r.stdout).results;
      expect(result.code).to.equal("RPC_ERROR");
      expect(result.classified).to.equal("unknown");
      expect(
        stub.received.filter((m) => m.includes("eth_sendRawTransaction")),
        "never re-sent",
      ).to.have.length(1);
      const receipt = (await rpc(anvil().rpcUrl, "eth_getTransactionReceipt", [keccak256(raw)])) as { status: string } | null;
      expect(receipt?.status, "mined although the caller saw an error").to.equal("0x1");
    });
  });
});

/** What a hostile IPC server writes back for one request (its id given), or nothing. */
type IpcAnswer = (socket: Socket, id: number) => void;

describe("IPC transport against a hostile server (loopback socket)", () => {
  const dir = tempDir("ipc-stub");
  let server: Server | undefined;
  let answer: IpcAnswer = () => undefined;
  const sockets = new Set<Socket>();
  const path = () => join(dir(), "stub.ipc");
  before(async () => {
    server = createServer((socket) => {
      sockets.add(socket);
      socket.on("error", () => undefined);
      socket.on("close", () => sockets.delete(socket));
      const splitter = new JsonStreamSplitter();
      socket.on("data", (chunk: Buffer) => {
        for (const message of splitter.push(chunk)) answer(socket, (JSON.parse(message) as { id: number }).id);
      });
    });
    await new Promise<void>((resolve) => server!.listen(path(), resolve));
  });
  after(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  });

  const ask = async (timeoutMs = 5000) => {
    const t = await openIpcTransport(parseRpcUrl(path()), { timeoutMs: 5000 });
    try {
      return await t.request({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }, { timeoutMs });
    } finally {
      t.close();
    }
  };

  it("finds answers cut anywhere, with no newline between them", async () => {
    answer = (socket, id) => {
      const text = JSON.stringify({ jsonrpc: "2.0", id, result: "0x7a69" });
      socket.write(text.slice(0, 9));
      setTimeout(() => socket.write(text.slice(9)), 10);
    };
    expect(await ask()).to.deep.equal([{ jsonrpc: "2.0", id: 1, result: "0x7a69" }]);
  });

  const hostile: Array<{ name: string; answer: IpcAnswer; code: string; message: RegExp }> = [
    {
      name: "JSON that is no JSON-RPC answer",
      answer: (socket) => socket.write('{"hello":"world"}'),
      code: "RPC_ERROR",
      message: /^malformed answer from /,
    },
    {
      name: "an answer to an id never asked",
      answer: (socket) => socket.write('{"jsonrpc":"2.0","id":987654321,"result":"0x1"}'),
      code: "RPC_ERROR",
      message: /^malformed answer from /,
    },
    { name: "broken JSON", answer: (socket) => socket.write('{"jsonrpc":"2.0",,}'), code: "RPC_ERROR", message: /^malformed answer from / },
    {
      name: "a 40 MB answer that never ends",
      answer: (socket, id) => socket.write(`{"jsonrpc":"2.0","id":${id},"result":"0x${"1".repeat(40 * 1024 * 1024)}`),
      code: "RPC_ERROR",
      message: /larger than 33554432 bytes$/,
    },
    {
      name: "a connection closed after the request",
      answer: (socket) => socket.destroy(),
      code: "RPC_ERROR",
      message: /^lost the connection to .* while waiting for eth_chainId$/,
    },
    { name: "no answer", answer: () => undefined, code: "TIMEOUT", message: /^timed out after 0\.5s waiting for eth_chainId from / },
  ];
  for (const mode of hostile) {
    it(`${mode.name}: ${mode.code}, no uncaught exception`, async () => {
      answer = mode.answer;
      const err = await rejection(ask(500));
      expect(err.code).to.equal(mode.code);
      expect(err.shortMessage).to.match(mode.message);
      expect(classifyBroadcastFailure(err)).to.equal("unknown");
    });
  }

  it("no answer: the process exits within its deadline + 1 s after close()", async () => {
    answer = () => undefined;
    const r = await runNodeScript(childScript("IpcTransport", path(), 1000, "[{ method: 'eth_chainId' }]"), 10_000);
    expect(r.code, r.stdout).to.equal(0);
    expect(JSON.parse(r.stdout).results[0].code).to.equal("TIMEOUT");
    expect(r.ms).to.be.below(1000 + 1000 + STARTUP_ALLOWANCE_MS);
  });
});

describe("subscriptions on the socket transports (real Anvil)", () => {
  for (const kind of KINDS) {
    it(`${kind.name}: subscribe routes newHeads to its subscriber; a dedicated connection is another connection, closed on its own`, async () => {
      const transport = await kind.open(parseRpcUrl(kind.url()), { timeoutMs: 5000 });
      const dedicated = await transport.openDedicated!({ timeoutMs: 5000 });
      try {
        const shared: unknown[] = [];
        const own: unknown[] = [];
        const id = await transport.subscribe(["newHeads"], (head) => shared.push(head), { timeoutMs: 5000 });
        expect(id).to.match(/^0x[0-9a-f]+$/);
        await dedicated.subscribe(["newHeads"], (head) => own.push(head), { timeoutMs: 5000 });
        await rpc(anvil().rpcUrl, "evm_mine", []);
        const deadline = Date.now() + 5000;
        while ((shared.length === 0 || own.length === 0) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
        expect((shared[0] as { number?: string }).number).to.match(/^0x[0-9a-f]+$/);
        expect((own[0] as { hash?: string }).hash).to.equal((shared[0] as { hash?: string }).hash);
        dedicated.close();
        expect((await dedicated.closed).code).to.equal("ABORTED");
        expect(dedicated.isOpen).to.equal(false);
        expect(transport.isOpen, "the shared transport stays open").to.equal(true);
        expect(await requestResults(transport, 5000)("eth_chainId", [])).to.equal("0x7a69");
        transport.close();
        expect((await rejection(transport.openDedicated!({ timeoutMs: 5000 }))).code, "a closed transport opens nothing").to.equal(
          "ABORTED",
        );
      } finally {
        dedicated.close();
        transport.close();
      }
    });
  }

  it("a node's refusal of eth_subscribe is its JSON-RPC error, and the connection stays usable", async () => {
    const transport = await openWsTransport(parseRpcUrl(anvil().wsUrl), { timeoutMs: 5000 });
    try {
      const err = await rejection(transport.subscribe(["noSuchSubscription"], () => undefined, { timeoutMs: 5000 }));
      expect(err.code).to.equal("RPC_ERROR");
      expect(await requestResults(transport, 5000)("eth_chainId", [])).to.equal("0x7a69");
    } finally {
      transport.close();
    }
  });

  it("SubscriptionRouter: notifications that come before their subscriber are kept for it, in order; others are ignored", () => {
    const router = new SubscriptionRouter();
    const got: unknown[] = [];
    router.route({ method: "eth_subscription", params: { subscription: "0xa", result: 1 } });
    router.route({ method: "eth_subscription", params: { subscription: "0xa", result: 2 } });
    router.route({ method: "eth_other", params: { subscription: "0xa", result: 3 } });
    router.add("0xa", (result) => got.push(result));
    router.route({ method: "eth_subscription", params: { subscription: "0xa", result: 4 } });
    router.route({ method: "eth_subscription", params: { subscription: "0xb", result: 5 } });
    expect(got).to.deep.equal([1, 2, 4]);
    router.clear();
    router.route({ method: "eth_subscription", params: { subscription: "0xa", result: 6 } });
    expect(got, "a cleared subscription gets nothing").to.deep.equal([1, 2, 4]);
  });
});

describe("a dedicated connection (watchLogs' subscription connection) against a hostile server", () => {
  let stub: WsFaultStub;
  before(async () => {
    stub = await startWsFaultStub(anvil().wsUrl);
  });
  after(() => stub.close());

  const openDedicated = async () => {
    const shared = await openWsTransport(parseRpcUrl(stub.url), { timeoutMs: 5000 });
    try {
      return await shared.openDedicated!({ timeoutMs: 5000 });
    } finally {
      shared.close();
    }
  };

  for (const mode of ["nonJson", "binary", "unknownId", "huge"] as const) {
    it(`${mode}: the request fails RPC_ERROR, the connection reports itself closed, no uncaught exception`, async () => {
      stub.mode = "proxy";
      const socket = await openDedicated();
      try {
        const request = requestResults(socket, 5000);
        expect(await request("eth_chainId", [])).to.equal("0x7a69");
        stub.mode = mode;
        const err = await rejection(request("eth_blockNumber", []));
        expect(err.code).to.equal("RPC_ERROR");
        expect((await socket.closed).code).to.equal("RPC_ERROR");
        expect(socket.isOpen).to.equal(false);
        expect((await rejection(request("eth_chainId", []))).code, "never reopened").to.equal("RPC_ERROR");
      } finally {
        socket.close();
      }
    });
  }

  it("still delivers subscription notifications through the stub", async () => {
    stub.mode = "proxy";
    const socket = await openDedicated();
    try {
      const heads: unknown[] = [];
      await socket.subscribe(["newHeads"], (head) => heads.push(head), { timeoutMs: 5000 });
      await rpc(anvil().rpcUrl, "evm_mine", []);
      const deadline = Date.now() + 5000;
      while (heads.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(heads).to.have.length.greaterThan(0);
      expect((heads[0] as { number?: string }).number).to.match(/^0x[0-9a-f]+$/);
    } finally {
      socket.close();
    }
  });
});

/**
 * A child process that opens a transport to `url`, sends `requests` (method and params; sent concurrently)
 * with `timeoutMs` each, closes the transport and prints one JSON line: how each request ended (its result or
 * its error code, message, and classification as a broadcast failure), how long that took, its memory. It
 * must then exit by itself.
 */
function childScript(module: "WsTransport" | "IpcTransport", url: string, timeoutMs: number, requests: string): string {
  return `
    const src = ${JSON.stringify(DIST_SRC)};
    const { ${module === "WsTransport" ? "openWsTransport: open" : "openIpcTransport: open"} } = require(src + "/client/transport/${module}.js");
    const { parseRpcUrl } = require(src + "/client/parseRpcUrl.js");
    const { classifyBroadcastFailure } = require(src + "/tx/classifyBroadcastFailure.js");
    const failure = (err) => ({ code: err.code, message: err.shortMessage, classified: classifyBroadcastFailure(err) });
    (async () => {
      let transport;
      try {
        transport = await open(parseRpcUrl(${JSON.stringify(url)}), { timeoutMs: ${timeoutMs} });
      } catch (err) {
        console.log(JSON.stringify({ open: failure(err) }));
        return;
      }
      const started = Date.now();
      const rssBeforeMb = Math.round(process.memoryUsage().rss / 1048576);
      const results = await Promise.all(${requests}.map((r, i) =>
        transport.request({ jsonrpc: "2.0", id: i, method: r.method, params: r.params || [] }, { timeoutMs: ${timeoutMs} })
          .then((answers) => ({ ok: answers[0].result }), failure)));
      const requestMs = Date.now() - started;
      transport.close();
      console.log(JSON.stringify({ results, requestMs, rssBeforeMb, rssMb: Math.round(process.memoryUsage().rss / 1048576) }));
    })();
  `;
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
