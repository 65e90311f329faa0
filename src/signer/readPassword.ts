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
  if (parameters.password === undefined && parameters.passwordFile === undefined && process.env[envVar] === undefined && !canPrompt(parameters)) {
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
    let escape: "" | "esc" | "csi" = "";
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
        if (escape === "esc") {
          escape = ch === "[" ? "csi" : "";
          continue;
        }
        if (escape === "csi") {
          if (ch >= "@" && ch <= "~") escape = "";
          continue;
        }
        if (ch === "\u001b") escape = "esc";
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
