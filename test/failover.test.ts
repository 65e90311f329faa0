import { createServer, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { join } from "node:path";
import { expect } from "chai";
import { type JsonRpcPayload, Wallet } from "ethers";
import { type Client, connect } from "../src";
import { readRpcUrls } from "../src/cli/options";
import { type ParsedRpcUrl, parseRpcUrl } from "../src/client/parseRpcUrl";
import { MAX_RPC_URLS, parseRpcUrls } from "../src/client/parseRpcUrls";
import { FailoverTransport, type OpenMember } from "../src/client/transport/FailoverTransport";
import { openNodes } from "../src/client/transport/openNodes";
import type { JsonRpcAnswer, RequestOptions, SubscriptionConnection, Transport } from "../src/client/transport/types";
import { ChaincallError } from "../src/errors/ChaincallError";
import { ChainMismatchError } from "../src/errors/ChainMismatchError";
import { redact } from "../src/errors/redact";
import { classifyBroadcastFailure } from "../src/tx/classifyBroadcastFailure";
import { rejection } from "./fixtures/assertions";
import { FaultStub } from "./fixtures/faultStub";
import { anvil, DEV_PRIVATE_KEY, hardhat, isolateState, rpc, runCli, showCli, tempDir } from "./fixtures/nodes";

// Pure unit tests of the failover logic over scripted fake transports (no node): every fault is exact and
// repeatable, which real nodes cannot give. End-to-end runs over real nodes come with the Transport-based provider.

type Behaviour = "ok" | "refused" | "reset" | "hang" | { timeoutAfterMs: number } | { answerAfterMs: number } | { rpcError: number };

const GENESIS_A = `0x${"a".repeat(64)}`;
const GENESIS_B = `0x${"b".repeat(64)}`;

/** A scripted member: answers `eth_*` with its name, or fails as told; records what it was sent. */
class FakeTransport implements Transport {
  readonly kind = "http" as const;
  readonly calls: { methods: string[]; timeoutMs: number }[] = [];
  closed = 0;
  readonly #pending = new Set<() => void>();

  constructor(
    readonly endpoint: string,
    public behaviour: Behaviour = "ok",
    public genesis: string = GENESIS_A,
  ) {}

  request(payload: JsonRpcPayload | JsonRpcPayload[], options: RequestOptions): Promise<JsonRpcAnswer[]> {
    const items = Array.isArray(payload) ? payload : [payload];
    this.calls.push({ methods: items.map((item) => item.method), timeoutMs: options.timeoutMs });
    const answers = (): JsonRpcAnswer[] =>
      items.map((item) => {
        if (typeof this.behaviour === "object" && "rpcError" in this.behaviour)
          return { id: item.id, error: { code: this.behaviour.rpcError, message: "execution reverted" } };
        if (item.method === "eth_getBlockByNumber") return { id: item.id, result: { hash: this.genesis } };
        return { id: item.id, result: `${this.endpoint}#${item.id}` };
      });
    if (this.closed) return Promise.reject(new ChaincallError("RPC_ERROR", `connection to ${this.endpoint} closed`));
    const behaviour = this.behaviour;
    if (behaviour === "ok" || (typeof behaviour === "object" && "rpcError" in behaviour)) return Promise.resolve(answers());
    if (behaviour === "refused") return Promise.reject(refused(this.endpoint));
    if (behaviour === "reset") return Promise.reject(reset(this.endpoint));
    return new Promise((resolve, reject) => {
      const limit =
        behaviour === "hang"
          ? options.timeoutMs
          : "timeoutAfterMs" in behaviour
            ? Math.min(behaviour.timeoutAfterMs, options.timeoutMs)
            : options.timeoutMs;
      const answerAt = typeof behaviour === "object" && "answerAfterMs" in behaviour ? behaviour.answerAfterMs : Infinity;
      const finish = (outcome: () => void) => {
        clearTimeout(timer);
        this.#pending.delete(die);
        options.signal?.removeEventListener("abort", abort);
        outcome();
      };
      const timer = setTimeout(
        () =>
          finish(
            answerAt <= limit
              ? () => resolve(answers())
              : () => reject(new ChaincallError("TIMEOUT", `${this.endpoint} timed out after ${limit} ms`)),
          ),
        Math.min(answerAt, limit),
      );
      const abort = () => finish(() => reject(new ChaincallError("ABORTED", "request aborted")));
      // The node dies: every request in flight fails as a reset connection.
      const die = () => finish(() => reject(reset(this.endpoint)));
      this.#pending.add(die);
      options.signal?.addEventListener("abort", abort, { once: true });
    });
  }

  /** The node dies now: requests in flight fail (reset), later ones are refused. */
  die(): void {
    this.behaviour = "refused";
    for (const fail of [...this.#pending]) fail();
  }

  close(): void {
    this.closed++;
    for (const fail of [...this.#pending]) fail();
  }
}

function refused(endpoint: string): ChaincallError {
  return new ChaincallError("RPC_ERROR", `cannot reach ${endpoint}`, {
    cause: Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" }),
  });
}

function reset(endpoint: string): ChaincallError {
  return new ChaincallError("RPC_ERROR", `connection to ${endpoint} lost`, {
    cause: Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }),
  });
}

const read = (id = 1): JsonRpcPayload => ({ jsonrpc: "2.0", id, method: "eth_blockNumber", params: [] });
const sendRaw = (id = 1): JsonRpcPayload => ({ jsonrpc: "2.0", id, method: "eth_sendRawTransaction", params: ["0x02"] });
const target = (port: number, extra = ""): ParsedRpcUrl => parseRpcUrl(`http://${extra}127.0.0.1:${port}`);

/** A fake network: open(target) gives that port's fake transport (or fails as scripted), counting openings. */
function network(nodes: Record<string, { transport?: FakeTransport; chainId?: bigint; openFails?: "refused" | "hang" }>) {
  const opened: string[] = [];
  const open: OpenMember = async (t, options) => {
    opened.push(t.display);
    const node = nodes[t.display];
    if (!node || node.openFails === "refused") throw refused(t.display);
    if (node.openFails === "hang") {
      await new Promise((resolve) => setTimeout(resolve, options.timeoutMs));
      throw new ChaincallError("TIMEOUT", `${t.display} timed out after ${options.timeoutMs} ms`);
    }
    return { transport: node.transport!, chainId: node.chainId ?? 31337n };
  };
  return { open, opened };
}

function result(answers: JsonRpcAnswer[]): unknown {
  expect(answers).to.have.length(1);
  return (answers[0] as { result?: unknown }).result;
}

describe("FailoverTransport", () => {
  const A = target(1001);
  const B = target(1002);
  const C = target(1003);
  const failover = (
    members: { target: ParsedRpcUrl; transport?: Transport }[],
    open: OpenMember = network({}).open,
    extra: Record<string, unknown> = {},
  ) => new FailoverTransport(members, { open, chainId: 31337n, genesis: GENESIS_A, ...extra });

  it("reads go to the first member while it is healthy", async () => {
    const a = new FakeTransport(A.display);
    const b = new FakeTransport(B.display);
    const t = failover([
      { target: A, transport: a },
      { target: B, transport: b },
    ]);
    for (let id = 1; id <= 3; id++) expect(result(await t.request(read(id), { timeoutMs: 1000 }))).to.equal(`${A.display}#${id}`);
    expect(b.calls).to.have.length(0);
    expect(t.kind).to.equal("http");
  });

  it("a read falls over to the next member when the first refuses, and the failed one rests", async () => {
    const a = new FakeTransport(A.display, "refused");
    const b = new FakeTransport(B.display);
    const t = failover([
      { target: A, transport: a },
      { target: B, transport: b },
    ]);
    expect(result(await t.request(read(), { timeoutMs: 1000 }))).to.equal(`${B.display}#1`);
    expect(result(await t.request(read(2), { timeoutMs: 1000 }))).to.equal(`${B.display}#2`);
    expect(a.calls, "a resting member is skipped").to.have.length(1);
    expect(t.status().map((s) => s.state)).to.deep.equal(["cooling", "ready"]);
    expect(t.status()[0].lastError).to.include("cannot reach");
  });

  it("a read falls over when the first member times out (its own limit), and answers before the caller's deadline", async () => {
    const a = new FakeTransport(A.display, { timeoutAfterMs: 100 });
    const b = new FakeTransport(B.display);
    const t = failover([
      { target: A, transport: a },
      { target: B, transport: b },
    ]);
    const started = performance.now();
    expect(result(await t.request(read(), { timeoutMs: 2000 }))).to.equal(`${B.display}#1`);
    const ms = performance.now() - started;
    expect(ms).to.be.within(90, 1000);
  });

  it("a JSON-RPC error answer is the node's answer: returned, not failed over", async () => {
    const a = new FakeTransport(A.display, { rpcError: 3 });
    const b = new FakeTransport(B.display);
    const t = failover([
      { target: A, transport: a },
      { target: B, transport: b },
    ]);
    const answers = await t.request(read(), { timeoutMs: 1000 });
    expect((answers[0] as { error?: { code: number } }).error?.code).to.equal(3);
    expect(b.calls).to.have.length(0);
    expect(t.status()[0].state, "an answering node is healthy").to.equal("ready");
  });

  it("keeps the caller's one deadline across members (never extends it), each getting an equal share of what is left", async () => {
    const a = new FakeTransport(A.display, "hang");
    const b = new FakeTransport(B.display, "hang");
    const c = new FakeTransport(C.display, "hang");
    const t = failover([
      { target: A, transport: a },
      { target: B, transport: b },
      { target: C, transport: c },
    ]);
    const started = performance.now();
    const err = await rejection(t.request(read(), { timeoutMs: 600 }));
    const ms = performance.now() - started;
    expect(err.code).to.equal("TIMEOUT");
    expect(ms, "one deadline, not one per member").to.be.within(580, 800);
    expect(a.calls[0].timeoutMs, "a third of the deadline for the first").to.be.within(190, 201);
    expect(b.calls[0].timeoutMs, "half of what is left for the second").to.be.within(150, 215);
    expect(c.calls[0].timeoutMs, "the rest for the last").to.be.within(150, 215);
    expect(err.shortMessage).to.include(A.display).and.include(B.display).and.include(C.display);
  });

  it("a failed member is tried again after its cool-down and used again when it recovered", async () => {
    let clock = 0;
    const a = new FakeTransport(A.display, "refused");
    const b = new FakeTransport(B.display);
    const t = failover(
      [
        { target: A, transport: a },
        { target: B, transport: b },
      ],
      undefined,
      { cooldownMs: 10_000, now: () => clock },
    );
    expect(result(await t.request(read(1), { timeoutMs: 1000 }))).to.equal(`${B.display}#1`);
    a.behaviour = "ok";
    clock = 9_999;
    expect(result(await t.request(read(2), { timeoutMs: 1000 })), "still resting").to.equal(`${B.display}#2`);
    clock = 10_001;
    expect(result(await t.request(read(3), { timeoutMs: 1000 })), "back in first place").to.equal(`${A.display}#3`);
    expect(a.calls).to.have.length(2);
    expect(t.status()[0].state).to.equal("ready");
  });

  it("when every member rests, they are still tried (the longest resting first) rather than refusing outright", async () => {
    let clock = 0;
    const a = new FakeTransport(A.display, "refused");
    const b = new FakeTransport(B.display, "refused");
    const t = failover(
      [
        { target: A, transport: a },
        { target: B, transport: b },
      ],
      undefined,
      { now: () => clock },
    );
    await rejection(t.request(read(), { timeoutMs: 1000 }));
    clock = 5;
    b.behaviour = "ok";
    expect(result(await t.request(read(2), { timeoutMs: 1000 }))).to.equal(`${B.display}#2`);
  });

  it("after every member failed, names each member's failure in one line", async () => {
    const a = new FakeTransport(A.display, "refused");
    const b = new FakeTransport(B.display, "reset");
    const { open } = network({});
    const t = failover([{ target: A, transport: a }, { target: B, transport: b }, { target: C }], open);
    const err = await rejection(t.request(read(), { timeoutMs: 1000 }));
    expect(err.code).to.equal("RPC_ERROR");
    expect(err.shortMessage).to.not.include("\n");
    expect(err.shortMessage).to.match(/^every node failed: /);
    for (const member of [A, B, C]) expect(err.shortMessage).to.include(member.display);
    expect(err.shortMessage).to.include("cannot reach").and.include("lost");
  });

  it("an aborted request is not failed over", async () => {
    const a = new FakeTransport(A.display, "hang");
    const b = new FakeTransport(B.display);
    const t = failover([
      { target: A, transport: a },
      { target: B, transport: b },
    ]);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const err = await rejection(t.request(read(), { timeoutMs: 5000, signal: controller.signal }));
    expect(err.code).to.equal("ABORTED");
    expect(b.calls).to.have.length(0);
  });

  describe("members not reached at connect", () => {
    it("are opened on first need, once for concurrent requests, and used once their chain and genesis match", async () => {
      const a = new FakeTransport(A.display, "refused");
      const b = new FakeTransport(B.display);
      const { open, opened } = network({ [B.display]: { transport: b } });
      const t = failover([{ target: A, transport: a }, { target: B }], open);
      expect(t.status()[1].state).to.equal("unopened");
      const answers = await Promise.all([1, 2, 3].map((id) => t.request(read(id), { timeoutMs: 1000 })));
      expect(answers.map(result)).to.deep.equal([1, 2, 3].map((id) => `${B.display}#${id}`));
      expect(opened, "one opening shared").to.deep.equal([B.display]);
      expect(b.calls[0].methods, "genesis checked before first use").to.deep.equal(["eth_getBlockByNumber"]);
      expect(t.status()[1].state).to.equal("ready");
    });

    it("one on another chain is never used and is reported once", async () => {
      const a = new FakeTransport(A.display, "refused");
      const b = new FakeTransport(B.display);
      const c = new FakeTransport(C.display);
      const warnings: ChaincallError[] = [];
      const { open, opened } = network({ [B.display]: { transport: b, chainId: 1n }, [C.display]: { transport: c } });
      const t = failover([{ target: A, transport: a }, { target: B }, { target: C }], open, {
        onWarning: (w: ChaincallError) => warnings.push(w),
      });
      expect(result(await t.request(read(1), { timeoutMs: 1000 }))).to.equal(`${C.display}#1`);
      expect(result(await t.request(read(2), { timeoutMs: 1000 }))).to.equal(`${C.display}#2`);
      expect(
        b.calls.filter((call) => call.methods[0] === "eth_blockNumber"),
        "never sent a read",
      ).to.have.length(0);
      expect(b.closed).to.equal(1);
      expect(
        opened.filter((d) => d === B.display),
        "not opened again",
      ).to.have.length(1);
      expect(warnings).to.have.length(1);
      expect(warnings[0].code).to.equal("CHAIN_MISMATCH");
      expect(warnings[0].shortMessage).to.include("serves chain 1, not 31337");
      expect(t.status()[1].state).to.equal("foreign");
      c.behaviour = "refused";
      const err = await rejection(t.request(read(3), { timeoutMs: 1000 }));
      expect(err.details, "the all-failed error says why a member was left out").to.include("serves chain 1");
    });

    it("one on another dev node of the same chain id (another genesis) is never used", async () => {
      const a = new FakeTransport(A.display, "refused");
      const b = new FakeTransport(B.display, "ok", GENESIS_B);
      const warnings: ChaincallError[] = [];
      const { open } = network({ [B.display]: { transport: b } });
      const t = failover([{ target: A, transport: a }, { target: B }], open, { onWarning: (w: ChaincallError) => warnings.push(w) });
      const err = await rejection(t.request(read(), { timeoutMs: 1000 }));
      expect(err.code).to.equal("RPC_ERROR");
      expect(err.shortMessage).to.include("another chain 31337 node");
      expect(b.calls.map((call) => call.methods[0])).to.deep.equal(["eth_getBlockByNumber"]);
      expect(warnings.map((w) => w.code)).to.deep.equal(["CHAIN_MISMATCH"]);
      expect(t.status()[1].state).to.equal("foreign");
    });

    it("one that cannot be opened rests, and is opened once it is back", async () => {
      let clock = 0;
      const a = new FakeTransport(A.display, "refused");
      const b = new FakeTransport(B.display);
      const nodes: Parameters<typeof network>[0] = { [B.display]: { transport: b, openFails: "refused" } };
      const { open, opened } = network(nodes);
      const t = failover([{ target: A, transport: a }, { target: B }], open, { now: () => clock, cooldownMs: 100 });
      await rejection(t.request(read(), { timeoutMs: 1000 }));
      expect(t.status()[1].state).to.equal("cooling");
      nodes[B.display].openFails = undefined;
      clock = 200;
      a.behaviour = "refused";
      expect(result(await t.request(read(2), { timeoutMs: 1000 }))).to.equal(`${B.display}#2`);
      expect(opened).to.have.length(2);
    });
  });

  describe("sends", () => {
    it("go to the primary only", async () => {
      const a = new FakeTransport(A.display);
      const b = new FakeTransport(B.display);
      const t = failover([
        { target: A, transport: a },
        { target: B, transport: b },
      ]);
      expect(result(await t.request(sendRaw(), { timeoutMs: 1000 }))).to.equal(`${A.display}#1`);
      expect(b.calls).to.have.length(0);
    });

    it("go to the next member when the primary provably never got them (connection refused)", async () => {
      const a = new FakeTransport(A.display, "refused");
      const b = new FakeTransport(B.display);
      const t = failover([
        { target: A, transport: a },
        { target: B, transport: b },
      ]);
      expect(result(await t.request(sendRaw(), { timeoutMs: 1000 }))).to.equal(`${B.display}#1`);
      expect(a.calls).to.have.length(1);
      expect(b.calls).to.have.length(1);
    });

    for (const [name, behaviour] of [
      ["a connection reset", "reset"],
      ["a timeout", { timeoutAfterMs: 30 }],
    ] as [string, Behaviour][]) {
      it(`stay with the primary after ${name} (the fate is unknown): the error is rethrown untouched`, async () => {
        const a = new FakeTransport(A.display, behaviour);
        const b = new FakeTransport(B.display);
        const t = failover([
          { target: A, transport: a },
          { target: B, transport: b },
        ]);
        let caught: unknown;
        const original = a.request.bind(a);
        let thrown: unknown;
        a.request = (payload, options) =>
          original(payload, options).catch((err) => {
            thrown = err;
            throw err;
          });
        try {
          await t.request(sendRaw(), { timeoutMs: 1000 });
        } catch (err) {
          caught = err;
        }
        expect(caught, "the very error of the member").to.equal(thrown);
        expect(classifyBroadcastFailure(caught)).to.equal("unknown");
        expect(b.calls, "never sent twice").to.have.length(0);
      });
    }

    it("a batch holding one send is a send", async () => {
      const a = new FakeTransport(A.display, "reset");
      const b = new FakeTransport(B.display);
      const t = failover([
        { target: A, transport: a },
        { target: B, transport: b },
      ]);
      await rejection(t.request([read(1), sendRaw(2)], { timeoutMs: 1000 }));
      expect(b.calls).to.have.length(0);
    });

    it("a node's refusal (JSON-RPC error) is final", async () => {
      const a = new FakeTransport(A.display, { rpcError: -32000 });
      const b = new FakeTransport(B.display);
      const t = failover([
        { target: A, transport: a },
        { target: B, transport: b },
      ]);
      const answers = await t.request(sendRaw(), { timeoutMs: 1000 });
      expect((answers[0] as { error?: { code: number } }).error?.code).to.equal(-32000);
      expect(b.calls).to.have.length(0);
    });

    it("that every member refused unsent stay classified unsent", async () => {
      const a = new FakeTransport(A.display, "refused");
      const b = new FakeTransport(B.display, "refused");
      const t = failover([
        { target: A, transport: a },
        { target: B, transport: b },
      ]);
      const err = await rejection(t.request(sendRaw(), { timeoutMs: 1000 }));
      expect(classifyBroadcastFailure(err)).to.equal("unsent");
      expect(a.calls.length + b.calls.length).to.equal(2);
    });
  });

  it("close() closes every member, also one opened late, and later requests are refused", async () => {
    const a = new FakeTransport(A.display, "refused");
    const b = new FakeTransport(B.display);
    const c = new FakeTransport(C.display);
    const { open } = network({ [B.display]: { transport: b } });
    const t = failover([{ target: A, transport: a }, { target: B }, { target: C, transport: c }], open);
    await t.request(read(), { timeoutMs: 1000 });
    t.close();
    t.close();
    expect([a.closed, b.closed, c.closed]).to.deep.equal([1, 1, 1]);
    const err = await rejection(t.request(read(), { timeoutMs: 1000 }));
    expect(err.code).to.equal("RPC_ERROR");
    expect(err.shortMessage).to.include("closed");
  });

  describe("openDedicated (watchLogs' subscription connection)", () => {
    // A fake socket member: its dedicated connections are recorded (or refused, as told).
    const socketMember = (endpoint: string, refuse = false) => {
      const transport = new FakeTransport(endpoint);
      const dedicated: string[] = [];
      const openDedicated = async (): Promise<SubscriptionConnection> => {
        if (refuse) throw refused(endpoint);
        dedicated.push(endpoint);
        return Object.assign(new FakeTransport(`${endpoint} (dedicated)`), {
          subscribe: async () => "0x1",
          isOpen: true,
          closed: new Promise<ChaincallError>(() => undefined),
        });
      };
      return { transport: Object.assign(transport, { openDedicated }), dedicated };
    };

    it("is absent over HTTP members only", () => {
      const t = failover([
        { target: A, transport: new FakeTransport(A.display) },
        { target: B, transport: new FakeTransport(B.display) },
      ]);
      expect(t.openDedicated).to.equal(undefined);
    });

    it("opens on the first healthy WebSocket/IPC member in order, skipping HTTP ones; a failing one rests and the next is used", async () => {
      const ws = parseRpcUrl("ws://127.0.0.1:1004");
      const ipc = parseRpcUrl("/tmp/chaincall-failover-test.ipc");
      const first = socketMember(ws.display, true);
      const second = socketMember(ipc.display);
      const t = failover([
        { target: A, transport: new FakeTransport(A.display) },
        { target: ws, transport: first.transport },
        { target: ipc, transport: second.transport },
      ]);
      const connection = await t.openDedicated!({ timeoutMs: 1000 });
      expect(connection.endpoint).to.equal(`${ipc.display} (dedicated)`);
      expect(second.dedicated).to.deep.equal([ipc.display]);
      expect(t.status().map((s) => s.state)).to.deep.equal(["ready", "cooling", "ready"]);
      // The rested WebSocket member is tried last from now on: the IPC one is the active socket member.
      await t.openDedicated!({ timeoutMs: 1000 });
      expect(second.dedicated).to.have.length(2);
    });

    it("no socket member answering: one error naming each", async () => {
      const ws = parseRpcUrl("ws://127.0.0.1:1004");
      const t = failover([
        { target: A, transport: new FakeTransport(A.display) },
        { target: ws, transport: socketMember(ws.display, true).transport },
      ]);
      const err = await rejection(t.openDedicated!({ timeoutMs: 1000 }));
      expect(err.code).to.equal("RPC_ERROR");
      expect(err.shortMessage).to.include(ws.display).and.not.include(A.display);
    });
  });

  it("endpoint lists every member without credentials", () => {
    const secret = target(1004, "alice:pa55word@");
    const t = failover([{ target: A, transport: new FakeTransport(A.display) }, { target: secret }]);
    expect(t.endpoint).to.equal(`${A.display}, ${secret.display}`);
    expect(t.endpoint).to.not.include("pa55word").and.not.include("alice");
    t.close();
  });

  it("100 concurrent reads while the primary dies: every read answered exactly once", async () => {
    const a = new FakeTransport(A.display, { answerAfterMs: 40 });
    const b = new FakeTransport(B.display);
    const t = failover([
      { target: A, transport: a },
      { target: B, transport: b },
    ]);
    const settled: Record<number, number> = {};
    const reads = Array.from({ length: 100 }, (_, index) =>
      t.request(read(index), { timeoutMs: 5000 }).then((answers) => {
        settled[index] = (settled[index] ?? 0) + 1;
        return answers;
      }),
    );
    setTimeout(() => a.die(), 10);
    const answers = await Promise.all(reads);
    answers.forEach((answer, index) => {
      expect(answer).to.have.length(1);
      expect(answer[0].id).to.equal(index);
      expect(result(answer)).to.equal(`${B.display}#${index}`);
    });
    expect(Object.values(settled).every((count) => count === 1)).to.equal(true);
    expect(Object.keys(settled)).to.have.length(100);
    expect(b.calls).to.have.length(100);
  });
});

describe("openNodes", () => {
  const A = target(2001);
  const B = target(2002);
  const C = target(2003);

  it("opens every node at once; one unreachable is opened later, before its first use", async () => {
    const a = new FakeTransport(A.display);
    const b = new FakeTransport(B.display);
    const nodes: Parameters<typeof network>[0] = { [A.display]: { transport: a }, [B.display]: { transport: b, openFails: "refused" } };
    const { open, opened } = network(nodes);
    const { transport, chainId, genesis } = await openNodes([A, B], { timeoutMs: 1000 }, open);
    expect(chainId).to.equal(31337n);
    expect(genesis).to.equal(GENESIS_A);
    expect(transport.status().map((s) => s.state)).to.deep.equal(["ready", "cooling"]);
    nodes[B.display].openFails = undefined;
    a.behaviour = "refused";
    // B rests after its failed opening: it is still tried as a last resort.
    expect(result(await transport.request(read(), { timeoutMs: 1000 }))).to.equal(`${B.display}#1`);
    expect(opened).to.deep.equal([A.display, B.display, B.display]);
    transport.close();
  });

  it("a reachable node on another chain is a ChainMismatchError at connect, and every opened node is closed", async () => {
    const a = new FakeTransport(A.display);
    const b = new FakeTransport(B.display);
    const { open } = network({ [A.display]: { transport: a }, [B.display]: { transport: b, chainId: 1n } });
    const err = await rejection(openNodes([A, B], { timeoutMs: 1000 }, open));
    expect(err).to.be.instanceOf(ChainMismatchError);
    expect((err as ChainMismatchError).actual).to.equal(1n);
    expect(err.shortMessage).to.include(B.display);
    expect([a.closed, b.closed]).to.deep.equal([1, 1]);
  });

  it("the caller's chain id is the reference", async () => {
    const a = new FakeTransport(A.display);
    const { open } = network({ [A.display]: { transport: a } });
    const err = await rejection(openNodes([A], { timeoutMs: 1000, expectedChainId: 5n }, open));
    expect(err).to.be.instanceOf(ChainMismatchError);
    expect(a.closed).to.equal(1);
  });

  it("two reachable dev nodes with different genesis blocks are a CHAIN_MISMATCH at connect", async () => {
    const a = new FakeTransport(A.display);
    const b = new FakeTransport(B.display, "ok", GENESIS_B);
    const { open } = network({ [A.display]: { transport: a }, [B.display]: { transport: b } });
    const err = await rejection(openNodes([A, B], { timeoutMs: 1000 }, open));
    expect(err.code).to.equal("CHAIN_MISMATCH");
    expect(err.shortMessage).to.include(A.display).and.include(B.display);
    expect([a.closed, b.closed]).to.deep.equal([1, 1]);
  });

  it("no node reached: one error naming every node's failure, TIMEOUT when all timed out", async () => {
    const { open } = network({ [B.display]: { openFails: "hang" } });
    const err = await rejection(openNodes([A, B, C], { timeoutMs: 100 }, open));
    expect(err.code).to.equal("RPC_ERROR");
    for (const node of [A, B, C]) expect(err.shortMessage).to.include(node.display);
    expect(err.shortMessage).to.not.include("\n");
    const slow = network({ [A.display]: { openFails: "hang" } });
    expect((await rejection(openNodes([A], { timeoutMs: 50 }, slow.open))).code).to.equal("TIMEOUT");
  });
});

describe("rpcUrl lists", () => {
  let server: Server;
  let url: string;
  let contacts = 0;
  const sockets = new Set<Socket>();
  before(async () => {
    server = createServer((_req, res) => res.end('{"jsonrpc":"2.0","id":1,"result":"0x7a69"}'));
    server.on("connection", (socket) => {
      contacts++;
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  it("connect refuses a bad list with INVALID_ARGUMENT before any node is contacted", async () => {
    const cases: [unknown, RegExp][] = [
      [[], /non-empty/],
      [[url, 42], /rpcUrl\[1\] must be a URL/],
      [[url, `${url}/`], /rpcUrl\[1\] is the same node as rpcUrl\[0\]/],
      [Array.from({ length: MAX_RPC_URLS + 1 }, (_, i) => `http://127.0.0.1:${20000 + i}`), /at most 16/],
      [[url, "ftp://x"], /unsupported RPC URL scheme/],
      [[url, " "], /empty RPC URL/],
      [{ 0: url }, /rpcUrl must be a URL, an IPC path, or a list/],
    ];
    for (const [rpcUrl, message] of cases) {
      const err = await rejection(connect({ rpcUrl: rpcUrl as string[], timeoutMs: 2000 }));
      expect(err.code, String(rpcUrl)).to.equal("INVALID_ARGUMENT");
      expect(err.shortMessage).to.match(message);
    }
    expect(contacts, "no node contacted").to.equal(0);
  });

  it("one URL in a list of one still connects", async () => {
    const client = await connect({ rpcUrl: [url], timeoutMs: 2000, batch: false, journal: false });
    try {
      expect(client.chainId).to.equal(31337n);
      expect(client.endpoint).to.equal(url);
    } finally {
      await client.close();
    }
    expect(contacts).to.be.greaterThan(0);
  });

  it("every URL's secrets are registered, even when a later item is refused", async () => {
    const err = await rejection(
      connect({ rpcUrl: ["http://127.0.0.1:9/v3/FAILOVERKEYONE", "https://u:FAILOVERPASS@example.invalid/x", 7] as string[] }),
    );
    expect(err.code).to.equal("INVALID_ARGUMENT");
    expect(redact("a FAILOVERKEYONE b FAILOVERPASS")).to.equal("a *** b ***");
  });

  it("parseRpcUrls: one string, the default, a list", () => {
    expect(parseRpcUrls(undefined).map((t) => t.address)).to.deep.equal(["http://127.0.0.1:8545/"]);
    const targets = parseRpcUrls(["http://127.0.0.1:1", "ws://127.0.0.1:2", "/tmp/x.ipc"]);
    expect(targets.map((t) => t.kind)).to.deep.equal(["http", "ws", "ipc"]);
  });

  it("CLI: repeated -r and comma lists (and ETH_RPC_URL) give the nodes in order", () => {
    expect(readRpcUrls(undefined, undefined)).to.equal(undefined);
    expect(readRpcUrls("http://a:1", "http://env:1")).to.equal("http://a:1");
    expect(readRpcUrls(["http://a:1", "http://b:1, http://c:1"], undefined)).to.deep.equal(["http://a:1", "http://b:1", "http://c:1"]);
    expect(readRpcUrls(undefined, "http://a:1,,http://b:1")).to.deep.equal(["http://a:1", "http://b:1"]);
    expect(readRpcUrls("", "http://env:1")).to.equal("http://env:1");
    expect(readRpcUrls("http://a:1/?key=AB,CD,ws://b:2,/tmp/c.ipc,", undefined), "a comma inside a URL stays in it").to.deep.equal([
      "http://a:1/?key=AB,CD",
      "ws://b:2",
      "/tmp/c.ipc",
    ]);
  });

  it("CLI: two -r reach connect as a list (the first down, the second answers), and the keys of a comma list stay hidden", async () => {
    const repeated = await runCli(["chain-id", "-r", "http://127.0.0.1:9", "-r", url]);
    expect(repeated.code, showCli(repeated)).to.equal(0);
    expect(repeated.stdout.trim()).to.equal("31337");
    const fromEnv = await runCli(["chain-id"], { env: { ETH_RPC_URL: `http://127.0.0.1:9,${url},ws://127.0.0.1:9` } });
    expect(fromEnv.code, showCli(fromEnv)).to.equal(0);
    expect(fromEnv.stdout.trim()).to.equal("31337");
    const keyed = await runCli(["chain-id", "--json", "-r", "http://127.0.0.1:9/k/FAILOVERCLIKEY1,http://127.0.0.1:9/k/FAILOVERCLIKEY1"]);
    expect(keyed.code).to.equal(2);
    expect(keyed.stdout + keyed.stderr)
      .to.include("same node")
      .and.not.include("FAILOVERCLIKEY1");
  });
});

describe("several nodes on real chains (connect({ rpcUrl: [a, b] }))", function () {
  this.timeout(60_000);
  const tmp = tempDir("failover");
  let primary: FaultStub | undefined;
  let secondary: FaultStub | undefined;
  let client: Client | undefined;
  isolateState(anvil, "each");

  // Two loopback gateways in front of the run's Anvil: two routes to one chain, each of which can fail.
  beforeEach(async () => {
    primary = await FaultStub.start(anvil().rpcUrl);
    secondary = await FaultStub.start(anvil().rpcUrl);
  });
  afterEach(async () => {
    await client?.close();
    client = undefined;
    await primary?.close();
    await secondary?.close();
  });

  let clients = 0;
  // A journal of its own per client: each test starts from a reverted chain.
  function connectBoth(timeoutMs = 4_000): Promise<Client> {
    const journal = join(tmp(), `journal-${++clients}.jsonl`);
    return connect({ rpcUrl: [primary!.url, secondary!.url], signer: { privateKey: DEV_PRIVATE_KEY }, journal, timeoutMs, batch: false });
  }

  it("a node down at connect is skipped: the client connects through the next, names both, and reads", async () => {
    await primary!.close();
    client = await connectBoth();
    expect(client.chainId).to.equal(31337n);
    expect(client.endpoint).to.equal(`${primary!.url}, ${secondary!.url}`);
    expect(await client.provider.getBlockNumber()).to.equal(Number(await rpc(anvil().rpcUrl, "eth_blockNumber", [])));
    expect(secondary!.count("eth_blockNumber")).to.equal(1);
  });

  it("a node that stops answering: the read falls over to the next within one deadline, and the next reads skip it", async () => {
    client = await connectBoth(4_000);
    primary!.arm("silent", { methods: ["eth_blockNumber"] });
    let started = Date.now();
    expect(await client.provider.getBlockNumber()).to.be.a("number");
    expect(Date.now() - started, "half the deadline on the silent node, then the next").to.be.within(1_800, 3_900);
    expect(secondary!.count("eth_blockNumber")).to.equal(1);
    started = Date.now();
    expect(await client.provider.getBlockNumber()).to.be.a("number");
    expect(Date.now() - started, "the resting node is not asked again").to.be.below(1_000);
    expect(primary!.count("eth_blockNumber")).to.equal(1);
  });

  it("every node silent: TIMEOUT within the caller's deadline, naming both", async () => {
    client = await connectBoth(2_000);
    primary!.arm("silent", { methods: ["eth_blockNumber"] });
    secondary!.arm("silent", { methods: ["eth_blockNumber"] });
    const started = Date.now();
    const err = await rejection(client.provider.getBlockNumber());
    expect(Date.now() - started).to.be.below(3_000);
    expect(err.code).to.equal("TIMEOUT");
    expect(err.shortMessage).to.include(primary!.url).and.include(secondary!.url);
  });

  it("a send whose fate is unknown (502 after forwarding) stays with its node: never re-sent to the other, found mined", async () => {
    client = await connectBoth(10_000);
    const recipient = Wallet.createRandom().address;
    primary!.arm("502-after-forward", { methods: ["eth_sendRawTransaction"] });
    const tx = await client.signer!.sendTransaction({ to: recipient, value: 4242n });
    expect((await client.wait(tx, { timeoutMs: 20_000 })).status).to.equal(1);
    expect(primary!.count("eth_sendRawTransaction")).to.equal(1);
    expect(secondary!.count("eth_sendRawTransaction"), "never to a second node").to.equal(0);
    expect(BigInt((await rpc(anvil().rpcUrl, "eth_getBalance", [recipient, "latest"])) as string)).to.equal(4242n);
  });

  it("a send refused at the connection (node gone) goes to the next node, once", async () => {
    client = await connectBoth(10_000);
    const recipient = Wallet.createRandom().address;
    await primary!.close();
    const tx = await client.signer!.sendTransaction({ to: recipient, value: 99n });
    expect((await client.wait(tx, { timeoutMs: 20_000 })).status).to.equal(1);
    expect(secondary!.count("eth_sendRawTransaction")).to.equal(1);
    expect(BigInt((await rpc(anvil().rpcUrl, "eth_getBalance", [recipient, "latest"])) as string)).to.equal(99n);
  });

  it("two different dev nodes (Hardhat and Anvil, both chain 31337) are refused together: CHAIN_MISMATCH naming both", async () => {
    const err = await rejection(connect({ rpcUrl: [hardhat().rpcUrl, anvil().rpcUrl], timeoutMs: 10_000, journal: false }));
    expect(err.code).to.equal("CHAIN_MISMATCH");
    expect(err.shortMessage).to.include(hardhat().rpcUrl.replace(/\/$/, "")).and.include(anvil().rpcUrl.replace(/\/$/, ""));
  });
});
