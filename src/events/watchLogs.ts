import type { Client } from "../client/connect.js";
import { checkClient, checkObject, checkOptionalFunction, checkOptionalSignal } from "../errors/assertArgument.js";
import { ChaincallError } from "../errors/ChaincallError.js";
import type { ChainLog } from "./createLogDecoder.js";
import { DEFAULT_LOG_PAGE_SIZE, fetchLogRange, hex, type PageState, type RpcRequest } from "./getLogs.js";
import { type LogSource, pollingSource, SubscriptionSource } from "./logSources.js";
import { type BlockHeader, ReorgTracker } from "./ReorgTracker.js";
import { type LogFilter, resolveLogFilter } from "./resolveLogFilter.js";
import { Sleeper } from "./Sleeper.js";

/** What a reorg took away. */
export interface LogReorg {
  /** The last block the old and the new chain share. */
  forkBlock: number;
  /** How many delivered blocks were replaced (or dropped). */
  depth: number;
  /** The delivered logs that are no longer in the chain (also sent to `onLogs`, with `removed: true`). */
  removed: ChainLog[];
}

/** The filter, the callbacks and the options of `watchLogs`. */
export interface WatchLogsParameters extends LogFilter {
  /**
   * Receives logs in chain order, each once. After a reorg it first receives the logs that left the chain,
   * newest first, with `removed: true`, then the new chain's logs. Returning (or resolving) acknowledges the
   * logs; if it throws, the error goes to `onError` and the same logs are offered again after a pause.
   */
  onLogs(logs: ChainLog[]): void | Promise<void>;
  /** Told about each reorg that removed delivered blocks, after `onLogs` has received the removed logs. */
  onReorg?(reorg: LogReorg): void | Promise<void>;
  /**
   * Told of every problem while the watcher keeps trying (node unreachable, connection lost, timeout: a
   * `ChaincallError`; or what `onLogs` threw). Default: one line on stderr.
   */
  onError?(error: Error): void;
  /** Deliver logs from this block on (a back-fill). Default: only blocks mined after the watch starts. */
  fromBlock?: bigint | number;
  /**
   * `subscribe`: a dedicated WebSocket/IPC connection to the client's node, opened by the client's transport,
   * woken by `newHeads` and reopened when it drops (with several nodes: on the active socket node, the first
   * healthy WebSocket/IPC one in order of preference, chosen again at each reopening); `poll`:
   * `eth_blockNumber` every `pollIntervalMs` through the client. Default `auto`: subscribe when the client's
   * (first) node is ws/ipc, poll on HTTP. Both fetch by block range (never node-side filters, which expire),
   * which is what makes delivery exactly-once across drops.
   */
  mode?: "auto" | "poll" | "subscribe";
  /** Poll period (and, subscribed, the safety re-check). Default: the provider's (250 ms on dev chains, 4 s elsewhere). */
  pollIntervalMs?: number;
  /** Blocks per `eth_getLogs` (default 5 000; split automatically when the node refuses). */
  pageSize?: number;
  /** Recent blocks whose hashes are remembered to detect reorgs (default 64). */
  reorgWindow?: number;
  /** Longest pause between retries after failures (default 10 s; retries start at 250 ms and double). */
  maxRetryDelayMs?: number;
  /** Stops the watcher, like `stop()`. */
  signal?: AbortSignal;
}

/** A running watch. */
export interface LogWatcher {
  /** Stops watching and closes the watcher's connection; resolves when no callback runs any more. Safe to call twice. */
  stop(): Promise<void>;
  /** The last block whose logs were delivered (−1 before any). */
  readonly lastBlock: number;
  /** How it follows the chain. */
  readonly mode: "poll" | "subscribe";
}

const DEFAULT_REORG_WINDOW = 64;
const DEFAULT_MAX_RETRY_DELAY_MS = 10_000;
const FIRST_RETRY_DELAY_MS = 250;
// Subscribed, a tick also runs this often without a new head: it catches a missed notification and finds a
// connection that died silently (its request times out).
const SUBSCRIBED_RECHECK_MS = 15_000;
// A tick that saw the chain change under it is re-run at once, this many times before pausing.
const QUICK_RETRIES = 3;

