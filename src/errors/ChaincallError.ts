import { appendFileSync } from "node:fs";
import { redact } from "./redact.js";

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
  | "CODEGEN_ERROR";

/** Codes that mean "the caller gave bad input" (the CLI exits 2 for these, 1 for the rest). */
export const USAGE_ERROR_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>(["INVALID_ARGUMENT", "NOT_FOUND"]);

export interface ChaincallErrorOptions {
  /** The error this one explains; kept for debugging, never printed without `--verbose`. */
  cause?: unknown;
  /** One more line of technical detail (already free of secrets). */
  details?: string;
  /** Hint lines a CLI prints under the message. */
  metaMessages?: string[];
}

/**
 * The one base error of the SDK: a stable `code`, a one-line `shortMessage`, and the original error as `cause`.
 *
 * @example
 * try { await demo.getYear(); } catch (e) { if (e instanceof ChaincallError && e.code === "TIMEOUT") retry(); }
 */
export class ChaincallError extends Error {
  override name = "ChaincallError";
  readonly code: ErrorCode;
  readonly shortMessage: string;
  readonly details?: string;
  readonly metaMessages: string[];

  constructor(code: ErrorCode, shortMessage: string, options: ChaincallErrorOptions = {}) {
    // Redacted here, once: no secret reaches a message, whoever prints it (the CLI, a user's logger).
    const message = redact(shortMessage);
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.shortMessage = message;
    this.details = options.details === undefined ? undefined : redact(options.details);
    this.metaMessages = (options.metaMessages ?? []).map(redact);
    auditLog(this);
  }

  /**
   * Walks the `cause` chain and returns the deepest error, or the first one `predicate` accepts.
   * @example const root = err.walk();
   */
  walk(predicate?: (err: unknown) => boolean): unknown {
    let current: unknown = this;
    for (let depth = 0; depth < 32; depth++) {
      if (predicate?.(current)) return current;
      const next = (current as { cause?: unknown } | null)?.cause;
      if (next === undefined || next === null) return predicate ? null : current;
      current = next;
    }
    return predicate ? null : current;
  }
}

/** True when `err` is a chaincall error, optionally with the given code. */
export function isChaincallError(err: unknown, code?: ErrorCode): err is ChaincallError {
  return err instanceof ChaincallError && (code === undefined || err.code === code);
}

// CHAINCALL_ERROR_LOG=<file> appends every error's code and text to that file: an audit trail (the test
// suite greps it for secrets). Off unless set.
function auditLog(err: ChaincallError): void {
  const file = process.env.CHAINCALL_ERROR_LOG;
  if (!file) return;
  try {
    appendFileSync(file, `${JSON.stringify({ code: err.code, message: err.shortMessage, details: err.details, hints: err.metaMessages })}\n`);
  } catch {
    // An audit log that cannot be written must not turn an error into a different one.
  }
}
