import { isUnreachable, nodeSaid } from "../../errors/classify.js";
import { getOrAdd } from "../../utils/getOrAdd.js";
import { DEPLOYLESS_MULTICALL3_CODE } from "./bytecode.js";
import { decodeResults, encodeAggregate3, encodeDeploylessArgs, type Read } from "./encoding.js";

/** Where Multicall3 lives on most public chains (and where `installMulticall3` puts it on local ones). */
export const MULTICALL3_ADDRESS = "0xcA11bde05977b3631167028862bE2a173976CA11";

/** How concurrent reads are batched. */
export interface BatchOptions {
  /** Aggregate through Multicall3 (or its deployless form); `false`: JSON-RPC batches only. Default true. */
  multicall?: boolean;
  /** Most reads in one aggregated `eth_call`. Default 500. */
  maxCalls?: number;
  /** Most calldata bytes in one aggregated `eth_call` (Multicall3 form). Default 128 KiB. */
  maxBytes?: number;
}

/** What the batcher needs of the provider underneath it. */
export interface BatchTransport {
  /** One plain `eth_call`, bypassing the batcher; rejects with the provider's own (translated) errors. */
  call(tx: { to?: string; data: string }, blockTag: string): Promise<string>;
  /** The error a plain `eth_call` of `read` would have raised had the node reverted it with `revertData`. */
  revertError(read: Read, blockTag: string, revertData: string): Error;
  /** The code at an address (latest block). */
  getCode(address: string): Promise<string>;
  /** The node's `web3_clientVersion` (optional: without it every node is assumed to aggregate well). */
  clientVersion?(): Promise<string>;
  /**
   * Plain `eth_call`s in ONE JSON-RPC batch: each answer is its call's result or the error its own
   * `eth_call` would have raised; rejects when the batch as a whole got no answer. Optional.
   */
  callMany?(txs: { to: string; data: string }[], blockTag: string): Promise<({ result: string } | { error: Error })[]>;
}

type Mode = "multicall" | "deployless" | "rpc";

/**
 * Reads per JSON-RPC batch on Ganache (a local dev node: no gateway's batch limit to respect). Measured on
 * 1,000 reads: batches of 250 (sent together, so the client decodes one while Ganache runs the next) beat
 * one of 1,000 and ethers' ten of 100.
 */
const GANACHE_RPC_BATCH = 250;

interface Pending extends Read {
  resolve(result: string): void;
  reject(err: unknown): void;
}

/** How one aggregated `eth_call` ended. */
type Attempt = "done" | "broken" | "tooBig" | "failed" | "unanswered";

/** EIP-3860's limit on creation code, which nodes apply to a deployless `eth_call` too. */
const MAX_INITCODE_BYTES = 49_152;

/**
 * EIP-170's limit on the code a constructor returns, which Anvil, geth and Ganache apply to a deployless
 * `eth_call`'s answer too. Each read's result takes at least 160 bytes of it (a 32-byte return value):
 * at most 153 reads per deployless call. Longer return values are learned from the node's refusal.
 */
const MAX_CODE_BYTES = 24_576;
const MIN_RESULT_BYTES = 160;

/**
 * How long reads issued while one of this batcher's requests is in flight wait for company. A read with
 * nothing in flight goes out in its own tick (never slowed); behind a slow link, reads that trickle in while
 * a round trip runs gather into one aggregate instead of one request each.
 */
const WINDOW_MS = 2;

/** Below this many reads, an aggregate too big for the node is not split further: its reads go plain. */
const MIN_SPLIT = 8;

/**
 * Coalesces the `eth_call`s issued in one tick into as few node requests as possible:
 * - on a chain with Multicall3 at its canonical address, into `aggregate3` calls (failures allowed);
 * - otherwise into deployless calls: DeploylessMulticall3's creation code with the reads appended, run
 *   as an `eth_call` without `to`, whose constructor returns the results;
 * - if the node refuses even that, as plain `eth_call`s (the provider puts those in JSON-RPC batches).
 * Every read gets its own result or its own revert, exactly as a plain `eth_call` would have: a read that
 * failed inside an aggregate without revert data (which may be an out-of-gas of the aggregate rather than
 * its own failure) is run again on its own. A read alone in its tick goes out as a plain `eth_call`. While
 * one of the batcher's requests is in flight, new reads wait a short window (2 ms) for others to join them.
 *
 * Batching never costs more requests than it saves. Until an aggregate has worked once on this provider,
 * the first chunk of a burst goes alone, and the rest follow only once it has. An aggregate the node cannot
 * run at all (invalid opcode, creation code in `eth_call` not supported) switches this provider to plain
 * calls for good, and the reads go plain: a burst of N reads costs at most N + 1 requests. One too big for
 * the node (gas cap, EIP-170 code size of a deployless answer, request size) halves the reads per aggregate
 * for this provider from then on, and the next round probes again; chunks of fewer than 8 reads go plain.
 * Ganache runs each call inside an aggregate as slowly as a separate `eth_call` (measured: aggregates are
 * 1.1-1.8x slower than JSON-RPC batches there), so on Ganache reads go in JSON-RPC batches only, of up to
 * 250 reads each.
 * Only reads a contract cannot tell apart from a plain `eth_call` are aggregated: no `from`, no value, no
 * gas fields (the provider checks that before handing a read over).
 *
 * @example
 * const batcher = new ReadBatcher(transport);
 * const [a, b] = await Promise.all([batcher.read({ to, data }, "latest"), batcher.read({ to, data: other }, "latest")]);
 */
