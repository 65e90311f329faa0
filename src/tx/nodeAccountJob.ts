import { getAddress, type TransactionLike, type TransactionRequest, type TransactionResponse } from "ethers";
import { ChaincallError } from "../errors/ChaincallError.js";
import { minedDespiteError, toChaincallError } from "../errors/toChaincallError.js";
import type { QueueJob } from "./AccountQueue.js";
import { buildResponse } from "./buildResponse.js";
import { classifyBroadcastFailure } from "./classifyBroadcastFailure.js";
import { findTransactionByNonce } from "./findTransactionByNonce.js";
import type { Sender } from "./Sender.js";
import { isSettled, settleBy, settled } from "./settleOutcome.js";
import { UnknownOutcomeError } from "./UnknownOutcomeError.js";

// How often, and how patiently, a node that accepted a send is asked for it (20 ms, 40 ms, … about 25 s in all).
const FETCH_ATTEMPTS = 50;
const FETCH_STEP_MS = 20;

/**
 * How the queue sends a prepared transaction from an account the node manages: the node signs
 * (`eth_sendTransaction`), so the hash is known only once it answered, and journalled then. An answer that
 * proves nothing is settled by the account's nonce (see `settleNodeSigned`).
 * @example await sender.queue.submit(sender.account, nodeAccountJob(sender, prepared));
 */
export function nodeAccountJob(sender: Sender, tx: TransactionLike<string>): QueueJob<{ nonce: number }, TransactionResponse> {
  const { provider } = sender;
  return {
    sign: async (nonce) => {
      // Its entry is written once the node answered (only then is the hash known): a journal that cannot be
      // written fails the send here, before anything is sent.
      sender.journal.assertWritable();
      return { nonce };
    },
    send: async ({ nonce }) => {
      const rpcTx = provider.getRpcTransaction({ ...tx, nonce } as TransactionRequest);
      // Where a search by nonce starts, should the answer be lost: any block at or before the send.
      const recentBlock = sender.recentBlockNumber().catch(() => 0);
      let hash: string;
      try {
        // On its own, not in ethers' next batch: as for raw sends, each leaves once the one before was answered.
        hash = (await provider.sendNow("eth_sendTransaction", [{ ...rpcTx, from: sender.address }])) as string;
      } catch (err) {
        const mined = minedDespiteError(err);
        if (mined) hash = mined;
        else if (classifyBroadcastFailure(err) === "unknown")
          return buildResponse(sender, await settleNodeSigned(sender, tx, nonce, err, await recentBlock));
        else throw err;
      }
      sender.journal.entry({ hash, nonce, to: tx.to ?? null });
      return buildResponse(sender, await fetchAccepted(sender, hash));
    },
  };
}

// The transaction the node just accepted; some nodes answer eth_getTransactionByHash only a moment later.
async function fetchAccepted(sender: Sender, hash: string): Promise<TransactionResponse> {
  for (let attempt = 0; attempt < FETCH_ATTEMPTS; attempt++) {
    const response = await sender.provider.getTransaction(hash);
    if (response) return response;
    await new Promise((resolve) => setTimeout(resolve, FETCH_STEP_MS * (attempt + 1)));
  }
  throw new ChaincallError("RPC_ERROR", `the node accepted ${hash} but does not return it from eth_getTransactionByHash`);
}

// Whether a transaction found at a node-managed send's nonce is that send (the node signed it, so the hash
// cannot tell): same recipient, value and calldata.
function isSameSend(found: TransactionResponse, tx: TransactionLike<string>): boolean {
  const to = tx.to ? getAddress(tx.to) : null;
  return (
    (found.to ? getAddress(found.to) : null) === to &&
    found.value === BigInt(tx.value ?? 0) &&
    found.data.toLowerCase() === String(tx.data ?? "0x").toLowerCase()
  );
}

/**
 * A node-managed send whose answer proves nothing (a 5xx, -32603, a timeout, a reset after the request was
 * written): the node may have signed and taken it, and only it knows the hash. The chain is asked by the
 * account's nonce: a transaction there with that nonce and this send's recipient, value and calldata is
 * this send's (journalled, and the send succeeds); another one there means another send took the nonce
 * (`NONCE_ERROR`); none (the pending count is not above it) proves it is not there, and its nonce is free
 * again. While the chain cannot be asked, or the nonce is used but the transaction not found, the outcome
 * stays unknown and the queue keeps the nonce.
 */
async function settleNodeSigned(
  sender: Sender,
  tx: TransactionLike<string>,
  nonce: number,
  err: unknown,
  fromBlock: number,
): Promise<TransactionResponse> {
  const to = tx.to ?? null;
  let journalled = false;
  const lookUp = async (): Promise<TransactionResponse | null | undefined> => {
    const found = await findTransactionByNonce(sender.provider, sender.address, nonce, fromBlock);
    if (found && !isSameSend(found, tx)) {
      throw settled(
        new ChaincallError("NONCE_ERROR", `the node has another transaction (${found.hash}) with nonce ${nonce}: this send is not there`, {
          cause: err,
        }),
      );
    }
    // Asked again by the queue and by the caller's settle(): journalled once.
    if (found && !journalled) {
      journalled = true;
      // The same history as a raw send's: the entry, the answer that proved nothing, what the chain said.
      sender.journal.entry({ hash: found.hash, nonce, to });
      sender.journal.outcome(found.hash, "unknown", toChaincallError(err, sender.provider.boundary).code);
      sender.journal.outcome(found.hash, "sent");
    }
    return found;
  };
  let found: TransactionResponse | null | undefined;
  try {
    found = await lookUp();
  } catch (lookupErr) {
    if (isSettled(lookupErr)) throw lookupErr;
    throw new UnknownOutcomeError(undefined, nonce, settleBy(lookUp), err);
  }
  if (found) return found;
  if (found === null) throw settled(err);
  // Its nonce is used (by this send, most likely), but the transaction was not found: nothing more to ask.
  throw new UnknownOutcomeError(undefined, nonce, async () => true, err);
}
