import { getAddress, type TransactionResponse, toQuantity } from "ethers";
import type { ChaincallProvider } from "../client/createProvider.js";

/** Most blocks `findTransactionByNonce` reads looking for a mined transaction. */
const NONCE_SCAN_BLOCKS = 256;

interface RpcBlock {
  transactions?: { hash?: string; from?: string; nonce?: string }[];
}

/**
 * Finds the transaction `from` sent with `nonce`, when its hash is unknown: a node-managed account's
 * `eth_sendTransaction` whose answer was lost (the node signs, so only the node knows the hash). Looks in
 * the blocks mined since `fromBlock` (newest first, at most `NONCE_SCAN_BLOCKS`) when the nonce is mined,
 * else in the node's pending block.
 * @param provider the client's provider
 * @param from the sender
 * @param nonce the nonce the send asked for
 * @param fromBlock a block at or before the send
 * @returns the transaction; `null` when the node has no transaction with that nonce (its pending count is
 *   not above it: the send is provably not there); `undefined` when the nonce is used but the transaction was
 *   not where it looked (mined too long ago, or a node that shows no pending block)
 * @throws the node's errors (the chain cannot be asked)
 * @example const tx = await findTransactionByNonce(client.provider, from, 7, blockBeforeSend);
 */
export async function findTransactionByNonce(
  provider: ChaincallProvider,
  from: string,
  nonce: number,
  fromBlock: number,
): Promise<TransactionResponse | null | undefined> {
  const [pending, latest] = await Promise.all([
    provider.getTransactionCount(from, "pending"),
    provider.getTransactionCount(from, "latest"),
  ]);
  if (pending <= nonce) return null;
  const sender = getAddress(from);
  const find = (block: RpcBlock | null) =>
    block?.transactions?.find(
      (t) => typeof t.from === "string" && getAddress(t.from) === sender && t.nonce !== undefined && Number(t.nonce) === nonce,
    )?.hash;
  let hash: string | undefined;
  if (latest > nonce) {
    const head = await provider.getBlockNumber();
    for (let n = head; n >= Math.max(fromBlock, head - NONCE_SCAN_BLOCKS + 1) && !hash; n--) {
      hash = find((await provider.send("eth_getBlockByNumber", [toQuantity(n), true])) as RpcBlock | null);
    }
  } else {
    hash = find((await provider.send("eth_getBlockByNumber", ["pending", true]).catch(() => null)) as RpcBlock | null);
  }
  return hash ? ((await provider.getTransaction(hash)) ?? undefined) : undefined;
}
