import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { expect } from "chai";
import { type JsonRpcPayload, Wallet } from "ethers";
import { projectRoot } from "../scripts/lib/localNode";
import { type Client, connect } from "../src";
import { parseRpcUrl } from "../src/client/parseRpcUrl";
import { createHttpTransport, parseRetryAfter } from "../src/client/transport/HttpTransport";
import { DEFAULT_MAX_RESPONSE_BYTES } from "../src/client/transport/types";
import { classifyBroadcastFailure } from "../src/tx/classifyBroadcastFailure";
import { rejection } from "./fixtures/assertions";
import { type FaultMode, type FaultStub, faultStubFor } from "./fixtures/faultStub";
import {
  anvil,
  type CliResult,
  DEV_PRIVATE_KEY,
  expectErrorLine,
  isolateState,
  rpc,
  runCli,
  runNodeScript,
  showCli,
  tempDir,
} from "./fixtures/nodes";

// Issue 11, item 3 (HTTP half) and SPEC §7.2–7.3: the own HTTP transport against a loopback stub in front of
// the run's Anvil. Every hostile answer ends in a typed error, and no process outlives its timeout by more than 1 s.

const TIMEOUT_S = 2;
const TIMEOUT_MS = TIMEOUT_S * 1000;
const INDEX = join(projectRoot(), "dist", "src", "index.js");

/** What an SDK process printed: when it started (after loading the SDK), and its outcome. */
interface ScriptOutcome {
  t0: number;
  ok?: unknown;
  code?: string;
  message?: string;
  closedAt?: number;
}

/**
 * Runs a separate node process that connects to `rpcUrl`, asks `eth_blockNumber`, closes the client and
 * prints its outcome; returns it with how long the process lived after loading the SDK.
 */
async function sdkProcess(rpcUrl: string): Promise<{ outcome: ScriptOutcome; aliveMs: number; code: number | null }> {
  const script = `
    const { connect } = require(${JSON.stringify(INDEX)});
    const t0 = Date.now();
    (async () => {
      let client, outcome;
      try {
        client = await connect({ rpcUrl: ${JSON.stringify(rpcUrl)}, timeoutMs: ${TIMEOUT_MS}, journal: false, batch: false });
        outcome = { ok: await client.provider.send("eth_blockNumber", []) };
      } catch (e) {
        outcome = { code: e.code, message: e.message };
      }
      await client?.close();
      console.log(JSON.stringify({ t0, ...outcome }));
    })();`;
  const run = await runNodeScript(script, 20_000);
  const ended = Date.now();
  const outcome = JSON.parse(run.stdout.trim().split("\n").pop() || "{}") as ScriptOutcome;
  return { outcome, aliveMs: ended - outcome.t0, code: run.code };
}

/**
 * Runs the CLI and returns its result with how long it lived after `stub` first received `method` (the
 * request whose deadline counts): start-up time, which a loaded machine stretches, is left out.
 */
