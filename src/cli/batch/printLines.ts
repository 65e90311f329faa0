import type { ChaincallError } from "../../errors/ChaincallError.js";
import { errorJson } from "../errorJson.js";
import { type Output, ReportedFailure, stringifyJson } from "../output.js";
import type { Failed } from "./parseLines.js";

/** What one line came to: its result, or its error (a send's hash and receipt fields beside either). */
export type Outcome = { line: number; result?: unknown; error?: unknown } & Record<string, unknown>;

/**
 * Prints outcomes as JSON lines in input order, each as soon as every line before it is done, so a long
 * batch streams.
 * @example const printer = new OrderedPrinter([1, 3], output); printer.set(3, …); printer.set(1, …) // prints 1 then 3
 */
export class OrderedPrinter {
  private readonly done = new Map<number, Outcome>();
  private next = 0;
  readonly failures: Failed[] = [];

  constructor(
    private readonly order: number[],
    private readonly output: Output,
  ) {}

  set(line: number, outcome: Outcome): void {
    this.done.set(line, outcome);
    let text = "";
    while (this.next < this.order.length && this.done.has(this.order[this.next])) {
      const ready = this.done.get(this.order[this.next])!;
      this.done.delete(this.order[this.next]);
      this.next++;
      if (ready.error !== undefined) this.failures.push({ line: ready.line, error: ready.error });
      text += `${stringifyJson(ready.error === undefined ? ready : { ...ready, error: errorJson(errorOf(ready.error)) })}\n`;
    }
    // One write for every line that became ready (a thousand small writes cost more than the reads).
    if (text) this.output.write(text);
  }
}

/**
 * Bad lines: their error lines (nothing else: nothing ran), then a `ReportedFailure` with exit code 2.
 * @example if (invalid.length > 0) failInvalid(invalid, total, output);
 */
export function failInvalid(invalid: Failed[], total: number, output: Output): never {
  invalid.sort((a, b) => a.line - b.line);
  output.write(invalid.map((f) => `${stringifyJson({ line: f.line, error: errorJson(errorOf(f.error)) })}\n`).join(""));
  const first = invalid[0];
  throw new ReportedFailure(
    2,
    `${invalid.length} of ${total} line${total === 1 ? " is" : "s are"} invalid, nothing was sent (first: line ${first.line}: ${errorOf(first.error).message})`,
  );
}

/**
 * The summary failure of a batch whose lines ran and some failed: exit code 1.
 * @example if (failures.length > 0) throw failedLines(failures, lines.length);
 */
export function failedLines(failures: Failed[], total: number): ReportedFailure {
  return new ReportedFailure(
    1,
    `${failures.length} of ${total} line${total === 1 ? "" : "s"} failed (first: line ${failures[0].line}: ${errorOf(failures[0].error).message})`,
  );
}

// Error translation loads ethers: required here, when a line has failed (ethers is loaded by then), so that
// registering the command at start-up stays light.
function errorOf(err: unknown): ChaincallError {
  const { toChaincallError } = require("../../errors/toChaincallError") as typeof import("../../errors/toChaincallError.js");
  return toChaincallError(err);
}
