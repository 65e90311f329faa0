import { StringDecoder } from "node:string_decoder";
import { ChaincallError } from "../errors/ChaincallError.js";
import { registerSecret } from "../errors/redact.js";
import { readCapped } from "./loadKeystore.js";

/** Where a keystore password may come from, in order of precedence. */
export interface ReadPasswordParameters {
  /** An explicit password (wins over everything else). */
  password?: string;
  /** A file whose first line is the password, like geth's `--password` file. */
  passwordFile?: string;
  /** The environment variable to read next. Default `ETH_PASSWORD`. */
  envVar?: string;
  /** Ask on the terminal when nothing else gave a password (only when stdin is a TTY). Default false. */
  prompt?: boolean;
  /** The prompt, written to stderr. Default `"Password: "`. */
  promptText?: string;
}

/** The streams a hidden prompt talks to; `process.stdin` and `process.stderr` by default. */
export interface PromptStreams {
  input: NodeJS.ReadableStream & { isTTY?: boolean; isRaw?: boolean; setRawMode?(mode: boolean): unknown };
  output: NodeJS.WritableStream;
}

/**
 * Finds the keystore password: the explicit `password`, else the first line of `passwordFile`, else the
 * environment variable (`ETH_PASSWORD`), else — with `prompt` and stdin on a terminal — a prompt on stderr
 * that reads without echo. Every password found is registered as a secret, so no message can contain it.
 * @param parameters.password an explicit password
 * @param parameters.passwordFile a file whose first line (without the trailing `\r\n`) is the password
 * @param parameters.envVar the environment variable to consult, default `ETH_PASSWORD`
 * @param parameters.prompt whether to ask on a terminal, default false
 * @param parameters.promptText the prompt text, default `"Password: "`
 * @throws ChaincallError `NOT_FOUND` for a missing password file, `SIGNER_ERROR` when no source gives a
 *   password (or the file cannot be read), `ABORTED` when the prompt is cancelled with Ctrl-C or Ctrl-D
 * @example const password = await readPassword({ passwordFile: argv.passwordFile, prompt: true });
 */
export async function readPassword(parameters: ReadPasswordParameters = {}): Promise<string> {
  const envVar = parameters.envVar ?? "ETH_PASSWORD";
  const found = await findPassword(parameters, envVar);
  registerSecret(found);
  return found;
}

/**
 * Checks, without reading anything, that `readPassword` would have somewhere to look: a password, a
 * password file, the environment variable, or a prompt on a terminal. Lets `connect()` refuse a keystore
 * signer with no password before it contacts the node.
 * @throws ChaincallError `SIGNER_ERROR`, as `readPassword` would
 * @example assertPasswordSource({ passwordFile: argv.passwordFile, prompt: true });
 */
export function assertPasswordSource(parameters: ReadPasswordParameters = {}): void {
  const envVar = parameters.envVar ?? "ETH_PASSWORD";
  if (
    parameters.password === undefined &&
    parameters.passwordFile === undefined &&
    process.env[envVar] === undefined &&
    !canPrompt(parameters)
  ) {
    throw noPassword(envVar);
  }
}

function canPrompt(parameters: ReadPasswordParameters): boolean {
  return Boolean(parameters.prompt && process.stdin.isTTY);
}

function noPassword(envVar: string): ChaincallError {
  return new ChaincallError("SIGNER_ERROR", `no password for the keystore: use --password-file, ${envVar}, or run on a terminal`);
}

async function findPassword(parameters: ReadPasswordParameters, envVar: string): Promise<string> {
  if (parameters.password !== undefined) return parameters.password;
  if (parameters.passwordFile !== undefined) {
    const text = await readCapped(parameters.passwordFile, "password");
    // Like geth: the first line, with a Windows line ending removed too.
    return text.split("\n")[0].replace(/\r+$/, "");
  }
  const fromEnv = process.env[envVar];
  if (fromEnv !== undefined) return fromEnv;
  if (canPrompt(parameters)) {
    return promptHidden(parameters.promptText ?? "Password: ", { input: process.stdin, output: process.stderr });
  }
  throw noPassword(envVar);
}

/** Where a private key is read from instead of the command line: a file, or stdin. */
export type PrivateKeySource = { file: string } | { stdin: true };

/** The most a private key file (or stdin) may hold: a key is 66 characters, with room for a comment line. */
const MAX_KEY_TEXT_BYTES = 4096;

