import * as fs from "node:fs";
import * as path from "node:path";

/** `file` relative to `cwd` when inside it (as messages show it), else as given. */
export function displayPath(file: string, cwd: string): string {
  const rel = path.relative(cwd, file);
  return rel !== "" && !rel.startsWith("..") && !path.isAbsolute(rel) ? rel : file;
}

/** The canonical path of `file`, or `file` itself when it cannot be resolved. */
export function realPath(file: string): string {
  try {
    return fs.realpathSync(file);
  } catch {
    return file;
  }
}

/** `text` cut to `max` characters, with an ellipsis when cut. */
export function truncate(text: string, max = 240): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** The first non-blank line of `text`, trimmed. */
export function firstLine(text: string): string {
  return (
    text
      .split("\n")
      .find((line) => line.trim() !== "")
      ?.trim() ?? "unknown error"
  );
}
