import type { ChaincallProvider, RpcOutcome, RpcRequest } from "../client/createProvider.js";
import { ChaincallError } from "../errors/ChaincallError.js";
import { getOrAdd } from "../utils/getOrAdd.js";
import { classifyBroadcastFailure } from "./classifyBroadcastFailure.js";

/**
 * How long a batch waits for the account's mined count to move before it is written anyway. Generous: a node
 * flooded with other work (a burst's estimates, say) can mine nothing for a second or more, and a batch written
 * before the one below it is mined is what Anvil strands. A count that stays put this long is stuck (the
 * stall check's business): the writer then stops waiting until it moves.
 */
export const NO_PROGRESS_MS = 5_000;

/** Writes one send-pump batch: its requests are consecutive nonces, lowest first, `firstNonce` the lowest. */
export type BatchWriter = (requests: readonly RpcRequest[], firstNonce: number) => Promise<RpcOutcome[]>;

/**
 * The send pump's batches for `address` at `provider`'s node, written through `write` so that Anvil's pool
 * cannot strand them.
 *
 * Anvil (1.x) stalls a burst now and then: its `eth_sendRawTransaction` reads the account's mined count, then
 * files the transaction in the pool, as ready when nothing below it is unmined, else as waiting for its
 * predecessor to be in the pool. Its miner works beside it: when the predecessor is mined, and taken out of the
 * pool, between that read and that filing, the transaction waits for a predecessor that will never come, and
 * everything after it waits too (the pool says "queued"; sending it again says "already imported"). A loaded
 * machine makes the gap long enough, and a batch's entries are not always taken in in their order.
 *
 * At Anvil a batch is therefore written in two steps: all but its lowest nonce first — each of them waits for
 * a predecessor that cannot be mined yet, since the lowest is missing, so none can be stranded — then, once
 * every nonce below the batch is mined (while the node automines), the lowest alone: nothing unmined below it,
 * it is filed as ready, and readies the rest at once. Other nodes get the batch as it is: Hardhat refuses a
 * nonce above its count while it automines, and a public node's pool caps what it holds queued. Measured: see
 * scripts/bench/stalls.ts and the README's Performance section.
 * @example const writeBatch = poolSafeBatches(provider, address, (requests) => provider.sendInOrder(requests));
 */
export function poolSafeBatches(
  provider: ChaincallProvider,
  address: string,
  write: (requests: readonly RpcRequest[]) => Promise<RpcOutcome[]>,
): BatchWriter {
  // The mined count at which a wait gave up: no further wait while the count is still there.
  const stuck = { at: -1 };
  return async (requests, firstNonce) => {
    if (!(await isAnvil(provider))) return write(requests);
    // A node that does not answer the wait's questions is met by the write itself, which tells what its failure proves.
    const [first, ...later] = await writeLowestLast(requests, write, () =>
      minedBelow(provider, address, firstNonce, stuck).catch(() => undefined),
    );
    return [keptLive(first, firstNonce, later), ...later];
  };
}

/**
 * Writes `requests` (broadcasts of consecutive nonces, lowest first) in the order Anvil's pool cannot strand:
 * all but the lowest, then, after `beforeLowest`, the lowest alone. Answers in the requests' order; the
 * lowest's failure is its own outcome (the others are at the node by then).
 * @throws what the first write threw (the batch as a whole failed: nothing was sent after it)
 * @example await writeLowestLast(requests, (r) => provider.sendInOrder(r), async () => undefined);
 */
export async function writeLowestLast(
  requests: readonly RpcRequest[],
  write: (requests: readonly RpcRequest[]) => Promise<RpcOutcome[]>,
  beforeLowest: () => Promise<unknown>,
): Promise<RpcOutcome[]> {
  const [lowest, ...rest] = requests;
  const later = rest.length > 0 ? await write(rest) : [];
  await beforeLowest();
  const first = await write([lowest]).then(
    ([outcome]) => outcome,
    (err: unknown): RpcOutcome => ({ error: err instanceof Error ? err : new Error(String(err)) }),
  );
  return [first, ...later];
}

/**
 * The lowest's outcome, except when it never reached the node (the node went away between the two steps)
 * while the node took others of its batch: those wait for it, so it is not given up as unsent (its nonce
 * would go to another send, or stay a gap that strands them once they are re-broadcast). It counts as of
 * unknown outcome instead: its nonce stays reserved until the chain is asked, and the journal keeps it live,
 * so `journal --rebroadcast` sends it with them.
 */
function keptLive(first: RpcOutcome, nonce: number, later: RpcOutcome[]): RpcOutcome {
  if (!("error" in first) || classifyBroadcastFailure(first.error) !== "unsent" || !later.some((o) => "result" in o)) return first;
  // Neither cause nor message of the connection's error attached: either would sort it back into "unsent".
  return {
    error: new ChaincallError(
      "RPC_ERROR",
      `the node took the rest of nonce ${nonce}'s batch, then could not be reached for nonce ${nonce} itself: they wait for it, so its outcome counts as unknown`,
    ),
  };
}

const anvils = new WeakMap<ChaincallProvider, Promise<boolean>>();

// Whether the node says it is Anvil (`web3_clientVersion` "anvil/v1.7.1"); asked once per provider, false when it cannot tell.
function isAnvil(provider: ChaincallProvider): Promise<boolean> {
  return getOrAdd(anvils, provider, () =>
    provider.sendNow("web3_clientVersion", []).then(
      (version) => typeof version === "string" && version.startsWith("anvil/"),
      () => false,
    ),
  );
}

// Waits until the account's mined count reaches `nonce`, while the node automines and the count keeps moving
// (no wait with mining off; at most NO_PROGRESS_MS without progress, and none while the count is where a wait
// gave up). The first question asks whether the node automines, in the same round trip.
async function minedBelow(provider: ChaincallProvider, address: string, nonce: number, stuck: { at: number }): Promise<void> {
  const count = { method: "eth_getTransactionCount", params: [address, "latest"] };
  const [automine, first] = await provider.sendInOrder([{ method: "anvil_getAutomine", params: [] }, count]);
  if (!("result" in automine) || automine.result !== true || !("result" in first)) return;
  let mined = Number(first.result);
  let movedAt = performance.now();
  while (mined < nonce && mined !== stuck.at) {
    await new Promise((resolve) => setImmediate(resolve));
    const now = Number(await provider.sendNow(count.method, count.params));
    if (now !== mined) movedAt = performance.now();
    else if (performance.now() - movedAt >= NO_PROGRESS_MS) {
      stuck.at = now;
      return;
    }
    mined = now;
  }
}
