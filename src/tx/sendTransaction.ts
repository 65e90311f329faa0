import type { TransactionRequest, TransactionResponse } from "ethers";
import type { Client } from "../client/connect.js";
import { ChaincallError } from "../errors/ChaincallError.js";
import { toChaincallError } from "../errors/toChaincallError.js";

/** Fee, gas, value and nonce settings of one transaction; unset fields are filled in by the signer. */
export interface TransactionOverrides {
  value?: bigint;
  gasLimit?: bigint;
  maxFeePerGas?: bigint;
  maxPriorityFeePerGas?: bigint;
  gasPrice?: bigint;
  /** 0 for legacy, 2 for EIP-1559 (default: what the chain supports). */
  type?: number;
  nonce?: number;
}

export interface SendTransactionParameters extends TransactionOverrides {
  /** Recipient; omitted for a contract creation. */
  to?: string;
  data?: string;
}

/**
 * Signs (or has the node sign) and broadcasts a transaction, returning as soon as the node accepted it:
 * the hash is known before any wait. The client's chain id was checked when it connected.
 * @throws ChaincallError `SIGNER_ERROR` without a signer; `CALL_REVERTED` when gas estimation reverts;
 *   `INSUFFICIENT_FUNDS`, `NONCE_ERROR`, `RPC_ERROR`, `TIMEOUT`
 * @example const tx = await sendTransaction(client, { to, data }); console.log(tx.hash);
 */
export async function sendTransaction(client: Client, parameters: SendTransactionParameters): Promise<TransactionResponse> {
  if (!client.signer) throw new ChaincallError("SIGNER_ERROR", "this client has no signer: pass signer to connect()");
  const request: TransactionRequest = { chainId: client.chainId };
  for (const [key, value] of Object.entries(parameters)) if (value !== undefined) (request as Record<string, unknown>)[key] = value;
  try {
    return await client.signer.sendTransaction(request);
  } catch (err) {
    throw toChaincallError(err, client.provider.boundary);
  }
}
