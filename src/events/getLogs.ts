import type { Client } from "../client/connect.js";
import { checkClient, checkObject, checkOptionalSignal, describeValue } from "../errors/assertArgument.js";
import { ChaincallError } from "../errors/ChaincallError.js";
import { toChaincallError } from "../errors/toChaincallError.js";
import { withDeadline } from "../utils/withDeadline.js";
import { type ChainLog, createLogDecoder, type RpcLog } from "./createLogDecoder.js";
import { isRangeTooLarge, suggestedRangeEnd } from "./isRangeTooLarge.js";
import { type LogFilter, type ResolvedLogFilter, resolveLogFilter } from "./resolveLogFilter.js";

/** A block: its number, or a tag the node resolves (`latest`, `safe`, `finalized`, `earliest`). */
export type BlockSpec = bigint | number | "earliest" | "latest" | "safe" | "finalized";

/** Blocks per `eth_getLogs` request unless told otherwise (within every public provider's usual limits). */
export const DEFAULT_LOG_PAGE_SIZE = 5_000;

/** The filter and block range of `getLogs`. */
export interface GetLogsParameters extends LogFilter {
  /** First block of the range (inclusive). */
  fromBlock: BlockSpec;
  /** Last block of the range (inclusive). Default `"latest"`, resolved once, at the start. */
  toBlock?: BlockSpec;
  /** Blocks per request (default 5 000); halved automatically where the node says a range is too large. */
  pageSize?: number;
  /** Stops the query; it then fails with `ABORTED`. Each request is also bounded by the client's timeout. */
  signal?: AbortSignal;
}

/** What `getLogs` returns: the matching logs, each once, in chain order. */
export type GetLogsReturnType = ChainLog[];

/**
 * The logs matching a filter over a block range, decoded with the client's ABIs (and `abis`), each log
 * once, in chain order (block, then log index). The range is fetched `pageSize` blocks at a time; a page
 * the node refuses as too large ("query returned more than 10000 results", "Log response size exceeded",
 * "exceeds limit", … see `NODE_MESSAGES.rangeTooLarge`) is split in halves (or at the range the node
 * suggests) until it passes. Any other error ends the query at once. Blocks past the current head are not
 * paged through.
 *
 * @param client a client from `connect()`
 * @param parameters the filter (`address`, `event`, `args` or `topics`, `abis`), `fromBlock`, `toBlock`, `pageSize`, `signal`
 * @throws ChaincallError `INVALID_ARGUMENT` (bad filter or range; nothing is sent), `RPC_ERROR` (node error,
 *   or a single block with more logs than the node will return), `TIMEOUT`, `ABORTED`
 * @example
 * const logs = await getLogs(client, { address: demoAddress, event: "YearChanged", fromBlock: 0n });
 * for (const log of logs) console.log(log.blockNumber, log.args?.current);
 */
export async function getLogs(client: Client, parameters: GetLogsParameters): Promise<GetLogsReturnType> {
  checkClient(client);
  checkObject(parameters, "parameters");
  const filter = resolveLogFilter(parameters, client.provider.boundary.interfaces);
  const pageSize = checkPageSize(parameters.pageSize);
  checkOptionalSignal(parameters.signal, "signal");
  // Numbers are checked before the tags are resolved, so a bad range sends nothing.
  for (const [name, block] of [
    ["fromBlock", parameters.fromBlock],
    ["toBlock", parameters.toBlock ?? "latest"],
  ] as const)
    checkBlockSpec(block, name);
  const request = clientRequest(client);
  const { signal } = parameters;
  try {
    const from = await resolveBlock(request, parameters.fromBlock, "fromBlock", signal);
    let to = await resolveBlock(request, parameters.toBlock ?? "latest", "toBlock", signal);
    if (from > to) {
      if (typeof parameters.toBlock === "bigint" || typeof parameters.toBlock === "number") {
        throw new ChaincallError("INVALID_ARGUMENT", `fromBlock ${from} is after toBlock ${to}`);
      }
      return [];
    }
    // A far-future toBlock would page through blocks that do not exist yet.
    if (to - from + 1 > pageSize && typeof parameters.toBlock !== "string" && parameters.toBlock !== undefined) {
      to = Math.min(to, Number(await request("eth_blockNumber", [], signal)));
    }
    return await fetchLogRange(request, filter, from, to, { pages: { size: pageSize }, signal, endpoint: client.endpoint });
  } catch (err) {
    // Requests fail as chaincall errors already; this catches ethers' own (a node's malformed log, say).
    throw toChaincallError(err, client.provider.boundary);
  }
}

/** Sends one JSON-RPC request and returns its result; failures are `ChaincallError`s. */
export type RpcRequest = (method: string, params: unknown[], signal?: AbortSignal) => Promise<unknown>;

/** Page size carried from one request (and one call) to the next, so a node's limit is learned once. */
export interface PageState {
  size: number;
}

