// JSON-RPC over node:http with one keep-alive agent: the reads benchmark's raw contenders post through this
// (fetch costs the client more per request, and a raw limit should be the cheapest client there is).
import { Agent, request } from "node:http";
import type { Answer, Call } from "./benchRpc";

/** One JSON-RPC endpoint over node:http; `close` ends its sockets. */
export interface RawHttp {
  /** Posts `body` (a JSON-RPC request or batch, serialised) and resolves with the parsed answer. */
  post(body: string): Promise<unknown>;
  /** One request; the node's error folded into the answer. */
  one(call: Call): Promise<Answer>;
  /** One JSON-RPC batch: one answer per call, in order. */
  batch(calls: Call[]): Promise<Answer[]>;
  close(): void;
}

/**
 * A keep-alive JSON-RPC poster for `rpcUrl` (http only), each request bounded by `timeoutMs`.
 * @example const http = rawHttp(node.rpcUrl, 60_000); await http.one({ method: "eth_blockNumber", params: [] }); http.close();
 */
export function rawHttp(rpcUrl: string, timeoutMs: number): RawHttp {
  const url = new URL(rpcUrl);
  if (url.protocol !== "http:") throw new Error(`rawHttp takes an http:// URL, got ${url.protocol}`);
  const agent = new Agent({ keepAlive: true });
  const guarded = new WeakSet<object>();
  const post = (body: string, retried = false): Promise<unknown> =>
    new Promise((resolve, reject) => {
      const bytes = Buffer.from(body, "utf8");
      const req = request(
        { host: url.hostname, port: url.port, path: url.pathname + url.search, method: "POST", agent, timeout: timeoutMs },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (chunk: Buffer) => chunks.push(chunk));
          res.on("end", () => {
            const text = Buffer.concat(chunks).toString("utf8");
            try {
              resolve(JSON.parse(text));
            } catch {
              reject(new Error(`HTTP ${res.statusCode}, not JSON: ${text.slice(0, 120)}`));
            }
          });
          res.on("error", reject);
        },
      );
      req.setHeader("content-type", "application/json");
      req.setHeader("content-length", bytes.length);
      req.on("timeout", () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
      // A node that answers a refused (huge) batch and closes before reading it all leaves the rest of the
      // write to fail on a socket no request owns any more: the request already settled, the error is moot.
      req.on("socket", (socket) => {
        if (guarded.has(socket)) return;
        guarded.add(socket);
        socket.on("error", () => undefined);
      });
      req.on("error", (err: NodeJS.ErrnoException) => {
        // The node closed an idle keep-alive socket just as it was reused (Hardhat does, after 5 s): the
        // request never reached it, so it is sent once more on a fresh socket, as Node's docs advise.
        if (!retried && req.reusedSocket && err.code === "ECONNRESET") post(body, true).then(resolve, reject);
        else reject(err);
      });
      req.end(bytes);
    });
  const toAnswer = (reply: { result?: unknown; error?: { message?: string } } | undefined): Answer =>
    !reply || typeof reply !== "object"
      ? { ok: false, error: "no answer" }
      : reply.error
        ? { ok: false, error: String(reply.error.message ?? JSON.stringify(reply.error)) }
        : { ok: true, result: reply.result };
  return {
    post,
    async one(call) {
      try {
        return toAnswer((await post(JSON.stringify({ jsonrpc: "2.0", id: 1, ...call }))) as never);
      } catch (err) {
        return { ok: false, error: `request failed: ${String(err)}` };
      }
    },
    async batch(calls) {
      let body: unknown;
      try {
        body = await post(JSON.stringify(calls.map((call, id) => ({ jsonrpc: "2.0", id, ...call }))));
      } catch (err) {
        return calls.map(() => ({ ok: false, error: `batch failed: ${String(err)}` }));
      }
      if (!Array.isArray(body)) return calls.map(() => ({ ok: false, error: `batch refused: ${JSON.stringify(body).slice(0, 120)}` }));
      const byId = new Map<unknown, never>(body.map((reply: { id?: unknown }) => [reply?.id, reply as never]));
      return calls.map((_, id) => toAnswer(byId.get(id)));
    },
    close: () => agent.destroy(),
  };
}
