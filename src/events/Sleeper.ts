/**
 * The pauses of a loop that something may wake early: `wake()` ends a wakeable pause at once (or the next
 * one, when none is running: the news is not lost), `interrupt()` ends the current pause and every later one
 * at once, for good. Internal to `watchLogs`.
 * @example
 * const sleeper = new Sleeper();
 * onNewHead(() => sleeper.wake());
 * await sleeper.sleep(15_000, true); // at most 15 s, less if a head came
 */
export class Sleeper {
  #woken = false;
  #wakeable = false;
  #interrupted = false;
  #end: (() => void) | undefined;

  /** Something happened: a wakeable pause ends now. */
  wake(): void {
    this.#woken = true;
    if (this.#wakeable) this.#end?.();
  }

  /** Ends the current pause, and makes every later one end at once. */
  interrupt(): void {
    this.#interrupted = true;
    this.#end?.();
  }

  /** Waits `ms`; `interrupt()` always ends the wait early, `wake()` only when `wakeable`. */
  sleep(ms: number, wakeable: boolean): Promise<void> {
    return new Promise<void>((resolve) => {
      if (this.#interrupted || (wakeable && this.#woken)) {
        this.#woken = false;
        return resolve();
      }
      const done = () => {
        clearTimeout(timer);
        this.#end = undefined;
        if (wakeable) this.#woken = false;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#end = done;
      this.#wakeable = wakeable;
    });
  }
}
