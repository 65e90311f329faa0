import type { AccessListish } from "ethers";
import type { ChaincallProvider } from "../client/createProvider.js";
import { getOrAdd } from "../utils/getOrAdd.js";
import { sendGate } from "./sendGate.js";

/** The call an estimate is for. */
export interface EstimatedCall {
  from: string;
  to: string | null;
  data: string;
  value: bigint;
  accessList?: AccessListish;
}

// Estimates in flight per provider, by call: identical calls asked while one is in flight share its answer.
const inFlight = new WeakMap<ChaincallProvider, Map<string, Promise<bigint>>>();

/**
 * `provider.estimateGas(call)`, shared between identical calls (same from, to, data, value, no access list)
 * asked while the first is still in flight: a burst of the same call costs the node one `eth_estimateGas`.
 * Safe because it changes nothing a caller could tell: a separate estimate, asked a moment later, would run
 * against the same chain state (give or take what was mined within one round trip, which a separate
 * estimate can meet as well) and give the same gas, or the same revert; nothing is kept once the answer is
 * in, so a later call is estimated afresh. A call with an access list is never shared. Estimates wait while
 * the send pump writes a batch to the same provider (see `SendGate`).
 * @example const gas = await sharedEstimate(provider, { from, to, data, value: 0n });
 */
export function sharedEstimate(provider: ChaincallProvider, call: EstimatedCall): Promise<bigint> {
  const gate = sendGate(provider);
  if (call.accessList) return gate.estimate(() => provider.estimateGas(call));
  const key = `${call.from}|${call.to ?? ""}|${call.value}|${call.data}`.toLowerCase();
  const calls = getOrAdd(inFlight, provider, () => new Map<string, Promise<bigint>>());
  const pending = calls.get(key);
  if (pending) return pending;
  const asked = gate.estimate(() => provider.estimateGas(call));
  calls.set(key, asked);
  const forget = () => calls.delete(key);
  asked.then(forget, forget);
  return asked;
}
