import { readdirSync, readFileSync } from "node:fs";
import { connect as netConnect } from "node:net";
import { join } from "node:path";
import { expect } from "chai";
import { makeError } from "ethers";
import { findFreePort, projectRoot } from "../scripts/lib/localNode";
import { ChaincallError, connect } from "../src";
import { notOnChain } from "../src/cli/chainArgs";
import { errorTexts, isUnreachable, nodeSaid, rpcErrorCode } from "../src/errors/classify";
import { type ErrorListener, type ErrorRecord, setErrorListener } from "../src/errors/errorListener";
import { causeChain, findCause } from "../src/errors/findCause";
import { NODE_MESSAGES, textSays } from "../src/errors/nodeMessages";
import { toChaincallError } from "../src/errors/toChaincallError";
import { rejection } from "./fixtures/assertions";

// The one classifier over the cause chain (src/errors/classify.ts, findCause.ts), the table of node
// wordings (nodeMessages.ts), the exit code declared on the error, and the error listener that replaced
// the constructor's file write. Unit level: error chains built in the shapes ethers, nodes and sockets give.

// A real socket's ECONNREFUSED: a port that was free a moment ago, nothing listening.
async function refusedSocketError(): Promise<NodeJS.ErrnoException> {
  const port = await findFreePort();
  return new Promise((resolve) => {
    const socket = netConnect({ host: "127.0.0.1", port });
    socket.once("error", (err) => {
      socket.destroy();
      resolve(err);
    });
  });
}

// What ethers makes of a node's JSON-RPC error answer (JsonRpcProvider.getRpcError): the node's error as
// `info.error` (and `error` for "could not coalesce").
function ethersShaped(
  code: "CALL_EXCEPTION" | "UNKNOWN_ERROR" | "NONCE_EXPIRED",
  nodeError: { code: number; message: string; data?: unknown },
): Error {
  const err = makeError(code === "UNKNOWN_ERROR" ? "could not coalesce error" : "node error", code);
  return Object.assign(err, {
    error: nodeError,
    info: { error: nodeError, payload: { method: "eth_call", params: [{ data: "0x6057361d" }] } },
  });
}

describe("the cause-chain walker (findCause)", () => {
  it("visits the error, then level by level cause, error, info.error, revert and object data", () => {
    const node = { code: -32000, message: "node", data: { message: "hardhat data" } };
    const ethersErr = {
      message: "ethers",
      info: { error: node, payload: { params: [{ data: "0xcalldata" }] } },
      transaction: { data: "0x12" },
    };
    const outer = new ChaincallError("RPC_ERROR", "outer", { cause: ethersErr });
    const messages = causeChain(outer).map((e) => (e as { message?: string }).message);
    expect(messages).to.deep.equal(["outer", "ethers", "node", "hardhat data"]);
  });

  it("stops on cycles and after 8 levels, and returns undefined when nothing matches", () => {
    const loop: Record<string, unknown> = { message: "a" };
    loop.cause = { message: "b", error: loop };
    expect(causeChain(loop)).to.have.length(2);
    let deep: Record<string, unknown> = { message: "bottom" };
    for (let i = 0; i < 20; i++) deep = { message: `level ${i}`, cause: deep };
    expect(causeChain(deep)).to.have.length(8);
    expect(findCause(deep, (e) => (e as { message?: string }).message === "bottom")).to.equal(undefined);
    expect(causeChain(undefined)).to.deep.equal([]);
    expect(causeChain("text")).to.deep.equal([]);
  });

  it("ChaincallError.walk uses it: the first match, else the deepest error", () => {
    const root = new Error("root");
    const err = new ChaincallError("RPC_ERROR", "outer", { cause: new ChaincallError("TIMEOUT", "middle", { cause: root }) });
    expect(err.walk()).to.equal(root);
    expect((err.walk((e) => e instanceof ChaincallError && e.code === "TIMEOUT") as Error).message).to.equal("middle");
    expect(err.walk(() => false)).to.equal(null);
  });
});

describe("rpcErrorCode: the node's JSON-RPC code anywhere along the chain", () => {
  it("reads it from ethers' info.error, a bare node error, and under our own wrappers", () => {
    expect(rpcErrorCode(ethersShaped("CALL_EXCEPTION", { code: 3, message: "execution reverted", data: "0x" }))).to.equal(3);
    expect(rpcErrorCode({ code: -32603, message: "internal error" })).to.equal(-32603);
    const wrapped = new ChaincallError("RPC_ERROR", "x", { cause: ethersShaped("UNKNOWN_ERROR", { code: -32005, message: "limit" }) });
    expect(rpcErrorCode(wrapped)).to.equal(-32005);
  });

  it("is undefined when no node answered (string codes: ethers', chaincall's, a socket's)", async () => {
    const socket = await refusedSocketError();
    expect(socket.code).to.equal("ECONNREFUSED");
    expect(rpcErrorCode(socket)).to.equal(undefined);
    expect(rpcErrorCode(new ChaincallError("RPC_ERROR", "cannot reach x", { cause: socket }))).to.equal(undefined);
    expect(rpcErrorCode(makeError("network", "NETWORK_ERROR"))).to.equal(undefined);
  });
});

