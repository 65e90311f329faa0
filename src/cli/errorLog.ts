import { appendFileSync } from "node:fs";
import type { ErrorListener } from "../errors/errorListener.js";

/**
 * An error listener (see `setErrorListener`) that appends each error's code and texts to `file`, one JSON
 * line each: the audit trail `CHAINCALL_ERROR_LOG=<file>` asks for (the test suite greps it for secrets).
 * A log that cannot be written is skipped: it must not turn an error into a different one.
 * @example setErrorListener(appendErrorLog(process.env.CHAINCALL_ERROR_LOG));
 */
export function appendErrorLog(file: string): ErrorListener {
  return (record) => {
    try {
      appendFileSync(file, `${JSON.stringify(record)}\n`);
    } catch {
      // Unwritable (a full disk, a removed folder): the error itself still reaches the caller.
    }
  };
}
