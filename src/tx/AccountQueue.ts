import type { RpcOutcome, RpcRequest } from "../client/createProvider.js";
import { ChaincallError } from "../errors/ChaincallError.js";
import { classifyBroadcastFailure, isNonceTooHigh } from "./classifyBroadcastFailure.js";
import { UnknownOutcomeError } from "./UnknownOutcomeError.js";

/** How a job's broadcast reaches the node: one request, its result, or the node's (or the connection's) error. */
export type Post = (method: string, params: unknown[]) => Promise<unknown>;

/** One transaction waiting for its nonce: signing and broadcasting are separate so a group can pipeline. */
export interface QueueJob<S, T> {
  /** Signs (and journals) the transaction with `nonce`. Called in nonce order. */
  sign(nonce: number): Promise<S>;
  /**
   * Broadcasts what `sign` produced; resolves once the node accepted it. With `post` (batchable jobs only),
   * the broadcast is that one request, posted before `send`'s first `await`: the queue writes the requests
   * of several sends as one ordered JSON-RPC batch.
   */
  send(signed: S, post?: Post): Promise<T>;
  /** True when `send` broadcasts with exactly one request through `post` (see `send`). */
  readonly batchable?: boolean;
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
  /**
   * Called when a burst is over (nothing waits): checks in the background that what it sent gets mined.
   * Resolves true when the node left the burst unmined (a stall): the queue then stops pumping batches at
   * that node and broadcasts one by one. Never throws.
   */
  afterBurst?(): Promise<boolean | undefined>;
  /**
   * Writes requests (broadcasts of consecutive nonces from `firstNonce` up) as one JSON-RPC batch, each
   * answered on its own, answers in the requests' order (see the provider's `sendInOrder`); throws when the
   * batch as a whole failed. Without it, a group's broadcasts go one by one.
   */
  writeBatch?(requests: readonly RpcRequest[], firstNonce: number): Promise<RpcOutcome[]>;
}

interface Waiting {
  account: QueueAccount;
  job: QueueJob<unknown, unknown>;
  explicitNonce?: number;
  resolve(value: unknown): void;
  reject(err: unknown): void;
}

/** Most transactions given nonces together (one group). */
export const MAX_GROUP = 100;
/**
 * How long a group signs before what it signed is written (the send pump, see `AccountQueue`): short
 * enough that the node works on one slice while the next is signed, long enough that a slice is a batch
 * of tens (signing takes ≈ 0.3 ms a transaction). The first slice is shorter, so the node starts early.
 */
export const SLICE_MS = 10;
const FIRST_SLICE_MS = 3;
/** How often, while a batch is being written, signing pauses to let answers in. */
const LOOK_MS = 1;

