import { appendFileSync, chmodSync, existsSync, mkdirSync, readFileSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { countIgnored, type IgnoredEntries, matchIdentity, type NodeIdentity, noIgnoredEntries } from "../registry/nodeIdentity.js";

/**
 * One signed (or node-signed) transaction, appended to the journal before it is broadcast.
 * Format: JSON Lines, one object per line, in the order transactions were handed to the node.
 */
export interface JournalEntry {
  /** Format version. */
  v: 1;
  /** The transaction's hash. */
  hash: string;
  /** The chain it was signed for, as a decimal string. */
  chainId: string;
  /**
   * The genesis block hash of the node it was sent to (dev chains: 31337, 1337): with `chainId`, the node's
   * identity. Entries of another node are never checked or re-broadcast against this one.
   */
  genesis?: string;
  /** The sender. */
  from: string;
  /** The sender's nonce it used. */
  nonce: number;
  /** The recipient; null for a contract creation. */
  to: string | null;
  /** The signed transaction, for re-broadcasting; absent for node-managed accounts (the node signed). */
  raw?: string;
  /** ISO time of the append. */
  time: string;
  /**
   * Set when a later line records that the node refused this transaction (the error code): it was never
   * accepted, so it is never offered for re-broadcast.
   */
  refused?: string;
  /**
   * What a later line recorded of the broadcast, the last one winning:
   * - `unsent`: never delivered (the connection was refused before the request was written): its nonce is
   *   free again, and it is never re-broadcast;
   * - `unknown`: the node's answer did not prove a refusal (HTTP 5xx, an internal error, a timeout, a reset
   *   after the request was written): the chain must be asked what became of it;
   * - `sent`: the chain was asked after an unknown answer and has it (mined or pending);
   * - `gone`: the chain was asked after an unknown answer and has neither it nor its nonce used; or the node
   *   no longer has it although it took it (a restart that lost it, a snapshot revert, a pool that dropped
   *   it), found when its nonce was about to be handed out again. Either way its nonce may be (and may have
   *   been) given to another transaction, so it is never re-broadcast.
   */
  outcome?: JournalOutcome;
}

/** What became of a broadcast, as recorded after it (see `JournalEntry.outcome`). */
export type JournalOutcome = "unsent" | "unknown" | "sent" | "gone";

/** The line recording an outcome: `{"v":1,"hash":"0x…","outcome":"unknown","code":"RPC_ERROR","time":"…"}`. */
export interface JournalOutcomeLine {
  v: 1;
  hash: string;
  outcome: JournalOutcome;
  /** The error code of the answer that left it so (`unsent`, `unknown`). */
  code?: string;
  time: string;
}

/** The line recording a refusal: `{"v":1,"refused":"INSUFFICIENT_FUNDS","hash":"0x…","time":"…"}`. */
export interface JournalRefusal {
  v: 1;
  hash: string;
  refused: string;
  time: string;
}

/**
 * Where the journal lives: `CHAINCALL_JOURNAL` when set, else `~/.chaincall/journal.jsonl`.
 * The file holds signed transactions, so it is created readable by its owner only (0600).
 */
export function defaultJournalPath(): string {
  return process.env.CHAINCALL_JOURNAL || join(homedir(), ".chaincall", "journal.jsonl");
}

/**
 * Appends an entry (synchronously: it must be on disk before the transaction leaves the process, so a
 * crash or a killed node right after the broadcast loses nothing).
 * @example appendJournal(defaultJournalPath(), { v: 1, hash, chainId: "31337", from, nonce, to, raw, time: new Date().toISOString() })
 */
export function appendJournal(path: string, entry: JournalEntry): void {
  writeJournal(path, `${JSON.stringify(entry)}\n`);
}

/**
 * Makes sure the journal can be appended to, writing nothing: its folder and file are created as for a
 * first entry. For node-signed sends, whose entry can be written only once the node answered with the hash.
 * @example openJournal(defaultJournalPath()); // throws (EISDIR, EACCES…) when it cannot be written
 */
export function openJournal(path: string): void {
  writeJournal(path, "");
}

function writeJournal(path: string, text: string): void {
  const fresh = !existsSync(path);
  if (fresh) {
    // A folder we create holds only the journal: owner only, whatever the umask.
    if (mkdirSync(dirname(path), { recursive: true, mode: 0o700 }) !== undefined) chmodSync(dirname(path), 0o700);
  } else {
    makePrivate(path);
  }
  appendFileSync(path, text, { mode: 0o600 });
  if (fresh) chmodSync(path, 0o600);
}

// Journals already made owner-only by this process (checked once, not on every append of a burst).
const privateJournals = new Set<string>();

// An existing journal (made by an older version, by hand, or under a loose umask) that others can read is
// tightened to 0600 before signed transactions go into it.
function makePrivate(path: string): void {
  if (privateJournals.has(path)) return;
  try {
    if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600);
    privateJournals.add(path);
  } catch {
    // Not ours to change (another user's file we may write to): appending still matters more.
  }
}

