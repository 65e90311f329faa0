import { reportCreated } from "./errorListener.js";
import { causeChain, findCause } from "./findCause.js";
import { cleanMessage } from "./redact.js";

/** The stable, machine-readable codes every chaincall error carries. */
export type ErrorCode =
  | "CALL_REVERTED"
  | "RPC_ERROR"
  | "TIMEOUT"
  | "ABORTED"
  | "CHAIN_MISMATCH"
  | "INVALID_ARGUMENT"
  | "NOT_FOUND"
  | "NO_CONTRACT"
  | "SIGNER_ERROR"
  | "NONCE_ERROR"
  | "TX_DROPPED"
  | "TX_REPLACED"
  | "INSUFFICIENT_FUNDS"
  | "CODEGEN_ERROR"
  | "JOURNAL_ERROR";

/** Codes that mean "the caller gave bad input" (the CLI exits 2 for these, 1 for the rest). */
const USAGE_ERROR_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>(["INVALID_ARGUMENT", "NOT_FOUND"]);

/**
 * Why an `RPC_ERROR` happened, when chaincall knows more than its code says: `"unreachable"` means no node
 * answered at all (connection refused, host not found, IPC socket absent, connection reset, a WebSocket
 * upgrade refused): retrying elsewhere or later may help, splitting a request never does.
 */
export type RpcFailure = "unreachable";

/** The CLI's exit codes for a failure: 1 for a runtime failure, 2 for bad input. */
export type FailureExitCode = 1 | 2;

/** The optional parts of a `ChaincallError`: its cause, a line of detail, hint lines, and what kind of failure it is. */
export interface ChaincallErrorOptions {
  /** The error this one explains; kept for debugging, never printed without `--verbose`. */
  cause?: unknown;
  /** One more line of technical detail (already free of secrets). */
  details?: string;
  /** Hint lines a CLI prints under the message. */
  metaMessages?: string[];
  /** Why an `RPC_ERROR` happened (see `RpcFailure`). */
  failure?: RpcFailure;
  /**
   * The CLI's exit code for this error, when it is not the code's own (2 for `INVALID_ARGUMENT` and
   * `NOT_FOUND`, 1 for the rest): a `NOT_FOUND` about the chain (an unknown transaction hash) is a runtime
   * failure, 1.
   */
  exitCode?: FailureExitCode;
}

/**
 * The one base error of the SDK: a stable `code`, a one-line `shortMessage`, and the original error as `cause`.
 *
 * @example
 * try { await demo.getYear(); } catch (e) { if (e instanceof ChaincallError && e.code === "TIMEOUT") retry(); }
 */
export class ChaincallError extends Error {
  /** The class's name, as `err.name` (`"ChaincallError"`, `"ContractRevertedError"`, …). */
  override name = "ChaincallError";
  /** The stable, machine-readable code: what callers branch on (never the message text). */
  readonly code: ErrorCode;
  /** The one-line message, free of secrets (the same as `message`). */
  readonly shortMessage: string;
  /** One more line of technical detail, when there is one. */
  readonly details?: string;
  /** Hint lines a CLI prints under the message. */
  readonly metaMessages: string[];
  /**
   * Why an `RPC_ERROR` happened, when known: `"unreachable"` when no node answered (the message then says
   * "cannot reach …"). Branch on this, never on the message text.
   */
  readonly failure?: RpcFailure;
  /** The exit code the CLI ends with for this error: 2 for bad input, 1 for a runtime failure. */
  readonly exitCode: FailureExitCode;

  /**
   * @param code the stable code
   * @param shortMessage the one-line message (secrets the process knows are removed from it)
   * @param options `cause`, `details`, `metaMessages`, `failure`, `exitCode`
   */
  constructor(code: ErrorCode, shortMessage: string, options: ChaincallErrorOptions = {}) {
    // Redacted here, once: no secret reaches a message, whoever prints it (the CLI, a user's logger); control
    // characters escaped and a node's huge message cut, so no text from a node can rewrite a terminal or flood it.
    const message = cleanMessage(String(shortMessage));
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.shortMessage = message;
    this.details = options.details === undefined ? undefined : cleanMessage(String(options.details), 2000);
    this.metaMessages = (options.metaMessages ?? []).map((line) => cleanMessage(String(line)));
    if (options.failure !== undefined) this.failure = options.failure;
    this.exitCode = options.exitCode ?? (USAGE_ERROR_CODES.has(code) ? 2 : 1);
    // Told to the error listener, if one was installed (the CLI's and the tests' audit log): never a file
    // written from here.
    reportCreated(this);
  }

  /**
   * Walks the cause chain (`cause`, and the node's error where ethers keeps it: see `findCause`) and returns
   * the first error `predicate` accepts (null when none does), or without a predicate the deepest one.
   * @example const root = err.walk();
   */
  walk(predicate?: (err: unknown) => boolean): unknown {
    if (predicate) return findCause(this, predicate) ?? null;
    return causeChain(this).at(-1);
  }
}

/**
 * True when `err` is a chaincall error, optionally with the given code (a type guard).
 * @param err anything caught
 * @param code the code it must have, if any
 * @throws never: any value may be passed
 * @example catch (err) { if (isChaincallError(err, "TIMEOUT")) return retry(); throw err; }
 */
export function isChaincallError(err: unknown, code?: ErrorCode): err is ChaincallError {
  return err instanceof ChaincallError && (code === undefined || err.code === code);
}
