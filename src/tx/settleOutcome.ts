import type { TransactionResponse } from "ethers";
import { ChaincallError } from "../errors/ChaincallError.js";
import type { Sender } from "./Sender.js";
import { UnknownOutcomeError } from "./UnknownOutcomeError.js";

// Errors a send ends with after the chain was asked (the transaction is provably not there): journalled
// `gone`, never as a refusal.
const settledErrors = new WeakSet<object>();

/** Marks `err` as the end of a send the chain was asked about (it is then never journalled a refusal). */
export function settled<E>(err: E): E {
  if (err && typeof err === "object") settledErrors.add(err);
  return err;
}

/** True for an error marked by `settled`. */
export function isSettled(err: unknown): boolean {
  return typeof err === "object" && err !== null && settledErrors.has(err);
}

/**
 * A `settle` for `UnknownOutcomeError`: asks `lookUp` again; true once the transaction or its nonce is
 * used (another transaction with the nonce counts), false when it is provably not there.
 */
export function settleBy(lookUp: () => Promise<unknown>): () => Promise<boolean> {
  return async () => {
    try {
      return (await lookUp()) !== null;
    } catch (again) {
      if (isSettled(again)) return true;
      throw again;
    }
  };
}

/**
 * Asks the chain about a held key's transaction whose broadcast answer proved nothing: the transaction when
 * the chain has it (journalled `sent`); null when it provably has not (journalled `gone`); a settled
 * `NONCE_ERROR` when its nonce was used by another.
 */
async function lookUpSent(sender: Sender, hash: string, nonce: number): Promise<TransactionResponse | null> {
  const { provider, journal } = sender;
  let found = await provider.getTransaction(hash);
  if (!found && (await provider.getTransactionCount(sender.address, "latest")) > nonce) {
    // Mined between the two questions, or replaced by another transaction.
    found = await provider.getTransaction(hash);
    if (!found) {
      journal.outcome(hash, "gone");
      throw settled(
        new ChaincallError("NONCE_ERROR", `transaction ${hash} is not on the chain and its nonce ${nonce} was used by another transaction`),
      );
    }
  }
  if (found) {
    journal.outcome(hash, "sent");
    return found;
  }
  journal.outcome(hash, "gone");
  return null;
}

/** The error of a held key's send whose outcome is unknown; the queue asks its `settle` before it signs another. */
export function unknownOutcome(sender: Sender, hash: string, nonce: number, cause: unknown): UnknownOutcomeError {
  return new UnknownOutcomeError(
    hash,
    nonce,
    settleBy(() => lookUpSent(sender, hash, nonce)),
    cause,
  );
}

/**
 * After an answer that proves nothing, asks the chain: the transaction by hash (mined or pending: the send
 * succeeded), then the account's mined nonce (not used: the transaction is provably not there, and the
 * nonce is free again; used by another: this one can never be mined). While the chain cannot be asked, the
 * outcome stays unknown (`UnknownOutcomeError`) and the queue keeps the nonce.
 */
export async function settleUnknown(sender: Sender, hash: string, nonce: number, err: unknown): Promise<TransactionResponse> {
  let found: TransactionResponse | null;
  try {
    found = await lookUpSent(sender, hash, nonce);
  } catch (lookupErr) {
    if (isSettled(lookupErr)) throw lookupErr;
    throw unknownOutcome(sender, hash, nonce, err);
  }
  if (found) return found;
  throw settled(err);
}
