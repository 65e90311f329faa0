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
}

type Mode = "multicall" | "deployless" | "rpc";

interface Pending extends Read {
  resolve(result: string): void;
  reject(err: unknown): void;
}

/** EIP-3860's limit on creation code, which nodes apply to a deployless `eth_call` too. */
const MAX_INITCODE_BYTES = 49_152;

/**
 * Coalesces the `eth_call`s issued in one tick into as few node requests as possible:
 * - on a chain with Multicall3 at its canonical address, into `aggregate3` calls (failures allowed);
 * - otherwise into deployless calls: DeploylessMulticall3's creation code with the reads appended, run
 *   as an `eth_call` without `to`, whose constructor returns the results;
 * - if the node refuses even that, as plain `eth_call`s (the provider puts those in JSON-RPC batches).
 * Every read gets its own result or its own revert, exactly as a plain `eth_call` would have: a read that
 * failed inside an aggregate without revert data (which may be an out-of-gas of the aggregate rather than
 * its own failure) is run again on its own, and an aggregate the node refuses as a whole (gas cap, size)
 * is split in halves. A read alone in its tick goes out as a plain `eth_call`, without waiting.
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
  private readonly maxCalls: number;
  private readonly maxBytes: number;

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
      let group = this.groups.get(blockTag);
      if (!group) this.groups.set(blockTag, (group = []));
      group.push({ to: read.to, data: read.data, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        // Everything issued before the event loop turns joins this round (Promise.all of bindings included).
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const groups = [...this.groups];
    this.groups.clear();
    for (const [blockTag, reads] of groups) void this.run(reads, blockTag);
  }

  private async run(reads: Pending[], blockTag: string): Promise<void> {
    if (reads.length === 1 || this.options.multicall === false) return this.plain(reads, blockTag);
    let mode: Mode;
    try {
      mode = await this.detectMode();
    } catch {
      mode = "rpc";
    }
    if (mode === "rpc") return this.plain(reads, blockTag);
    await Promise.all(this.chunk(reads, mode).map((chunk) => this.aggregate(chunk, blockTag, mode)));
  }

  // Multicall3 at the canonical address, or not. Asked once per provider: it does not come and go.
  private detectMode(): Promise<Mode> {
    this.mode ??= this.transport.getCode(MULTICALL3_ADDRESS).then(
      (code) => (code !== "0x" ? "multicall" : "deployless"),
      (err) => {
        this.mode = undefined; // a failed probe is asked again next round
        throw err;
      },
    );
    return this.mode;
  }

  // Splits by count and by encoded size (a deployless call must also fit the creation-code limit).
  private chunk(reads: Pending[], mode: Mode): Pending[][] {
    const budget = mode === "deployless" ? MAX_INITCODE_BYTES - (DEPLOYLESS_MULTICALL3_CODE.length - 2) / 2 - 64 : this.maxBytes;
    const chunks: Pending[][] = [];
    let current: Pending[] = [];
    let bytes = 0;
    for (const read of reads) {
      const size = 160 + (read.data.length - 2) / 2 + 32;
      if (current.length > 0 && (current.length >= this.maxCalls || bytes + size > budget)) {
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

  private async aggregate(reads: Pending[], blockTag: string, mode: Mode): Promise<void> {
    if (reads.length === 1) return this.plain(reads, blockTag);
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
        return;
      }
      // Refused as a whole (gas cap, size): in halves, down to plain calls.
      if (mode === "deployless" && isUnsupported(err)) {
        this.mode = Promise.resolve("rpc");
        return this.plain(reads, blockTag);
      }
      const half = Math.ceil(reads.length / 2);
      await Promise.all([this.aggregate(reads.slice(0, half), blockTag, mode), this.aggregate(reads.slice(half), blockTag, mode)]);
      return;
    }
    const results = decodeResults(answer, reads.length);
    // Not an aggregate's answer (Multicall3 not there yet at that block): each read on its own.
    if (!results) return this.plain(reads, blockTag);
    const again: Pending[] = [];
    results.forEach((result, i) => {
      const read = reads[i];
      if (result.success) read.resolve(result.data);
      else if (result.data === "0x") again.push(read);
      else read.reject(this.transport.revertError(read, blockTag, result.data));
    });
    if (again.length > 0) await this.plain(again, blockTag);
  }

  private async plain(reads: Pending[], blockTag: string): Promise<void> {
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
  return code === "TIMEOUT" || code === "ABORTED" || /cannot reach/i.test((err as Error)?.message ?? "");
}

// A node that cannot run creation code in eth_call at all (rather than this particular chunk).
function isUnsupported(err: unknown): boolean {
  const text = `${(err as { shortMessage?: string })?.shortMessage ?? ""} ${(err as Error)?.message ?? ""}`;
  return /not supported|unsupported|method not found|missing.*\bto\b/i.test(text);
}
