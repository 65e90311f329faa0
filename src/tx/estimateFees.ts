import type { JsonRpcApiProvider } from "ethers";
import { isDevChain } from "../utils/isDevChain.js";

/** Fees for one transaction: EIP-1559 where the chain has a base fee, legacy otherwise. */
export type FeeSettings = { type: 2; maxFeePerGas: bigint; maxPriorityFeePerGas: bigint } | { type: 0; gasPrice: bigint };

const GWEI = 1_000_000_000n;

// Concurrent sends share one fee look-up: the estimate is kept for a second per provider.
const cache = new WeakMap<object, { at: number; fees: Promise<FeeSettings> }>();

/**
 * Suggests fees: base fee × 2 + the node's suggested tip (EIP-1559), or `eth_gasPrice` on chains without a
 * base fee. A zero suggested tip is raised to 1 gwei on local dev chains (and 1 wei elsewhere) so sends are
 * never refused as underpriced.
 * @example const fees = await estimateFees(provider, 31337n); // { type: 2, maxFeePerGas, maxPriorityFeePerGas }
 */
export function estimateFees(provider: JsonRpcApiProvider, chainId: bigint): Promise<FeeSettings> {
  const hit = cache.get(provider);
  if (hit && Date.now() - hit.at < 1_000) return hit.fees;
  const fees = lookUp(provider, chainId);
  cache.set(provider, { at: Date.now(), fees });
  fees.catch(() => cache.delete(provider));
  return fees;
}

async function lookUp(provider: JsonRpcApiProvider, chainId: bigint): Promise<FeeSettings> {
  const block = (await provider.send("eth_getBlockByNumber", ["latest", false])) as { baseFeePerGas?: string } | null;
  if (!block?.baseFeePerGas) return { type: 0, gasPrice: BigInt((await provider.send("eth_gasPrice", [])) as string) };
  const baseFee = BigInt(block.baseFeePerGas);
  let tip: bigint;
  try {
    tip = BigInt((await provider.send("eth_maxPriorityFeePerGas", [])) as string);
  } catch {
    tip = GWEI; // Nodes without the method (older ones): the long-standing wallet default.
  }
  const floor = isDevChain(chainId) ? GWEI : 1n;
  if (tip < floor) tip = floor;
  return { type: 2, maxFeePerGas: baseFee * 2n + tip, maxPriorityFeePerGas: tip };
}
