import { ChaincallError } from "../errors/ChaincallError";

/**
 * Nonce allocation for one account on one chain at one node. Submissions run one at a time, in call order,
 * each with the next nonce; a nonce is consumed only when its submission succeeds, so a send that fails
 * before the node accepted it leaves no gap. Nodes that refuse queued (future) nonces, like Hardhat's while
 * automining, therefore always see them in order.
 *
 * The counter is read from the node (`pending` count) when a burst starts, i.e. whenever the queue had
 * drained: sends made elsewhere in the meantime, a node restart or a dev-chain snapshot revert are then
 * picked up. Within a burst it counts locally, so 200 concurrent sends cost one nonce read.
 *
 * @example
 * const queue = accountQueue("http://127.0.0.1:8545", 31337n, address);
 * const tx = await queue.submit(() => provider.getTransactionCount(address, "pending"), (nonce) => signAndBroadcast(nonce));
 */
export class AccountQueue {
  private next: number | undefined;
  private tail: Promise<unknown> = Promise.resolve();
  private pending = 0;

  /**
   * Runs `broadcast(nonce)` once every earlier submission of this account has settled.
   * @param fetchNonce reads the account's pending transaction count from the node
   * @param explicitNonce a nonce the caller insists on (`--nonce`): used as is, and the counter is re-read afterwards
   * @throws whatever `broadcast` throws; the nonce is then not consumed
   */
  submit<T>(fetchNonce: () => Promise<number>, broadcast: (nonce: number) => Promise<T>, explicitNonce?: number): Promise<T> {
    this.pending++;
    const run = this.tail.then(async () => {
      if (explicitNonce !== undefined) {
        try {
          return await broadcast(explicitNonce);
        } finally {
          this.next = undefined;
        }
      }
      if (this.next === undefined) this.next = await fetchNonce();
      const nonce = this.next;
      try {
        const result = await broadcast(nonce);
        this.next = nonce + 1;
        return result;
      } catch (err) {
        // A send that failed because the nonce was taken (another process, a wallet) or whose fate is unknown
        // (timeout) must re-read the node's count; a plain refusal keeps the nonce for the next send.
        if (needsResync(err)) this.next = undefined;
        throw err;
      }
    });
    const settled = run.then(
      () => this.settle(),
      () => this.settle(),
    );
    this.tail = settled;
    return run;
  }

  /** Forgets the cached nonce: the next submission asks the node again. */
  resync(): void {
    this.next = undefined;
  }

  private settle(): void {
    this.pending--;
    // The burst is over: the next one starts from the node's count.
    if (this.pending === 0) this.next = undefined;
  }
}

function needsResync(err: unknown): boolean {
  if (err instanceof ChaincallError && (err.code === "NONCE_ERROR" || err.code === "TIMEOUT" || err.code === "ABORTED")) return true;
  const text = String((err as { message?: unknown })?.message ?? "");
  return /nonce|timeout|timed out/i.test(text);
}

// One queue per (node, chain id, address) in the process, so clients of one node sharing an account share
// its nonces, while two local nodes that both call themselves chain 31337 do not.
const queues = new Map<string, AccountQueue>();

/** The process-wide queue of an account on a chain at a node (`endpoint` as printed, without credentials). */
export function accountQueue(endpoint: string, chainId: bigint, address: string): AccountQueue {
  const key = `${endpoint}|${chainId}|${address.toLowerCase()}`;
  let queue = queues.get(key);
  if (!queue) {
    queue = new AccountQueue();
    queues.set(key, queue);
  }
  return queue;
}
