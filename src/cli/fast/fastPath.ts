import { request as httpRequest } from "node:http";
import { registerArgvSecrets } from "../options.js";
import { prepareFastJob } from "./fastCommands.js";
import { readFastLine } from "./readFastLine.js";

// The fast path of the read-only commands the CLI is most often started for (`call <0x address>
// "name(types)(returns)" [args…]`, `chain-id`, `block-number`): what the full CLI prints on success, with
// ethers' ABI coder and node:http only (no yargs, no providers). It never reports a failure itself: on
// anything it does not fully understand — an option it does not know, bad input, a revert, a node that is
// down, slow or strange — it answers `undefined` having printed nothing, and the full CLI runs the same
// command line and says what it would have said. Nothing it sends has an effect (eth_chainId, eth_call,
// eth_blockNumber), so running the full path after it changes nothing but the time.

/**
 * How long the fast path waits for the node before handing over: short, so a node that is slow or silent costs
 * the full path's `--timeout` plus at most this (the CLI exits within `--timeout` + 1 s whatever the node does).
 */
export const FAST_WAIT_MS = 300;
/** Longer answers are left to the full path and its limits. */
const MAX_ANSWER_BYTES = 1 << 20;

/** Where the fast path prints, as the full CLI's process streams do. */
export interface FastStreams {
  stdout(text: string): void;
}

/** The process's stdout, which (as the full CLI's) drops output without a stack trace once its reader is gone (`| head -0`). */
const processStdout: FastStreams = {
  stdout(text) {
    process.stdout.on("error", (err: NodeJS.ErrnoException) => {
      if (err.code !== "EPIPE") throw err;
    });
    process.stdout.write(text);
  },
};

/**
 * Runs `args` (the CLI's arguments) on the fast path: resolves to the exit code (0) when it printed the
 * result, or to `undefined` when the full CLI must run them (nothing was printed then).
 * @example const code = await tryFastPath(["call", address, "getYear()(uint256)", "-r", url]);
 */
export async function tryFastPath(
  args: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
  streams: FastStreams = processStdout,
): Promise<number | undefined> {
  let text: string;
  try {
    // As the full CLI does first: whatever the fast path makes of the arguments (an error it hands over) is
    // redacted like the full CLI's words.
    registerArgvSecrets(args, env);
    const line = readFastLine(args, env);
    if (line === undefined) return undefined;
    let chainId: bigint | undefined;
    const job = prepareFastJob(line, () => chainId!);
    // The chain id is asked with the command's requests, in one round trip, as connecting asks it first: a
    // node that cannot say it fails on the full path, so it is handed over.
    const requests = [{ method: "eth_chainId", params: [] as unknown[] }, ...job.requests];
    const body = JSON.stringify(requests.map((r, i) => ({ jsonrpc: "2.0", id: i + 1, ...r })));
    const results = readResults(await postJson(line.rpcUrl, body, Math.min(FAST_WAIT_MS, line.timeoutMs)), requests.length);
    const [chainIdAnswer, ...answers] = results;
    if (typeof chainIdAnswer !== "string" || !/^0x[0-9a-fA-F]{1,16}$/.test(chainIdAnswer)) throw new Error("not a chain id");
    chainId = BigInt(chainIdAnswer);
    text = job.print(answers);
  } catch {
    return undefined;
  }
  streams.stdout(text);
  return 0;
}

// The results of a batch answer, in request order (ids 1…count); throws on an error or a missing answer.
function readResults(answer: string, count: number): unknown[] {
  const replies = JSON.parse(answer) as unknown;
  if (!Array.isArray(replies) || replies.length !== count) throw new Error("not the batch answer");
  const byId = new Map(replies.map((reply: { id?: unknown; result?: unknown; error?: unknown }) => [reply?.id, reply]));
  return Array.from({ length: count }, (_, i) => {
    const reply = byId.get(i + 1);
    if (reply === undefined || reply.error !== undefined || !("result" in reply)) throw new Error("an error or no answer");
    return reply.result;
  });
}

// One JSON-RPC POST; rejects on any transport trouble, a status other than 200, a long answer or the deadline.
function postJson(url: string, body: string, waitMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    // node:https (and TLS) only for an https node: loading them costs a plain-http call a few ms of its start.
    const send = url.startsWith("https:") ? (require("node:https") as typeof import("node:https")).request : httpRequest;
    const request = send(url, {
      method: "POST",
      agent: false,
      headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
    });
    const timer = setTimeout(() => {
      request.destroy();
      reject(new Error("slow"));
    }, waitMs);
    request.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    request.on("response", (response) => {
      if (response.statusCode !== 200) {
        response.destroy();
        request.destroy();
        clearTimeout(timer);
        reject(new Error(`HTTP ${response.statusCode}`));
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      response.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_ANSWER_BYTES) request.destroy(new Error("long answer"));
        else chunks.push(chunk);
      });
      response.on("error", reject);
      response.on("end", () => {
        clearTimeout(timer);
        resolve(Buffer.concat(chunks).toString("utf8"));
      });
    });
    request.end(body);
  });
}
