import { appendFileSync, chmodSync, existsSync, mkdirSync, readFileSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";

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
  const fresh = !existsSync(path);
  if (fresh) {
    // A folder we create holds only the journal: owner only, whatever the umask.
    if (mkdirSync(dirname(path), { recursive: true, mode: 0o700 }) !== undefined) chmodSync(dirname(path), 0o700);
  } else {
    makePrivate(path);
  }
  appendFileSync(path, `${JSON.stringify(entry)}\n`, { mode: 0o600 });
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

/**
 * Reads the journal's entries, optionally only one chain's. Lines that are not valid entries (a torn last
 * line after a crash) are skipped.
 */
export function readJournal(path: string, chainId?: bigint): JournalEntry[] {
  if (!existsSync(path)) return [];
  const entries: JournalEntry[] = [];
  const refusals = new Map<string, string>();
  for (const line of readFileSync(path, "utf8").split("\n")) {
    if (!line.trim()) continue;
    try {
      const parsed = JSON.parse(line) as Partial<JournalEntry>;
      if (parsed.v === 1 && typeof parsed.refused === "string" && typeof parsed.hash === "string" && parsed.nonce === undefined) {
        refusals.set(parsed.hash, parsed.refused);
        continue;
      }
      const entry = parsed as JournalEntry;
      if (entry.v !== 1 || typeof entry.hash !== "string" || typeof entry.nonce !== "number") continue;
      if (chainId !== undefined && entry.chainId !== chainId.toString()) continue;
      entries.push(entry);
    } catch {
      // A partial line from an interrupted write: nothing to recover from it.
    }
  }
  for (const entry of entries) if (refusals.has(entry.hash)) entry.refused = refusals.get(entry.hash);
  return entries;
}