describe("isUnreachable: a failure field, never the text", () => {
  it("a real socket's ECONNREFUSED, translated: RPC_ERROR 'cannot reach', failure unreachable, also when wrapped", async () => {
    const e = toChaincallError(await refusedSocketError(), { endpoint: "http://127.0.0.1:1" });
    expect([e.code, e.shortMessage, e.failure]).to.deep.equal(["RPC_ERROR", "cannot reach http://127.0.0.1:1", "unreachable"]);
    expect(isUnreachable(e)).to.equal(true);
    expect(isUnreachable(new ChaincallError("RPC_ERROR", "not sent", { cause: e }))).to.equal(true);
    expect(isUnreachable(toChaincallError(makeError("network down", "NETWORK_ERROR")))).to.equal(true);
  });

  it("is false for a message that merely says so, a timeout, and a node's refusal", () => {
    expect(isUnreachable(new ChaincallError("RPC_ERROR", "cannot reach the node"))).to.equal(false);
    expect(isUnreachable(new Error("cannot reach http://x"))).to.equal(false);
    expect(isUnreachable(new ChaincallError("TIMEOUT", "timed out"))).to.equal(false);
    expect(isUnreachable(toChaincallError(ethersShaped("CALL_EXCEPTION", { code: -32000, message: "header not found" })))).to.equal(false);
  });

  for (const [name, url] of [
    ["HTTP", async () => `http://127.0.0.1:${await findFreePort()}`],
    ["WebSocket", async () => `ws://127.0.0.1:${await findFreePort()}`],
    ["IPC", async () => "/tmp/chaincall-no-such-dir/geth.ipc"],
  ] as const) {
    it(`connect() to nothing (${name}): failure "unreachable", the start hint, the message as before`, async () => {
      const rpcUrl = await url();
      const err = await rejection(connect({ rpcUrl, timeoutMs: 10_000 }));
      expect([err.code, err.failure, err.message]).to.deep.equal(["RPC_ERROR", "unreachable", `cannot reach ${rpcUrl}`]);
      expect(err.metaMessages.join("\n")).to.match(/is a node running there/);
      expect(isUnreachable(err)).to.equal(true);
    });
  }
});

describe("node messages: one table, read along the chain", () => {
  it("finds the node's words at any depth (ethers' info.error, error, our cause, an HTTP body)", () => {
    const anvil = ethersShaped("NONCE_EXPIRED", { code: -32003, message: "transaction already imported" });
    expect(nodeSaid(new ChaincallError("RPC_ERROR", "send failed", { cause: anvil }), "alreadyKnown")).to.equal(true);
    expect(nodeSaid({ message: "outer", cause: { error: "already known" } }, "alreadyKnown")).to.equal(true);
    expect(
      nodeSaid(
        { shortMessage: "server response 413", info: { responseBody: '{"error":{"message":"query returned more than 10000 results"}}' } },
        "rangeTooLarge",
      ),
    ).to.equal(true);
    expect(nodeSaid(new Error("replacement transaction underpriced"), "alreadyKnown")).to.equal(false);
  });

  it("reads short texts only: not ethers' long message when a shortMessage exists, not hex data", () => {
    const err = { shortMessage: "short", message: "short (payload=nonce too high)", data: "0xdeadbeef413", details: "detail" };
    expect(errorTexts(err)).to.deep.equal(["short", "detail"]);
    expect(nodeSaid(err, "nonceTooHigh")).to.equal(false);
  });

  it("each row matches the wordings its comment names", () => {
    const samples: [keyof typeof NODE_MESSAGES, string][] = [
      ["unreachable", "connect ECONNREFUSED 127.0.0.1:8545"],
      ["neverConnected", "connect ENOENT /tmp/geth.ipc"],
      ["connectionLost", "socket hang up"],
      ["batchRefused", "batch requests are not supported"],
      ["evmRan", "VM Exception while processing transaction: reverted with reason string 'x'"],
      ["nonceRefused", "Nonce too high. Expected nonce to be 5 but got 6"],
      ["nonceTooHigh", "nonce too high"],
      ["insufficientFunds", "Sender doesn't have enough funds to send tx"],
      ["alreadyKnown", "AlreadyKnown"],
      ["rangeTooLarge", "Exceeded max range limit for eth_getLogs: 800"],
      ["notARangeProblem", "rate limit exceeded"],
      ["suggestedRange", "retry with the range 100-200"],
      ["aggregateBroken", "opcode 0x5f not defined"],
      ["aggregateTooBig", "max code size exceeded"],
    ];
    expect(samples.map(([row]) => row).sort()).to.deep.equal(Object.keys(NODE_MESSAGES).sort());
    for (const [row, text] of samples) expect(textSays(text, row), `${row}: ${text}`).to.equal(true);
    expect(textSays("execution succeeded", "evmRan")).to.equal(false);
  });

  it("toChaincallError sorts by the table: NONCE_ERROR, INSUFFICIENT_FUNDS, a refusal that is no revert", () => {
    expect(toChaincallError(new Error("nonce too low: next nonce 5, tx nonce 4")).code).to.equal("NONCE_ERROR");
    expect(toChaincallError(new Error("insufficient funds for gas * price + value")).code).to.equal("INSUFFICIENT_FUNDS");
    const refused = toChaincallError(ethersShaped("CALL_EXCEPTION", { code: -32000, message: "header not found" }), { endpoint: "node" });
    expect([refused.code, refused.shortMessage]).to.deep.equal(["RPC_ERROR", "node refused the request: header not found"]);
  });
});