/**
 * Reads a private key from a file, or from stdin (`--private-key -`): with a hidden prompt when stdin is a
 * terminal, else everything up to the end of input. The text is trimmed and registered as a secret before
 * anyone looks at it; its shape is the caller's to check.
 * @param source `{ file }` or `{ stdin: true }`
 * @throws ChaincallError `NOT_FOUND` for a missing file, `SIGNER_ERROR` for an unreadable or oversized one
 *   (or stdin over 4 KiB), `ABORTED` when the prompt is cancelled
 * @example const key = await readPrivateKey({ file: "deployer.key" });
 */
export async function readPrivateKey(source: PrivateKeySource): Promise<string> {
  let text: string;
  if ("file" in source) text = await readCapped(source.file, "private key", MAX_KEY_TEXT_BYTES);
  else if (process.stdin.isTTY) text = await promptHidden("Private key: ", { input: process.stdin, output: process.stderr });
  else text = await readStdin(MAX_KEY_TEXT_BYTES);
  registerSecret(text);
  const key = text.trim();
  registerSecret(key);
  return key;
}

// All of stdin (a pipe or a file), refusing more than `maxBytes`.
function readStdin(maxBytes: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    const stdin = process.stdin;
    const done = (error?: Error) => {
      stdin.removeListener("data", onData);
      stdin.removeListener("end", onEnd);
      stdin.removeListener("error", onError);
      stdin.pause();
      if (error) reject(error);
      else resolve(Buffer.concat(chunks).toString("utf8"));
    };
    const onData = (chunk: Buffer | string) => {
      const buffer = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
      length += buffer.length;
      if (length > maxBytes)
        return done(new ChaincallError("SIGNER_ERROR", `stdin holds more than ${maxBytes} bytes: it is not a private key`));
      chunks.push(buffer);
    };
    const onEnd = () => done();
    const onError = (err: Error) => done(new ChaincallError("SIGNER_ERROR", "cannot read the private key from stdin", { cause: err }));
    stdin.on("data", onData);
    stdin.on("end", onEnd);
    stdin.on("error", onError);
    stdin.resume();
  });
}

/**
 * Writes `promptText` to `output` and reads one line from `input` in raw mode, echoing nothing. Enter ends
 * the line, Backspace deletes a character, Ctrl-U clears the line, escape sequences (arrow keys, bracketed
 * paste markers) are ignored; Ctrl-C or Ctrl-D rejects. Raw mode is restored however it ends.
 * @throws ChaincallError `ABORTED` on Ctrl-C, Ctrl-D or end of input
 * @example const secret = await promptHidden("Password: ", { input: process.stdin, output: process.stderr });
 */
export function promptHidden(promptText: string, streams: PromptStreams): Promise<string> {
  const { input, output } = streams;
  return new Promise<string>((resolve, reject) => {
    const wasRaw = input.isRaw ?? false;
    let chars: string[] = [];
    let inEscape: "" | "esc" | "csi" = "";
    // A multi-byte character may be split across chunks.
    const decoder = new StringDecoder("utf8");
    const finish = (error?: ChaincallError) => {
      input.removeListener("data", onData);
      input.removeListener("end", onEnd);
      input.removeListener("error", onError);
      input.setRawMode?.(wasRaw);
      input.pause();
      output.write("\n");
      const line = chars.join("");
      chars = [];
      if (error) reject(error);
      else resolve(line);
    };
    const onData = (chunk: string | Buffer) => {
      for (const ch of typeof chunk === "string" ? chunk : decoder.write(chunk)) {
        // Skip ESC [ params final-byte (CSI) and ESC x (two-character) sequences.
        if (inEscape === "esc") {
          inEscape = ch === "[" ? "csi" : "";
          continue;
        }
        if (inEscape === "csi") {
          if (ch >= "@" && ch <= "~") inEscape = "";
          continue;
        }
        if (ch === "\u001b") inEscape = "esc";
        else if (ch === "\r" || ch === "\n") return finish();
        else if (ch === "\u0003") return finish(new ChaincallError("ABORTED", "password prompt cancelled (Ctrl-C)"));
        else if (ch === "\u0004") return finish(new ChaincallError("ABORTED", "password prompt closed (Ctrl-D)"));
        else if (ch === "\u007f" || ch === "\b") chars.pop();
        else if (ch === "\u0015") chars = [];
        else if (ch >= " ") chars.push(ch);
      }
    };
    const onEnd = () => finish(new ChaincallError("ABORTED", "password prompt closed (end of input)"));
    const onError = (err: Error) => finish(new ChaincallError("ABORTED", "password prompt failed", { cause: err }));
    // Raw mode before the prompt: a user typing as soon as it shows must never be echoed.
    input.setRawMode?.(true);
    output.write(promptText);
    input.on("data", onData);
    input.on("end", onEnd);
    input.on("error", onError);
    input.resume();
  });
}
