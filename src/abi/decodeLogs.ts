import type { Interface, Log } from "ethers";
import { createEventDecoder } from "../events/createLogDecoder.js";
import { type JsonValue, namedArgs } from "./formatValue.js";

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
 * Decodes a receipt's logs with the event matching of `createLogDecoder` (so `send`, `receipt` and `logs`
 * recognise the same events), the first ABI that knows each event winning (pass the target contract's ABI
 * first), into JSON-safe arguments by name.
 * @example decodeLogs(receipt.logs, [callDemoAbi]).map((l) => l.name) // ["YearChanged"]
 */
export function decodeLogs(logs: readonly Log[], interfaces: readonly Interface[]): DecodedLog[] {
  const decodeEvent = createEventDecoder(interfaces);
  return logs.map((log) => {
    const base = { address: log.address, logIndex: log.index, topics: log.topics, data: log.data };
    const event = decodeEvent(log.topics, log.data);
    if (!event) return { ...base, args: {} };
    return {
      ...base,
      name: event.fragment.name,
      signature: event.fragment.format("sighash"),
      args: namedArgs(event.fragment.inputs, event.args),
    };
  });
}
