import { ChaincallError } from "../errors/ChaincallError.js";
import type { NodeIdentity } from "../registry/nodeIdentity.js";
import {
  appendJournal,
  appendJournalOutcome,
  appendJournalRefusal,
  type JournalEntry,
  type JournalOutcome,
  openJournal,
  readNodeJournal,
} from "./journal.js";
import { type StandingTransactions, standingTransactions } from "./standingTransactions.js";

/** What one transaction's journal entry records (the node's identity, sender and time are added). */
export interface SendJournalEntry {
  hash: string;
  nonce: number;
  to: string | null;
  /** The signed bytes (held keys only). */
  raw?: string;
}

/**
 * One account's journal at one node, as the send pipeline writes it: entries before the broadcast, the
 * outcome and refusal lines after it, and the record of which transactions stand for their nonces. With no
 * journal file (`path` null) every method does nothing.
 */
export interface SendJournal {
  /** The journal file, or null when journalling is off. */
  readonly path: string | null;
  /** Appends a transaction's entry; throws `JOURNAL_ERROR` when the file cannot be written. */
  entry(entry: SendJournalEntry): void;
  /** Throws `JOURNAL_ERROR` unless the file can be written (checked before a send whose entry comes after it). */
  assertWritable(): void;
  /** Appends what became of the broadcast of `hash` (see `JournalEntry.outcome`). */
  outcome(hash: string, outcome: JournalOutcome, code?: string): void;
  /** Appends that the node refused `hash`, with the error code. */
  refusal(hash: string, code: string): void;
  /**
   * The node's next nonce is `count`: a journalled transaction at or above it is one the node no longer has
   * (restarted without it, reverted, dropped from its pool). Its nonce is about to be handed out again, so
   * it is journalled gone first: one live transaction per nonce, and the lost one is never re-broadcast over
   * the new one (a wait for it ends replaced or dropped, never in success).
   */
  lost(count: number): void;
  /** This account's entries whose outcome is still unknown (an earlier run ended before the chain could be asked). */
  unsettled(): JournalEntry[];
}

/**
 * The journal of `address`'s sends at `node`, in the file `path` (null: none).
 * @example const journal = createSendJournal(client.journal, { chainId, genesis }, address); journal.entry({ hash, nonce, to, raw });
 */
export function createSendJournal(path: string | null, node: NodeIdentity, address: string): SendJournal {
  if (!path) return { path: null, entry() {}, assertWritable() {}, outcome() {}, refusal() {}, lost() {}, unsettled: () => [] };
  // This account's journalled transactions that stand for their nonces (see StandingTransactions).
  const standing = (): StandingTransactions => standingTransactions(path, node, address);
  const journal: SendJournal = {
    path,
    entry(entry) {
      // Read before the append: the record starts from what the journal held before this transaction.
      const record = standing();
      written(path, () =>
        appendJournal(path, {
          v: 1,
          chainId: node.chainId.toString(),
          ...(node.genesis ? { genesis: node.genesis } : {}),
          from: address,
          time: new Date().toISOString(),
          ...entry,
        }),
      );
      record.add(entry.nonce, entry.hash);
    },
    assertWritable() {
      written(path, () => openJournal(path));
    },
    outcome(hash, outcome, code) {
      written(path, () => appendJournalOutcome(path, hash, outcome, code));
      if (outcome === "unsent" || outcome === "gone") standing().remove(hash);
    },
    refusal(hash, code) {
      written(path, () => appendJournalRefusal(path, hash, code));
      standing().remove(hash);
    },
    lost(count) {
      for (const { hash } of standing().takeLost(count)) journal.outcome(hash, "gone");
    },
    unsettled() {
      // An unreadable journal has none: it is written to before anything is sent, which tells.
      try {
        const { entries } = readNodeJournal(path, node);
        return entries.filter((e) => e.outcome === "unknown" && !e.refused && e.from.toLowerCase() === address.toLowerCase());
      } catch {
        return [];
      }
    },
  };
  return journal;
}

// A journal that cannot be written (a read-only folder, a path that is a folder, a full disk) is its own
// failure, `JOURNAL_ERROR`: before the broadcast nothing has been sent, and the node is not at fault.
function written(path: string, append: () => void): void {
  try {
    append();
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new ChaincallError("JOURNAL_ERROR", `cannot write the journal ${path}: ${reason}`, {
      cause: err,
      metaMessages: ["hint: journal to a writable file (connect({ journal }), --journal or CHAINCALL_JOURNAL)"],
    });
  }
}
