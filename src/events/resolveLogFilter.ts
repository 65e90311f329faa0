import { EventFragment, Interface, type InterfaceAbi } from "ethers";
import { assertArgument, checkAbis, checkObject } from "../errors/assertArgument.js";
import { ChaincallError } from "../errors/ChaincallError.js";
import { readAddress } from "../utils/address.js";

/** Which logs: the filter part shared by `getLogs` and `watchLogs`. */
export interface LogFilter {
  /** Only logs of this contract (or of any of these). */
  address?: string | readonly string[];
  /**
   * Only this event: a name from a known ABI (`"Transfer"`), a signature (`"Transfer(address,address,uint256)"`),
   * a human-readable fragment (`"event Transfer(address indexed from, address indexed to, uint256 value)"`)
   * or an ethers `EventFragment`.
   */
  event?: string | EventFragment;
  /**
   * Values of the event's indexed arguments, by position or by name; `null` (or absent) matches any value.
   * Needs `event`. @example { event: "Transfer", args: { to: myAddress } }
   */
  args?: readonly unknown[] | Readonly<Record<string, unknown>>;
  /** Raw topic filter (topic 0 is the event's when `event` is given); an alternative to `args`. */
  topics?: readonly (string | readonly string[] | null)[];
  /** ABIs to decode with, tried before the ones the client knows (`connect({ abis })`, `client.addAbi`). */
  abis?: readonly (Interface | InterfaceAbi)[];
}

/** A filter ready for the node, plus what decoding needs. */
export interface ResolvedLogFilter {
  /** The `address`/`topics` part of the `eth_getLogs` parameter. */
  rpcFilter: { address?: string | string[]; topics?: (string | string[] | null)[] };
  /** The event asked for, if any: decoded with first. */
  fragment?: EventFragment;
  /** Every ABI to decode with, in order of preference. */
  interfaces: Interface[];
}

/**
 * Checks a log filter and turns it into an `eth_getLogs` filter: addresses checksum-verified, the event
 * looked up in the known ABIs, indexed argument values encoded as topics.
 * @throws ChaincallError `INVALID_ARGUMENT` for a bad address, an unknown or ambiguous event name, or arguments that do not fit
 * @example resolveLogFilter({ address, event: "YearChanged" }, client.provider.boundary.interfaces)
 */
export function resolveLogFilter(filter: LogFilter, known: readonly Interface[]): ResolvedLogFilter {
  checkObject(filter, "parameters");
  const interfaces = [...(filter.abis === undefined ? [] : checkAbis(filter.abis, "abis")), ...known];
  const rpcFilter: ResolvedLogFilter["rpcFilter"] = {};

  if (filter.address !== undefined) {
    assertArgument(
      typeof filter.address === "string" || Array.isArray(filter.address),
      "address",
      "an address or an array of addresses",
      filter.address,
    );
    const list = (typeof filter.address === "string" ? [filter.address] : [...filter.address]).map(checkAddress);
    if (list.length === 0) throw new ChaincallError("INVALID_ARGUMENT", "address: an empty list matches no log");
    rpcFilter.address = list.length === 1 ? list[0] : list;
  }

  const fragment = filter.event === undefined ? undefined : findEvent(filter.event, interfaces);
  if (filter.args !== undefined && filter.topics !== undefined) {
    throw new ChaincallError("INVALID_ARGUMENT", "give either args or topics, not both");
  }
  let topics = filter.topics === undefined ? [] : checkTopics(filter.topics);
  if (filter.args !== undefined) {
    assertArgument(
      typeof filter.args === "object" && filter.args !== null,
      "args",
      "an array (by position) or an object (by name) of indexed argument values",
      filter.args,
    );
    if (!fragment) throw new ChaincallError("INVALID_ARGUMENT", "args need an event to say which arguments they are");
    topics = encodeArgs(fragment, filter.args);
  }
  if (fragment && !fragment.anonymous) {
    const first = topics[0];
    if (
      first !== undefined &&
      first !== null &&
      !(first === fragment.topicHash || (Array.isArray(first) && first.length === 1 && first[0] === fragment.topicHash))
    ) {
      throw new ChaincallError(
        "INVALID_ARGUMENT",
        `topics[0] ${JSON.stringify(first)} is not the topic of ${fragment.format("sighash")} (${fragment.topicHash})`,
      );
    }
    topics[0] = fragment.topicHash;
  }
  while (topics.length > 0 && topics[topics.length - 1] === null) topics.pop();
  if (topics.length > 4) throw new ChaincallError("INVALID_ARGUMENT", `a log has at most 4 topics, the filter gives ${topics.length}`);
  if (topics.length > 0) rpcFilter.topics = topics;
  return { rpcFilter, fragment, interfaces };
}

