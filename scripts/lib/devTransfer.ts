import type { Wallet } from "ethers";

/** Where dev transfers go: an address nobody holds the key of. */
export const DEAD_ADDRESS = "0x000000000000000000000000000000000000dEaD";

/**
 * A signed 1-wei EIP-1559 transfer to DEAD_ADDRESS on a local chain (31337), with fixed gas and fees (10 gwei
 * max, 1 wei tip): traffic for tests and benchmarks that need raw transactions with chosen nonces.
 * @example const raw = await signDevTransfer(new Wallet(DEV_PRIVATE_KEY), 0);
 */
export function signDevTransfer(wallet: Wallet, nonce: number): Promise<string> {
  return wallet.signTransaction({
    chainId: 31337n,
    nonce,
    to: DEAD_ADDRESS,
    value: 1n,
    gasLimit: 21_000n,
    maxFeePerGas: 10n ** 10n,
    maxPriorityFeePerGas: 1n,
    type: 2,
  });
}
