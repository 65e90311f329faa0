import {
  ContractTransactionReceipt,
  ContractTransactionResponse,
  type Interface,
  type TransactionReceipt,
  TransactionResponse,
  type TransactionResponseParams,
} from "ethers";
import type { ChaincallProvider } from "../client/createProvider.js";
import type { Sender } from "./Sender.js";
import type { SignedFields } from "./signPrepared.js";
import { waitForReceipt } from "./waitForReceipt.js";

type WaitSource = { provider: ChaincallProvider; chainId: bigint };

// ethers' wait(confirms, timeout) through waitForReceipt: `confirms` blocks (default 1; 0 answers at once,
// the receipt or null), at most `timeout` ms (default 2 min).
function boundedWait(
  source: WaitSource,
  tx: TransactionResponse,
  confirms?: number,
  timeout?: number | null,
): Promise<TransactionReceipt | null> {
  if (confirms === 0) return source.provider.getTransactionReceipt(tx.hash);
  return waitForReceipt(source, tx.hash, { confirmations: confirms ?? 1, timeoutMs: timeout ?? undefined, nonce: tx.nonce, from: tx.from });
}

// A response whose wait() is the bounded one: a timeout (default 2 min), dropped and replaced transactions
// told apart, a reverted one decoded, never a wait without end.
class BoundedTransactionResponse extends TransactionResponse {
  readonly #source: WaitSource;

  constructor(tx: TransactionResponseParams, source: WaitSource) {
    super(tx, source.provider);
    this.#source = source;
  }

  /**
   * Waits through `waitForReceipt`: `confirms` blocks (default 1; 0 answers at once, the receipt or null),
   * at most `timeout` ms (default 2 min).
   */
  override wait(confirms?: number, timeout?: number | null): Promise<TransactionReceipt | null> {
    return boundedWait(this.#source, this, confirms, timeout);
  }
}

/**
 * The response a send resolves with, its `wait()` bounded (see `waitForReceipt`): the node's own answer, or
 * for a held key what ethers' broadcastTransaction would return, built from the signed fields and the known
 * sender (no recovery of the public key from the signature).
 * @example const response = buildResponse(source, await provider.getTransaction(hash));
 */
export function buildResponse(
  source: WaitSource,
  tx: TransactionResponse | { signed: SignedFields; hash: string; from: string },
): TransactionResponse {
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
    signature: signed.signature,
    accessList: signed.accessList,
    blobVersionedHashes: null,
    authorizationList: null,
  };
  return new BoundedTransactionResponse(params, source);
}

/**
 * A binding's send result with the bounded wait too: ethers copies the signer's response into a
 * `ContractTransactionResponse`, whose wait() is ethers' own (no bound); this one's waits through
 * `waitForReceipt`, its receipt's logs still parsed with the contract's interface. Anything else (a read's
 * result, a send through another runner) is returned as it is.
 * @example return boundBindingWait(await method(...args), contract.interface, contract.runner);
 */
export function boundBindingWait<T>(result: T, iface: Interface, runner: unknown): T {
  const sender = (runner as { sender?: Sender } | null | undefined)?.sender;
  if (!(result instanceof ContractTransactionResponse) || !sender) return result;
  const source = { provider: sender.provider, chainId: sender.chainId };
  const wait = async (confirms?: number, timeout?: number | null): Promise<ContractTransactionReceipt | null> => {
    const receipt = await boundedWait(source, result, confirms, timeout);
    return receipt && new ContractTransactionReceipt(iface, source.provider, receipt);
  };
  // On this object only (ethers' prototype stays as it is).
  Object.defineProperty(result, "wait", { value: wait, writable: true, configurable: true });
  return result;
}
