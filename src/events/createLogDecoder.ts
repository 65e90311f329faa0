import { type EventFragment, getAddress, Interface, type Result } from "ethers";
import { getOrAdd } from "../utils/getOrAdd.js";

/** A log as a node sends it in JSON-RPC (hex quantities). */
export interface RpcLog {
  address: string;
  topics: string[];
  data: string;
  blockNumber: string | null;
  blockHash: string | null;
  transactionHash: string | null;
  transactionIndex: string | null;
  logIndex: string | null;
  removed?: boolean;
}

/** One log, with its place in the chain and, when a known ABI has its event, its decoded arguments. */
export interface ChainLog {
  /** The emitting contract, checksummed. */
  address: string;
  /** The block that holds it. */
  blockNumber: number;
  /** That block's hash (a reorg replaces it). */
  blockHash: string;
  /** The transaction that emitted it. */
  transactionHash: string;
  /** That transaction's position in the block. */
  transactionIndex: number;
  /** Position in the block. (`blockHash`, `logIndex`) identifies a log. */
  logIndex: number;
  /** The raw topics; topic 0 is the event's signature hash (unless the event is anonymous). */
  topics: readonly string[];
  /** The raw non-indexed data. */
  data: string;
  /** True when a reorg took this log out of the chain after it was delivered (only `watchLogs` says so). */
  removed: boolean;
  /** `"Transfer"`, or null when no known ABI has the event. */
  eventName: string | null;
  /** `"Transfer(address,address,uint256)"`, or null. */
  signature: string | null;
  /** The arguments by position and by name (`args[2]`, `args.value`), or null when not decoded. */
  args: Result | null;
  /** The event the log was decoded as (its parameter types and names), or null when not decoded. */
  fragment: EventFragment | null;
}

/** An event recognised in a log's topics and data. */
export interface DecodedEvent {
  fragment: EventFragment;
  args: Result;
}

/**
 * Makes a function that decodes node logs with the given ABIs: the `preferred` event first, then by topic 0
 * in each ABI in order. Events that share a topic but differ in which arguments are indexed (ERC-20 and
 * ERC-721 `Transfer`) are told apart by the number of topics. Unknown events keep `args: null`.
 * @example const decode = createLogDecoder([erc20]); decode(rpcLog).args?.value
 */
export function createLogDecoder(interfaces: readonly Interface[], preferred?: EventFragment): (log: RpcLog) => ChainLog {
  const decodeEvent = createEventDecoder(interfaces, preferred);
  return (log) => {
    const base: ChainLog = {
      address: getAddress(log.address),
      blockNumber: quantity(log.blockNumber),
      blockHash: log.blockHash ?? "",
      transactionHash: log.transactionHash ?? "",
      transactionIndex: quantity(log.transactionIndex),
      logIndex: quantity(log.logIndex),
      topics: log.topics,
      data: log.data,
      removed: log.removed === true,
      eventName: null,
      signature: null,
      args: null,
      fragment: null,
    };
    const event = decodeEvent(log.topics, log.data);
    return event
      ? { ...base, eventName: event.fragment.name, signature: event.fragment.format("sighash"), args: event.args, fragment: event.fragment }
      : base;
  };
}

/**
 * The event matching every log decoder uses (`createLogDecoder` for node logs, `decodeLogs` for a receipt's):
 * candidates by topic 0 (the `preferred` event first, then each ABI's in order), told apart by their number
 * of topics, the first that decodes winning; an anonymous `preferred` event is tried on every log.
 * @example const decodeEvent = createEventDecoder([erc20]); decodeEvent(log.topics, log.data)?.args.value
 */
export function createEventDecoder(
  interfaces: readonly Interface[],
  preferred?: EventFragment,
): (topics: readonly string[], data: string) => DecodedEvent | null {
  const byTopic = new Map<string, { iface: Interface | null; fragment: EventFragment }[]>();
  const add = (iface: Interface | null, fragment: EventFragment) => {
    if (fragment.anonymous) return;
    const list = byTopic.get(fragment.topicHash) ?? [];
    if (!list.some((known) => known.fragment.format("full") === fragment.format("full"))) list.push({ iface, fragment });
    byTopic.set(fragment.topicHash, list);
  };
  if (preferred) add(null, preferred);
  for (const iface of interfaces) iface.forEachEvent((fragment) => add(iface, fragment));
  // An anonymous event has no topic 0 to recognise it by: only the one asked for is tried, on every log.
  const anonymous = preferred?.anonymous ? preferred : undefined;
  const coder = new Map<EventFragment, Interface>();
  const interfaceFor = (fragment: EventFragment, iface: Interface | null): Interface => {
    if (iface) return iface;
    const made = getOrAdd(coder, fragment, () => new Interface([fragment]));
    return made;
  };

  return (topics, data) => {
    const candidates = anonymous ? [{ iface: null, fragment: anonymous }] : (byTopic.get(topics[0]?.toLowerCase() ?? "") ?? []);
    for (const { iface, fragment } of candidates) {
      const indexed = fragment.inputs.filter((input) => input.indexed).length;
      if (indexed + (fragment.anonymous ? 0 : 1) !== topics.length) continue;
      try {
        return { fragment, args: interfaceFor(fragment, iface).decodeEventLog(fragment, data, topics) };
      } catch {
        // Same topic, different layout: try the next candidate.
      }
    }
    return null;
  };
}

function quantity(hex: string | null): number {
  return hex === null ? -1 : Number(hex);
}
