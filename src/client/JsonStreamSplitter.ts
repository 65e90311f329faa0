import { ChaincallError } from "../errors/ChaincallError.js";

const OPEN_BRACE = 0x7b,
  CLOSE_BRACE = 0x7d,
  OPEN_BRACKET = 0x5b,
  CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22,
  BACKSLASH = 0x5c;

/**
 * Cuts a byte stream of concatenated JSON values (what geth and Anvil write on IPC, with or without
 * newlines) into whole messages. Braces inside strings, escaped quotes and values split across chunks
 * are handled; each byte is looked at once, so large responses cost linear time.
 * @example const s = new JsonStreamSplitter(); s.push(Buffer.from('{"a":"}"}{"b"')); // ['{"a":"}"}']
 */
export class JsonStreamSplitter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private depth = 0;
  private inString = false;
  private escaped = false;

  constructor(private readonly maxMessageBytes = 512 * 1024 * 1024) {}

  /** Feeds a chunk; returns the messages it completed, in order. */
  push(chunk: Buffer): string[] {
    const messages: string[] = [];
    let start = 0;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i];
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === BACKSLASH) this.escaped = true;
        else if (c === QUOTE) this.inString = false;
        continue;
      }
      if (this.depth === 0) {
        // Between messages only whitespace (or stray bytes) appears: skip to the next value.
        if (c === OPEN_BRACE || c === OPEN_BRACKET) {
          start = i;
          this.depth = 1;
        }
        continue;
      }
      if (c === QUOTE) this.inString = true;
      else if (c === OPEN_BRACE || c === OPEN_BRACKET) this.depth++;
      else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
        this.depth--;
        if (this.depth === 0) {
          const tail = chunk.subarray(start, i + 1);
          const whole = this.pending.length === 0 ? tail : Buffer.concat([...this.pending, tail]);
          messages.push(whole.toString("utf8"));
          this.pending = [];
          this.pendingBytes = 0;
        }
      }
    }
    if (this.depth > 0) {
      const rest = chunk.subarray(start);
      this.pending.push(rest);
      this.pendingBytes += rest.length;
      if (this.pendingBytes > this.maxMessageBytes) {
        this.reset();
        throw new ChaincallError("RPC_ERROR", `IPC message larger than ${this.maxMessageBytes} bytes`);
      }
    }
    return messages;
  }

  /** Forgets a partial message (after the connection drops). */
  reset(): void {
    this.pending = [];
    this.pendingBytes = 0;
    this.depth = 0;
    this.inString = false;
    this.escaped = false;
  }
}
