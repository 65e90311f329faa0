import { ChaincallError } from "../errors/ChaincallError.js";
import { classifyBroadcastFailure, isNonceTooHigh } from "./classifyBroadcastFailure.js";
import { UnknownOutcomeError } from "./UnknownOutcomeError.js";

/** One transaction waiting for its nonce: signing and broadcasting are separate so a group can pipeline. */
export interface QueueJob<S, T> {
  /** Signs (and journals) the transaction with `nonce`. Called in nonce order. */
  sign(nonce: number): Promise<S>;
  /** Broadcasts what `sign` produced; resolves once the node accepted it. */
  send(signed: S): Promise<T>;
  /** Records that the node refused what `sign` produced (so the journal never offers it for re-broadcast). */
  refused?(signed: S, err: unknown): void;
  /** Records that what `sign` produced was never sent (the node stopped answering before its turn). */
  unsent?(signed: S, err: unknown): void;
}

/** What the queue needs of the account's signer. */
export interface QueueAccount {
  /** The account's `pending` transaction count at the node. */
  fetchNonce(): Promise<number>;
  /** Uses up `nonce` with a transaction that does nothing (0 value to itself), to close a gap. */
  fill(nonce: number): Promise<void>;
  /**
   * Transactions of unknown fate from earlier runs (the journal's unsettled `unknown` entries of this
   * account): asked once, before the queue's first group, so their nonces stay reserved across processes.
   */
  recover?(): UnknownOutcomeError[];
  /**
   * Asks the chain about a transaction of unknown fate through this account's client (as its `settle`
   * would, but the client that sent it may be closed since: another client of the same node and account
   * in the process asks instead). True when the nonce is used; throws while the chain cannot be asked.
   */
  settle?(pending: UnknownOutcomeError): Promise<boolean>;
  /** Called when a burst is over (nothing waits): checks in the background that what it sent gets mined. Never throws. */
  afterBurst?(): Promise<void>;
}

interface Waiting {
  account: QueueAccount;
  job: QueueJob<unknown, unknown>;
  explicitNonce?: number;
  resolve(value: unknown): void;
  reject(err: unknown): void;
}

/** Most transactions broadcast together (one JSON-RPC batch). */
export const MAX_GROUP = 100;

/**
 * Nonce allocation for one account on one chain at one node.
 *
 * Sends wait here after their own preparation (fees, gas), which runs concurrently. Whatever is waiting
 * when the previous group is done forms the next group: its transactions get consecutive nonces, are
 * signed in nonce order, and are broadcast in that order, each once the node has answered for the one
 * before (signing the next meanwhile). A nonce is consumed only by a transaction the node accepted:
 * - a refused transaction at the end of a group leaves no trace: the next send takes its nonce;
 * - a refused transaction below accepted ones would leave a gap that blocks them: its nonce is filled
 *   with a transaction that does nothing (0 value to the sender itself), and the refusal is reported;
 * - "nonce too high" (Hardhat's node refuses queued nonces while automining: the sends after a refused one
 *   meet it) is not a failure: those sends are signed again with the right nonces, and from then on this
 *   account's sends go one group of one at a time at that node.
 * - a broadcast whose outcome is unknown (`UnknownOutcomeError`: the answer proved no refusal and the chain
 *   could not be asked) keeps its nonce: before the next group, the chain is asked again, and until it says
 *   the transaction is not there no other transaction is signed for that nonce (the group fails instead).
 * - once a broadcast shows the node cannot be reached (its outcome unknown, or never delivered), the rest of
 *   the group is not sent: each would wait for its own deadline in turn (a dead WebSocket answers nothing),
 *   and none could be mined above the gap. They fail as not sent, and are journalled so.
 * The counter is read from the node when a burst starts (the queue was empty), so sends made elsewhere, a
 * node restart or a dev-chain snapshot revert are picked up; within a burst it counts locally. (Reading it is
 * the account's `fetchNonce`: the signer journals there, as gone, what the node no longer has.)
 *
 * @example
 * const queue = accountQueue("http://127.0.0.1:8545", 31337n, address);
 * const tx = await queue.submit(account, { sign: (nonce) => signAndJournal(nonce), send: (raw) => provider.broadcastTransaction(raw) });
 */
