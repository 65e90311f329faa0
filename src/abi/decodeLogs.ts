import type { Interface, Log } from "ethers";
import { toJsonValue, type JsonValue } from "./formatValue.js";

/** A log decoded with a known ABI. */
export interface DecodedLog {
  address: string;
  /** Event name, or undefined when no known ABI has the event. */
  name?: string;
  /** `YearChanged(uint256,uint256,address)` */
  signature?: string;
  /** Arguments by name (positional index when unnamed), JSON-safe. */
  args: Record<string, JsonValue>;
  logIndex: number;
  /** Topics and data, kept for logs no ABI decodes. */
  topics: readonly string[];
  data: string;
}

/**
 * Decodes logs with the first ABI that knows each event (pass the target contract's ABI first).
 * @example decodeLogs(receipt.logs, [callDemoAbi]).map((l) => l.name) // ["YearChanged"]
 */
export function decodeLogs(logs: readonly Log[], interfaces: readonly Interface[]): DecodedLog[] {
  return logs.map((log) => {
    const base = { address: log.address, logIndex: log.index, topics: log.topics, data: log.data };
    for (const iface of interfaces) {
      let parsed: ReturnType<Interface["parseLog"]> = null;
      try {
        parsed = iface.parseLog({ topics: [...log.topics], data: log.data });
      } catch {
        parsed = null;
      }
      if (!parsed) continue;
      const args: Record<string, JsonValue> = {};
      parsed.fragment.inputs.forEach((input, i) => {
        args[input.name || String(i)] = toJsonValue(parsed!.args[i], input);
      });
      return { ...base, name: parsed.name, signature: parsed.signature, args };
    }
    return { ...base, args: {} };
  });
}
