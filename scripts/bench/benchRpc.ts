// JSON-RPC over plain fetch, for the benchmarks' raw contenders and their setup and checks: no library
// between the benchmark and the node. And the one way failures are described in their reports.

/** One call's outcome: its result, or the node's (folded) error. */
export type Answer = { ok: true; result: unknown } | { ok: false; error: string };

/** One JSON-RPC call. */
export interface Call {
  method: string;
  params: unknown[];
}

/** One answer of a JSON-RPC response. */
interface Reply {
  id?: unknown;
  result?: unknown;
  error?: { message?: string };
}

export interface JsonRpcOverFetch {
  /** Posts `calls` as one JSON-RPC batch; one answer per call, in order. A refused batch fails every call. */
  rpcBatch(rpcUrl: string, calls: Call[]): Promise<Answer[]>;
  /** Posts one JSON-RPC request (not a batch). */
  rpcOne(rpcUrl: string, call: Call): Promise<Answer>;
  /** One JSON-RPC request; throws on an error answer. */
  rpc(rpcUrl: string, method: string, params: unknown[]): Promise<unknown>;
}

/**
 * JSON-RPC functions whose every HTTP request is bounded by `timeoutMs`.
 * @example const { rpc } = jsonRpcOverFetch(60_000); await rpc(url, "eth_blockNumber", []);
 */
export function jsonRpcOverFetch(timeoutMs: number): JsonRpcOverFetch {
  async function post(rpcUrl: string, payload: unknown): Promise<unknown> {
    const response = await fetch(rpcUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(payload),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    try {
      return JSON.parse(text);
    } catch {
      throw new Error(`HTTP ${response.status}, not JSON: ${text.slice(0, 120)}`);
    }
  }

  async function rpcBatch(rpcUrl: string, calls: Call[]): Promise<Answer[]> {
    let body: unknown;
    try {
      body = await post(
        rpcUrl,
        calls.map((call, id) => ({ jsonrpc: "2.0", id, ...call })),
      );
    } catch (err) {
      return calls.map(() => ({ ok: false, error: `batch failed: ${describeFailure(err)}` }));
    }
    if (!Array.isArray(body)) {
      // The node answered the batch as a whole (e.g. it refuses batches, or this one is too large).
      return calls.map(() => ({ ok: false, error: `batch refused: ${describeFailure((body as Reply).error ?? body)}` }));
    }
    const byId = new Map<unknown, Reply>((body as Reply[]).map((reply) => [reply?.id, reply]));
    return calls.map((_, id) => toAnswer(byId.get(id)));
  }

  async function rpcOne(rpcUrl: string, call: Call): Promise<Answer> {
    try {
      return toAnswer((await post(rpcUrl, { jsonrpc: "2.0", id: 1, ...call })) as Reply);
    } catch (err) {
      return { ok: false, error: `request failed: ${describeFailure(err)}` };
    }
  }

  async function rpc(rpcUrl: string, method: string, params: unknown[]): Promise<unknown> {
    const answer = await rpcOne(rpcUrl, { method, params });
    if (!answer.ok) throw new Error(`${method}: ${answer.error}`);
    return answer.result;
  }

  return { rpcBatch, rpcOne, rpc };
}

function toAnswer(reply: Reply | undefined): Answer {
  if (!reply || typeof reply !== "object") return { ok: false, error: "no answer" };
  if (reply.error) return { ok: false, error: fold(reply.error.message ?? JSON.stringify(reply.error)) };
  return { ok: true, result: reply.result };
}

/**
 * A short description of why a send or read failed, with numbers and hex folded so equal causes group
 * together: the error code and message, plus the node's own message when the library wrapped it.
 */
export function describeFailure(err: unknown, folded = true): string {
  const e = err as
    | { code?: unknown; shortMessage?: unknown; message?: unknown; error?: { message?: unknown }; info?: { error?: { message?: unknown } } }
    | undefined;
  let text = String(e?.shortMessage ?? e?.message ?? (typeof err === "object" ? JSON.stringify(err) : err));
  const nested = e?.info?.error?.message ?? e?.error?.message;
  if (typeof nested === "string" && !text.includes(nested)) text += ` (node: ${nested})`;
  if (typeof e?.code === "string" && !text.startsWith(e.code)) text = `${e.code}: ${text}`;
  return folded ? fold(text) : text.split("\n")[0].slice(0, 300);
}

function fold(text: string): string {
  return text
    .split("\n")[0]
    .replace(/0x[0-9a-fA-F]+/g, "0x…")
    .replace(/\d+/g, "N")
    .slice(0, 140);
}
