import { causeChain } from "./findCause.js";

/** What an error listener is told about each error: the parts a user could be shown. */
export interface ErrorRecord {
  code: string;
  message: string;
  details?: string;
  hints: string[];
}

/**
 * Called once for each error chaincall creates (see `setErrorListener`), from the base constructor: a
 * subclass's own fields (`errorName`, `args`…) are not set yet, the record is complete.
 */
export type ErrorListener = (record: ErrorRecord, err: Error) => void;

// The one listener of the process (the CLI's audit log, or the test suite's): none unless installed.
let listener: ErrorListener | undefined;
// Records already told, by the failure they explain (the root of their cause chain): the same words about
// the same failure are told once, however many times the failure is wrapped or translated.
const told = new WeakMap<object, Set<string>>();

/**
 * Installs the process's one error listener (undefined removes it) and returns the one it replaces. The
 * listener hears of every `ChaincallError` when it is made, once per distinct message about one failure:
 * an error that repeats the words of another about the same root cause (re-wrapped to add a cause, or the
 * same node error translated twice) is not told again. A listener that throws is ignored: auditing must
 * never turn an error into a different one. Internal: the CLI installs one for `CHAINCALL_ERROR_LOG`, the
 * tests one for the end-of-run audit.
 * @example const previous = setErrorListener((record) => lines.push(JSON.stringify(record)));
 */
export function setErrorListener(next: ErrorListener | undefined): ErrorListener | undefined {
  const previous = listener;
  listener = next;
  return previous;
}

/**
 * Tells the installed listener about an error just made (called by the `ChaincallError` constructor).
 * @example reportCreated(this);
 */
export function reportCreated(err: Error & { code: string; shortMessage: string; details?: string; metaMessages: string[] }): void {
  if (!listener) return;
  const record: ErrorRecord = { code: err.code, message: err.shortMessage, details: err.details, hints: err.metaMessages };
  const root = rootCause(err);
  const key = JSON.stringify(record);
  const seen = told.get(root) ?? new Set<string>();
  if (seen.has(key)) return;
  seen.add(key);
  told.set(root, seen);
  try {
    listener(record, err);
  } catch {
    // An audit that fails must not replace the error being made.
  }
}

// The failure an error explains: the deepest object of its cause chain, or the error itself.
function rootCause(err: Error): object {
  return causeChain(err.cause).at(-1) ?? err;
}
