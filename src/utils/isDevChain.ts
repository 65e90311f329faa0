/** Chain ids that many unrelated local nodes share (Hardhat and Anvil 31337, Ganache 1337). */
const DEV_CHAIN_IDS: ReadonlySet<bigint> = new Set([31337n, 1337n]);

/**
 * True for a chain id that local dev nodes share: their identity needs the genesis hash too (address book,
 * journal, failover), their fees have a 1 gwei floor, and their blocks come on demand.
 * @example isDevChain(31337n) // true; isDevChain(1n) // false
 */
export function isDevChain(chainId: bigint): boolean {
  return DEV_CHAIN_IDS.has(chainId);
}
