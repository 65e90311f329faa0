import { ChaincallError } from "../errors/ChaincallError.js";

/**
 * A broadcast whose answer did not prove a refusal (HTTP 5xx, JSON-RPC -32603, a timeout, a reset after the
 * request was written), and whose fate the chain could not be asked about either: the node may have the
 * transaction. For a node-managed account (`eth_sendTransaction`) the hash may be unknown too: the node
 * signs, and its answer was lost. Its nonce stays reserved: no other transaction is signed for it until the chain says the
 * transaction is not there (the account's queue asks again before its next send). Code `RPC_ERROR`.
 *
 * @example
 * try {
 *   await demo.setYear(2021);
 * } catch (err) {
 *   if (err instanceof UnknownOutcomeError) {
 *     // Do not send again: the node may have it. Ask later (or run `npx chaincall journal`).
 *     const there = await err.settle(); // true: on chain (or its nonce used); false: provably not sent
 *   }
 * }
 */
export class UnknownOutcomeError extends ChaincallError {
  override name = "UnknownOutcomeError";
  /**
   * @param hash the transaction's hash; undefined when the node signed it and its answer was lost
   * @param nonce its nonce
   * @param settle asks the chain again: true when the transaction (or another with its nonce) is there,
   *   false when it is provably not (its nonce is free again); throws while the chain cannot be asked
   * @param cause the broadcast's error
   */
  constructor(
    /** The transaction's hash (journalled as `unknown`); undefined when the node signed it and its answer was lost. */
    readonly hash: string | undefined,
    /** Its nonce, kept reserved. */
    readonly nonce: number,
    settle: () => Promise<boolean>,
    cause: unknown,
  ) {
    super(
      "RPC_ERROR",
      `the outcome of ${hash ? `transaction ${hash}` : "the transaction the node signed"} (nonce ${nonce}) is unknown: the node's answer did not say whether it took it, and the chain could not be asked`,
      {
        cause,
        metaMessages: ["hint: check it with `chaincall journal` once the node answers; its nonce is not reused until then"],
      },
    );
    Object.defineProperty(this, "settle", { value: settle, enumerable: false });
  }

  /** Asks the chain again (see the constructor). */
  declare readonly settle: () => Promise<boolean>;
}
