import { statSync } from "node:fs";
import type { ChaincallProvider } from "../client/createProvider.js";
import { assertArgument, checkClient, checkHex, checkInteger, checkObject, checkString } from "../errors/assertArgument.js";
import { ChaincallError } from "../errors/ChaincallError.js";
import { ChainMismatchError } from "../errors/ChainMismatchError.js";
import { toChaincallError } from "../errors/toChaincallError.js";
import { type IgnoredEntries, matchIdentity, shortGenesis } from "../registry/nodeIdentity.js";
import { getOrAdd } from "../utils/getOrAdd.js";
import { isAlreadyKnown } from "./classifyBroadcastFailure.js";
import { type JournalEntry, readNodeJournal } from "./journal.js";
import { waitForReceipt } from "./waitForReceipt.js";

/** What the journal functions need of a client (a `Client` from `connect()` is one). */
export interface JournalClient {
  readonly provider: ChaincallProvider;
  readonly chainId: bigint;
  /** The node's genesis hash (dev chains): with the chain id, the node's identity. */
  readonly genesis?: string;
  /** The node's printable address. */
  readonly endpoint: string;
}

/**
 * What became of a journalled transaction: mined (`confirmed`, `reverted`), in the pool (`pending`), gone
 * with its nonce unused (`dropped`) or used by another (`superseded`), refused by the node (`refused`), or
 * never delivered / proven not there when it was sent, its nonce released (`unsent`).
 */
export type JournalStatus = "confirmed" | "reverted" | "pending" | "dropped" | "superseded" | "refused" | "unsent";

