import type { FunctionFragment, Interface, TransactionResponse } from "ethers";
import type { Client } from "../client/connect.js";
import { checkAbis, checkClient, checkHex, checkObject } from "../errors/assertArgument.js";

/** What `getTransaction` looks up: a transaction hash, and the ABIs to decode its input with. */
export interface GetTransactionParameters {
  /** The transaction hash (`0x` and 64 hex digits). */
  hash: string;
  /** ABIs to decode the input with (the first that has the selector and decodes it wins). Default none. */
  abis?: readonly Interface[];
}

/** A call decoded from a transaction's input. */
export interface DecodedCall {
  /** `setYear` */
  name: string;
  /** `setYear(uint256)` */
  signature: string;
  fragment: FunctionFragment;
  /** The arguments, one per input of `fragment`. */
  args: unknown[];
}

/** A transaction the node knows, with its input decoded when a known ABI has the function. */
export interface GetTransactionReturnType {
  /** As ethers returns it; `blockNumber` is null while it is pending. */
  transaction: TransactionResponse;
  /** The call the input makes, or null (no input, or no known ABI decodes it). */
  call: DecodedCall | null;
}

/**
 * A transaction, mined or pending (`eth_getTransactionByHash`), with its input decoded by the first ABI in
 * `abis` that has its selector. Resolves to null when the node does not know the hash.
 * @param client a client from `connect()`
 * @param parameters the hash, and optionally the ABIs to decode its input with
 * @throws ChaincallError `INVALID_ARGUMENT` (nothing is sent), `RPC_ERROR`, `TIMEOUT`
 * @example const found = await getTransaction(client, { hash, abis: [CallDemo__factory.createInterface()] }); // found?.call?.name === "setYear"
 */
export async function getTransaction(client: Client, parameters: GetTransactionParameters): Promise<GetTransactionReturnType | null> {
  checkClient(client);
  checkObject(parameters, "parameters");
  const hash = checkHex(parameters.hash, "parameters.hash", { bytes: 32 }).toLowerCase();
  const abis = parameters.abis === undefined ? [] : checkAbis(parameters.abis, "parameters.abis");
  const transaction = await client.provider.getTransaction(hash);
  if (!transaction) return null;
  return { transaction, call: decodeTransactionInput(abis, transaction.data, transaction.value) };
}

/**
 * The call a transaction's input makes, decoded with the first ABI that has its selector and decodes its
 * arguments; null otherwise (no selector, or no ABI fits).
 * @example decodeTransactionInput([iface], "0x7f3d1a83…07e5", 0n)?.args // [2021n]
 */
function decodeTransactionInput(abis: readonly Interface[], data: string, value: bigint): DecodedCall | null {
  if (data.length < 10) return null;
  for (const iface of abis) {
    try {
      const parsed = iface.parseTransaction({ data, value });
      if (!parsed) continue;
      return { name: parsed.name, signature: parsed.signature, fragment: parsed.fragment, args: [...parsed.args] };
    } catch {
      // The selector matched but the arguments do not decode with this ABI: try the next one.
    }
  }
  return null;
}
