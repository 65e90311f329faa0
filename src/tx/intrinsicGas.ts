import { getBytes } from "ethers";

/**
 * The gas a transaction costs before executing anything (EIP-2028 calldata pricing, EIP-3860 initcode
 * words, EIP-2930 access lists): a gas limit below it can never be mined.
 * @example intrinsicGas({ to: "0x…", data: "0x" }) // 21000n
 */
export function intrinsicGas(tx: {
  to?: string | null;
  data?: string | null;
  accessList?: readonly { storageKeys: readonly string[] }[] | null;
}): bigint {
  const data = tx.data ? getBytes(tx.data) : new Uint8Array();
  let gas = 21_000n;
  let zeros = 0n;
  for (const byte of data) if (byte === 0) zeros++;
  gas += zeros * 4n + (BigInt(data.length) - zeros) * 16n;
  if (tx.to === undefined || tx.to === null) gas += 32_000n + 2n * ((BigInt(data.length) + 31n) / 32n);
  for (const entry of tx.accessList ?? []) gas += 2_400n + 1_900n * BigInt(entry.storageKeys.length);
  return gas;
}
