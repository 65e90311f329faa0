import type { ChaincallProvider } from "../client/createProvider.js";
import { writeLowestLast } from "./poolSafeBatches.js";

/** How long a dev chain may leave a burst's accepted transactions unmined, without progress, before they count as stalled. */
export const STALL_MS = 2_000;
/** How often the check reads the account's mined count while a burst's transactions are unmined. */
const POLL_MS = 200;

/** What the stall check reports when it gave up waiting: what it re-broadcast. */
export interface Stall {
  /** The account's mined count when the check gave up. */
  minedCount: number;
  /** Nonces re-broadcast (their signed bytes again), lowest first. */
  rebroadcast: number[];
  /** True when, that not being enough, the account's transactions were taken out of the pool and sent again (see `resendThroughEmptyPool`). */
  resent: boolean;
}

/**
 * Watches that an automining dev chain mines what a burst sent. Anvil sometimes stops mining during fast
 * bursts and leaves the rest of a burst in its pool; after a burst, this reads the account's mined
 * (`latest`) count every POLL_MS until everything sent is mined. When the count stays put for STALL_MS, it
 * re-broadcasts, once, each unmined transaction it holds the bytes of (in nonce order, one at a time: an
 * "already known" answer is fine); when the node says it automines (`anvil_getAutomine`,
 * `hardhat_getAutomine`) and the count still does not move, the node is stuck (an automining node that holds
 * them should have mined them already), and the account's transactions are taken out of its pool and sent
 * again (see `resendThroughEmptyPool`). A node whose mining was turned off is left alone. It reports the
 * stall, so the queue stops pumping batches at that node and broadcasts one by one from then on.
 * Bounded: one check runs at a time, it ends once everything is mined, on a stall, or when the node stops
 * answering; its timers do not keep the process alive. The client's `close()` waits for it (bounded, see
 * `settle`), so a burst sent just before closing is watched too.
 * @example const check = stallCheck(provider, address); check.sent(7, raw, hash); const stall = await check.afterBurst();
 */
export function stallCheck(provider: ChaincallProvider, address: string, stallMs: number = STALL_MS): StallCheck {
  return new StallCheck(provider, address, stallMs);
}

export class StallCheck {
  /** Accepted transactions not yet seen mined: nonce → signed bytes and hash. */
  private readonly unmined = new Map<number, HeldTransaction>();

  constructor(
    private readonly provider: ChaincallProvider,
    private readonly address: string,
    private readonly stallMs: number,
  ) {}

  /** Records a transaction (signed here: its bytes and hash) the node accepted. */
  sent(nonce: number, raw: string, hash: string): void {
    this.unmined.set(nonce, { raw, hash });
  }

  /**
   * Waits until every recorded transaction is mined (undefined), or reports a stall after re-broadcasting.
   * Resolves undefined at once when nothing is unmined or when the node cannot be asked; while a check runs,
   * gives that check's outcome.
   */
  afterBurst(): Promise<Stall | undefined> {
    if (this.current) return this.current;
    if (this.unmined.size === 0) return Promise.resolve(undefined);
    const check = this.watch().finally(() => {
      this.current = undefined;
    });
    this.current = check;
    return check;
  }

