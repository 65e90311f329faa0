import type { JsonRpcApiProvider } from "ethers";
import { estimateFees, type FeeSettings } from "./estimateFees.js";

/** The fee settings a caller gave (any may be missing): the same fields as `TransactionOverrides`. */
export interface FeeOverrides {
  /** 0 for legacy, 2 for EIP-1559. */
  type?: number | null;
  gasPrice?: bigint | null;
  maxFeePerGas?: bigint | null;
  maxPriorityFeePerGas?: bigint | null;
}

/**
 * The fees a transaction is signed with: the caller's own where given, the node's suggestion for the rest.
 * A gas price or type 0 makes it legacy (`eth_gasPrice` when no price was given); both EIP-1559 fields given
 * are used as they are; otherwise the suggestion (`estimateFees`) fills in, keeping a given tip or cap (a
 * tip above the cap is lowered to it). On a chain without a base fee the suggestion is legacy.
 * @param source a client (or anything with its `provider` and `chainId`)
 * @param overrides the caller's fee fields
 * @example const fees = await resolveFees(client, { maxPriorityFeePerGas: 2_000_000_000n }); // { type: 2, maxFeePerGas, maxPriorityFeePerGas }
 */
export async function resolveFees(
  source: { provider: JsonRpcApiProvider; chainId: bigint },
  overrides: FeeOverrides = {},
): Promise<FeeSettings> {
  const { gasPrice, maxFeePerGas, maxPriorityFeePerGas } = overrides;
  if (gasPrice !== undefined && gasPrice !== null) return { type: 0, gasPrice };
  if (overrides.type === 0) return { type: 0, gasPrice: BigInt((await source.provider.send("eth_gasPrice", [])) as string) };
  if (maxFeePerGas != null && maxPriorityFeePerGas != null) return { type: 2, maxFeePerGas, maxPriorityFeePerGas };
  const suggested = await estimateFees(source.provider, source.chainId);
  if (suggested.type === 0) return suggested;
  const tip = maxPriorityFeePerGas ?? suggested.maxPriorityFeePerGas;
  const max = maxFeePerGas ?? suggested.maxFeePerGas - suggested.maxPriorityFeePerGas + tip;
  // biome-ignore lint/complexity/useMathMinMax: bigints (Math.min takes numbers)
  return { type: 2, maxFeePerGas: max, maxPriorityFeePerGas: tip > max ? max : tip };
}