describe("the exit code declared on the error", () => {
  it("2 for bad input (INVALID_ARGUMENT, NOT_FOUND), 1 for the rest, 1 for a NOT_FOUND about the chain", () => {
    expect(new ChaincallError("INVALID_ARGUMENT", "x").exitCode).to.equal(2);
    expect(new ChaincallError("NOT_FOUND", "x").exitCode).to.equal(2);
    for (const code of ["RPC_ERROR", "TIMEOUT", "CALL_REVERTED", "CHAIN_MISMATCH"] as const)
      expect(new ChaincallError(code, "x").exitCode, code).to.equal(1);
    const unknownHash = notOnChain("transaction 0x12 not found");
    expect([unknownHash.code, unknownHash.exitCode]).to.deep.equal(["NOT_FOUND", 1]);
  });
});

describe("the error listener (no file written by an error's constructor)", () => {
  let records: ErrorRecord[];
  let previous: ErrorListener | undefined;
  beforeEach(() => {
    records = [];
    // The suite's own listener (the end-of-run audit, fixtures/hooks.ts) keeps hearing everything.
    previous = setErrorListener((record, err) => {
      records.push(record);
      previous?.(record, err);
    });
  });
  afterEach(() => {
    setErrorListener(previous);
  });

  it("hears each new error once, with its code and texts", () => {
    new ChaincallError("TIMEOUT", "timed out after 5 ms", { details: "d", metaMessages: ["hint: h"] });
    expect(records).to.deep.equal([{ code: "TIMEOUT", message: "timed out after 5 ms", details: "d", hints: ["hint: h"] }]);
  });

  it("an error re-wrapped or translated again with the same words is not heard twice; new words are", async () => {
    const socket = await refusedSocketError();
    const first = toChaincallError(socket, { endpoint: "http://127.0.0.1:9" });
    toChaincallError(socket, { endpoint: "http://127.0.0.1:9" }); // the same failure translated twice
    toChaincallError(first); // passes through
    new ChaincallError("RPC_ERROR", first.shortMessage, { cause: first, details: first.details, failure: "unreachable" }); // re-wrapped
    expect(records.map((r) => r.message)).to.deep.equal(["cannot reach http://127.0.0.1:9"]);
    new ChaincallError("RPC_ERROR", first.shortMessage, { cause: first, details: first.details, metaMessages: ["hint: start a node"] });
    toChaincallError(socket, { endpoint: "http://127.0.0.1:10" });
    expect(records.map((r) => `${r.message} ${r.hints.join()}`)).to.deep.equal([
      "cannot reach http://127.0.0.1:9 ",
      "cannot reach http://127.0.0.1:9 hint: start a node",
      "cannot reach http://127.0.0.1:10 ",
    ]);
  });

  it("two separate failures with the same words are both heard", () => {
    new ChaincallError("INVALID_ARGUMENT", "bad address");
    new ChaincallError("INVALID_ARGUMENT", "bad address");
    expect(records).to.have.length(2);
  });

  it("a listener that throws does not change the error; none installed, nothing is heard", () => {
    setErrorListener(() => {
      throw new Error("disk full");
    });
    const err = new ChaincallError("RPC_ERROR", "still this");
    expect(err.message).to.equal("still this");
    setErrorListener(undefined);
    new ChaincallError("RPC_ERROR", "unheard");
    expect(records).to.deep.equal([]);
  });

  it("src/errors writes no file and imports nothing of Node's (the CLI and the tests install the listener)", () => {
    const dir = join(projectRoot(), "src", "errors");
    for (const file of readdirSync(dir)) {
      const source = readFileSync(join(dir, file), "utf8");
      expect(source, file).not.to.match(/from "(node:)?(fs|path|os|child_process)"/);
      expect(source, file).not.to.match(/\b(append|write)File(Sync)?\(/);
    }
  });
});
