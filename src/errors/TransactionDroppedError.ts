import { ChaincallError } from "./ChaincallError.js";

/**
 * A sent transaction left the node's pool without being mined, and no other transaction took its nonce.
 * It may be re-broadcast from the journal (`chaincall journal --rebroadcast`).
 * @example if (err instanceof TransactionDroppedError) console.log(err.hash, err.nonce);
 */
export class TransactionDroppedError extends ChaincallError {
  override name = "TransactionDroppedError";
  /** The dropped transaction's hash. */
  readonly hash: string;
  /** Its nonce, free again. */
  readonly nonce: number;

  /**
   * @param hash the transaction's hash
   * @param nonce its nonce
   * @param from its sender
   */
  constructor(hash: string, nonce: number, from: string) {
    super(
      "TX_DROPPED",
      `transaction ${hash} (nonce ${nonce} from ${from}) was dropped: the node no longer knows it and nothing was mined with its nonce`,
      {
        metaMessages: ["hint: re-broadcast it with `chaincall journal --rebroadcast`, or send again"],
      },
    );
    this.hash = hash;
    this.nonce = nonce;
  }
}
