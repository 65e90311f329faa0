import type { JsonValue } from "../abi/formatValue.js";
import type { ChaincallError } from "../errors/ChaincallError.js";
import type { ContractRevertedError } from "../errors/ContractRevertedError.js";

/**
 * An error as `--json` prints it (`{"error": …}`) and as a failed `batch` line carries it: the same fields
 * in both.
 */
export interface ErrorJson {
  code: string;
  /** One line. */
  message: string;
  /** For a revert: the error's name (`Error`, `Panic`, a custom error), when known. */
  errorName?: string;
  /** For a revert: its arguments, JSON-safe, when it has any. */
  args?: JsonValue[];
  /** For a revert: the raw revert data. */
  data?: string;
}

/**
 * The one JSON shape of an error: code and one-line message, and for a revert the decoded error
 * (`errorName`, `args`, `data`).
 * @example errorJson(err) // { code: "CALL_REVERTED", message: "…", errorName: "YearTooEarly", args: ["1999"], data: "0x…" }
 */
export function errorJson(error: ChaincallError, message = error.shortMessage.replace(/\s*\n\s*/g, " ")): ErrorJson {
  const json: ErrorJson = { code: error.code, message };
  if (error.code !== "CALL_REVERTED") return json;
  const revert = error as Partial<ContractRevertedError>;
  // Loaded only for a revert (ethers is loaded by then): printing other errors stays light.
  const { toJsonValue } = require("../abi/formatValue") as typeof import("../abi/formatValue.js");
  if (revert.errorName !== undefined) json.errorName = revert.errorName;
  if (revert.args !== undefined && revert.args.length > 0) json.args = revert.args.map((a) => toJsonValue(a));
  if (revert.data !== undefined) json.data = revert.data;
  return json;
}