/**
 * Nonce allocation for one account on one chain at one node.
 *
 * Sends wait here after their own preparation (fees, gas), which runs concurrently. Whatever is waiting
 * when the previous group is done forms the next group: its transactions get consecutive nonces, are
 * signed in nonce order, and are broadcast in that order. Held keys' transactions go through the send pump:
 * signed in slices of SLICE_MS, each slice written as one ordered JSON-RPC batch of
 * `eth_sendRawTransaction` once the node has answered the slice before, while the next slice is signed.
 * Other jobs (node-managed accounts) are broadcast one by one, each once the node has answered for the one
 * before (signing the next meanwhile). A nonce is consumed only by a transaction the node accepted:
 * - a refused transaction at the end of a group leaves no trace: the next send takes its nonce;
 * - a refused transaction below accepted ones would leave a gap that blocks them: its nonce is filled
 *   with a transaction that does nothing (0 value to the sender itself), and the refusal is reported;
 * - "nonce too high" (Hardhat's node refuses queued nonces while automining: the sends after a refused one
 *   meet it) is not a failure: those sends are signed again with the right nonces. Met in a batch (Hardhat
 *   takes a batch's requests concurrently), it ends the pump at that node: the slices not yet written are
 *   signed again too, and from then on groups are broadcast one by one. Met one by one, from then on this
 *   account's sends go one group of one at a time at that node.
 * - a broadcast whose outcome is unknown (`UnknownOutcomeError`: the answer proved no refusal and the chain
 *   could not be asked) keeps its nonce: before the next group, the chain is asked again, and until it says
 *   the transaction is not there no other transaction is signed for that nonce (the group fails instead).
 * - once a broadcast (or a slice) shows the node cannot be reached (its outcome unknown, or never delivered), the rest of
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
  /** Set once the node took a batch's transactions out of order, or left a burst unmined: no send pump from then on. */
  private unbatched = false;
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
      void account.afterBurst?.().then((stalled) => {
        if (stalled) this.unbatched = true;
      });
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

    const account = group[0].account;
    const pumped = !this.serial && !this.unbatched && account.writeBatch !== undefined && group.every((w) => w.job.batchable);
    const broadcast = pumped
      ? await this.pump(group, base, (requests, first) => account.writeBatch!(requests, first))
      : await this.oneByOne(group, base);
    if (broadcast.truncated) {
      // A signing failure ended the group there (that send is rejected): nothing after it was signed or sent.
      this.waiting.unshift(...group.slice(broadcast.signed.length + 1));
      group = group.slice(0, broadcast.signed.length);
    }
    const { signed, results } = broadcast;
    if (group.length === 0) return;
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
      if (heldBack.has(err)) {
        // Signed, never written: signed again with the right nonce.
        group[i].job.unsent?.(signed[i], err);
        retry.push(group[i]);
        continue;
      }
      if (pumped && isNonceTooHigh(err)) {
        // The node took the batch's transactions out of order (Hardhat): sign again, and broadcast one by one.
        this.unbatched = true;
        group[i].job.refused?.(signed[i], err);
        retry.push(group[i]);
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

  // Signs in nonce order and broadcasts one after another: each transaction leaves only once the node has
  // answered for the one before it, while the next is being signed. Nodes that take a JSON-RPC batch's
  // requests concurrently can see nonces out of order: Hardhat then refuses the early ones ("nonce too
  // high"), and Anvil, automining, can leave the whole rest of a burst in its pool, unmined.
  private async oneByOne(group: Waiting[], base: number): Promise<Broadcast> {
    const broadcasts: Promise<PromiseSettledResult<unknown>>[] = [];
    const signed: unknown[] = [];
    let previous: Promise<PromiseSettledResult<unknown> | undefined> = Promise.resolve(undefined);
    for (let i = 0; i < group.length; i++) {
      const item = group[i];
      try {
        signed.push(await item.job.sign(base + i));
      } catch (err) {
        item.reject(err);
        return { signed, results: await Promise.all(broadcasts), truncated: true };
      }
      const mine = signed[i];
      const broadcast = settle(
        previous.then((before) =>
          before?.status === "rejected" && haltsGroup(before.reason)
            ? Promise.reject(notSent(base + i, before.reason))
            : item.job.send(mine),
        ),
      );
      broadcasts.push(broadcast);
      previous = broadcast;
    }
    return { signed, results: await Promise.all(broadcasts), truncated: false };
  }

  // The send pump: signs in nonce order, in slices of SLICE_MS; what is signed is written as one ordered
  // batch as soon as the node has answered the batch before it, and signing goes on meanwhile (it yields
  // between slices, so answers are read and the next batch leaves while the node is still mining). The
  // rules of `oneByOne` hold between batches: once one shows the node cannot be reached, nothing more is
  // written; once one shows "nonce too high", nothing more is written either, and the rest is held back to
  // be signed again.
  private async pump(group: Waiting[], base: number, write: NonNullable<QueueAccount["writeBatch"]>): Promise<Broadcast> {
    const signed: unknown[] = [];
    const results: PromiseSettledResult<unknown>[] = [];
    let unwritten: number[] = [];
    let stop: ((nonce: number) => Error) | undefined;
    let writing = false;
    let written: Promise<void> = Promise.resolve();

    const writeSlice = async (slice: number[]): Promise<void> => {
      if (stop) {
        for (const i of slice) results[i] = { status: "rejected", reason: stop(base + i) };
        return;
      }
      const requests: RpcRequest[] = [];
      const answers: { resolve(value: unknown): void; reject(err: unknown): void }[] = [];
      let open = true;
      const sends = slice.map((i) =>
        settle(
          group[i].job.send(signed[i], (method, params) => {
            if (!open) return Promise.reject(new Error("a batchable job posted its broadcast after its batch was written"));
            requests.push({ method, params });
            return new Promise((resolve, reject) => answers.push({ resolve, reject }));
          }),
        ),
      );
      open = false;
      try {
        const outcomes = await write(requests, base + slice[0]);
        for (const [k, answer] of answers.entries()) {
          const outcome = outcomes[k];
          if ("error" in outcome) answer.reject(outcome.error);
          else answer.resolve(outcome.result);
        }
      } catch (err) {
        // Nothing is known of any of them: each send sorts out what this failure proves.
        for (const answer of answers) answer.reject(err);
      }
      const settled = await Promise.all(sends);
      for (const [k, i] of slice.entries()) results[i] = settled[k];
      const halting = settled.find((r) => r.status === "rejected" && haltsGroup(r.reason)) as PromiseRejectedResult | undefined;
      if (halting) stop = (nonce) => notSent(nonce, halting.reason);
      else if (settled.some((r) => r.status === "rejected" && isNonceTooHigh(r.reason))) stop = heldBackError;
    };
    const startWriting = (): void => {
      if (writing) return;
      writing = true;
      written = (async () => {
        try {
          while (unwritten.length > 0) {
            const slice = unwritten;
            unwritten = [];
            await writeSlice(slice);
          }
        } finally {
          writing = false;
        }
      })();
    };

    let truncated = false;
    let sliceEnds = performance.now() + FIRST_SLICE_MS;
    let lookAt = performance.now() + LOOK_MS;
    for (let i = 0; i < group.length; i++) {
      try {
        signed.push(await group[i].job.sign(base + i));
      } catch (err) {
        group[i].reject(err);
        truncated = true;
        break;
      }
      unwritten.push(i);
      if (i === group.length - 1) break;
      const now = performance.now();
      if (now >= sliceEnds) {
        startWriting();
        sliceEnds = now + SLICE_MS;
      } else if (!(writing && now >= lookAt)) continue;
      // Lets answers in (the batch in flight, what the writer asks before the next), so the next batch leaves
      // while this slice is signed.
      await new Promise((resolve) => setImmediate(resolve));
      lookAt = performance.now() + LOOK_MS;
    }
    // The writing loop takes what is left (a slice signed while the last batch was in flight included) and
    // ends once nothing is: nothing is signed any more.
    startWriting();
    await written;
    return { signed, results, truncated };
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

/** What a group's broadcasts came to, one result per signed transaction. */
interface Broadcast {
  signed: unknown[];
  results: PromiseSettledResult<unknown>[];
  /** Signing failed for the transaction after the last signed one (that send is rejected already). */
  truncated: boolean;
}

function settle(sent: Promise<unknown>): Promise<PromiseSettledResult<unknown>> {
  return sent.then(
    (value): PromiseSettledResult<unknown> => ({ status: "fulfilled", value }),
    (reason): PromiseSettledResult<unknown> => ({ status: "rejected", reason }),
  );
}

// Errors of the transactions a group did not send (see notSent).
const skipped = new WeakSet<object>();

// Errors of the transactions a pump signed but held back after a batch met "nonce too high".
const heldBack = new WeakSet<object>();

function heldBackError(nonce: number): Error {
  const err = new ChaincallError("RPC_ERROR", `not sent: the node took a batch out of order, so nonce ${nonce} is signed again`);
  heldBack.add(err);
  return err;
}

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
