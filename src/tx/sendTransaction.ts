import type { TransactionRequest, TransactionResponse } from "ethers";
import type { ChaincallProvider } from "../client/createProvider.js";
import { assertArgument, checkAddress, checkClient, checkHex, checkInteger, checkObject, checkQuantity } from "../errors/assertArgument.js";
import { ChaincallError } from "../errors/ChaincallError.js";
import { toChaincallError } from "../errors/toChaincallError.js";
import { prepareTransaction } from "./prepareTransaction.js";
import type { Sender } from "./Sender.js";

/** Fee, gas, value and nonce settings of one transaction; unset fields are filled in by the signer. */
export interface TransactionOverrides {
  /** Wei to send. Default 0. */
  value?: bigint;
  /** Gas limit; refused before signing when below the transaction's intrinsic gas. Default: estimated, plus 20 %. */
  gasLimit?: bigint;
  /** EIP-1559 fee cap per gas, in wei. */
  maxFeePerGas?: bigint;
  /** EIP-1559 priority fee (tip) per gas, in wei. */
  maxPriorityFeePerGas?: bigint;
  /** Legacy gas price, in wei (makes the transaction type 0). */
  gasPrice?: bigint;
  /** 0 for legacy, 2 for EIP-1559 (default: what the chain supports). */
  type?: number;
  /** Nonce to use instead of the next free one (for replacing a pending transaction). */
  nonce?: number;
}

/** One transaction for `sendTransaction`: recipient and calldata, plus any overrides. */
export interface SendTransactionParameters extends TransactionOverrides {
  /** Recipient; omitted for a contract creation. */
  to?: string;
  /** Calldata (`0x…`), or a contract's creation code when `to` is omitted. */
  data?: string;
}

/** What `sendTransaction` needs of a client (a `Client` from `connect()` with a signer is one). */
export interface SendingClient {
  readonly provider: ChaincallProvider;
  readonly chainId: bigint;
  /** The client's signer: its `sender` is the account the pipeline sends for. */
  readonly signer?: { readonly sender: Sender };
}

const QUANTITY_FIELDS = ["value", "gasLimit", "maxFeePerGas", "maxPriorityFeePerGas", "gasPrice"] as const;
const KNOWN_FIELDS = new Set<string>(["to", "data", "nonce", "type", ...QUANTITY_FIELDS]);

/**
 * Signs (or has the node sign) and broadcasts a transaction, returning as soon as the node accepted it:
 * the hash is known before any wait. The client's chain id was checked when it connected; every field is
 * checked before anything is signed or sent.
 * @param client a client from `connect()` with a signer
 * @param parameters recipient, calldata, and optional value, gas, fees and nonce
 * @returns the transaction as the node accepted it (wait with `client.wait(tx)` or `tx.wait()`: both bounded)
 * @throws ChaincallError `INVALID_ARGUMENT` for a malformed or unknown field (nothing is sent);
 *   `SIGNER_ERROR` without a signer; `CALL_REVERTED` when gas estimation reverts; `INSUFFICIENT_FUNDS`,
 *   `NONCE_ERROR`, `RPC_ERROR`, `TIMEOUT`; `JOURNAL_ERROR` when the client's journal cannot be written (nothing
 *   is sent)
 * @example const tx = await sendTransaction(client, { to, data }); console.log(tx.hash);
 */
export async function sendTransaction(client: SendingClient, parameters: SendTransactionParameters): Promise<TransactionResponse> {
  checkClient(client);
  const request = checkSendParameters(parameters, client.chainId);
  if (!client.signer) throw new ChaincallError("SIGNER_ERROR", "this client has no signer: pass signer to connect()");
  return submitTransaction(client.signer.sender, request);
}

/**
 * The send pipeline, for `sendTransaction` and the signer's `sendTransaction` (every binding's send):
 * prepare (fees, gas, checks: concurrently across sends), then the account's nonce queue, which signs (or
 * has the node sign), journals and broadcasts in nonce order; resolves once the node accepted it. A nonce
 * taken elsewhere (another process, a wallet) is retried once with the node's count.
 * @throws ChaincallError (translated once, here)
 * @example const tx = await submitTransaction(signer.sender, { to, data, chainId });
 */
export async function submitTransaction(sender: Sender, request: TransactionRequest): Promise<TransactionResponse> {
  try {
    const prepared = await prepareTransaction(sender, request);
    const explicitNonce = request.nonce ?? undefined;
    try {
      return await sender.queue.submit(sender.account, sender.job(prepared), explicitNonce);
    } catch (err) {
      // Someone else used the nonce (another process, a wallet): re-read the count and try once more.
      if (explicitNonce !== undefined || toChaincallError(err, sender.provider.boundary).code !== "NONCE_ERROR") throw err;
      return await sender.queue.submit(sender.account, sender.job(prepared));
    }
  } catch (err) {
    throw toChaincallError(err, sender.provider.boundary);
  }
}

// The request as the signer takes it, or INVALID_ARGUMENT naming the first bad field.
function checkSendParameters(parameters: SendTransactionParameters, chainId: bigint): TransactionRequest {
  checkObject(parameters, "parameters");
  const request: TransactionRequest = { chainId };
  for (const [key, value] of Object.entries(parameters)) {
    if (value === undefined) continue;
    // A misspelt field (`gas`, `input`, `fee`) would otherwise be dropped silently, and the default used.
    assertArgument(KNOWN_FIELDS.has(key), key, `left out (sendTransaction takes ${[...KNOWN_FIELDS].join(", ")})`, value);
  }
  const { to, data, nonce, type } = parameters;
  if (to !== undefined && to !== null) request.to = checkAddress(to, "to");
  if (data !== undefined) request.data = checkHex(data, "data");
  assertArgument(
    request.to !== undefined || (request.data !== undefined && request.data !== "0x"),
    "to",
    "an address (or give the creation code as data to deploy a contract)",
    to,
  );
  for (const field of QUANTITY_FIELDS) if (parameters[field] !== undefined) request[field] = checkQuantity(parameters[field], field);
  if (nonce !== undefined) request.nonce = checkInteger(nonce, "nonce");
  if (type !== undefined) {
    assertArgument(type === 0 || type === 2, "type", "0 (legacy) or 2 (EIP-1559)", type);
    request.type = type;
  }
  const eip1559 = parameters.maxFeePerGas !== undefined || parameters.maxPriorityFeePerGas !== undefined;
  assertArgument(
    !(eip1559 && (parameters.gasPrice !== undefined || type === 0)),
    "gasPrice",
    "left out with maxFeePerGas/maxPriorityFeePerGas (legacy and EIP-1559 fees do not mix)",
    parameters.gasPrice,
  );
  assertArgument(
    !(type === 2 && parameters.gasPrice !== undefined),
    "gasPrice",
    "left out for a type 2 transaction (use maxFeePerGas)",
    parameters.gasPrice,
  );
  return request;
}
