import { ChaincallError } from "../errors/ChaincallError.js";
import { formatSeconds } from "./time.js";

/** The longest delay setTimeout honours (about 24.8 days); longer deadlines are clamped to it. */
export const MAX_TIMER_MS = 2_147_483_647;

export interface DeadlineOptions {
  /** Milliseconds before giving up; `undefined` or `0` means no time limit (the signal still applies). */
  timeoutMs?: number;
  /** Aborts the wait early. */
  signal?: AbortSignal;
  /** What is being waited for, named in the error: "a response from http://127.0.0.1:8545". */
  what: string;
}

/**
 * Runs `work` with a time limit and an abort signal, whichever comes first. `work` receives a signal that
 * fires on either, so it can stop its own I/O. The timer is always cleared.
 * @throws ChaincallError `TIMEOUT` or `ABORTED`
 * @example await withDeadline((signal) => fetch(url, { signal }), { timeoutMs: 5000, what: "the node" })
 */
export async function withDeadline<T>(work: (signal: AbortSignal) => Promise<T>, options: DeadlineOptions): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const stop = new Promise<never>((_, reject) => {
    if (options.timeoutMs && options.timeoutMs > 0) {
      // Clamped: Node fires a timer of more than 2^31 - 1 ms at once (with a warning), not never.
      timer = setTimeout(
        () => {
          const err = new ChaincallError("TIMEOUT", `timed out after ${formatSeconds(options.timeoutMs!)} waiting for ${options.what}`);
          controller.abort(err);
          reject(err);
        },
        Math.min(options.timeoutMs, MAX_TIMER_MS),
      );
    }
    if (options.signal) {
      onAbort = () => {
        const err = new ChaincallError("ABORTED", `aborted while waiting for ${options.what}`, { cause: options.signal!.reason });
        controller.abort(err);
        reject(err);
      };
      if (options.signal.aborted) onAbort();
      else options.signal.addEventListener("abort", onAbort, { once: true });
    }
  });
  try {
    return await Promise.race([work(controller.signal), stop]);
  } finally {
    if (timer) clearTimeout(timer);
    if (onAbort) options.signal?.removeEventListener("abort", onAbort);
  }
}