export class AccountQueue {
  private next: number | undefined;
  private readonly waiting: Waiting[] = [];
  private draining = false;
  /** Set once the node refused a queued nonce: groups of one from then on. */
  private serial = false;
  /** Nonces whose transaction's fate is unknown, kept reserved until the chain tells. */
  private readonly unresolved = new Map<number, UnknownOutcomeError>();
  private recovered = false;

  /**
   * Queues a transaction; resolves with what `job.send` resolved to.
   * @param explicitNonce a nonce the caller insists on (`--nonce`): used as is, alone, and the counter is re-read afterwards
   * @throws whatever `sign` or `send` threw; the nonce is then not consumed
   */
  submit<S, T>(account: QueueAccount, job: QueueJob<S, T>, explicitNonce?: number): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.waiting.push({
        account,
        job: job as QueueJob<unknown, unknown>,
        explicitNonce,
        resolve: resolve as (v: unknown) => void,
        reject,
      });
      if (!this.draining) {
        this.draining = true;
        // Sends issued in the same tick join the first group.
        setImmediate(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    const account = this.waiting[0].account;
    try {
      while (this.waiting.length > 0) await this.runGroup(this.takeGroup());
    } finally {
      this.draining = false;
      // The burst is over: the next one starts from the node's count.
      this.next = undefined;
      // Not awaited: the next burst does not wait for this one to be mined.
      void account.afterBurst?.();
    }
  }

  private takeGroup(): Waiting[] {
    if (this.waiting[0].explicitNonce !== undefined || this.serial) return this.waiting.splice(0, 1);
    let size = 0;
    while (size < this.waiting.length && size < MAX_GROUP && this.waiting[size].explicitNonce === undefined) size++;
    return this.waiting.splice(0, size);
  }

  private async runGroup(group: Waiting[]): Promise<void> {
    const explicit = group[0].explicitNonce;
    let base: number;
    try {
      // An explicit nonce is the caller's decision (a replacement): it does not wait for unknown outcomes.
      if (!this.recovered) {
        this.recovered = true;
        for (const pending of group[0].account.recover?.() ?? [])
          if (!this.unresolved.has(pending.nonce)) this.unresolved.set(pending.nonce, pending);
      }
      if (explicit === undefined) await this.settleUnknown(group[0].account);
      if (explicit === undefined) {
        this.next ??= await group[0].account.fetchNonce();
        base = this.next;
      } else base = explicit;
    } catch (err) {
      for (const item of group) item.reject(err);
      return;
    }
    if (explicit !== undefined) this.next = undefined;

    // Sign in nonce order and broadcast one after another: each transaction leaves only once the node has
    // answered for the one before it, while the next is being signed. Nodes that take a JSON-RPC batch's
    // requests concurrently can see nonces out of order: Hardhat then refuses the early ones ("nonce too
    // high"), and Anvil, automining, can leave the whole rest of a burst in its pool, unmined. A signing
    // failure ends the group there (nothing after it was signed or sent).
    const broadcasts: Promise<PromiseSettledResult<unknown>>[] = [];
    const signed: unknown[] = [];
    let previous: Promise<PromiseSettledResult<unknown> | undefined> = Promise.resolve(undefined);
    for (let i = 0; i < group.length; i++) {
      try {
        signed.push(await group[i].job.sign(base + i));
      } catch (err) {
        group[i].reject(err);
        this.waiting.unshift(...group.slice(i + 1));
        group = group.slice(0, i);
        break;
      }
      const item = group[i];
      const mine = signed[i];
      const broadcast = previous
        .then((before) =>
          before?.status === "rejected" && haltsGroup(before.reason)
            ? Promise.reject(notSent(base + i, before.reason))
            : item.job.send(mine),
        )
        .then(
          (value): PromiseSettledResult<unknown> => ({ status: "fulfilled", value }),
          (reason): PromiseSettledResult<unknown> => ({ status: "rejected", reason }),
        );
      broadcasts.push(broadcast);
      previous = broadcast;
    }
    if (group.length === 0) return;
    const results = await Promise.all(broadcasts);
    let highestAccepted = -1;
    // A transaction of unknown fate may be at the node: its nonce counts as used until the chain says otherwise.
    for (const [i, r] of results.entries()) if (r.status === "fulfilled" || r.reason instanceof UnknownOutcomeError) highestAccepted = i;
    let resync = false;
    const retry: Waiting[] = [];
    for (let i = 0; i < group.length; i++) {
      const result = results[i];
      if (result.status === "fulfilled") {
        group[i].resolve(result.value);
        continue;
      }
      const err = result.reason;
      if (err instanceof UnknownOutcomeError) {
        this.unresolved.set(err.nonce, err);
        group[i].reject(err);
        continue;
      }
      if (skipped.has(err)) {
        group[i].job.unsent?.(signed[i], err);
        resync = true;
        group[i].reject(err);
        continue;
      }
      if (explicit === undefined && group.length > 1 && isNonceTooHigh(err)) {
        // A predecessor was refused (Hardhat takes no queued nonce): not accepted, so simply sign it again.
        // Groups of one from now on: should the node keep saying "too high", the next refusal is final
        // (it re-reads the count) instead of a retry loop.
        this.serial = true;
        group[i].job.refused?.(signed[i], err);
        retry.push(group[i]);
        continue;
      }
      group[i].job.refused?.(signed[i], err);
      if (needsResync(err)) resync = true;
      else if (i < highestAccepted) await this.fillGap(group[i].account, base + i);
      group[i].reject(err);
    }
    this.waiting.unshift(...retry);
    if (explicit === undefined) this.next = resync ? undefined : base + highestAccepted + 1;
  }

  // Asks the chain about every nonce of unknown fate, lowest first: one that is there stays used; one that is
  // provably not there frees its nonce (the count is read again). Throws while one cannot be told.
  private async settleUnknown(account: QueueAccount): Promise<void> {
    for (const nonce of [...this.unresolved.keys()].sort((a, b) => a - b)) {
      const pending = this.unresolved.get(nonce)!;
      let there: boolean;
      try {
        there = await (account.settle ? account.settle(pending) : pending.settle());
      } catch (err) {
        throw new ChaincallError(
          "RPC_ERROR",
          `nonce ${nonce} is taken by ${pending.hash ? `transaction ${pending.hash}` : "a transaction the node signed"}, whose fate is still unknown: no other transaction is signed for it until the node can tell`,
          {
            cause: err,
            metaMessages: ["hint: `chaincall journal` reports it once the node answers"],
          },
        );
      }
      this.unresolved.delete(nonce);
      if (!there) this.next = undefined;
    }
  }

  // Accepted transactions above a refused one cannot be mined until its nonce is used.
  private async fillGap(account: QueueAccount, nonce: number): Promise<void> {
    try {
      await account.fill(nonce);
    } catch {
      // The node refuses even a no-op (e.g. the account ran out of gas money): the transactions above the
      // gap stay pending, and their waits end with a timeout naming them. Nothing better can be done here.
    }
  }
}

// Errors of the transactions a group did not send (see notSent).
const skipped = new WeakSet<object>();

// The node cannot be reached: the broadcast's outcome stayed unknown (the chain could not be asked either),
// or it was never delivered. Sending the rest of the group would only wait for each one's deadline.
function haltsGroup(err: unknown): boolean {
  return err instanceof UnknownOutcomeError || skipped.has(err as object) || classifyBroadcastFailure(err) === "unsent";
}

// The error of a transaction the group did not send, because the one before it could not reach the node.
function notSent(nonce: number, before: unknown): ChaincallError {
  const err = new ChaincallError(
    "RPC_ERROR",
    `not sent: the node could not be reached for the transaction before it (nonce ${nonce - 1}), so this one (nonce ${nonce}) was kept back`,
    { cause: before },
  );
  skipped.add(err);
  return err;
}

// A send whose nonce was taken (another process, a wallet) or whose fate is unknown (timeout) means the
// node's count must be read again. The provider translated the node's answer (nonce refusals worded
// "nonce too low", "invalid nonce"… are NONCE_ERROR); ethers' own codes count for errors it raised itself.
const RESYNC_CODES = new Set(["NONCE_ERROR", "TIMEOUT", "ABORTED", "NONCE_EXPIRED", "REPLACEMENT_UNDERPRICED"]);

function needsResync(err: unknown): boolean {
  const code = (err as { code?: unknown } | null | undefined)?.code;
  return typeof code === "string" && RESYNC_CODES.has(code);
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