export class ReadBatcher {
  private readonly groups = new Map<string, Pending[]>();
  private scheduled = false;
  private mode: Promise<Mode> | undefined;
  // Whether an aggregate of the current mode and size has worked on this provider.
  private proven = false;
  private maxCalls: number;
  private readonly maxBytes: number;
  // Reads per JSON-RPC batch of plain calls sent by the batcher itself; 0: left to the provider (ethers' 100).
  private rpcBatch = 0;
  // Rounds (flushed groups) not yet settled: while there are some, new reads wait WINDOW_MS for company.
  private inFlight = 0;

  constructor(
    private readonly transport: BatchTransport,
    private readonly options: BatchOptions = {},
  ) {
    this.maxCalls = Math.max(1, options.maxCalls ?? 500);
    this.maxBytes = Math.max(1_024, options.maxBytes ?? 128 * 1_024);
  }

  /** Queues one read at `blockTag`; resolves with its return data, or rejects as a plain `eth_call` would. */
  read(read: Read, blockTag: string): Promise<string> {
    return new Promise<string>((resolve, reject) => {
      const group = getOrAdd(this.groups, blockTag, () => []);
      group.push({ to: read.to, data: read.data, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        // Everything issued before the event loop turns joins this round (Promise.all of bindings included);
        // with a round still in flight, everything issued within the window too.
        if (this.inFlight > 0) setTimeout(() => this.flush(), WINDOW_MS);
        else setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const groups = [...this.groups];
    this.groups.clear();
    for (const [blockTag, reads] of groups) {
      this.inFlight++;
      void this.run(reads, blockTag).finally(() => this.inFlight--);
    }
  }

  private async run(reads: Pending[], blockTag: string): Promise<void> {
    if (reads.length === 1 || this.options.multicall === false) return this.plain(reads, blockTag);
    let left = reads;
    // An aggregate that got no answer teaches nothing: the rest of the burst goes without probing.
    let probing = true;
    while (left.length > 0) {
      let mode: Mode;
      try {
        mode = await this.detectMode();
      } catch {
        mode = "rpc";
      }
      if (mode === "rpc" || left.length === 1) return this.plain(left, blockTag);
      const chunks = this.chunk(left, mode);
      if (!this.proven && probing && chunks.length > 1) {
        // One aggregate alone first: if the node cannot run it, only one request was spent finding out.
        const first = chunks.shift()!;
        const outcome = await this.aggregate(first, blockTag, mode);
        if (outcome === "done") this.proven = true;
        if (outcome === "unanswered") probing = false;
        left = [...(outcome === "tooBig" ? first : []), ...chunks.flat()];
        continue;
      }
      const outcomes = await Promise.all(chunks.map((chunk) => this.aggregate(chunk, blockTag, mode)));
      if (outcomes.every((outcome) => outcome === "done")) this.proven = true;
      if (outcomes.includes("tooBig")) probing = true;
      left = chunks.filter((_, i) => outcomes[i] === "tooBig").flat();
    }
  }

  // Multicall3 at the canonical address, or not; plain calls on Ganache. Asked once per provider.
  private detectMode(): Promise<Mode> {
    this.mode ??= this.pickMode().catch((err: unknown) => {
      this.mode = undefined; // a failed probe is asked again next round
      throw err;
    });
    return this.mode;
  }

  private async pickMode(): Promise<Mode> {
    const client = this.transport.clientVersion ? await this.transport.clientVersion().catch(() => "") : "";
    if (/^ganache\b/i.test(client)) {
      // Larger batches than ethers' 100: see GANACHE_RPC_BATCH.
      this.rpcBatch = GANACHE_RPC_BATCH;
      return "rpc";
    }
    return (await this.transport.getCode(MULTICALL3_ADDRESS)) !== "0x" ? "multicall" : "deployless";
  }

  // Splits by count and by encoded size (a deployless call must also fit the creation-code limit and its
  // answer the code-size limit).
  private chunk(reads: Pending[], mode: Mode): Pending[][] {
    const budget = mode === "deployless" ? MAX_INITCODE_BYTES - (DEPLOYLESS_MULTICALL3_CODE.length - 2) / 2 - 64 : this.maxBytes;
    const most = mode === "deployless" ? Math.min(this.maxCalls, Math.floor((MAX_CODE_BYTES - 64) / MIN_RESULT_BYTES)) : this.maxCalls;
    const chunks: Pending[][] = [];
    let current: Pending[] = [];
    let bytes = 0;
    for (const read of reads) {
      const size = 160 + (read.data.length - 2) / 2 + 32;
      if (current.length > 0 && (current.length >= most || bytes + size > budget)) {
        chunks.push(current);
        current = [];
        bytes = 0;
      }
      current.push(read);
      bytes += size;
    }
    if (current.length > 0) chunks.push(current);
    return chunks;
  }

  // One aggregated eth_call. Settles every read of the chunk, except after "tooBig" (then the caller
  // sends them again, in smaller aggregates).
  private async aggregate(reads: Pending[], blockTag: string, mode: Mode): Promise<Attempt> {
    if (reads.length === 1) {
      await this.plain(reads, blockTag);
      return "done";
    }
    const tx =
      mode === "multicall"
        ? { to: MULTICALL3_ADDRESS, data: encodeAggregate3(reads) }
        : { data: DEPLOYLESS_MULTICALL3_CODE + encodeDeploylessArgs(reads).slice(2) };
    let answer: string;
    try {
      answer = await this.transport.call(tx, blockTag);
    } catch (err) {
      // No answer at all: every read of the chunk fails the way its own eth_call would have.
      if (isUnanswered(err)) {
        for (const read of reads) read.reject(err);
        return "unanswered";
      }
      const failure = classifyAggregateFailure(err);
      if (failure === "broken") {
        // The node cannot run this kind of aggregate at all: plain calls for this provider from now on.
        this.mode = Promise.resolve("rpc");
      } else if (failure === "tooBig" && reads.length >= MIN_SPLIT) {
        const smaller = Math.floor(reads.length / 2);
        if (smaller < this.maxCalls) {
          this.maxCalls = smaller;
          this.proven = false;
        }
        return "tooBig";
      }
      await this.plain(reads, blockTag);
      return failure === "broken" ? "broken" : "failed";
    }
    const results = decodeResults(answer, reads.length);
    // Not an aggregate's answer (Multicall3 not there yet at that block): each read on its own.
    if (!results) {
      await this.plain(reads, blockTag);
      return "failed";
    }
    const again: Pending[] = [];
    results.forEach((result, i) => {
      const read = reads[i];
      if (result.success) read.resolve(result.data);
      else if (result.data === "0x") again.push(read);
      else read.reject(this.transport.revertError(read, blockTag, result.data));
    });
    if (again.length > 0) await this.plain(again, blockTag);
    return "done";
  }

  private async plain(reads: Pending[], blockTag: string): Promise<void> {
    const callMany = this.transport.callMany?.bind(this.transport);
    if (callMany && this.rpcBatch > 1 && reads.length > 1) {
      const slices: Pending[][] = [];
      for (let i = 0; i < reads.length; i += this.rpcBatch) slices.push(reads.slice(i, i + this.rpcBatch));
      await Promise.all(
        slices.map((slice) =>
          callMany(
            slice.map((read) => ({ to: read.to, data: read.data })),
            blockTag,
          ).then(
            (answers) => {
              for (const [i, answer] of answers.entries()) {
                if ("error" in answer) slice[i].reject(answer.error);
                else slice[i].resolve(answer.result);
              }
            },
            (err) => {
              for (const read of slice) read.reject(err);
            },
          ),
        ),
      );
      return;
    }
    await Promise.all(
      reads.map((read) =>
        this.transport.call({ to: read.to, data: read.data }, blockTag).then(
          (result) => read.resolve(result),
          (err) => read.reject(err),
        ),
      ),
    );
  }
}

// A timeout, an abort or an unreachable node: splitting would only multiply the waiting.
function isUnanswered(err: unknown): boolean {
  const code = (err as { code?: string })?.code;
  return code === "TIMEOUT" || code === "ABORTED" || isUnreachable(err);
}

/**
 * Why a whole aggregate failed: "broken" when the node cannot run such aggregates at all (an opcode it
 * does not know, creation code in eth_call refused), "tooBig" when this one was too large (gas cap, code
 * or request size), "failed" otherwise (its reads go plain, nothing is learned).
 */
function classifyAggregateFailure(err: unknown): "broken" | "tooBig" | "failed" {
  // What the node said, along the whole cause chain (a translated revert's own message is "execution
  // reverted: no reason given"; the node's words are further down). The wordings: NODE_MESSAGES.
  if (nodeSaid(err, "aggregateBroken")) return "broken";
  if (nodeSaid(err, "aggregateTooBig")) return "tooBig";
  return "failed";
}
