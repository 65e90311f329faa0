import { statSync } from "node:fs";

/** True when `file` exists and is a regular file (following links). */
export function isFile(file: string): boolean {
  return statSync(file, { throwIfNoEntry: false })?.isFile() ?? false;
}
