import { ChaincallError } from "./ChaincallError.js";

/**
 * The node serves another chain than the one the caller insisted on. Nothing was signed or sent.
 * @example await connect({ rpcUrl, chainId: 1n }) // on a dev node → ChainMismatchError(expected 1, actual 31337)
 */
export class ChainMismatchError extends ChaincallError {
  override name = "ChainMismatchError";
  /** The chain id the caller asked for. */
  readonly expected: bigint;
  /** The chain id the node serves. */
  readonly actual: bigint;

  /**
   * @param expected the chain id asked for
   * @param actual the node's chain id
   * @param host the node's printable address
   */
  constructor(expected: bigint, actual: bigint, host: string) {
    super("CHAIN_MISMATCH", `chain id mismatch: expected ${expected}, but ${host} serves chain ${actual}`, {
      metaMessages: ["hint: check --rpc-url / ETH_RPC_URL, or drop --chain-id / ETH_CHAIN_ID"],
    });
    this.expected = expected;
    this.actual = actual;
  }
}