// Each position: null (any), a topic, or a list of topics (any of them); lowercased as nodes return them.
function checkTopics(topics: unknown): (string | string[] | null)[] {
  assertArgument(Array.isArray(topics), "topics", "an array of topics (null, a 32-byte hex topic, or an array of them)", topics);
  const topic = (value: unknown, name: string): string => {
    assertArgument(typeof value === "string" && /^0x[0-9a-fA-F]{64}$/.test(value), name, "a topic (32 bytes of 0x-prefixed hex)", value);
    return value.toLowerCase();
  };
  return topics.map((t: unknown, i) => {
    if (t === null || t === undefined) return null;
    if (Array.isArray(t)) return t.map((x: unknown, j) => topic(x, `topics[${i}][${j}]`));
    return topic(t, `topics[${i}]`);
  });
}

function checkAddress(address: string): string {
  const read = readAddress(address);
  if (read.ok) return read.address.toLowerCase();
  throw new ChaincallError("INVALID_ARGUMENT", `not an address (or a wrong checksum): ${JSON.stringify(address)}`);
}

function findEvent(event: string | EventFragment, interfaces: readonly Interface[]): EventFragment {
  if (typeof event !== "string") {
    if (!EventFragment.isFragment(event))
      throw new ChaincallError("INVALID_ARGUMENT", "event must be a name, a signature or an EventFragment");
    return event;
  }
  const text = event.trim();
  if (text.includes("(")) {
    let parsed: EventFragment;
    try {
      parsed = EventFragment.from(text.startsWith("event ") ? text : `event ${text}`);
    } catch (err) {
      throw new ChaincallError("INVALID_ARGUMENT", `not an event signature: ${JSON.stringify(text)}`, { cause: err });
    }
    // A bare signature says nothing of which arguments are indexed: a known ABI's fragment decodes better.
    const described = parsed.inputs.some((input) => input.indexed || input.name !== "");
    if (described) return parsed;
    for (const iface of interfaces) {
      const match = iface.fragments.find((f): f is EventFragment => EventFragment.isFragment(f) && f.topicHash === parsed.topicHash);
      if (match) return match;
    }
    return parsed;
  }
  const matches = new Map<string, EventFragment>();
  for (const iface of interfaces) {
    iface.forEachEvent((fragment) => {
      if (fragment.name === text && !matches.has(fragment.topicHash)) matches.set(fragment.topicHash, fragment);
    });
  }
  if (matches.size === 1) return [...matches.values()][0];
  if (matches.size === 0) {
    throw new ChaincallError("INVALID_ARGUMENT", `no known ABI has an event named "${text}"`, {
      metaMessages: ["hint: pass the contract's ABI in abis (or connect({ abis })), or give the full signature"],
    });
  }
  throw new ChaincallError(
    "INVALID_ARGUMENT",
    `event name "${text}" is ambiguous: ${[...matches.values()].map((f) => f.format("sighash")).join(", ")}`,
    {
      metaMessages: ["hint: give the full signature to pick one"],
    },
  );
}

function encodeArgs(fragment: EventFragment, args: readonly unknown[] | Readonly<Record<string, unknown>>): (string | string[] | null)[] {
  let values: unknown[];
  if (Array.isArray(args)) {
    values = [...args];
  } else {
    const named = args as Readonly<Record<string, unknown>>;
    for (const key of Object.keys(named)) {
      if (!fragment.inputs.some((input) => input.name === key)) {
        throw new ChaincallError("INVALID_ARGUMENT", `${fragment.format("sighash")} has no argument named "${key}"`);
      }
    }
    values = fragment.inputs.map((input) => named[input.name] ?? null);
  }
  while (values.length > 0 && (values[values.length - 1] === null || values[values.length - 1] === undefined)) values.pop();
  try {
    // Positions are those of all the event's inputs (non-indexed ones must stay null); topic 0 comes first
    // unless the event is anonymous.
    return new Interface([fragment]).encodeFilterTopics(
      fragment,
      values.map((v) => (v === undefined ? null : v)),
    );
  } catch (err) {
    throw new ChaincallError(
      "INVALID_ARGUMENT",
      `args do not fit ${fragment.format("full")}: ${(err as { shortMessage?: string }).shortMessage ?? (err as Error).message}`,
      { cause: err },
    );
  }
}