/** Appends the line saying the node refused the transaction `hash` (see `JournalEntry.refused`). */
export function appendJournalRefusal(path: string, hash: string, code: string): void {
  const line: JournalRefusal = { v: 1, hash, refused: code, time: new Date().toISOString() };
  makePrivate(path);
  appendFileSync(path, `${JSON.stringify(line)}\n`, { mode: 0o600 });
}

/** Appends the line recording what became of the broadcast of `hash` (see `JournalEntry.outcome`). */
export function appendJournalOutcome(path: string, hash: string, outcome: JournalOutcome, code?: string): void {
  const line: JournalOutcomeLine = { v: 1, hash, outcome, ...(code ? { code } : {}), time: new Date().toISOString() };
  // It can be a process's first write to an existing journal (a lost transaction found before any signing).
  makePrivate(path);
  appendFileSync(path, `${JSON.stringify(line)}\n`, { mode: 0o600 });
}

/**
 * Reads the journal's entries, optionally only one chain's (a chain id) or one node's (`{ chainId, genesis }`,
 * a client: see `readNodeJournal`). Lines that are not valid entries (a torn last line after a crash) are skipped.
 */
export function readJournal(path: string, node?: bigint | NodeIdentity): JournalEntry[] {
  return readNodeJournal(path, node).entries;
}

/**
 * Reads one node's entries of the journal, and counts those of other nodes of the same chain id (dev
 * chains: another genesis hash, or none recorded), which it leaves out.
 */
export function readNodeJournal(path: string, node?: bigint | NodeIdentity): { entries: JournalEntry[]; ignored: IgnoredEntries } {
  const ignored = noIgnoredEntries();
  if (!existsSync(path)) return { entries: [], ignored };
  const identity = typeof node === "bigint" ? { chainId: node } : node;
  // Lines in the order written: a refusal or outcome line is about the latest entry of its hash before it.
  // The same transaction journalled again (the same bytes signed again for the same nonce, after a
  // "nonce too high" or a slice held back) is a new attempt: it replaces the earlier entry, and what was
  // recorded of that one does not hold for it.
  const entries: JournalEntry[] = [];
  const latest = new Map<string, JournalEntry>();
  // Lines about a hash whose entry comes later (a node-signed send journals its entry once answered).
  const refusals = new Map<string, string>();
  const outcomes = new Map<string, JournalOutcome>();
  for (const line of readFileSync(path, "utf8").split("\n")) {
    if (!line.trim()) continue;
    try {
      const parsed = JSON.parse(line) as Partial<JournalEntry>;
      if (parsed.v === 1 && typeof parsed.hash === "string" && parsed.nonce === undefined) {
        const entry = latest.get(parsed.hash);
        if (typeof parsed.refused === "string") {
          if (entry) entry.refused = parsed.refused;
          else refusals.set(parsed.hash, parsed.refused);
        } else if (typeof parsed.outcome === "string") {
          if (entry) entry.outcome = parsed.outcome;
          else outcomes.set(parsed.hash, parsed.outcome);
        }
        continue;
      }
      const entry = parsed as JournalEntry;
      if (entry.v !== 1 || typeof entry.hash !== "string" || typeof entry.nonce !== "number") continue;
      if (identity) {
        const match = matchIdentity(entry, identity);
        if (match === "other-chain") continue;
        if (match !== "same") {
          countIgnored(ignored, entry);
          continue;
        }
      }
      const earlier = latest.get(entry.hash);
      if (earlier) entries.splice(entries.indexOf(earlier), 1);
      if (refusals.has(entry.hash)) entry.refused = refusals.get(entry.hash);
      if (outcomes.has(entry.hash)) entry.outcome = outcomes.get(entry.hash);
      refusals.delete(entry.hash);
      outcomes.delete(entry.hash);
      latest.set(entry.hash, entry);
      entries.push(entry);
    } catch {
      // A partial line from an interrupted write: nothing to recover from it.
    }
  }
  return { entries, ignored };
}
