import type { TransactionReceipt } from "ethers";
import { ChaincallError } from "./ChaincallError.js";

/**
 * Another transaction with the same sender and nonce was mined instead of the one awaited: it was replaced
 * (sped up, changed) or cancelled (sent to self with no data and no value). Never a success.
 * @example if (err instanceof TransactionReplacedError) console.log(err.replacementHash, err.cancelled);
 */
export class TransactionReplacedError extends ChaincallError {
  override name = "TransactionReplacedError";
  /** The awaited transaction's hash. */
  readonly hash: string;
  /** The nonce both transactions used. */
  readonly nonce: number;
  /** The hash of the transaction mined instead. */
  readonly replacementHash: string;
  /** The replacement's receipt. */
  readonly receipt: TransactionReceipt;
  /** True when the replacement looks like a cancellation (to the sender itself, no data, no value). */
  readonly cancelled: boolean;

  /**
   * @param hash the awaited transaction's hash
   * @param nonce its nonce
   * @param receipt the replacement's receipt
   * @param cancelled whether the replacement looks like a cancellation
   */
  constructor(hash: string, nonce: number, receipt: TransactionReceipt, cancelled: boolean) {
    super(
      "TX_REPLACED",
      `transaction ${hash} (nonce ${nonce}) was ${cancelled ? "cancelled" : "replaced"} by ${receipt.hash}, mined in block ${receipt.blockNumber} with status ${receipt.status === 1 ? "success" : "reverted"}`,
    );
    this.hash = hash;
    this.nonce = nonce;
    this.replacementHash = receipt.hash;
    this.receipt = receipt;
    this.cancelled = cancelled;
  }
}
