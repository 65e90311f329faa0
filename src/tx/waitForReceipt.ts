import type { TransactionReceipt, TransactionResponse } from "ethers";
import type { ChaincallProvider } from "../client/createProvider.js";
import {
  assertArgument,
  checkAddress,
  checkClient,
  checkDuration,
  checkHex,
  checkInteger,
  checkObject,
  checkOptionalFunction,
  checkOptionalSignal,
} from "../errors/assertArgument.js";
import { ChaincallError } from "../errors/ChaincallError.js";
import { ContractRevertedError } from "../errors/ContractRevertedError.js";
import { TransactionDroppedError } from "../errors/TransactionDroppedError.js";
import { TransactionReplacedError } from "../errors/TransactionReplacedError.js";
import { toChaincallError } from "../errors/toChaincallError.js";
import { isDevChain } from "../utils/isDevChain.js";
import { sleep } from "../utils/time.js";
import { withDeadline } from "../utils/withDeadline.js";

/** How long and for what `waitForReceipt` (and `client.wait`) waits. */
export interface WaitForReceiptParameters {
  /** Blocks that must include or follow the transaction's block (1 = mined). Default 1. */
  confirmations?: number;
  /** Give up after this many ms. Default 120 000: every wait has a bound. */
  timeoutMs?: number;
  /** Ends the wait early, with `ABORTED`. */
  signal?: AbortSignal;
  /** Poll interval in ms. Default 100 on local chains (31337, 1337), 1 000 elsewhere. */
  pollIntervalMs?: number;
  /** The transaction's nonce and sender (known from the send); looked up from the node when omitted. */
  nonce?: number;
  /** The transaction's sender (with `nonce`, it tells a replacement from a drop without asking the node). */
  from?: string;
  /** Throw a decoded `ContractRevertedError` when the mined transaction reverted. Default true. */
  throwOnRevert?: boolean;
  /** Called as the wait progresses (for progress lines on a terminal). */
  onProgress?: (event: { stage: "pending" | "mined" | "confirmations"; confirmations: number; blockNumber?: number }) => void;
}

/** What a wait needs of a client (a `Client` is one). */
export interface WaitSource {
  /** The client's provider. */
  provider: ChaincallProvider;
  /** The client's chain id (local chains are polled faster). */
  chainId: bigint;
}

/** Default bound of a receipt wait. */
const DEFAULT_WAIT_TIMEOUT_MS = 120_000;

// How many polls in a row must miss the transaction before it counts as gone (load-balanced nodes lag).
const UNKNOWN_POLLS_BEFORE_GONE = 2;
// How far back to look for the transaction that took a replaced one's nonce.
const REPLACEMENT_SCAN_BLOCKS = 256;

/**
 * Waits until a transaction is mined with the requested confirmations, polling. It never waits without
 * bound, and never reports a replaced or dropped transaction as a success.
 * @param source a client from `connect()` (or its `{ provider, chainId }`)
 * @param hash the transaction's hash (`0x` and 64 hex digits)
 * @param parameters confirmations, timeout, signal, poll interval, the known nonce and sender, progress callback
 * @returns the receipt, once it has the requested confirmations
 * @throws ChaincallError `INVALID_ARGUMENT` for a malformed hash or option (nothing is asked of the node);
 *   TransactionDroppedError (`TX_DROPPED`, naming hash and nonce), TransactionReplacedError
 *   (`TX_REPLACED`, with the replacement and its receipt), ContractRevertedError (`CALL_REVERTED`, decoded,
 *   for a mined transaction that reverted), ChaincallError `NOT_FOUND` (a hash the node never knew),
 *   `TIMEOUT` / `ABORTED`, `RPC_ERROR`
 * @example const receipt = await waitForReceipt(client, tx.hash, { confirmations: 2, timeoutMs: 60_000 });
 */
