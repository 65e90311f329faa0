/**
 * Waits `ms`, or less when `signal` fires (the caller then reads the signal); never rejects, and leaves
 * no timer or listener behind.
 * @example await sleep(250, controller.signal); if (controller.signal.aborted) return;
 */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}

/**
 * A duration for messages: whole seconds as `2s`, else one decimal, `1.5s`.
 * @example formatSeconds(2_000); // "2s"
 */
export function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${(ms / 1000).toFixed(1)}s`;
}