/**
 * Watches the chain for logs matching a filter and delivers each exactly once, in order, decoded with the
 * client's ABIs. Follows the chain by block range: `newHeads` over a dedicated WebSocket/IPC connection
 * that the client's transport opens (reconnected with bounded backoff when it drops, then back-filled from
 * the last delivered block; with several nodes, on the active WebSocket/IPC node) or polling over HTTP. Reorgs are found by block hash (nodes like Anvil send no `removed` flag): the
 * replaced logs are delivered again with `removed: true`, then the new chain's.
 *
 * Resolves once the watch has its starting block (and, subscribed, its connection); fails at once if the
 * node cannot be reached then. Later problems go to `onError` while it keeps trying.
 *
 * @param client a client from `connect()` (a WebSocket or IPC client can subscribe; an HTTP one polls)
 * @param parameters the filter, `onLogs` (required), `onReorg`, `onError`, and the options below
 * @returns the running watch: `stop()` it when done
 * @throws ChaincallError `INVALID_ARGUMENT` (bad filter or option; nothing is sent), `RPC_ERROR` ("cannot
 *   reach <host>"), `TIMEOUT`, `ABORTED`
 * @example
 * const watcher = await watchLogs(client, {
 *   address, event: "Transfer",
 *   onLogs: async (logs) => { for (const log of logs) await (log.removed ? undo(log) : apply(log)); },
 *   onError: (err) => logger.warn(err.message),
 * });
 * // … later
 * await watcher.stop();
 */
