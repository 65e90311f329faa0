import { ChaincallError, type ChaincallErrorOptions } from "./ChaincallError.js";

/** What a revert's data decoded to. */
export interface DecodedRevert {
  /** `Error`, `Panic`, or the custom error's name; undefined when the data matched nothing known. */
  errorName?: string;
  /** The error's signature, e.g. `InsufficientBalance(uint256,uint256)`. */
  signature?: string;
  /** Decoded arguments, in order. */
  args: unknown[];
  /** A human reason: the `Error(string)` text, the panic's meaning, or `Name(arg, …)`. */
  reason?: string;
  /** The raw revert data (`0x` when the node gave none). */
  data: string;
}

/**
 * A call, gas estimate or transaction reverted. Carries the decoded revert (`errorName`, `args`, `reason`).
 * @example if (err instanceof ContractRevertedError && err.errorName === "Unauthorized") …
 */
export class ContractRevertedError extends ChaincallError {
  override name = "ContractRevertedError";
  /** `Error`, `Panic`, or the custom error's name; undefined when the data matched no known ABI. */
  readonly errorName?: string;
  /** The error's signature, e.g. `InsufficientBalance(uint256,uint256)`. */
  readonly signature?: string;
  /** The error's decoded arguments, in order. */
  readonly args: unknown[];
  /** A human reason: the `Error(string)` text, the panic's meaning, or `Name(arg, …)`. */
  readonly reason?: string;
  /** The raw revert data (`0x` when the node gave none). */
  readonly data: string;
  /** For a mined transaction that reverted: its hash. */
  readonly transactionHash?: string;
  /** For a mined transaction that reverted: its block. */
  readonly blockNumber?: number;

  /**
   * @param revert what the revert data decoded to (see `decodeRevert`)
   * @param options `cause`, and for a mined transaction its `transactionHash` and `blockNumber`
   */
  constructor(revert: DecodedRevert, options: ChaincallErrorOptions & { transactionHash?: string; blockNumber?: number } = {}) {
    const what =
      revert.reason ?? (revert.data && revert.data !== "0x" ? `unknown error data ${revert.data.slice(0, 74)}` : "no reason given");
    const where = options.transactionHash
      ? `transaction ${options.transactionHash} reverted in block ${options.blockNumber}`
      : "execution reverted";
    super("CALL_REVERTED", `${where}: ${what}`, options);
    this.transactionHash = options.transactionHash;
    this.blockNumber = options.blockNumber;
    this.errorName = revert.errorName;
    this.signature = revert.signature;
    this.args = revert.args;
    this.reason = revert.reason;
    this.data = revert.data;
  }
}
