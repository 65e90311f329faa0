import type { ChaincallProvider } from "../client/createProvider.js";
import { getOrAdd } from "../utils/getOrAdd.js";

/**
 * Keeps a provider's gas estimates and its send pump's batches apart: any number of estimates at once, or
 * one batch of transactions, never both. Work beside a batch widens the gap in which Anvil's pool can strand
 * a burst (see poolSafeBatches: measured before that fix, 2 stalls in 60 pre-signed bursts of batches with
 * estimates running beside them, 0 in 60 without); the node also takes the batch in sooner alone.
 * A waiting batch goes before estimates that come after it, so a stream of estimates cannot hold sends back;
 * estimates wait for at most the batch in flight.
 * @example await sendGate(provider).write(() => provider.sendInOrder(requests));
 */
export class SendGate {
  private estimates = 0;
  private writing = false;
  private readonly writers: (() => void)[] = [];
  private readonly readers: (() => void)[] = [];

  /** Runs an estimate once no batch is being written or waiting. */
  async estimate<T>(work: () => Promise<T>): Promise<T> {
    while (this.writing || this.writers.length > 0) await new Promise<void>((resolve) => this.readers.push(resolve));
    this.estimates++;
    try {
      return await work();
    } finally {
      this.estimates--;
      this.wake();
    }
  }

  /** Writes a batch once no estimate is in flight and no other batch is being written. */
  async write<T>(work: () => Promise<T>): Promise<T> {
    while (this.writing || this.estimates > 0) await new Promise<void>((resolve) => this.writers.push(resolve));
    this.writing = true;
    try {
      return await work();
    } finally {
      this.writing = false;
      this.wake();
    }
  }

  private wake(): void {
    if (this.writing || this.estimates > 0) return;
    const writer = this.writers.shift();
    if (writer) writer();
    else for (const reader of this.readers.splice(0)) reader();
  }
}

const gates = new WeakMap<ChaincallProvider, SendGate>();

/** The provider's gate (one per provider: its estimates and its batches go to the same node). */
export function sendGate(provider: ChaincallProvider): SendGate {
  return getOrAdd(gates, provider, () => new SendGate());
}