export async function watchLogs(client: Client, parameters: WatchLogsParameters): Promise<LogWatcher> {
  checkClient(client);
  checkObject(parameters, "parameters");
  if (typeof parameters.onLogs !== "function") throw new ChaincallError("INVALID_ARGUMENT", "watchLogs needs an onLogs function");
  checkOptionalFunction(parameters.onReorg, "onReorg");
  checkOptionalFunction(parameters.onError, "onError");
  checkOptionalSignal(parameters.signal, "signal");
  resolveLogFilter(parameters, client.provider.boundary.interfaces); // Fails now on a bad filter, not later in the loop.
  let fromBlock: number | undefined;
  if (parameters.fromBlock !== undefined) {
    fromBlock = typeof parameters.fromBlock === "bigint" || typeof parameters.fromBlock === "number" ? Number(parameters.fromBlock) : NaN;
    if (!Number.isSafeInteger(fromBlock) || fromBlock < 0)
      throw new ChaincallError("INVALID_ARGUMENT", `fromBlock must be a block number ≥ 0, got ${String(parameters.fromBlock)}`);
  }
  const pollIntervalMs = positive(parameters.pollIntervalMs ?? client.provider.pollingInterval, "pollIntervalMs");
  const tracker = new ReorgTracker(positive(parameters.reorgWindow ?? DEFAULT_REORG_WINDOW, "reorgWindow"));
  const maxRetryDelayMs = positive(parameters.maxRetryDelayMs ?? DEFAULT_MAX_RETRY_DELAY_MS, "maxRetryDelayMs");
  const pages: PageState = { size: positive(parameters.pageSize ?? DEFAULT_LOG_PAGE_SIZE, "pageSize") };
  const mode = (parameters.mode ?? "auto") === "auto" ? (client.transport === "http" ? "poll" : "subscribe") : parameters.mode!;
  if (mode !== "poll" && mode !== "subscribe")
    throw new ChaincallError("INVALID_ARGUMENT", `mode must be auto, poll or subscribe, got ${JSON.stringify(parameters.mode)}`);
  const transport = client.provider.transport;
  if (mode === "subscribe" && !transport.openDedicated) {
    throw new ChaincallError("INVALID_ARGUMENT", `subscribing needs a WebSocket or IPC client; ${client.endpoint} is ${client.transport}`, {
      metaMessages: ['hint: connect with ws://… or an IPC path, or use mode: "poll"'],
    });
  }
  const endpoint = client.endpoint;

  let stopped = false;
  let inCallback = 0;
  const controller = new AbortController();
  // Woken by a new head (or a dropped connection): it ends a waiting pause early.
  const sleeper = new Sleeper();

  const report = (err: unknown) => {
    if (stopped) return;
    const error = err instanceof Error ? err : new Error(String(err));
    inCallback++;
    try {
      if (parameters.onError) parameters.onError(error);
      else console.warn(`chaincall watchLogs: ${error.message}`);
    } catch {
      // A failing error handler must not stop the watch.
    } finally {
      inCallback--;
    }
  };

  const call = async <T>(fn: () => T | Promise<T>): Promise<T> => {
    inCallback++;
    try {
      return await fn();
    } finally {
      inCallback--;
    }
  };

  const context = {
    endpoint,
    timeoutMs: client.provider.boundary.requestTimeoutMs,
    pollIntervalMs,
    signal: controller.signal,
    wake: () => sleeper.wake(),
    report,
  };
  const source: LogSource =
    mode === "poll" ? pollingSource(client) : new SubscriptionSource((options) => transport.openDedicated!(options), context);

  const header = async (rpc: RpcRequest, n: number): Promise<BlockHeader | null> => {
    const block = (await rpc("eth_getBlockByNumber", [hex(n), false], controller.signal)) as {
      number: string;
      hash: string;
      parentHash: string;
    } | null;
    return block ? { number: Number(block.number), hash: block.hash, parentHash: block.parentHash } : null;
  };

  const deliver = async (logs: ChainLog[]) => {
    if (logs.length === 0 || stopped) return;
    await call(() => parameters.onLogs(logs));
  };

  // Walks back from `from` to the newest block whose hash is still the one delivered, and undoes the rest.
  const rewind = async (rpc: RpcRequest, from: number) => {
    if (tracker.empty) return;
    const { fork, deeper, oldest } = await tracker.findFork(from, async (n) => (await header(rpc, n))?.hash);
    if (deeper) {
      report(
        new ChaincallError(
          "RPC_ERROR",
          `a reorg on ${endpoint} replaced more than the ${tracker.window} blocks the watcher remembers; logs before block ${oldest} may be stale`,
        ),
      );
    }
    const { removed, depth } = tracker.removedAfter(fork);
    await deliver(removed);
    tracker.rollback(fork);
    if (parameters.onReorg && !stopped) {
      try {
        await call(() => parameters.onReorg!({ forkBlock: fork, depth, removed }));
      } catch (err) {
        report(err);
      }
    }
  };

  // One step of following the chain: undo what a reorg replaced, then deliver the next range of blocks.
  const tick = async (): Promise<"done" | "more" | "retry"> => {
    const rpc = source.request();
    const signal = controller.signal;
    const last = tracker.last;
    const head = Number(await rpc("eth_blockNumber", [], signal));
    if (head <= last) {
      // Nothing delivered yet (a fromBlock ahead of the chain): nothing to check.
      if (tracker.empty) return "done";
      // No new block, or a shorter chain: are the delivered blocks still there?
      const known = tracker.hashOf(head);
      const now = known === undefined ? null : await header(rpc, head);
      if (head < last || now?.hash !== known) {
        await rewind(rpc, head);
        return "more"; // The new chain's blocks, at once: no new head may come to wake the watcher.
      }
      return "done";
    }
    const from = last + 1;
    const to = Math.min(head, last + pages.size);
    // Hashes are checked for the blocks a reorg can still reach; deeper ones only need the range's last hash.
    const checkFrom = Math.max(from, Math.min(to, head - tracker.window + 1));
    const headers = await mapLimited(range(checkFrom, to), HEADER_CONCURRENCY, (n) => header(rpc, n));
    if (headers.some((h) => h === null)) return "retry";
    const chain = headers as BlockHeader[];
    for (let i = 1; i < chain.length; i++) if (chain[i].parentHash !== chain[i - 1].hash) return "retry";
    const parent = tracker.hashOf(checkFrom - 1);
    if (parent !== undefined && chain[0].parentHash !== parent) {
      await rewind(rpc, checkFrom - 1);
      return "retry";
    }
    const filter = resolveLogFilter(parameters, client.provider.boundary.interfaces);
    const logs = await fetchLogRange(rpc, filter, from, to, { pages, signal, endpoint });
    // Logs from a fork the headers are not on: the chain moved between the two requests.
    if (logs.some((log) => log.blockNumber >= checkFrom && log.blockHash !== chain[log.blockNumber - checkFrom].hash)) return "retry";
    if (stopped) return "done";
    await deliver(logs);
    tracker.advance(chain, logs, to);
    return to < head ? "more" : "done";
  };

  const run = async () => {
    let failures = 0;
    let quick = 0;
    while (!stopped) {
      if (client.provider.destroyed) {
        // The client was closed under the watcher: nothing it does can succeed any more.
        report(new ChaincallError("ABORTED", `the client of ${endpoint} was closed: the log watcher stops`));
        stopped = true;
        break;
      }
      try {
        await source.ensureOpen();
        if (stopped) break;
        const outcome = await tick();
        failures = 0;
        if (outcome === "more" || (outcome === "retry" && quick++ < QUICK_RETRIES)) continue;
        quick = 0;
        await sleeper.sleep(source.subscribed ? Math.max(SUBSCRIBED_RECHECK_MS, pollIntervalMs) : pollIntervalMs, true);
      } catch (err) {
        if (stopped) break;
        // The client closed mid-tick: said once, at the top of the loop, not as a request failure.
        if (client.provider.destroyed) continue;
        failures++;
        report(err);
        source.failed(err);
        // Not woken by new heads: a new block is no reason to hammer a failing node.
        await sleeper.sleep(Math.min(maxRetryDelayMs, FIRST_RETRY_DELAY_MS * 2 ** (failures - 1)), false);
      }
    }
    source.close();
  };

  // The starting point, fixed before watchLogs resolves: whatever is mined from now on is delivered.
  try {
    await source.ensureOpen();
    const rpc = source.request();
    const last = fromBlock !== undefined ? fromBlock - 1 : Number(await rpc("eth_blockNumber", [], controller.signal));
    // A fromBlock ahead of the chain is fine: the watch waits for it.
    const start = last >= 0 ? await header(rpc, last) : null;
    tracker.start(last, start?.hash);
  } catch (err) {
    stopped = true;
    source.close();
    throw err;
  }

  const loop = run();
  const stop = async () => {
    if (!stopped) {
      stopped = true;
      controller.abort(new ChaincallError("ABORTED", "the log watcher was stopped"));
      sleeper.interrupt();
      source.close();
    }
    // Called from inside a callback, waiting for the loop would wait for that very callback.
    if (inCallback > 0) return;
    await loop;
  };
  if (parameters.signal) {
    if (parameters.signal.aborted) void stop();
    else parameters.signal.addEventListener("abort", () => void stop(), { once: true });
  }
  return {
    stop,
    get lastBlock() {
      return tracker.last;
    },
    mode,
  };
}

function positive(value: number, name: string): number {
  if (!Number.isFinite(value) || value <= 0)
    throw new ChaincallError("INVALID_ARGUMENT", `${name} must be a positive number, got ${value}`);
  return Math.floor(value) || 1;
}

function range(from: number, to: number): number[] {
  const out: number[] = [];
  for (let n = from; n <= to; n++) out.push(n);
  return out;
}

// Header requests in flight at once. Each one listens on the watcher's abort signal, and Node warns
// (MaxListenersExceededWarning) past 10 listeners on one signal: with every header of a 30-block gap
// requested at once, an HTTP watch printed that warning.
const HEADER_CONCURRENCY = 6;

// `fn` over `items` with at most `limit` calls running, results in the order of `items`.
async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
