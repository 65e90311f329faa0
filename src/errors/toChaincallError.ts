import type { Interface } from "ethers";
import { ChaincallError, type ErrorCode } from "./ChaincallError.js";
import { ContractRevertedError } from "./ContractRevertedError.js";
import { decodeRevert } from "./decodeRevert.js";
import { findCause } from "./findCause.js";
import { findRevertData } from "./findRevertData.js";
import { textSays } from "./nodeMessages.js";
import { redact } from "./redact.js";

export interface ErrorContext {
  /** The node's printable address (see `describeUrl`), named in connection errors. */
  endpoint?: string;
  /** ABIs whose custom errors may appear in revert data. */
  interfaces?: readonly Interface[];
}

/**
 * Translates any error (ethers', a socket's, a node's) into a `ChaincallError` with a stable code, a
 * secret-free one-line message, and the original as `cause`. Chaincall errors pass through unchanged. An
 * unreachable node is `RPC_ERROR` "cannot reach …" with `failure: "unreachable"`.
 * @example catch (e) { throw toChaincallError(e, { endpoint: "http://127.0.0.1:8545" }); }
 */
export function toChaincallError(err: unknown, context: ErrorContext = {}): ChaincallError {
  if (err instanceof ChaincallError) return err;
  // The fields ethers' errors and nodes' JSON-RPC errors carry, all optional: read, never trusted.
  interface Wordy {
    message?: unknown;
    code?: unknown;
  }
  const e = (err ?? {}) as Wordy & { shortMessage?: unknown; reason?: unknown; error?: Wordy; cause?: Wordy; info?: { error?: Wordy } };
  const ethersCode: string | undefined = typeof e.code === "string" ? e.code : undefined;
  // ethers' "could not coalesce error" says nothing: the node's own words are better.
  const own = String(e.shortMessage ?? e.message ?? err);
  const text = redact(/could not coalesce error/.test(own) && typeof e.error?.message === "string" ? e.error.message : own);
  const where = context.endpoint ?? "the node";

  if (ethersCode === "CALL_EXCEPTION") {
    const data = findRevertData(err);
    // ethers labels every failed eth_call/eth_estimateGas a CALL_EXCEPTION; only a revert carries data
    // (even "0x"). A node refusing the request ("invalid block tag", "block out of range") is no revert.
    // Nor is a gateway's or node's own error that happens to carry data ("header not found" or a rate
    // limit with `data: "0x"`): revert data counts only with the revert code (3) or words that say the EVM ran.
    const nodeMessage = e.info?.error?.message;
    const nodeCode = e.info?.error?.code;
    if (typeof nodeMessage === "string" && !textSays(nodeMessage, "evmRan") && (data === undefined || nodeCode !== 3)) {
      return new ChaincallError("RPC_ERROR", redact(`${where} refused the request: ${nodeMessage}`), { cause: err });
    }
    const decoded = decodeRevert(data, context.interfaces);
    // Hardhat sometimes gives only a reason text with no data: keep what it said ("require(false)" is
    // ethers' own placeholder for empty data, not the node's words).
    if (decoded.reason === undefined && typeof e.reason === "string" && e.reason !== "require(false)") decoded.reason = e.reason;
    return new ContractRevertedError(decoded, { cause: err });
  }
  const mapped: Partial<Record<string, ErrorCode>> = {
    INSUFFICIENT_FUNDS: "INSUFFICIENT_FUNDS",
    NONCE_EXPIRED: "NONCE_ERROR",
    REPLACEMENT_UNDERPRICED: "NONCE_ERROR",
    TIMEOUT: "TIMEOUT",
    INVALID_ARGUMENT: "INVALID_ARGUMENT",
    MISSING_ARGUMENT: "INVALID_ARGUMENT",
    UNEXPECTED_ARGUMENT: "INVALID_ARGUMENT",
    NUMERIC_FAULT: "INVALID_ARGUMENT",
    ACTION_REJECTED: "SIGNER_ERROR",
    ABORTED: "ABORTED",
  };
  const rawText = `${e.message ?? ""} ${e.cause?.message ?? ""} ${e.error?.message ?? ""} ${e.cause?.code ?? ""}`;
  if (ethersCode === "NETWORK_ERROR" || textSays(rawText, "unreachable") || textSays(String(e.code ?? ""), "unreachable")) {
    return new ChaincallError("RPC_ERROR", `cannot reach ${where}`, { cause: err, details: text, failure: "unreachable" });
  }
  // Nodes word nonce refusals differently (see NODE_MESSAGES): only words tell them apart.
  if (textSays(`${text} ${rawText}`, "nonceRefused")) {
    return new ChaincallError("NONCE_ERROR", text, { cause: err });
  }
  if (textSays(`${text} ${rawText}`, "insufficientFunds")) {
    return new ChaincallError("INSUFFICIENT_FUNDS", text, { cause: err });
  }
  const code = (ethersCode ? mapped[ethersCode] : undefined) ?? "RPC_ERROR";
  return new ChaincallError(code, text, { cause: err });
}

/**
 * The hash of a transaction the node mined although it answered the send with an error: Hardhat's node,
 * while automining, reports a reverted transaction as an error whose data carries its `txHash`.
 */
export function minedDespiteError(err: unknown): string | undefined {
  const found = findCause(err, (e) => typeof txHashOf(e) === "string");
  return found === undefined ? undefined : txHashOf(found);
}

// Hardhat's `data: { txHash, … }` on an error, when it is a transaction hash.
function txHashOf(e: object): string | undefined {
  const txHash = (e as { data?: { txHash?: unknown } | null }).data?.txHash;
  return typeof txHash === "string" && /^0x[0-9a-fA-F]{64}$/.test(txHash) ? txHash : undefined;
}
