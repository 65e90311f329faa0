import type { ChaincallProvider } from "../client/createProvider.js";

/** How long a dev chain may leave a burst's accepted transactions unmined, without progress, before they count as stalled. */
export const STALL_MS = 2_000;
/** How often the check reads the account's mined count while a burst's transactions are unmined. */
const POLL_MS = 200;

/** What the stall check reports when it gave up waiting: what it re-broadcast. */
export interface Stall {
  /** The account's mined count when the check gave up. */
  minedCount: number;
  /** Nonces re-broadcast (held keys: their signed bytes again), lowest first. */
  rebroadcast: number[];
}

/**
 * Watches that an automining dev chain mines what a burst sent. Anvil sometimes stops mining during fast
 * bursts and leaves the rest of a burst in its pool; after a burst, this reads the account's mined
 * (`latest`) count every POLL_MS until everything sent is mined. When the count stays put for STALL_MS, it
 * re-broadcasts, once, each unmined transaction it holds the bytes of (in nonce order, one at a time: an
 * "already known" answer is fine); when the node says it automines (`anvil_getAutomine`,
 * `hardhat_getAutomine`), it also asks for one block (`evm_mine`), since an automining node that holds
 * them should have mined them already (a node whose mining was turned off is left alone). It reports the
 * stall, so the queue stops pumping batches at that node and broadcasts one by one from then on.
 * Bounded: one check runs at a time, it ends once everything is mined, on a stall, or when the node stops
 * answering; its timers do not keep the process alive.
 * @example const check = stallCheck(provider, address); check.sent(7, raw); const stall = await check.afterBurst();
 */
export function stallCheck(provider: ChaincallProvider, address: string, stallMs: number = STALL_MS): StallCheck {
  return new StallCheck(provider, address, stallMs);
}

export class StallCheck {
  /** Accepted transactions not yet seen mined: nonce → signed bytes (none for a node-signed one). */
  private readonly unmined = new Map<number, string | undefined>();
  private running = false;

  constructor(
    private readonly provider: ChaincallProvider,
    private readonly address: string,
    private readonly stallMs: number,
  ) {}

  /** Records a transaction the node accepted. */
  sent(nonce: number, raw?: string): void {
    this.unmined.set(nonce, raw);
  }

  /**
   * Waits until every recorded transaction is mined (undefined), or reports a stall after re-broadcasting.
   * Resolves undefined at once when another check is running, or when the node cannot be asked.
   */
  async afterBurst(): Promise<Stall | undefined> {
    if (this.running || this.unmined.size === 0) return undefined;
    this.running = true;
    try {
      let minedCount = -1;
      let progressAt = Date.now();
      for (;;) {
        const count = Number(await this.provider.sendNow("eth_getTransactionCount", [this.address, "latest"]));
        for (const nonce of this.unmined.keys()) if (nonce < count) this.unmined.delete(nonce);
        if (this.unmined.size === 0) return undefined;
        if (count > minedCount) {
          minedCount = count;
          progressAt = Date.now();
        } else if (Date.now() - progressAt >= this.stallMs) return await this.rebroadcast(count);
        await new Promise((resolve) => setTimeout(resolve, POLL_MS).unref());
      }
    } catch {
      // The node stopped answering (or the client was closed): each send's own wait reports what happens.
      return undefined;
    } finally {
      this.running = false;
    }
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
    const rebroadcast: number[] = [];
    for (const [nonce, raw] of [...this.unmined].sort(([a], [b]) => a - b)) {
      if (raw === undefined) continue;
      rebroadcast.push(nonce);
      // "already known" (or a refusal) changes nothing: the broadcast is only a nudge.
      await this.provider.sendNow("eth_sendRawTransaction", [raw]).catch(() => undefined);
    }
    if (await this.automines()) await this.provider.sendNow("evm_mine", []).catch(() => undefined);
    // Told once: should they stay unmined, their waits report it.
    this.unmined.clear();
    return { minedCount, rebroadcast };
  }
}