export async function waitForReceipt(
  source: WaitSource,
  hash: string,
  parameters: WaitForReceiptParameters = {},
): Promise<TransactionReceipt> {
  checkClient(source, "source");
  checkHex(hash, "hash", { bytes: 32 });
  checkObject(parameters, "parameters");
  const confirmations = checkInteger(parameters.confirmations ?? 1, "confirmations");
  const timeoutMs = checkDuration(parameters.timeoutMs ?? DEFAULT_WAIT_TIMEOUT_MS, "timeoutMs");
  checkOptionalSignal(parameters.signal, "signal");
  checkOptionalFunction(parameters.onProgress, "onProgress");
  if (parameters.nonce !== undefined) checkInteger(parameters.nonce, "nonce");
  if (parameters.from !== undefined) checkAddress(parameters.from, "from");
  assertArgument(
    parameters.throwOnRevert === undefined || typeof parameters.throwOnRevert === "boolean",
    "throwOnRevert",
    "true or false",
    parameters.throwOnRevert,
  );
  const local = isDevChain(source.chainId);
  const interval = checkDuration(parameters.pollIntervalMs ?? (local ? 100 : 1_000), "pollIntervalMs");
  const provider = source.provider;
  return withDeadline(
    async (signal) => {
      let identity = parameters.nonce !== undefined && parameters.from ? { nonce: parameters.nonce, from: parameters.from } : undefined;
      let startBlock: number | undefined;
      let unknownPolls = 0;
      let reported = 0;
      parameters.onProgress?.({ stage: "pending", confirmations: 0 });
      while (!signal.aborted) {
        const receipt = await provider.getTransactionReceipt(hash);
        if (receipt) {
          const head = confirmations > 1 ? await provider.getBlockNumber() : receipt.blockNumber;
          const have = head - receipt.blockNumber + 1;
          if (reported === 0) parameters.onProgress?.({ stage: "mined", confirmations: 1, blockNumber: receipt.blockNumber });
          else if (have > reported)
            parameters.onProgress?.({ stage: "confirmations", confirmations: have, blockNumber: receipt.blockNumber });
          reported = Math.max(reported, have);
          if (have >= confirmations) {
            if (receipt.status === 0 && parameters.throwOnRevert !== false) throw await revertOf(source, receipt);
            return receipt;
          }
        } else {
          startBlock ??= await provider.getBlockNumber();
          const tx = await provider.getTransaction(hash);
          if (tx) {
            unknownPolls = 0;
            identity ??= { nonce: tx.nonce, from: tx.from };
          } else if (++unknownPolls >= UNKNOWN_POLLS_BEFORE_GONE) {
            if (!identity) {
              throw new ChaincallError(
                "NOT_FOUND",
                `the node does not know transaction ${hash} (wrong network, or dropped before this wait began)`,
              );
            }
            await explainDisappearance(provider, hash, identity, startBlock);
          }
        }
        await sleep(interval, signal);
      }
      throw signal.reason;
    },
    { timeoutMs, signal: parameters.signal, what: `the receipt of ${hash}` },
  ).catch((err: unknown) => {
    throw toChaincallError(err, provider.boundary);
  });
}

// The transaction is unknown to the node. Its nonce tells what happened: used by a mined transaction
// (replaced), claimed by another pending one (keep waiting), or free (dropped).
async function explainDisappearance(
  provider: ChaincallProvider,
  hash: string,
  identity: { nonce: number; from: string },
  startBlock: number,
): Promise<void> {
  const [latest, pending] = await Promise.all([
    provider.getTransactionCount(identity.from, "latest"),
    provider.getTransactionCount(identity.from, "pending"),
  ]);
  if (latest > identity.nonce) {
    // It may have been mined between the two look-ups: only a missing receipt means another took its place.
    if (await provider.getTransactionReceipt(hash)) return;
    const replacement = await findReplacement(provider, identity, startBlock);
    if (replacement) throw new TransactionReplacedError(hash, identity.nonce, replacement.receipt, replacement.cancelled);
    throw new ChaincallError(
      "TX_REPLACED",
      `transaction ${hash} (nonce ${identity.nonce}) was not mined: another transaction used its nonce (not found in the last ${REPLACEMENT_SCAN_BLOCKS} blocks)`,
    );
  }
  if (pending <= identity.nonce) throw new TransactionDroppedError(hash, identity.nonce, identity.from);
}

async function findReplacement(
  provider: ChaincallProvider,
  identity: { nonce: number; from: string },
  startBlock: number,
): Promise<{ receipt: TransactionReceipt; cancelled: boolean } | undefined> {
  const head = await provider.getBlockNumber();
  const from = identity.from.toLowerCase();
  const lowest = Math.max(0, Math.min(startBlock - 1, head - REPLACEMENT_SCAN_BLOCKS));
  for (let n = head; n >= lowest; n--) {
    const block = await provider.getBlock(n, true);
    const tx = block?.prefetchedTransactions.find((t: TransactionResponse) => t.from.toLowerCase() === from && t.nonce === identity.nonce);
    if (!tx) continue;
    const receipt = await provider.getTransactionReceipt(tx.hash);
    if (!receipt) continue;
    const cancelled = tx.to?.toLowerCase() === from && tx.data === "0x" && tx.value === 0n;
    return { receipt, cancelled };
  }
  return undefined;
}

// A mined transaction reverted: replay it on the state before its block to learn (and decode) why.
async function revertOf(source: WaitSource, receipt: TransactionReceipt): Promise<ContractRevertedError> {
  const tx = await source.provider.getTransaction(receipt.hash);
  const options = { transactionHash: receipt.hash, blockNumber: receipt.blockNumber };
  if (tx) {
    try {
      await source.provider.call({
        from: tx.from,
        to: tx.to,
        data: tx.data,
        value: tx.value,
        gasLimit: tx.gasLimit,
        blockTag: receipt.blockNumber - 1,
      });
    } catch (err) {
      if (err instanceof ContractRevertedError) {
        return new ContractRevertedError(
          { errorName: err.errorName, signature: err.signature, args: err.args, reason: err.reason, data: err.data },
          { ...options, cause: err },
        );
      }
    }
  }
  // The replay passed (the state it depended on changed within the block) or was impossible.
  return new ContractRevertedError({ args: [], data: "0x", reason: "the reason could not be recovered by replaying it" }, options);
}