/** `checkJournal`'s answer: one report per entry of the client's node, and what was left out. */
export interface JournalReports extends Array<JournalReport> {
  /** Entries of other nodes with the client's chain id (another genesis, or none recorded on a dev chain), left out. */
  ignored: IgnoredEntries;
}

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
 * never accepted, never to be re-broadcast), or never delivered (`unsent`). A send whose answer was unknown
 * (a 5xx, an internal error, a timeout) is looked up on the chain like any other, never reported refused;
 * so is a journalled refusal (it is `refused` only when the chain has it neither mined nor pending).
 * Entries of other chains are left out; so are those of other nodes of the same chain id (dev chains: told
 * apart by the genesis hash; entries without one count as another node's there), counted in `ignored`.
 * A missing file has none.
 * @param client a client from `connect()`
 * @param path the journal file (`client.journal`, or the default `~/.chaincall/journal.jsonl`)
 * @param options `last`: only the last N entries of this chain
 * @throws ChaincallError `INVALID_ARGUMENT` for a path that is not a file or a bad `last`; `RPC_ERROR`, `TIMEOUT`
 * @example for (const r of await checkJournal(client, client.journal!)) console.log(r.entry.hash, r.status);
 */
export async function checkJournal(client: JournalClient, path: string, options: { last?: number } = {}): Promise<JournalReports> {
  checkClient(client);
  checkString(path, "path");
  checkObject(options, "options");
  if (options.last !== undefined) checkInteger(options.last, "options.last");
  const info = statSync(path, { throwIfNoEntry: false });
  assertArgument(info === undefined || info.isFile(), "path", "a journal file", path);
  let entries: JournalEntry[];
  let ignored: IgnoredEntries;
  try {
    ({ entries, ignored } = readNodeJournal(path, { chainId: client.chainId, genesis: client.genesis }));
  } catch (err) {
    throw new ChaincallError(
      "INVALID_ARGUMENT",
      `cannot read the journal ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
      { cause: err },
    );
  }
  if (options.last !== undefined) entries = options.last === 0 ? [] : entries.slice(-options.last);
  const nonces = new Map<string, Promise<number>>();
  const latestNonce = (from: string) => {
    const n = getOrAdd(nonces, from, () => client.provider.getTransactionCount(from, "latest"));
    return n;
  };
  try {
    const reports = await Promise.all(
      entries.map(async (entry): Promise<JournalReport> => {
        if (entry.outcome === "unsent") return { entry, status: "unsent" };
        // Even a journalled refusal is looked up: older versions journalled a 5xx after forwarding as one.
        const receipt = await client.provider.getTransactionReceipt(entry.hash);
        if (receipt) return { entry, status: receipt.status === 1 ? "confirmed" : "reverted", blockNumber: receipt.blockNumber };
        if (await client.provider.getTransaction(entry.hash)) return { entry, status: "pending" };
        if (entry.refused) return { entry, status: "refused" };
        const used = (await latestNonce(entry.from)) > entry.nonce;
        // Proven not there when it was sent: its nonce went to another transaction, so it is not re-broadcast.
        if (entry.outcome === "gone") return { entry, status: used ? "superseded" : "unsent" };
        return { entry, status: used ? "superseded" : "dropped" };
      }),
    );
    return Object.assign(reports, { ignored });
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
 * @throws ChaincallError `INVALID_ARGUMENT` for a malformed entry, one without raw bytes (node-signed), or
 *   one sent to another node of the same chain id (another genesis hash); `CHAIN_MISMATCH` for an entry of another chain; or the node's refusal (`NONCE_ERROR`, `RPC_ERROR`, …)
 * @example for (const r of await checkJournal(client, path)) if (r.status === "dropped") await rebroadcast(client, r.entry);
 */
export async function rebroadcast(client: JournalClient, entry: JournalEntry): Promise<string> {
  checkClient(client);
  checkObject(entry, "entry");
  checkHex(entry.hash, "entry.hash", { bytes: 32 });
  if (entry.raw !== undefined) checkHex(entry.raw, "entry.raw");
  assertArgument(typeof entry.chainId === "string" && /^\d+$/.test(entry.chainId), "entry.chainId", "a chain id in decimal", entry.chainId);
  // Signed bytes carry their chain id: the node would refuse them, but the journal's word is enough to stop here.
  if (BigInt(entry.chainId) !== client.chainId) throw new ChainMismatchError(BigInt(entry.chainId), client.chainId, client.endpoint);
  const match = matchIdentity(entry, { chainId: client.chainId, genesis: client.genesis });
  if (match !== "same") {
    const which =
      match === "other-node" ? `another node (genesis ${shortGenesis(String(entry.genesis))})` : "an unknown node (no genesis recorded)";
    throw new ChaincallError(
      "INVALID_ARGUMENT",
      `transaction ${entry.hash} was sent to ${which}, not to ${client.endpoint} (genesis ${shortGenesis(client.genesis!)}): not re-broadcast`,
    );
  }
  if (!entry.raw) {
    throw new ChaincallError(
      "INVALID_ARGUMENT",
      `transaction ${entry.hash} was signed by the node (eth_sendTransaction): there are no signed bytes to re-broadcast`,
    );
  }
  try {
    return (await client.provider.send("eth_sendRawTransaction", [entry.raw])) as string;
  } catch (err) {
    if (isAlreadyKnown(err)) return entry.hash;
    throw toChaincallError(err, client.provider.boundary);
  }
}

/** What `rebroadcastDropped` did with one report: sent it again, or left it (another entry had its nonce). */
export type RebroadcastAction = "rebroadcast" | "skipped";

/**
 * Sends the dropped transactions among `reports` again: one per sender and nonce (in an old journal that
 * holds several for one nonce, the last journalled; the others are `skipped`), in nonce order, one at a
 * time, each once the node answered for the one before, and on a node that refuses queued nonces while
 * automining (Hardhat) once the one before is mined. Stops at the first refusal (the nonces above it could
 * not be mined) and throws it.
 * @param client a client from `connect()` on the entries' node
 * @param reports what `checkJournal` reported
 * @param options `timeoutMs`: bound of each wait for mining on Hardhat (default 60 s)
 * @returns what was done with each dropped report
 * @throws ChaincallError as `rebroadcast`; `TIMEOUT` when Hardhat does not mine one in time
 * @example await rebroadcastDropped(client, await checkJournal(client, path));
 */
export async function rebroadcastDropped(
  client: JournalClient,
  reports: readonly JournalReport[],
  options: { timeoutMs?: number } = {},
): Promise<Map<JournalReport, RebroadcastAction>> {
  checkClient(client);
  const done = new Map<JournalReport, RebroadcastAction>();
  const chosen = new Map<string, JournalReport>();
  for (const report of reports) {
    if (report.status !== "dropped" || !report.entry.raw) continue;
    const key = `${report.entry.from.toLowerCase()}|${report.entry.nonce}`;
    const earlier = chosen.get(key);
    if (earlier) done.set(earlier, "skipped");
    chosen.set(key, report);
  }
  const ordered = [...chosen.values()].sort((a, b) => a.entry.from.localeCompare(b.entry.from) || a.entry.nonce - b.entry.nonce);
  if (ordered.length === 0) return done;
  const waitMined = await refusesQueuedNonces(client);
  for (const report of ordered) {
    const hash = await rebroadcast(client, report.entry);
    done.set(report, "rebroadcast");
    if (!waitMined) continue;
    try {
      await waitForReceipt(client, hash, {
        confirmations: 1,
        timeoutMs: options.timeoutMs ?? 60_000,
        nonce: report.entry.nonce,
        from: report.entry.from,
      });
    } catch (err) {
      // Mined and reverted uses its nonce all the same: the next one can follow.
      if (!(err instanceof ChaincallError && err.code === "CALL_REVERTED")) throw err;
    }
  }
  return done;
}

// Hardhat's node refuses a transaction whose nonce is above the account's next one while it automines.
async function refusesQueuedNonces(client: JournalClient): Promise<boolean> {
  try {
    const version = String(await client.provider.send("web3_clientVersion", []));
    return /hardhat/i.test(version);
  } catch {
    return false;
  }
}
