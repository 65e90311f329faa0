// Wei as ether, in a module of its own: the fast path prints balances with it, without the address book.

/**
 * Wei in ether with all 18 decimals, as `cast balance --ether` prints it.
 * @example formatEtherFixed(1500000000000000001n) // "1.500000000000000001"
 */
export function formatEtherFixed(wei: bigint): string {
  const sign = wei < 0n ? "-" : "";
  const abs = wei < 0n ? -wei : wei;
  const unit = 10n ** 18n;
  return `${sign}${abs / unit}.${(abs % unit).toString().padStart(18, "0")}`;
}