export interface FetchLogRangeOptions {
  pages: PageState;
  signal?: AbortSignal;
  /** Printable node address, for messages. */
  endpoint: string;
}

/**
 * The paging and splitting engine behind `getLogs` and `watchLogs`: fetches [from, to] page by page,
 * splitting refused pages, and returns the decoded logs deduplicated by (block hash, log index), sorted.
 */
export async function fetchLogRange(
  request: RpcRequest,
  filter: ResolvedLogFilter,
  from: number,
  to: number,
  options: FetchLogRangeOptions,
): Promise<ChainLog[]> {
  const decode = createLogDecoder(filter.interfaces, filter.fragment);
  const found = new Map<string, ChainLog>();
  const { pages, signal } = options;
  let start = from;
  while (start <= to) {
    throwIfAborted(signal);
    const end = Math.min(to, start + pages.size - 1);
    let result: unknown;
    try {
      result = await request("eth_getLogs", [{ ...filter.rpcFilter, fromBlock: hex(start), toBlock: hex(end) }], signal);
    } catch (err) {
      if (!isRangeTooLarge(err)) throw err;
      if (start === end) {
        throw new ChaincallError(
          "RPC_ERROR",
          `${options.endpoint} refuses eth_getLogs even for block ${start} alone: ${(err as Error).message}`,
          {
            cause: err,
            metaMessages: ["hint: narrow the filter (address, event, indexed args) so one block's logs fit in one answer"],
          },
        );
      }
      const suggested = suggestedRangeEnd(err, start, end);
      // Never grow back within a run: a node's block limit does not change, and a failed request costs more
      // than a few extra small ones.
      pages.size = suggested !== undefined ? suggested - start + 1 : Math.ceil((end - start + 1) / 2);
      continue;
    }
    if (!Array.isArray(result))
      throw new ChaincallError("RPC_ERROR", `${options.endpoint} answered eth_getLogs with something other than a list`);
    for (const raw of result as RpcLog[]) {
      // Pending logs have no block yet; only mined ones are part of a range.
      if (!raw || raw.blockHash === null || raw.blockNumber === null || raw.logIndex === null) continue;
      const log = decode(raw);
      found.set(`${log.blockHash}:${log.logIndex}`, log);
    }
    start = end + 1;
  }
  return [...found.values()].sort(compareLogs);
}

/** Chain order: block number, then log index. */
export function compareLogs(a: ChainLog, b: ChainLog): number {
  return a.blockNumber - b.blockNumber || a.logIndex - b.logIndex;
}

/** `RpcRequest` over the client's provider (its timeout and error translation apply). */
export function clientRequest(client: Client): RpcRequest {
  return (method, params, signal) => {
    const send = () => client.provider.send(method, params) as Promise<unknown>;
    const sent = signal ? withDeadline(send, { signal, what: `${method} from ${client.endpoint}` }) : send();
    return sent.catch((err: unknown) => {
      throw toChaincallError(err, client.provider.boundary);
    });
  };
}

/** Checks a block spec without asking the node; returns its number, or undefined for a tag. */
function checkBlockSpec(block: unknown, name: string): number | undefined {
  if (typeof block === "bigint" || typeof block === "number") {
    const n = Number(block);
    if (!Number.isSafeInteger(n) || n < 0)
      throw new ChaincallError("INVALID_ARGUMENT", `${name} must be a block number ≥ 0, got ${String(block)}`);
    return n;
  }
  if (block !== "earliest" && block !== "latest" && block !== "safe" && block !== "finalized") {
    throw new ChaincallError(
      "INVALID_ARGUMENT",
      `${name} must be a block number or one of earliest, latest, safe, finalized; got ${describeValue(block)}`,
    );
  }
  return undefined;
}

/** Resolves a block spec to a number (tags through the node). */
async function resolveBlock(request: RpcRequest, block: BlockSpec, name: string, signal?: AbortSignal): Promise<number> {
  const n = checkBlockSpec(block, name);
  if (n !== undefined) return n;
  if (block === "earliest") return 0;
  if (block === "latest") return Number(await request("eth_blockNumber", [], signal));
  const header = (await request("eth_getBlockByNumber", [block, false], signal)) as { number?: string } | null;
  if (!header?.number) throw new ChaincallError("RPC_ERROR", `the node has no "${block}" block`);
  return Number(header.number);
}

function checkPageSize(pageSize: number | undefined): number {
  const size = pageSize ?? DEFAULT_LOG_PAGE_SIZE;
  if (!Number.isSafeInteger(size) || size < 1)
    throw new ChaincallError("INVALID_ARGUMENT", `pageSize must be a whole number of blocks ≥ 1, got ${pageSize}`);
  return size;
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new ChaincallError("ABORTED", "aborted while fetching logs", { cause: signal.reason });
}

/** A JSON-RPC quantity. */
export function hex(n: number): string {
  return `0x${n.toString(16)}`;
}
