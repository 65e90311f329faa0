import { parseInteger } from "../abi/parseArgs.js";
import { ChaincallError } from "../errors/ChaincallError.js";
import type { TransactionOverrides } from "../tx/sendTransaction.js";

/**
 * Reads --value, --gas-limit, --max-fee, --priority-fee, --gas-price, --legacy and --nonce, with units
 * (`1ether`, `10gwei`) where amounts are expected.
 * @throws ChaincallError `INVALID_ARGUMENT` naming the option
 */
export function readTxOverrides(argv: Record<string, unknown>): TransactionOverrides {
  const amount = (name: string): bigint | undefined => {
    const raw = argv[name];
    if (raw === undefined) return undefined;
    try {
      return parseInteger(String(raw), false, 256);
    } catch (err) {
      throw new ChaincallError("INVALID_ARGUMENT", `invalid --${name} "${raw}": ${(err as Error).message}`);
    }
  };
  const overrides: TransactionOverrides = {
    value: amount("value"),
    gasLimit: amount("gas-limit"),
    maxFeePerGas: amount("max-fee"),
    maxPriorityFeePerGas: amount("priority-fee"),
    gasPrice: amount("gas-price"),
  };
  const nonce = amount("nonce");
  if (nonce !== undefined) overrides.nonce = Number(nonce);
  if (argv.legacy || overrides.gasPrice !== undefined) {
    if (overrides.maxFeePerGas !== undefined || overrides.maxPriorityFeePerGas !== undefined) {
      throw new ChaincallError(
        "INVALID_ARGUMENT",
        "--max-fee/--priority-fee are EIP-1559 fees: do not combine them with --legacy or --gas-price",
      );
    }
    overrides.type = 0;
  }
  return overrides;
}

/** Reads --confirmations (default 1). */
export function readConfirmations(argv: Record<string, unknown>): number {
  const raw = argv.confirmations;
  if (raw === undefined) return 1;
  // Digits only: Number() would take "1e3", "0x10", " " and "" (as 0).
  const n = /^\d{1,9}$/.test(String(raw).trim()) ? Number(String(raw).trim()) : NaN;
  if (!Number.isInteger(n) || n < 0)
    throw new ChaincallError("INVALID_ARGUMENT", `invalid --confirmations "${raw}" (expected a whole number ≥ 0)`);
  return n;
}
