import type { Interface } from "ethers";
import { ChaincallError, type ErrorCode } from "./ChaincallError.js";
import { ContractRevertedError } from "./ContractRevertedError.js";
import { decodeRevert } from "./decodeRevert.js";
import { findRevertData } from "./findRevertData.js";
import { redact } from "./redact.js";

export interface ErrorContext {
  /** The node's printable address (see `describeUrl`), named in connection errors. */
  endpoint?: string;
  /** ABIs whose custom errors may appear in revert data. */
  interfaces?: readonly Interface[];
}

// Error texts from nodes and Node's sockets that mean "nobody answered".
const UNREACHABLE = /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|ECONNRESET|ENOENT|socket hang up|connect ECONN|fetch failed|websocket closed|WebSocket was closed/i;

// Node messages that mean the call ran and stopped (geth/Anvil "execution reverted", Hardhat "VM Exception
// while processing transaction: …" and "Transaction reverted …", Anvil's "EvmError: …").
const EVM_RAN = /revert|VM Exception|EvmError|invalid opcode/i;

/**
 * Translates any error (ethers', a socket's, a node's) into a `ChaincallError` with a stable code, a
 * secret-free one-line message, and the original as `cause`. Chaincall errors pass through unchanged.
 * @example catch (e) { throw toChaincallError(e, { endpoint: "http://127.0.0.1:8545" }); }
 */
export function toChaincallError(err: unknown, context: ErrorContext = {}): ChaincallError {
  if (err instanceof ChaincallError) return err;
  const e = (err ?? {}) as Record<string, any>;
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
    if (typeof nodeMessage === "string" && !EVM_RAN.test(nodeMessage) && (data === undefined || nodeCode !== 3)) {
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
  if (ethersCode === "NETWORK_ERROR" || UNREACHABLE.test(rawText) || UNREACHABLE.test(String(e.code ?? ""))) {
    return new ChaincallError("RPC_ERROR", `cannot reach ${where}`, { cause: err, details: text });
  }
  // Nodes word nonce refusals differently (Hardhat: "Nonce too high. Expected nonce to be 5 but got 6").
  if (/nonce too (low|high)|invalid nonce|nonce has already been used|already used nonce/i.test(`${text} ${rawText}`)) {
    return new ChaincallError("NONCE_ERROR", text, { cause: err });
  }
  // Hardhat: "Sender doesn't have enough funds to send tx"; geth/Anvil: "insufficient funds for gas * price + value".
  if (/insufficient funds|doesn't have enough funds/i.test(`${text} ${rawText}`)) {
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
  let current: any = err;
  for (let depth = 0; depth < 8 && current; depth++) {
    for (const candidate of [current.data, current.error?.data, current.info?.error?.data]) {
      if (candidate && typeof candidate.txHash === "string" && /^0x[0-9a-fA-F]{64}$/.test(candidate.txHash)) return candidate.txHash;
    }
    current = current.cause ?? current.error ?? current.info?.error;
  }
  return undefined;
}
