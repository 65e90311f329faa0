import type { NodeIdentity } from "../registry/nodeIdentity.js";
import { getOrAdd } from "../utils/getOrAdd.js";
import { type JournalEntry, readNodeJournal } from "./journal.js";

/**
 * An account's journalled transactions that stand for their nonces: signed and handed to the node, and not
 * since recorded as refused, never delivered or gone. When the node's next nonce falls to or below one of
 * them (a node restarted without them, a snapshot revert, a pool that dropped them), the node no longer has
 * it: before its nonce is given to another transaction, it must be journalled gone, so that the journal never
 * holds two live transactions for one nonce and `rebroadcast` never sends the lost one over the new one.
 */
export interface StandingTransactions {
  /** Records a transaction handed out for `nonce`. */
  add(nonce: number, hash: string): void;
  /** Forgets a transaction recorded refused, never delivered, or gone. */
  remove(hash: string): void;
  /**
   * Given the node's next nonce `count`: takes out and returns the transactions at or above it (the node
   * does not have them). Those below stay: a node restarted without its state loses mined ones too.
   */
  takeLost(count: number): { nonce: number; hash: string }[];
}

/** Most transactions a record keeps (the lowest nonces go first): a bound on memory for long-running processes. */
const MAX_STANDING = 50_000;

// One record per journal, node and account in the process, shared by every signer of that account there.
const records = new Map<string, StandingTransactions>();

/**
 * The process-wide record of `address`'s standing transactions at `node`, read from the journal `path` the
 * first time (an unreadable journal has none), then kept by the signers.
 * @example standingTransactions(journal, { chainId, genesis }, address).takeLost(await pendingCount())
 */
export function standingTransactions(path: string, node: NodeIdentity, address: string): StandingTransactions {
  const key = `${path}|${node.chainId}|${node.genesis ?? ""}|${address.toLowerCase()}`;
  let record = records.get(key);
  if (!record) {
    record = createRecord(readStanding(path, node, address));
    records.set(key, record);
  }
  return record;
}

function readStanding(path: string, node: NodeIdentity, address: string): JournalEntry[] {
  try {
    return readNodeJournal(path, node).entries.filter(
      (e) => e.from.toLowerCase() === address.toLowerCase() && !e.refused && e.outcome !== "unsent" && e.outcome !== "gone",
    );
  } catch {
    return [];
  }
}

function createRecord(initial: JournalEntry[]): StandingTransactions {
  const byNonce = new Map<number, Set<string>>();
  const add = (nonce: number, hash: string) => {
    const hashes = getOrAdd(byNonce, nonce, () => new Set<string>());
    hashes.add(hash);
    // Nonces mostly arrive in increasing order: the first key is (nearly) the lowest.
    if (byNonce.size > MAX_STANDING) byNonce.delete(byNonce.keys().next().value!);
  };
  for (const entry of initial) add(entry.nonce, entry.hash);
  return {
    add,
    remove(hash) {
      for (const [nonce, hashes] of byNonce) if (hashes.delete(hash) && hashes.size === 0) byNonce.delete(nonce);
    },
    takeLost(count) {
      const lost: { nonce: number; hash: string }[] = [];
      for (const [nonce, hashes] of byNonce) {
        if (nonce < count) continue;
        for (const hash of hashes) lost.push({ nonce, hash });
        byNonce.delete(nonce);
      }
      return lost.sort((a, b) => a.nonce - b.nonce);
    },
  };
}
