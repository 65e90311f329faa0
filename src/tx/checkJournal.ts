import type { Client } from "../client/connect.js";
import { ChaincallError } from "../errors/ChaincallError.js";
import { toChaincallError } from "../errors/toChaincallError.js";
import { readJournal, type JournalEntry } from "./journal.js";

/** What became of a journalled transaction. */
export type JournalStatus = "confirmed" | "reverted" | "pending" | "dropped" | "superseded" | "refused";

export interface JournalReport {
  entry: JournalEntry;
  status: JournalStatus;
  blockNumber?: number;
}

/**
 * Asks the node what became of each journalled transaction of its chain: mined (`confirmed`/`reverted`),
 * still in the pool (`pending`), gone with its nonce unused (`dropped`: re-broadcast it), or gone with its
 * nonce used by another transaction (`superseded`), or refused by the node when it was sent (`refused`:
 * never accepted, never to be re-broadcast).
 * @example for (const r of await checkJournal(client, path)) console.log(r.entry.hash, r.status);
 */
export async function checkJournal(client: Client, path: string, options: { last?: number } = {}): Promise<JournalReport[]> {
  let entries = readJournal(path, client.chainId);
  if (options.last !== undefined) entries = entries.slice(-options.last);
  const nonces = new Map<string, Promise<number>>();
  const latestNonce = (from: string) => {
    let n = nonces.get(from);
    if (!n) nonces.set(from, (n = client.provider.getTransactionCount(from, "latest")));
    return n;
  };
  return Promise.all(
    entries.map(async (entry): Promise<JournalReport> => {
      if (entry.refused) return { entry, status: "refused" };
      const receipt = await client.provider.getTransactionReceipt(entry.hash);
      if (receipt) return { entry, status: receipt.status === 1 ? "confirmed" : "reverted", blockNumber: receipt.blockNumber };
      if (await client.provider.getTransaction(entry.hash)) return { entry, status: "pending" };
      return { entry, status: (await latestNonce(entry.from)) > entry.nonce ? "superseded" : "dropped" };
    }),
  );
}

/**
 * Sends a journalled transaction's signed bytes again (after a node restart or a drop). "Already known"
 * counts as success: the node has it.
 * @returns the hash (the same as the entry's)
 * @throws ChaincallError `INVALID_ARGUMENT` for entries without raw bytes (node-signed), or the node's refusal
 */
export async function rebroadcast(client: Client, entry: JournalEntry): Promise<string> {
  if (!entry.raw) {
    throw new ChaincallError("INVALID_ARGUMENT", `transaction ${entry.hash} was signed by the node (eth_sendTransaction): there are no signed bytes to re-broadcast`);
  }
  try {
    return (await client.provider.send("eth_sendRawTransaction", [entry.raw])) as string;
  } catch (err) {
    if (isAlreadyKnown(err)) return entry.hash;
    throw toChaincallError(err, client.provider.boundary);
  }
}

/** True for a node's "I have this transaction already" answer, in its various spellings. */
export function isAlreadyKnown(err: unknown): boolean {
  const texts: string[] = [];
  let current: any = err;
  for (let depth = 0; current && depth < 6; depth++) {
    texts.push(String(current.message ?? ""), String(current.info?.error?.message ?? ""), String(current.error?.message ?? ""));
    current = current.cause;
  }
  return /already known|known transaction|already imported|already exists|AlreadyKnown/i.test(texts.join(" "));
}
