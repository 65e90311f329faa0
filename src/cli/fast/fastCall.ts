import { request as httpRequest } from "node:http";
import { decodeOutputs } from "../../abi/decodeOutputs.js";
import { encodeCalldata } from "../../abi/encodeCalldata.js";
import { formatValue, toJsonValue } from "../../abi/formatValue.js";
import { parseArgs } from "../../abi/parseArgs.js";
import { parseSignature } from "../../abi/parseSignature.js";
import { stringifyJson } from "../json.js";
import { parseAddress } from "../parseInput.js";
import { type FastCallLine, readFastCallLine } from "./readFastCallLine.js";

// The fast path of `chaincall call <0x address> "name(types)(returns)" [args…]`: what the full CLI prints on
// success, with ethers' ABI coder and node:http only (no yargs, no providers). It never reports a failure
// itself: on anything it does not fully understand — an option it does not know, bad input, a revert, a node
// that is down, slow or strange — it answers `undefined` having printed nothing, and the full CLI runs the
// same command line and says what it would have said. Nothing it does has an effect (eth_call), so running
// the full path after it changes nothing but the time.

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

/**
 * Runs `args` (the CLI's arguments) on the fast path: resolves to the exit code (0) when it printed the
 * result, or to `undefined` when the full CLI must run them (nothing was printed then).
 * @example const code = await tryFastCall(["call", address, "getYear()(uint256)", "-r", url]);
 */
export async function tryFastCall(
  args: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
  streams: FastStreams = { stdout: (text) => process.stdout.write(text) },
): Promise<number | undefined> {
  let line: FastCallLine | undefined;
  let text: string;
  try {
    line = readFastCallLine(args, env);
    if (line === undefined) return undefined;
    text = await runCall(line);
  } catch {
    return undefined;
  }
  streams.stdout(text);
  return 0;
}

// The call, as the full path makes it, and what the full path prints for its answer; throws on anything else.
async function runCall(line: FastCallLine): Promise<string> {
  const address = parseAddress(line.target);
  const fragment = parseSignature(line.signature);
  // Without return types the full path prints the raw answer: not handled here.
  if (fragment.outputs.length === 0) throw new Error("no outputs");
  const data = encodeCalldata(fragment, parseArgs(fragment, line.args));
  // The chain id is asked with the call, in one round trip, as connecting does: a node that cannot say it fails
  // on the full path, so it is handed over.
  const answer = await postJson(
    line.rpcUrl,
    `[{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]},{"jsonrpc":"2.0","id":2,"method":"eth_call","params":[{"to":"${address}","data":"${data}"},"latest"]}]`,
    Math.min(FAST_WAIT_MS, line.timeoutMs),
  );
  const replies = JSON.parse(answer) as unknown;
  if (!Array.isArray(replies) || replies.length !== 2) throw new Error("not a batch answer");
  const byId = new Map(replies.map((r: { id?: unknown }) => [r?.id, r as { result?: unknown }]));
  const chainId = byId.get(1)?.result;
  const result = byId.get(2)?.result;
  if (typeof chainId !== "string" || !/^0x[0-9a-fA-F]+$/.test(chainId)) throw new Error("no chain id");
  if (typeof result !== "string" || !/^0x([0-9a-fA-F]{2})+$/.test(result)) throw new Error("no result");
  const values = decodeOutputs(fragment, result);
  const outputs = fragment.outputs;
  if (!line.json) return `${values.map((v, i) => formatValue(v, outputs[i])).join("\n")}\n`;
  const document = {
    address,
    contract: null,
    function: fragment.format("sighash"),
    block: "latest",
    result: values.map((v, i) => toJsonValue(v, outputs[i])),
  };
  return `${stringifyJson(document, 2)}\n`;
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
