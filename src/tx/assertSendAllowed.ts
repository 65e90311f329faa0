import { ChaincallError } from "../errors/ChaincallError.js";

/** Chain ids on which nothing is broadcast without a confirmation (SPEC §7.8), and their names. */
const GUARDED_CHAINS: ReadonlyMap<bigint, string> = new Map([[1n, "Ethereum mainnet"]]);

/**
 * The name of a chain whose sends need a confirmation (Ethereum mainnet, chain id 1); undefined for any other.
 * @example if (guardedChainName(client.chainId)) await askTheUser();
 */
export function guardedChainName(chainId: bigint): string | undefined {
  return GUARDED_CHAINS.get(chainId);
}

/** What `assertSendAllowed` checks: whether the sends were confirmed, how many, and what to say otherwise. */
export interface AssertSendAllowedParameters {
  /** True once the user agreed (a `--yes`, a prompt answered yes). */
  confirmed: boolean;
  /** How many transactions are about to be broadcast. Default 1. */
  count?: number;
  /** Why no confirmation could be had, appended to the message (`no terminal to ask on`). */
  reason?: string;
  /** Hints for the error (`hint: pass --yes …`). */
  hints?: string[];
}

/**
 * The mainnet guard (SPEC §7.8): on a guarded chain (Ethereum mainnet, chain id 1) nothing is broadcast
 * unless it was confirmed. Other chains, and confirmed or empty sends, pass.
 * @param source a client (or anything with its `chainId`)
 * @throws ChaincallError `INVALID_ARGUMENT` on a guarded chain without confirmation (nothing is signed)
 * @example assertSendAllowed(client, { confirmed: process.env.CONFIRM_MAINNET === "yes" });
 */
export function assertSendAllowed(source: { chainId: bigint }, parameters: AssertSendAllowedParameters): void {
  const chainName = guardedChainName(source.chainId);
  const count = parameters.count ?? 1;
  if (!chainName || parameters.confirmed || count === 0) return;
  const what = count === 1 ? "a transaction" : `${count} transactions`;
  throw new ChaincallError(
    "INVALID_ARGUMENT",
    `refusing to broadcast ${what} on ${chainName} (chain id ${source.chainId}) without confirmation${parameters.reason ? `: ${parameters.reason}` : ""}`,
    {
      metaMessages: parameters.hints,
    },
  );
}
