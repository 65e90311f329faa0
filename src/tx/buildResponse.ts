import { TransactionResponse, type Transaction, type TransactionReceipt, type TransactionResponseParams } from "ethers";
import type { ChaincallProvider } from "../client/createProvider.js";
import { waitForReceipt } from "./waitForReceipt.js";

// A response whose wait() is the bounded one: a timeout (default 2 min), dropped and replaced transactions
// told apart, a reverted one decoded, never a wait without end.
class BoundedTransactionResponse extends TransactionResponse {
  readonly #source: { provider: ChaincallProvider; chainId: bigint };

  constructor(tx: TransactionResponseParams, source: { provider: ChaincallProvider; chainId: bigint }) {
    super(tx, source.provider);
    this.#source = source;
  }

  /**
   * Waits through `waitForReceipt`: `confirms` blocks (default 1; 0 answers at once, the receipt or null),
   * at most `timeout` ms (default 2 min).
   */
  override async wait(confirms?: number, timeout?: number | null): Promise<TransactionReceipt | null> {
    if (confirms === 0) return this.#source.provider.getTransactionReceipt(this.hash);
    return waitForReceipt(this.#source, this.hash, { confirmations: confirms ?? 1, timeoutMs: timeout ?? undefined, nonce: this.nonce, from: this.from });
  }
}

/**
 * The response a send resolves with, its `wait()` bounded (see `waitForReceipt`): the node's own answer, or
 * for a held key what ethers' broadcastTransaction would return, built from the signed fields and the known
 * sender (no recovery of the public key from the signature).
 * @example const response = buildResponse(source, await provider.getTransaction(hash));
 */
export function buildResponse(source: { provider: ChaincallProvider; chainId: bigint }, tx: TransactionResponse | { signed: Transaction; hash: string; from: string }): TransactionResponse {
  if (tx instanceof TransactionResponse) return new BoundedTransactionResponse(tx, source);
  const { signed, hash, from } = tx;
  const params: TransactionResponseParams = {
    blockNumber: null,
    blockHash: null,
    hash,
    index: 0,
    type: signed.type ?? 0,
    to: signed.to,
    from,
    nonce: signed.nonce,
    gasLimit: signed.gasLimit,
    gasPrice: signed.gasPrice ?? signed.maxFeePerGas ?? 0n,
    maxPriorityFeePerGas: signed.maxPriorityFeePerGas,
    maxFeePerGas: signed.maxFeePerGas,
    maxFeePerBlobGas: null,
    data: signed.data,
    value: signed.value,
    chainId: signed.chainId,
    signature: signed.signature!,
    accessList: signed.accessList,
    blobVersionedHashes: null,
    authorizationList: null,
  };
  return new BoundedTransactionResponse(params, source);
}
