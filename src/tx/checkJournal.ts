import { statSync } from "node:fs";
import type { Client } from "../client/connect.js";
import { assertArgument, checkClient, checkHex, checkInteger, checkObject, checkString } from "../errors/assertArgument.js";
import { ChainMismatchError } from "../errors/ChainMismatchError.js";
import { ChaincallError } from "../errors/ChaincallError.js";
import { toChaincallError } from "../errors/toChaincallError.js";
import { readJournal, type JournalEntry } from "./journal.js";

/** What became of a journalled transaction. */
export type JournalStatus = "confirmed" | "reverted" | "pending" | "dropped" | "superseded" | "refused";

/** One journalled transaction and what became of it. */
export interface JournalReport {
  /** The journal's line. */
  entry: JournalEntry;
  /** What the node says happened to it. */
  status: JournalStatus;
  /** The block it was mined in (`confirmed` and `reverted` only). */
  blockNumber?: number;
}

/**
 * Asks the node what became of each journalled transaction of its chain: mined (`confirmed`/`reverted`),
 * still in the pool (`pending`), gone with its nonce unused (`dropped`: re-broadcast it), or gone with its
 * nonce used by another transaction (`superseded`), or refused by the node when it was sent (`refused`:
 * never accepted, never to be re-broadcast). Entries of other chains are left out; a missing file has none.
 * @param client a client from `connect()`
 * @param path the journal file (`client.journal`, or the default `~/.chaincall/journal.jsonl`)
 * @param options `last`: only the last N entries of this chain
 * @throws ChaincallError `INVALID_ARGUMENT` for a path that is not a file or a bad `last`; `RPC_ERROR`, `TIMEOUT`
 * @example for (const r of await checkJournal(client, client.journal!)) console.log(r.entry.hash, r.status);
 */
export async function checkJournal(client: Client, path: string, options: { last?: number } = {}): Promise<JournalReport[]> {
  checkClient(client);
  checkString(path, "path");
  checkObject(options, "options");
  if (options.last !== undefined) checkInteger(options.last, "options.last");
  const info = statSync(path, { throwIfNoEntry: false });
  assertArgument(info === undefined || info.isFile(), "path", "a journal file", path);
  let entries: JournalEntry[];
  try {
    entries = readJournal(path, client.chainId);
  } catch (err) {
    throw new ChaincallError("INVALID_ARGUMENT", `cannot read the journal ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err });
  }
  if (options.last !== undefined) entries = options.last === 0 ? [] : entries.slice(-options.last);
  const nonces = new Map<string, Promise<number>>();
  const latestNonce = (from: string) => {
    let n = nonces.get(from);
    if (!n) nonces.set(from, (n = client.provider.getTransactionCount(from, "latest")));
    return n;
  };
  try {
    return await Promise.all(
      entries.map(async (entry): Promise<JournalReport> => {
        if (entry.refused) return { entry, status: "refused" };
        const receipt = await client.provider.getTransactionReceipt(entry.hash);
        if (receipt) return { entry, status: receipt.status === 1 ? "confirmed" : "reverted", blockNumber: receipt.blockNumber };
        if (await client.provider.getTransaction(entry.hash)) return { entry, status: "pending" };
        return { entry, status: (await latestNonce(entry.from)) > entry.nonce ? "superseded" : "dropped" };
      }),
    );
  } catch (err) {
    throw toChaincallError(err, client.provider.boundary);
  }
}

/**
 * Sends a journalled transaction's signed bytes again (after a node restart or a drop). "Already known"
 * counts as success: the node has it.
 * @param client a client from `connect()` on the entry's chain
 * @param entry a journal entry, as `checkJournal` reports it
 * @returns the hash (the same as the entry's)
 * @throws ChaincallError `INVALID_ARGUMENT` for a malformed entry or one without raw bytes (node-signed);
 *   `CHAIN_MISMATCH` for an entry of another chain; or the node's refusal (`NONCE_ERROR`, `RPC_ERROR`, …)
 * @example for (const r of await checkJournal(client, path)) if (r.status === "dropped") await rebroadcast(client, r.entry);
 */
export async function rebroadcast(client: Client, entry: JournalEntry): Promise<string> {
  checkClient(client);
  checkObject(entry, "entry");
  checkHex(entry.hash, "entry.hash", { bytes: 32 });
  if (entry.raw !== undefined) checkHex(entry.raw, "entry.raw");
  assertArgument(typeof entry.chainId === "string" && /^\d+$/.test(entry.chainId), "entry.chainId", "a chain id in decimal", entry.chainId);
  // Signed bytes carry their chain id: the node would refuse them, but the journal's word is enough to stop here.
  if (BigInt(entry.chainId) !== client.chainId) throw new ChainMismatchError(BigInt(entry.chainId), client.chainId, client.endpoint);
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