  /**
   * For the client's `close()`: waits, at most `limitMs`, until what the bursts sent is mined, or the stall
   * check has done what it can. A burst closed right after it was sent is still watched (the check works
   * only while the client is open); nothing unmined, it returns at once.
   */
  async settle(limitMs: number): Promise<void> {
    if (this.unmined.size === 0 && !this.current) return;
    // Not unref'd, unlike the check's own timers: a process whose last step is `await client.close()` must
    // not exit in the middle of it (the limit bounds how long it stays).
    let timer: NodeJS.Timeout | undefined;
    const limit = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, limitMs);
    });
    await Promise.race([this.afterBurst(), limit]);
    clearTimeout(timer);
  }

  private current: Promise<Stall | undefined> | undefined;

  private async watch(): Promise<Stall | undefined> {
    try {
      let minedCount = -1;
      let progressAt = Date.now();
      for (;;) {
        const count = await this.minedCount();
        if (count < minedCount) {
          // The chain went back (a snapshot reverted, a restart): what it lost is not sent again from here
          // (the next send journals it gone and reuses its nonce; `journal --rebroadcast` is the deliberate way).
          this.unmined.clear();
          return undefined;
        }
        for (const nonce of this.unmined.keys()) if (nonce < count) this.unmined.delete(nonce);
        if (this.unmined.size === 0) return undefined;
        if (count > minedCount) {
          minedCount = count;
          progressAt = Date.now();
        } else if (Date.now() - progressAt >= this.stallMs) {
          // Only a stall of our own: the node's next nonce to mine is one of ours. Otherwise it waits for a
          // transaction this check does not hold (another sender's, or one the node lost), which no
          // re-broadcast of ours can replace.
          if (!this.unmined.has(count)) {
            this.unmined.clear();
            return undefined;
          }
          return await this.rebroadcast(count);
        }
        await pause();
      }
    } catch {
      // The node stopped answering (or the client was closed): each send's own wait reports what happens.
      this.unmined.clear();
      return undefined;
    }
  }

  /**
   * Forgets the recorded transactions at or above `pendingCount`, the account's count of mined and pooled
   * transactions at the node: the node has none of them (a revert, a restart, a drop), so they are not
   * watched (nor sent again) any more. The send pipeline calls it when it reads the count at a burst's start.
   */
  forgetFrom(pendingCount: number): void {
    for (const nonce of this.unmined.keys()) if (nonce >= pendingCount) this.unmined.delete(nonce);
  }

  // Whether the node mines each transaction as it comes (Anvil's and Hardhat's own methods; false when it cannot tell).
  private async automines(): Promise<boolean> {
    for (const method of ["anvil_getAutomine", "hardhat_getAutomine"]) {
      const answer = await this.provider.sendNow(method, []).catch(() => undefined);
      if (typeof answer === "boolean") return answer;
    }
    return false;
  }

  private async rebroadcast(minedCount: number): Promise<Stall> {
    const byNonce = [...this.unmined].sort(([a], [b]) => a - b);
    const held = byNonce.map(([, transaction]) => transaction);
    // "already known" (or a refusal) changes nothing: the broadcast is only a nudge.
    await this.sendAll(held);
    let resent = false;
    if (await this.automines()) {
      // Still no progress one poll later: the node is stuck.
      await pause();
      if ((await this.minedCount()) <= minedCount) resent = await this.resendThroughEmptyPool(held);
    }
    // Told once: should they stay unmined, their waits report it.
    this.unmined.clear();
    return { minedCount, rebroadcast: byNonce.map(([nonce]) => nonce), resent };
  }

  // The account's mined (`latest`) transaction count.
  private async minedCount(): Promise<number> {
    return Number(await this.provider.sendNow("eth_getTransactionCount", [this.address, "latest"]));
  }

  // Sends each one's bytes again, in the order given, one at a time; an answer changes nothing.
  private async sendAll(held: HeldTransaction[]): Promise<void> {
    for (const { raw } of held) await this.provider.sendNow("eth_sendRawTransaction", [raw]).catch(() => undefined);
  }

  /**
   * Anvil (1.x) sometimes files an account's next transaction as queued, waiting for a predecessor already
   * mined (see poolSafeBatches), and everything after it with it: sending it again answers "transaction already
   * imported", and neither that nor mining a block moves it. What heals it: the account's transactions taken out
   * of the pool (`anvil_removePoolTransactions`) and sent again, the same bytes, so the same hashes: every
   * send's wait sees its own transaction mined. Sent again as one batch and then the lowest alone (the order
   * Anvil cannot strand, see `writeLowestLast`): out of the pool for two round trips, too short for a wait to
   * take one for dropped (it looks twice, a poll apart; sent one by one, the last of 54 was judged dropped
   * once). Done only when every transaction the pool holds for the account is one of these (another sender's
   * would be lost); true when done.
   */
  private async resendThroughEmptyPool(held: HeldTransaction[]): Promise<boolean> {
    const pooled = poolHashes(await this.provider.sendNow("txpool_content", []).catch(() => undefined), this.address);
    if (!pooled) return false;
    const ours = new Set(held.map(({ hash }) => hash.toLowerCase()));
    if (pooled.some((hash) => !ours.has(hash))) return false;
    try {
      await this.provider.sendNow("anvil_removePoolTransactions", [this.address]);
    } catch {
      return false; // not Anvil: nothing more to try
    }
    // Nothing of the account's is left unmined below them: no wait before the lowest. The outcome of each
    // changes nothing here: every send's wait reports what becomes of its own.
    const requests = held.map(({ raw }) => ({ method: "eth_sendRawTransaction", params: [raw] }));
    await writeLowestLast(
      requests,
      (batch) => this.provider.sendInOrder(batch),
      async () => undefined,
    ).catch(() => undefined);
    return true;
  }
}

/** A burst's transaction as the check holds it. */
interface HeldTransaction {
  raw: string;
  hash: string;
}

// One poll's wait (its timer does not keep the process alive).
function pause(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, POLL_MS).unref());
}

/** The hashes (lower case) of the pool's pending and queued transactions from `address`, or undefined for an answer of another shape. */
function poolHashes(content: unknown, address: string): string[] | undefined {
  if (typeof content !== "object" || content === null) return undefined;
  const hashes: string[] = [];
  for (const part of ["pending", "queued"]) {
    const byAddress = (content as Record<string, unknown>)[part];
    if (typeof byAddress !== "object" || byAddress === null) return undefined;
    for (const [from, byNonce] of Object.entries(byAddress)) {
      if (from.toLowerCase() !== address.toLowerCase() || typeof byNonce !== "object" || byNonce === null) continue;
      for (const tx of Object.values(byNonce)) {
        const hash = (tx as { hash?: unknown } | null)?.hash;
        if (typeof hash !== "string") return undefined;
        hashes.push(hash.toLowerCase());
      }
    }
  }
  return hashes;
}
