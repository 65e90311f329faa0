import { ChaincallError } from "../../errors/ChaincallError.js";
import { ChainMismatchError } from "../../errors/ChainMismatchError.js";
import { isDevChain } from "../../utils/isDevChain.js";
import type { ParsedRpcUrl } from "../parseRpcUrl.js";
import {
  describeFailure,
  type FailoverOptions,
  FailoverTransport,
  type FetchGenesis,
  fetchGenesisHash,
  type OpenMember,
} from "./FailoverTransport.js";
import type { Transport } from "./types.js";

/** Limits and checks of `openNodes`. */
export interface OpenNodesOptions {
  /** Time limit of opening every node, in ms (they are opened at once). */
  timeoutMs: number;
  /** Aborts opening. */
  signal?: AbortSignal;
  /** The chain the caller insisted on (`connect`'s `chainId`). */
  expectedChainId?: bigint;
  /** Asks a node's genesis on dev chains; default `fetchGenesisHash`. */
  fetchGenesis?: FetchGenesis;
  /** Passed on to the `FailoverTransport`: cool-down, warnings, clock. */
  failover?: Pick<FailoverOptions, "cooldownMs" | "onWarning" | "now">;
}

/** What `openNodes` opened: one transport over every node, their chain and (dev chains) genesis. */
export interface OpenedNodes {
  transport: FailoverTransport;
  chainId: bigint;
  genesis?: string;
}

/**
 * Opens several nodes of one chain at once and puts them behind one `FailoverTransport`. Every node
 * reached is checked: all must serve `expectedChainId` (else the first reached one's chain) and, on dev
 * chains, have the first one's genesis block; one that does not is a `CHAIN_MISMATCH`. Nodes not reached
 * now are opened and checked later, before their first use. The opener is injected (`openTransport`).
 *
 * @param targets the parsed node addresses, in order of preference (at least one)
 * @param options `timeoutMs`, `signal`, `expectedChainId`
 * @param open opens one node and asks its chain id
 * @returns the failover transport, the chain id, and the genesis hash on dev chains
 * @throws ChaincallError `CHAIN_MISMATCH` (ChainMismatchError for a chain id); `RPC_ERROR` or `TIMEOUT`
 *   naming every node's failure when none was reached; `ABORTED`
 * @example const { transport, chainId } = await openNodes([a, b], { timeoutMs: 30_000 }, openTransport);
 */
export async function openNodes(targets: readonly ParsedRpcUrl[], options: OpenNodesOptions, open: OpenMember): Promise<OpenedNodes> {
  if (targets.length === 0) throw new ChaincallError("INVALID_ARGUMENT", "no node to open");
  const fetchGenesis = options.fetchGenesis ?? fetchGenesisHash;
  const limits = { timeoutMs: options.timeoutMs, signal: options.signal };
  const settled = await Promise.allSettled(targets.map((target) => open(target, limits)));
  const opened: (Transport | undefined)[] = settled.map((result) => (result.status === "fulfilled" ? result.value.transport : undefined));
  const closeAll = () => {
    for (const transport of opened) transport?.close();
  };
  if (options.signal?.aborted) {
    closeAll();
    throw new ChaincallError("ABORTED", "connecting aborted", { cause: options.signal.reason });
  }
  const reached = settled.flatMap((result, index) => (result.status === "fulfilled" ? [{ index, ...result.value }] : []));
  if (reached.length === 0) {
    const failures = settled.map(
      (result, index) => `${targets[index].display}: ${describeFailure((result as PromiseRejectedResult).reason)}`,
    );
    const allTimedOut = settled.every(
      (result) => result.status === "rejected" && result.reason instanceof ChaincallError && result.reason.code === "TIMEOUT",
    );
    throw new ChaincallError(allTimedOut ? "TIMEOUT" : "RPC_ERROR", `cannot reach any node: ${failures.join("; ")}`, {
      cause: (settled[settled.length - 1] as PromiseRejectedResult).reason,
      failure: allTimedOut ? undefined : "unreachable",
    });
  }
  const chainId = options.expectedChainId ?? reached[0].chainId;
  const foreign = reached.find((node) => node.chainId !== chainId);
  if (foreign) {
    closeAll();
    throw new ChainMismatchError(chainId, foreign.chainId, targets[foreign.index].display);
  }
  let genesis: string | undefined;
  if (isDevChain(chainId)) {
    const hashes = await Promise.all(reached.map((node) => fetchGenesis(node.transport, limits).catch(() => undefined)));
    genesis = hashes.find((hash) => hash !== undefined);
    for (const [position, node] of reached.entries()) {
      const hash = hashes[position];
      if (hash !== undefined && genesis !== undefined && hash !== genesis) {
        closeAll();
        const first = targets[reached[hashes.indexOf(genesis)].index].display;
        throw new ChaincallError(
          "CHAIN_MISMATCH",
          `${targets[node.index].display} and ${first} are different chain ${chainId} nodes (genesis ${hash.slice(0, 10)}… and ${genesis.slice(0, 10)}…)`,
          {
            metaMessages: ["hint: every --rpc-url must be a node of the same chain"],
          },
        );
      }
      if (hash === undefined && genesis !== undefined) {
        // Not provably the same node's chain: left for a later, checked opening.
        node.transport.close();
        opened[node.index] = undefined;
      }
    }
  }
  const members = targets.map((target, index) => ({
    target,
    transport: opened[index],
    failure: settled[index].status === "rejected" ? (settled[index] as PromiseRejectedResult).reason : undefined,
  }));
  const transport = new FailoverTransport(members, { ...options.failover, open, chainId, genesis, fetchGenesis });
  return { transport, chainId, genesis };
}