async function cliAgainst(
  stub: FaultStub,
  method: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<CliResult & { afterRequestMs: number }> {
  const r = await runCli(args, { env, timeoutMs: 20_000 });
  const ended = Date.now();
  const first = stub.requests.find((q) => q.methods.includes(method));
  expect(first, `the CLI sent ${method}\n${showCli(r)}`).not.to.equal(undefined);
  return { ...r, afterRequestMs: ended - first!.at };
}

describe("HTTP transport: hostile answers end in typed errors and processes that exit (issue 11 item 3)", function () {
  this.timeout(120_000);
  const stub = faultStubFor(() => anvil().rpcUrl);

  const hostile: { mode: FaultMode; code: string; message: RegExp }[] = [
    { mode: "silent", code: "TIMEOUT", message: /^cannot reach http:\/\/127\.0\.0\.1:\d+: timed out after 2s waiting for eth_chainId/ },
    { mode: "headers-then-silence", code: "TIMEOUT", message: /timed out after 2s waiting for eth_chainId/ },
    { mode: "trickle", code: "TIMEOUT", message: /timed out after 2s waiting for eth_chainId/ },
    {
      mode: "huge",
      code: "RPC_ERROR",
      message: new RegExp(`sent more than ${DEFAULT_MAX_RESPONSE_BYTES} bytes to eth_chainId, over the limit`),
    },
    {
      mode: "huge-declared",
      code: "RPC_ERROR",
      message: /sent an answer of 5242\d{4} bytes to eth_chainId, over the limit of 33554432 bytes/,
    },
    { mode: "chain-id-junk", code: "RPC_ERROR", message: /gave a chain id that is not a sane quantity: "0xzz"$/ },
    { mode: "chain-id-long", code: "RPC_ERROR", message: /gave a chain id that is not a sane quantity: "0x1{22}"… \(60002 characters\)$/ },
    { mode: "reset-mid-answer", code: "RPC_ERROR", message: /^cannot reach http:\/\/127\.0\.0\.1:\d+$/ },
    { mode: "html-200", code: "RPC_ERROR", message: /did not answer eth_chainId with JSON-RPC \(HTTP 200, text\/html\)$/ },
    { mode: "non-json", code: "RPC_ERROR", message: /did not answer eth_chainId with JSON-RPC \(HTTP 200, application\/json\)$/ },
    { mode: "502", code: "RPC_ERROR", message: /answered HTTP 502 Bad Gateway to eth_chainId$/ },
    {
      mode: "429-far",
      code: "RPC_ERROR",
      message: /answered HTTP 429 Too Many Requests to eth_chainId and asks to retry in 30s, after the deadline/,
    },
  ];

  for (const { mode, code, message } of hostile) {
    it(`${mode}: connect fails with ${code}; the CLI and an SDK process exit within --timeout + 1 s`, async () => {
      stub().arm(mode);
      const started = Date.now();
      const err = await rejection(connect({ rpcUrl: stub().url, timeoutMs: TIMEOUT_MS, journal: false }));
      const elapsed = Date.now() - started;
      expect(err.code, err.message).to.equal(code);
      expect(err.message).to.match(message);
      expect(elapsed, "in-process connect").to.be.below(TIMEOUT_MS + 1_000);

      stub().reset();
      stub().arm(mode);
      const r = await cliAgainst(stub(), "eth_chainId", ["chain-id", "-r", stub().url, "--timeout", String(TIMEOUT_S)]);
      expect(expectErrorLine(r, 1), showCli(r)).to.match(message);
      expect(r.afterRequestMs, `CLI lived ${r.afterRequestMs} ms after its request\n${showCli(r)}`).to.be.below(TIMEOUT_MS + 1_000);

      const sdk = await sdkProcess(stub().url);
      expect(sdk.code, "the SDK process ended by itself").to.equal(0);
      expect(sdk.outcome.code, JSON.stringify(sdk.outcome)).to.equal(code);
      expect(sdk.aliveMs, "SDK process lifetime after loading").to.be.below(TIMEOUT_MS + 1_000);
    });
  }

  for (const mode of ["silent", "headers-then-silence", "trickle", "reset-mid-answer"] as const) {
    it(`${mode} after connecting: block-number fails, the CLI and an SDK process exit within --timeout + 1 s`, async () => {
      stub().arm(mode, { methods: ["eth_blockNumber"] });
      const r = await cliAgainst(stub(), "eth_blockNumber", ["block-number", "-r", stub().url, "--timeout", String(TIMEOUT_S)]);
      const line = expectErrorLine(r, 1);
      expect(line, showCli(r)).to.match(mode === "reset-mid-answer" ? /^cannot reach/ : /timed out after 2s waiting for eth_blockNumber/);
      expect(r.afterRequestMs, `CLI lived ${r.afterRequestMs} ms after the stalled request\n${showCli(r)}`).to.be.below(TIMEOUT_MS + 1_000);
      expect(stub().count("eth_chainId"), "connected first").to.be.at.least(1);

      const sdk = await sdkProcess(stub().url);
      expect(sdk.code).to.equal(0);
      expect(sdk.outcome.code, JSON.stringify(sdk.outcome)).to.equal(mode === "reset-mid-answer" ? "RPC_ERROR" : "TIMEOUT");
      expect(sdk.aliveMs).to.be.below(TIMEOUT_MS + 1_000);
    });
  }

  it("connect({ maxResponseBytes }) sets the limit for every request; 0 is refused", async () => {
    const client = await connect({ rpcUrl: stub().url, timeoutMs: 5_000, journal: false, maxResponseBytes: 300 });
    try {
      expect(await client.provider.getBlockNumber()).to.be.a("number");
      const err = await rejection(client.provider.send("eth_getBlockByNumber", ["0x0", true]));
      expect(err.code).to.equal("RPC_ERROR");
      expect(err.message).to.match(/over the limit of 300 bytes/);
    } finally {
      await client.close();
    }
    expect((await rejection(connect({ rpcUrl: stub().url, maxResponseBytes: 0 }))).code).to.equal("INVALID_ARGUMENT");
  });

  it("a gateway's error page that quotes the request shows no credential (message, details, --json, --verbose)", async () => {
    const password = "pw-Quoted-8731";
    const url = `${stub().url.replace("http://", `http://alice:${password}@`)}/v3/KEYINPATHx9`;
    const basic = Buffer.from(`alice:${password}`).toString("base64");
    stub().arm("echo-500");
    const err = await rejection(connect({ rpcUrl: url, timeoutMs: TIMEOUT_MS, journal: false }));
    expect(err.message).to.match(/answered HTTP 500 Internal Server Error to eth_chainId$/);
    expect(err.details, "the page is quoted").to.include("headers:");
    for (const r of [await runCli(["chain-id", "-r", url, "--json", "--verbose"]), await runCli(["chain-id", "-r", url, "--verbose"])]) {
      expect(r.code, showCli(r)).to.equal(1);
      expect(`${r.stdout}${r.stderr}`, showCli(r)).to.include(`127.0.0.1:`);
      for (const secret of [password, basic, "KEYINPATHx9"]) expect(`${r.stdout}${r.stderr}`, showCli(r)).not.to.include(secret);
    }
    for (const text of [err.message, err.details ?? "", ...err.metaMessages]) {
      for (const secret of [password, basic, "KEYINPATHx9"]) expect(text).not.to.include(secret);
    }
  });

  it("a size limit set lower refuses an ordinary answer over it (content-length checked before reading)", async () => {
    const transport = createHttpTransport(parseRpcUrl(stub().url), { maxResponseBytes: 20 });
    try {
      const err = await rejection(
        transport.request({ jsonrpc: "2.0", id: 1, method: "eth_getBlockByNumber", params: ["0x0", false] }, { timeoutMs: 5_000 }),
      );
      expect(err.code).to.equal("RPC_ERROR");
      expect(err.message).to.match(/sent an answer of \d+ bytes to eth_getBlockByNumber, over the limit of 20 bytes/);
    } finally {
      transport.close();
    }
  });
});

describe("HTTP transport: retries (SPEC §7.3)", function () {
  this.timeout(120_000);
  const stub = faultStubFor(() => anvil().rpcUrl);
  let client: Client | undefined;

  before(async () => {
    client = await connect({ rpcUrl: stub().url, timeoutMs: 10_000, journal: false, batch: false });
  });
  after(async () => {
    await client?.close();
  });

  /** The time between the first and the second request carrying `method`. */
  function gap(method: string): number {
    const times = stub()
      .requests.filter((r) => r.methods.includes(method))
      .map((r) => r.at);
    return times[1] - times[0];
  }

  it("429 with Retry-After: 2 (seconds): waits 2 s, then the read succeeds", async () => {
    stub().arm("429-seconds", { methods: ["eth_blockNumber"], times: 1 });
    const n = await client!.provider.getBlockNumber();
    expect(n).to.equal(Number(await rpc(anvil().rpcUrl, "eth_blockNumber", [])));
    expect(stub().count("eth_blockNumber")).to.equal(2);
    expect(gap("eth_blockNumber")).to.be.at.least(2_000);
  });

  it("429 with Retry-After as an HTTP date: waits until then, then the read succeeds", async () => {
    stub().arm("429-date", { methods: ["eth_blockNumber"], times: 1 });
    expect(await client!.provider.getBlockNumber()).to.be.a("number");
    expect(stub().count("eth_blockNumber")).to.equal(2);
    // The date is 2 s ahead, in whole seconds: between 1 and 2 s later.
    expect(gap("eth_blockNumber")).to.be.within(900, 2_500);
  });

  it("429 on the connect probe is retried like any read", async () => {
    stub().arm("429-seconds", { methods: ["eth_chainId"], times: 1 });
    const other = await connect({ rpcUrl: stub().url, timeoutMs: 10_000, journal: false });
    try {
      expect(other.chainId).to.equal(31337n);
      expect(stub().count("eth_chainId")).to.equal(2);
      expect(gap("eth_chainId")).to.be.at.least(2_000);
    } finally {
      await other.close();
    }
  });

  it("503 twice, then the node: the read succeeds on the third request", async () => {
    stub().arm("503", { methods: ["eth_blockNumber"], times: 2 });
    expect(await client!.provider.getBlockNumber()).to.be.a("number");
    expect(stub().count("eth_blockNumber")).to.equal(3);
  });

  it("a reset in the middle of an answer is retried for a read", async () => {
    stub().arm("reset-mid-answer", { methods: ["eth_getBalance"], times: 1 });
    expect(await client!.provider.getBalance(Wallet.createRandom().address)).to.equal(0n);
    expect(stub().count("eth_getBalance")).to.equal(2);
  });

  it("502 on every try: gives up within the deadline with the status, after several tries", async () => {
    stub().arm("502", { methods: ["eth_blockNumber"] });
    const transport = createHttpTransport(parseRpcUrl(stub().url));
    const started = Date.now();
    try {
      const err = await rejection(
        transport.request({ jsonrpc: "2.0", id: 1, method: "eth_blockNumber", params: [] }, { timeoutMs: 1_500 }),
      );
      expect(err.code).to.equal("RPC_ERROR");
      expect(err.message).to.match(/answered HTTP 502 Bad Gateway to eth_blockNumber$/);
      expect(Date.now() - started).to.be.below(1_600);
      expect(stub().count("eth_blockNumber")).to.be.within(3, 10);
    } finally {
      transport.close();
    }
  });

  it("a deadline that ends a retried request says what the failed try got", async () => {
    stub().arm("503", { methods: ["eth_blockNumber"], times: 1, afterwards: "silent" });
    const transport = createHttpTransport(parseRpcUrl(stub().url));
    try {
      const err = await rejection(
        transport.request({ jsonrpc: "2.0", id: 1, method: "eth_blockNumber", params: [] }, { timeoutMs: 1_000 }),
      );
      expect(err.code).to.equal("TIMEOUT");
      expect(err.message).to.match(
        /^timed out after 1s waiting for eth_blockNumber from http:\/\/127\.0\.0\.1:\d+ \(after 1 failed try, the last: .* answered HTTP 503 Service Unavailable to eth_blockNumber\)$/,
      );
      expect(stub().count("eth_blockNumber")).to.equal(2);
    } finally {
      transport.close();
    }
  });

  it("Retry-After is read as seconds or an HTTP date, anything else ignored", () => {
    expect(parseRetryAfter("2")).to.equal(2_000);
    expect(parseRetryAfter(["0"])).to.equal(0);
    expect(parseRetryAfter(new Date(Date.now() + 10_000).toUTCString())).to.be.within(8_000, 10_000);
    expect(parseRetryAfter(new Date(Date.now() - 10_000).toUTCString())).to.equal(0);
    expect(parseRetryAfter("soon")).to.equal(undefined);
    expect(parseRetryAfter("-1")).to.equal(undefined);
    expect(parseRetryAfter(undefined)).to.equal(undefined);
  });
});

describe("HTTP transport: sends are never re-sent", function () {
  this.timeout(120_000);
  const tmp = tempDir("http-send");
  const stub = faultStubFor(() => anvil().rpcUrl);
  isolateState(anvil, "each");

  it("502 after the gateway forwarded eth_sendRawTransaction: forwarded exactly once, and the send is found mined (not refused)", async () => {
    const client = await connect({
      rpcUrl: stub().url,
      signer: { privateKey: DEV_PRIVATE_KEY },
      journal: join(tmp(), "journal.jsonl"),
      timeoutMs: 10_000,
    });
    const recipient = Wallet.createRandom().address;
    try {
      stub().arm("502-after-forward", { methods: ["eth_sendRawTransaction"] });
      const tx = await client.signer!.sendTransaction({ to: recipient, value: 777n });
      expect(stub().count("eth_sendRawTransaction")).to.equal(1);
      const receipt = await client.wait(tx, { timeoutMs: 20_000 });
      expect(receipt.status).to.equal(1);
      expect(await rpc(anvil().rpcUrl, "eth_getBalance", [recipient, "latest"])).to.equal("0x309");
      expect(stub().count("eth_sendRawTransaction"), "still once").to.equal(1);
    } finally {
      await client.close();
    }
  });

  for (const mode of ["silent", "trickle"] as const) {
    it(`a node that takes eth_sendRawTransaction and then ${mode === "silent" ? "never answers" : "trickles"}: \`chaincall send\` fails and exits within --timeout + 1 s, sending once`, async () => {
      stub().arm(mode, { methods: ["eth_sendRawTransaction"] });
      const args = [
        "send",
        "0x0000000000000000000000000000000000000001",
        "f()",
        "-r",
        stub().url,
        "--timeout",
        String(TIMEOUT_S),
        "--journal",
        join(tmp(), `${mode}.jsonl`),
      ];
      const r = await cliAgainst(stub(), "eth_sendRawTransaction", args, { ETH_PRIVATE_KEY: DEV_PRIVATE_KEY });
      expect(expectErrorLine(r, 1), showCli(r)).to.match(/timed out after 2s waiting for eth_sendRawTransaction/);
      expect(r.afterRequestMs, `CLI lived ${r.afterRequestMs} ms after the send\n${showCli(r)}`).to.be.below(TIMEOUT_MS + 1_000);
      expect(stub().count("eth_sendRawTransaction")).to.equal(1);
    });
  }

  it("its errors say what a failed send proves: refused connection → unsent; 502, timeout, reset after writing → unknown", async () => {
    const raw: JsonRpcPayload = { jsonrpc: "2.0", id: 1, method: "eth_sendRawTransaction", params: ["0x02"] };
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const nowhere = createHttpTransport(parseRpcUrl(`http://127.0.0.1:${port}`));
    const through = createHttpTransport(parseRpcUrl(stub().url));
    try {
      const refused = await rejection(nowhere.request(raw, { timeoutMs: 2_000 }));
      expect([refused.code, refused.message, classifyBroadcastFailure(refused)]).to.deep.equal([
        "RPC_ERROR",
        `cannot reach http://127.0.0.1:${port}`,
        "unsent",
      ]);
      for (const [mode, code] of [
        ["502", "RPC_ERROR"],
        ["silent", "TIMEOUT"],
        ["reset-mid-answer", "RPC_ERROR"],
        ["html-200", "RPC_ERROR"],
      ] as const) {
        stub().arm(mode, { methods: ["eth_sendRawTransaction"] });
        const err = await rejection(through.request(raw, { timeoutMs: 500 }));
        expect([mode, err.code, classifyBroadcastFailure(err)]).to.deep.equal([mode, code, "unknown"]);
      }
    } finally {
      nowhere.close();
      through.close();
    }
  });

  it("503 on eth_sendRawTransaction is not retried by the transport (one request reaches the gateway)", async () => {
    stub().arm("503", { methods: ["eth_sendRawTransaction"] });
    const transport = createHttpTransport(parseRpcUrl(stub().url));
    try {
      const err = await rejection(
        transport.request({ jsonrpc: "2.0", id: 1, method: "eth_sendRawTransaction", params: ["0x02"] }, { timeoutMs: 5_000 }),
      );
      expect(err.message).to.match(/answered HTTP 503/);
      // A batch holding one send is not retried either.
      await rejection(
        transport.request(
          [
            { jsonrpc: "2.0", id: 2, method: "eth_blockNumber", params: [] },
            { jsonrpc: "2.0", id: 3, method: "eth_sendRawTransaction", params: ["0x02"] },
          ],
          { timeoutMs: 5_000 },
        ),
      );
      expect(stub().count("eth_sendRawTransaction")).to.equal(2);
      expect(stub().count("eth_blockNumber")).to.equal(1);
    } finally {
      transport.close();
    }
  });
});

describe("HTTP transport: deadlines, abort, close", function () {
  this.timeout(60_000);
  const stub = faultStubFor(() => anvil().rpcUrl);

  const blockNumber: JsonRpcPayload = { jsonrpc: "2.0", id: 1, method: "eth_blockNumber", params: [] };

  it("a deadline beyond the longest timer (Infinity, 2^31 ms) is clamped, never fired at once; 0, negative and NaN are refused", async () => {
    const transport = createHttpTransport(parseRpcUrl(anvil().rpcUrl));
    try {
      for (const timeoutMs of [Infinity, 2 ** 31, 2 ** 40]) {
        const [answer] = await transport.request(blockNumber, { timeoutMs });
        expect(answer, String(timeoutMs)).to.have.property("result").that.match(/^0x/);
      }
      for (const timeoutMs of [0, -1, Number.NaN]) {
        expect((await rejection(transport.request(blockNumber, { timeoutMs }))).code, String(timeoutMs)).to.equal("INVALID_ARGUMENT");
      }
    } finally {
      transport.close();
    }
    const client = await connect({ rpcUrl: anvil().rpcUrl, timeoutMs: 2 ** 31 + 10_000, journal: false });
    try {
      expect(await client.provider.getBlockNumber()).to.be.a("number");
    } finally {
      await client.close();
    }
    const r = await runCli(["block-number", "-r", anvil().rpcUrl, "--timeout", "2147484"]);
    expect(r.code, showCli(r)).to.equal(0);
    expect(r.stdout.trim(), showCli(r)).to.match(/^\d+$/);
  });

  it("an abort ends a stalled request at once and destroys its socket", async () => {
    stub().arm("silent");
    const transport = createHttpTransport(parseRpcUrl(stub().url));
    const controller = new AbortController();
    try {
      const pending = rejection(transport.request(blockNumber, { timeoutMs: 30_000, signal: controller.signal }));
      await until(() => stub().requests.length === 1);
      const started = Date.now();
      controller.abort();
      const err = await pending;
      expect(err.code).to.equal("ABORTED");
      expect(Date.now() - started).to.be.below(200);
      await until(() => stub().openSockets === 0);
    } finally {
      transport.close();
    }
  });

  it("connect() over HTTP stops at once when its AbortSignal fires", async () => {
    stub().arm("silent");
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    const started = Date.now();
    const err = await rejection(connect({ rpcUrl: stub().url, timeoutMs: 30_000, signal: controller.signal, journal: false }));
    expect(err.code).to.equal("ABORTED");
    expect(Date.now() - started).to.be.below(700);
    await until(() => stub().openSockets === 0);
  });

  it("close() rejects pending requests, and the transport refuses new ones", async () => {
    stub().arm("silent");
    const transport = createHttpTransport(parseRpcUrl(stub().url));
    const pending = rejection(transport.request(blockNumber, { timeoutMs: 30_000 }));
    await until(() => stub().requests.length === 1);
    transport.close();
    transport.close();
    expect((await pending).message).to.match(/was closed/);
    await until(() => stub().openSockets === 0);
    expect((await rejection(transport.request(blockNumber, { timeoutMs: 1_000 }))).message).to.match(/is closed/);
  });

  it("credentials in the URL are sent as Basic auth", async () => {
    const url = stub().url.replace("http://", "http://alice:s3cr3t-pw@");
    const transport = createHttpTransport(parseRpcUrl(url));
    try {
      await transport.request(blockNumber, { timeoutMs: 5_000 });
      expect(stub().requests[0].authorization).to.equal(`Basic ${Buffer.from("alice:s3cr3t-pw").toString("base64")}`);
    } finally {
      transport.close();
    }
  });

  it("an SDK process exits at once after client.close(), with keep-alive connections open", async () => {
    const script = `
      const { connect } = require(${JSON.stringify(INDEX)});
      (async () => {
        const client = await connect({ rpcUrl: ${JSON.stringify(stub().url)}, timeoutMs: 10000, journal: false });
        // Side by side, each on its own request: several pooled connections.
        await Promise.all(Array.from({ length: 6 }, () => client.provider.sendNow("eth_blockNumber", [])));
        await client.close();
        console.log(JSON.stringify({ closedAt: Date.now() }));
      })();`;
    const run = await runNodeScript(script, 20_000);
    const ended = Date.now();
    expect(run.code).to.equal(0);
    const { closedAt } = JSON.parse(run.stdout) as { closedAt: number };
    expect(stub().count("eth_blockNumber")).to.equal(6);
    expect(ended - closedAt, "exit after close()").to.be.below(500);
  });
});

/** Polls `condition` every 20 ms for up to 5 s. */
async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 250 && !condition(); i++) await new Promise((r) => setTimeout(r, 20));
  expect(condition(), "condition reached").to.equal(true);
}
