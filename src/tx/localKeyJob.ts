import type { SigningKey, TransactionLike, TransactionResponse } from "ethers";
import { ChaincallError } from "../errors/ChaincallError.js";
import { minedDespiteError, toChaincallError } from "../errors/toChaincallError.js";
import type { QueueJob } from "./AccountQueue.js";
import { buildResponse } from "./buildResponse.js";
import { classifyBroadcastFailure, isAlreadyKnown } from "./classifyBroadcastFailure.js";
import type { Sender } from "./Sender.js";
import { isSettled, settleUnknown } from "./settleOutcome.js";
import { type SignedPrepared, signPrepared } from "./signPrepared.js";
import { UnknownOutcomeError } from "./UnknownOutcomeError.js";

/** A held key's signed transaction: its nonce, bytes and hash, and the fields the response is made of. */
interface KeySigned extends SignedPrepared {
  nonce: number;
}

/**
 * How the queue sends a prepared transaction with a key this process holds: signed here, journalled with
 * its signed bytes before it leaves the process, broadcast with `eth_sendRawTransaction`; an answer that
 * proves nothing is settled by asking the chain (see `settleUnknown`).
 * @example await sender.queue.submit(sender.account, localKeyJob(sender, wallet.signingKey, prepared));
 */
export function localKeyJob(sender: Sender, key: SigningKey, tx: TransactionLike<string>): QueueJob<KeySigned, TransactionResponse> {
  const { provider, journal } = sender;
  return {
    batchable: true,
    sign: async (nonce) => {
      // Signed here rather than through Wallet.signTransaction: the fields are already resolved and
      // checked, and this skips a second address check and ethers' per-field parsing per transaction.
      const { raw, hash, signed } = signPrepared(key, tx, nonce);
      // On disk before it leaves the process: a crash right after the broadcast loses nothing.
      journal.entry({ hash, nonce, to: tx.to ?? null, raw });
      return { nonce, hash, raw, signed };
    },
    send: async ({ hash, raw, signed }, post) => {
      try {
        // eth_sendRawTransaction directly: ethers' broadcastTransaction re-parses the raw bytes and
        // recovers the sender's public key from the signature, which costs three signatures' worth of
        // CPU per send; the sender is known here. Posted before any await: the queue may batch it.
        const accepted = await (post ? post("eth_sendRawTransaction", [raw]) : provider.sendNow("eth_sendRawTransaction", [raw]));
        if (typeof accepted === "string" && accepted.toLowerCase() !== hash) {
          throw new ChaincallError("RPC_ERROR", `the node answered hash ${accepted} for transaction ${hash}`);
        }
        sender.stall?.sent(signed.nonce, raw, hash);
        return buildResponse(sender, { signed: signed, hash: hash, from: sender.address });
      } catch (err) {
        // A retry after a lost answer, or a re-broadcast: the node has exactly this transaction. Or Hardhat
        // mined it and reverted (it answers with an error then): the wait reports the decoded revert.
        if (isAlreadyKnown(err) || minedDespiteError(err) === hash) {
          const known = await provider.getTransaction(hash);
          if (known) return buildResponse(sender, known);
          throw err;
        }
        const failure = classifyBroadcastFailure(err);
        if (failure === "refused") throw err;
        const code = toChaincallError(err, provider.boundary).code;
        if (failure === "unsent") {
          // Never delivered: nobody has it, and its nonce goes to the next send.
          journal.outcome(hash, "unsent", code);
          throw err;
        }
        // The answer proves nothing: the send resolves only once the chain has been asked.
        journal.outcome(hash, "unknown", code);
        return buildResponse(sender, await settleUnknown(sender, hash, signed.nonce, err));
      }
    },
    refused: ({ hash }, err) => {
      // Only a node's own refusal is one: an unsent, unknown or settled broadcast has its own journal line.
      if (!journal.path || err instanceof UnknownOutcomeError || isSettled(err) || classifyBroadcastFailure(err) !== "refused") return;
      journal.refusal(hash, toChaincallError(err, provider.boundary).code);
    },
    unsent: ({ hash }) => journal.outcome(hash, "unsent", "RPC_ERROR"),
  };
}
