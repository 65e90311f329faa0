import { statSync } from "node:fs";

/** True when `file` exists and is a regular file (following links); false when it cannot be looked at (ENOTDIR, EACCES). */
export function isFile(file: string): boolean {
  try {
    return statSync(file, { throwIfNoEntry: false })?.isFile() ?? false;
  } catch {
    return false;
  }
}
