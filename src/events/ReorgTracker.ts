import type { ChainLog } from "./createLogDecoder.js";
import { compareLogs } from "./getLogs.js";

/** What `watchLogs` keeps of a block header. */
export interface BlockHeader {
  number: number;
  hash: string;
  parentHash: string;
}

/**
 * What a log watcher has delivered: every block up to `last`, and the hashes and logs of the recent blocks
 * (`window` of them) — enough to find where a reorg forked and which delivered logs left the chain.
 * Internal to `watchLogs`; it asks no node itself.
 * @example
 * const tracker = new ReorgTracker(64);
 * tracker.start(100, headOf100.hash);
 * tracker.advance(headers101to105, logs, 105);
 */
export class ReorgTracker {
  #last = -1;
  readonly #hashes = new Map<number, string>();
  readonly #recent = new Map<number, ChainLog[]>();

  constructor(readonly window: number) {}

  /** The last block whose logs were delivered (−1 before any). */
  get last(): number {
    return this.#last;
  }

  /** True while no block hash is known (nothing delivered yet, e.g. a `fromBlock` ahead of the chain). */
  get empty(): boolean {
    return this.#hashes.size === 0;
  }

  /** Starts after block `last`, whose hash is given when the block exists. */
  start(last: number, hash: string | undefined): void {
    this.#last = last;
    if (hash !== undefined) this.#hashes.set(last, hash);
  }

  /** The delivered hash of block `n`, if remembered. */
  hashOf(n: number): string | undefined {
    return this.#hashes.get(n);
  }

  /**
   * The newest remembered block at or below `from` whose hash `hashAt` still gives: the fork. `deeper`
   * when none is (the reorg replaced more than the window): the fork is then taken below the oldest one.
   */
  async findFork(
    from: number,
    hashAt: (n: number) => Promise<string | undefined>,
  ): Promise<{ fork: number; deeper: boolean; oldest: number }> {
    const oldest = Math.min(...this.#hashes.keys());
    for (let n = Math.min(from, this.#last); n >= oldest; n--) {
      const known = this.#hashes.get(n);
      if (known === undefined) continue;
      if ((await hashAt(n)) === known) return { fork: n, deeper: false, oldest };
    }
    return { fork: oldest - 1, deeper: true, oldest };
  }

  /** The delivered logs after block `fork`, newest first, marked `removed`; and how many delivered blocks that is. */
  removedAfter(fork: number): { removed: ChainLog[]; depth: number } {
    const removed = [...this.#recent.entries()]
      .filter(([n]) => n > fork)
      .flatMap(([, logs]) => logs)
      .sort(compareLogs)
      .reverse()
      .map((log) => ({ ...log, removed: true }));
    return { removed, depth: this.#last - fork };
  }

  /** Forgets everything after block `fork` (once its removed logs are delivered). */
  rollback(fork: number): void {
    for (const n of [...this.#hashes.keys()]) if (n > fork) this.#hashes.delete(n);
    for (const n of [...this.#recent.keys()]) if (n > fork) this.#recent.delete(n);
    this.#last = fork;
  }

  /** Records blocks up to `to` as delivered: their checked headers and their logs (once delivered). */
  advance(headers: readonly BlockHeader[], logs: readonly ChainLog[], to: number): void {
    for (const h of headers) this.#hashes.set(h.number, h.hash);
    for (const log of logs) {
      if (log.blockNumber < to - this.window) continue;
      const list = this.#recent.get(log.blockNumber) ?? [];
      list.push(log);
      this.#recent.set(log.blockNumber, list);
    }
    this.#last = to;
    for (const n of [...this.#hashes.keys()]) if (n <= to - this.window && n !== to) this.#hashes.delete(n);
    for (const n of [...this.#recent.keys()]) if (n <= to - this.window) this.#recent.delete(n);
  }
}
