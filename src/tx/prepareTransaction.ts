import { type BigNumberish, getAddress, resolveAddress, type TransactionLike, type TransactionRequest } from "ethers";
import { ChaincallError } from "../errors/ChaincallError.js";
import { ChainMismatchError } from "../errors/ChainMismatchError.js";
import { intrinsicGas } from "./intrinsicGas.js";
import { resolveFees } from "./resolveFees.js";
import type { Sender } from "./Sender.js";
import { sharedEstimate } from "./sharedEstimate.js";

const AMOUNT_FIELDS = ["value", "gasLimit", "gasPrice", "maxFeePerGas", "maxPriorityFeePerGas", "nonce"] as const;

/**
 * Everything of a transaction but its nonce: resolved addresses, the chain id (checked), fees (see
 * `resolveFees`) and gas (estimated plus headroom, or the caller's, refused below intrinsic gas). Runs
 * concurrently across sends, before the nonce queue.
 * @throws ChaincallError `INVALID_ARGUMENT` for a negative amount, another `from`, or a gas limit below
 *   intrinsic gas (nothing is signed); `CHAIN_MISMATCH` for another chain id; the node's errors
 * @example const tx = await prepareTransaction(sender, { to, data });
 */
export async function prepareTransaction(sender: Sender, request: TransactionRequest): Promise<TransactionLike<string>> {
  const { provider, chainId, address } = sender;
  // Before anything is asked of the node: a negative amount (a binding's overrides, say) is the caller's mistake.
  for (const field of AMOUNT_FIELDS) {
    const amount = request[field];
    if (amount !== undefined && amount !== null && BigInt(amount) < 0n) {
      throw new ChaincallError("INVALID_ARGUMENT", `the transaction's ${field} must be ≥ 0, got ${amount}`);
    }
  }
  if (request.chainId !== undefined && request.chainId !== null && BigInt(request.chainId) !== chainId) {
    throw new ChainMismatchError(BigInt(request.chainId), chainId, provider.boundary.endpoint);
  }
  if (request.from) {
    const from = await resolveAddress(request.from, provider);
    if (getAddress(from) !== address)
      throw new ChaincallError("INVALID_ARGUMENT", `the transaction's from (${from}) is not this signer (${address})`);
  }
  const to = request.to ? await resolveAddress(request.to, provider) : null;
  const data = request.data ?? "0x";
  const value = request.value === undefined || request.value === null ? 0n : BigInt(request.value);
  const tx: TransactionLike<string> = { chainId, from: address, to, data, value, accessList: request.accessList ?? undefined };

  const fees = await resolveFees(sender, {
    type: request.type,
    gasPrice: optionalBigInt(request.gasPrice),
    maxFeePerGas: optionalBigInt(request.maxFeePerGas),
    maxPriorityFeePerGas: optionalBigInt(request.maxPriorityFeePerGas),
  });
  Object.assign(tx, fees);

  const floor = intrinsicGas({ to, data, accessList: tx.accessList as { storageKeys: string[] }[] | undefined });
  if (request.gasLimit !== undefined && request.gasLimit !== null) {
    tx.gasLimit = BigInt(request.gasLimit);
    if (tx.gasLimit < floor) {
      throw new ChaincallError(
        "INVALID_ARGUMENT",
        `gas limit ${tx.gasLimit} is below the intrinsic gas of this transaction (${floor}): it could never be mined`,
      );
    }
  } else {
    const estimate = await sharedEstimate(provider, { from: address, to, data, value, accessList: tx.accessList ?? undefined });
    const withHeadroom = (estimate * BigInt(100 + sender.gasHeadroomPercent)) / 100n;
    tx.gasLimit = withHeadroom > floor ? withHeadroom : floor;
  }
  return tx;
}

function optionalBigInt(value: BigNumberish | null | undefined): bigint | undefined {
  return value === undefined || value === null ? undefined : BigInt(value);
}
