import type { JsonRpcPayload } from "ethers";
import { ChaincallError, type ErrorCode } from "../../errors/ChaincallError.js";
import { classifyBroadcastFailure } from "../../tx/classifyBroadcastFailure.js";
import { isDevChain } from "../../utils/isDevChain.js";
import type { ParsedRpcUrl } from "../parseRpcUrl.js";
import { type JsonRpcAnswer, NON_IDEMPOTENT_METHODS, type RequestOptions, type SubscriptionConnection, type Transport } from "./types.js";

/** Opens one node's transport and asks its chain id (the real one is `openTransport`; tests inject fakes). */
export type OpenMember = (target: ParsedRpcUrl, options: RequestOptions) => Promise<{ transport: Transport; chainId: bigint }>;

/** Asks a node's genesis block hash (lower-case), or undefined when the node did not give it. */
export type FetchGenesis = (transport: Transport, options: RequestOptions) => Promise<string | undefined>;

/** One node of a `FailoverTransport`: its address, and its transport when it was reached at connect. */
export interface FailoverMember {
  target: ParsedRpcUrl;
  /** Already open and checked (chain id, genesis); absent: opened and checked before its first use. */
  transport?: Transport;
  /** Why it could not be opened at connect: it rests for a cool-down from now (tried last meanwhile). */
  failure?: unknown;
}

/** How a `FailoverTransport` opens late members, checks them and rests failed ones. */
export interface FailoverOptions {
  /** Opens a member that was not reached at connect. */
  open: OpenMember;
  /** The chain every member must serve. */
  chainId: bigint;
  /** On dev chains (31337, 1337), the genesis hash every member must have: two local nodes share the chain id. */
  genesis?: string;
  /** Asks a late member's genesis; default `fetchGenesisHash`. */
  fetchGenesis?: FetchGenesis;
  /** How long a member whose request failed is skipped, in ms. Default `DEFAULT_COOLDOWN_MS`. */
  cooldownMs?: number;
  /** Told once about each member found on another chain or node after connect (it is never used). */
  onWarning?: (warning: ChaincallError) => void;
  /** The clock, in ms (tests inject one). Default `performance.now`. */
  now?: () => number;
}

// Less time than this left: no use starting on another node (timers fire a little early or late).
const MIN_ATTEMPT_MS = 5;

/** How long a failed member is skipped before it is tried again: 30 s. */
const DEFAULT_COOLDOWN_MS = 30_000;

/** What a `FailoverTransport` knows of one member, as `status()` gives it. */
export interface MemberStatus {
  /** The member's printable address. */
  endpoint: string;
  /** `ready`: open and healthy; `cooling`: failed lately, skipped; `unopened`: not reached yet; `foreign`: another chain or node, never used. */
  state: "ready" | "cooling" | "unopened" | "foreign";
  /** Its last failure, one line. */
  lastError?: string;
}

interface Member {
  target: ParsedRpcUrl;
  transport?: Transport;
  opening?: Promise<Transport>;
  failedAt?: number;
  lastError?: string;
  foreign?: ChaincallError;
}

/**
 * A `Transport` over several nodes of one chain (`connect({ rpcUrl: [a, b, c] })`). Reads go to the first
 * healthy member in the given order and fall over to the next on a transport failure (`RPC_ERROR`,
 * `TIMEOUT`), all within the caller's one deadline (each member gets an equal share of what is left); a
 * JSON-RPC error answer is the node's answer and is final. A member that failed is skipped for a
 * cool-down. Sends (`eth_sendRawTransaction`, `eth_sendTransaction`) go to one member only; the next is tried only when the failure proves the request
 * was never delivered (`classifyBroadcastFailure` says `unsent`), else the error is rethrown untouched.
 * Members not reached at connect are opened, and their chain id (and genesis, on dev chains) checked,
 * before their first use; one on another chain or node is never used.
 *
 * `kind` is the first member's; `endpoint` lists every member (no credentials). With a WebSocket or IPC
 * member, `openDedicated` opens its subscription connection on the active socket member: the first healthy
 * one in order of preference (cooling ones last, like requests), opened and checked first if need be.
 *
 * @example
 * const transport = new FailoverTransport([{ target: a, transport: openA }, { target: b }], { open: openTransport, chainId: 1n });
 * const [answer] = await transport.request({ jsonrpc: "2.0", id: 1, method: "eth_blockNumber", params: [] }, { timeoutMs: 5000 });
 */
export class FailoverTransport implements Transport {
  readonly kind: Transport["kind"];
  readonly endpoint: string;
  readonly #members: Member[];
  readonly #options: Required<Omit<FailoverOptions, "genesis" | "onWarning">> & Pick<FailoverOptions, "genesis" | "onWarning">;
  #closed = false;
  /** Present when a member is a WebSocket or IPC node: see the class description. */
  readonly openDedicated?: (options: RequestOptions) => Promise<SubscriptionConnection>;

  /**
   * @param members the nodes, in order of preference (at least one)
   * @param options the opener of late members, the chain (and genesis) they must serve, the cool-down
   */
  constructor(members: readonly FailoverMember[], options: FailoverOptions) {
    if (members.length === 0) throw new ChaincallError("INVALID_ARGUMENT", "a failover transport needs at least one node");
    this.kind = members[0].target.kind;
    this.endpoint = members.map((member) => member.target.display).join(", ");
    this.#options = {
      fetchGenesis: fetchGenesisHash,
      cooldownMs: DEFAULT_COOLDOWN_MS,
      now: () => performance.now(),
      ...options,
    };
    this.#members = members.map((member) => ({ target: member.target, transport: member.transport }));
    members.forEach((member, index) => {
      if (member.failure !== undefined && !member.transport) this.#fail(this.#members[index], member.failure);
    });
    if (this.#members.some((member) => member.target.kind !== "http")) {
      this.openDedicated = (options) =>
        this.#firstSuccess(
          this.#candidates().filter((member) => member.target.kind !== "http"),
          options,
          (transport, limits) => {
            if (!transport.openDedicated) throw new ChaincallError("RPC_ERROR", `${transport.endpoint} cannot subscribe`);
            return transport.openDedicated(limits);
          },
        );
    }
  }

  /** Each member's state, in order (for diagnostics and tests). */
  status(): MemberStatus[] {
    return this.#members.map((member) => ({
      endpoint: member.target.display,
      state: member.foreign ? "foreign" : this.#cooling(member) ? "cooling" : member.transport ? "ready" : "unopened",
      lastError: member.lastError,
    }));
  }

  async request(payload: JsonRpcPayload | JsonRpcPayload[], options: RequestOptions): Promise<JsonRpcAnswer[]> {
    const send = (Array.isArray(payload) ? payload : [payload]).some((item) => NON_IDEMPOTENT_METHODS.has(item.method));
    // A send whose fate is not provably "never delivered" stays with its node: the caller journals it unknown.
    const isFinal = send ? (err: unknown) => classifyBroadcastFailure(err) !== "unsent" : undefined;
    return this.#firstSuccess(this.#candidates(), options, (transport, limits) => transport.request(payload, limits), isFinal);
  }

  // `attempt` on each candidate in turn until one succeeds, all within the caller's one deadline; a
  // candidate that fails rests for the cool-down. An error `isFinal` calls final is rethrown untouched.
  async #firstSuccess<T>(
    candidates: Member[],
    options: RequestOptions,
    attempt: (transport: Transport, limits: RequestOptions) => Promise<T>,
    isFinal?: (err: unknown) => boolean,
  ): Promise<T> {
    const now = this.#options.now;
    const deadline = now() + options.timeoutMs;
    const failures: string[] = [];
    let lastError: unknown;
    let timedOut = false;
    for (const [position, member] of candidates.entries()) {
      if (this.#closed) break;
      const remaining = deadline - now();
      if (remaining < MIN_ATTEMPT_MS) {
        timedOut = true;
        break;
      }
      throwIfAborted(options.signal);
      // Each node gets an equal share of what is left (the last one all of it): a node that never answers
      // must not use up the deadline of the nodes behind it.
      const attemptEnd = now() + remaining / (candidates.length - position);
      let transport: Transport;
      try {
        transport = await this.#ready(member, { timeoutMs: attemptEnd - now(), signal: options.signal });
      } catch (err) {
        if (options.signal?.aborted) throw err;
        failures.push(`${member.target.display}: ${describeFailure(err)}`);
        lastError = err;
        continue;
      }
      try {
        return await attempt(transport, { timeoutMs: Math.max(1, attemptEnd - now()), signal: options.signal });
      } catch (err) {
        if (options.signal?.aborted) throw err;
        this.#fail(member, err);
        if (isFinal?.(err)) throw err;
        failures.push(`${member.target.display}: ${describeFailure(err)}`);
        lastError = err;
      }
    }
    if (this.#closed && failures.length === 0) throw new ChaincallError("RPC_ERROR", `connection to ${this.endpoint} closed`);
    if (deadline - now() < MIN_ATTEMPT_MS) timedOut = true;
    const code: ErrorCode = timedOut ? "TIMEOUT" : "RPC_ERROR";
    const what = timedOut ? `no node answered within ${options.timeoutMs} ms` : `every node failed`;
    throw new ChaincallError(code, `${what}: ${failures.length ? failures.join("; ") : this.endpoint}`, {
      cause: lastError,
      details: this.#foreignDetail(),
    });
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const member of this.#members) member.transport?.close();
  }

  // Healthy members in order, then those cooling down (the longest resting first) as a last resort: a
  // request is never refused without trying a node that may be back. Members on another chain never.
  #candidates(): Member[] {
    const usable = this.#members.filter((member) => !member.foreign);
    const healthy = usable.filter((member) => !this.#cooling(member));
    const resting = usable.filter((member) => this.#cooling(member)).sort((a, b) => (a.failedAt ?? 0) - (b.failedAt ?? 0));
    return [...healthy, ...resting];
  }

  #cooling(member: Member): boolean {
    return member.failedAt !== undefined && this.#options.now() - member.failedAt < this.#options.cooldownMs;
  }

  #fail(member: Member, err: unknown): void {
    member.failedAt = this.#options.now();
    member.lastError = describeFailure(err);
  }

  // The member's transport, opened and checked on first use (one opening shared by concurrent requests).
  async #ready(member: Member, options: RequestOptions): Promise<Transport> {
    if (member.transport) return member.transport;
    member.opening ??= this.#open(member, options).finally(() => {
      member.opening = undefined;
    });
    return member.opening;
  }

  async #open(member: Member, options: RequestOptions): Promise<Transport> {
    let opened: { transport: Transport; chainId: bigint };
    try {
      opened = await this.#options.open(member.target, options);
    } catch (err) {
      this.#fail(member, err);
      throw err;
    }
    const { transport, chainId } = opened;
    let mismatch: string | undefined;
    if (chainId !== this.#options.chainId) {
      mismatch = `${member.target.display} serves chain ${chainId}, not ${this.#options.chainId}: not used`;
    } else if (this.#options.genesis !== undefined && isDevChain(chainId)) {
      let genesis: string | undefined;
      try {
        genesis = await this.#options.fetchGenesis(transport, options);
      } catch (err) {
        genesis = undefined;
        member.lastError = describeFailure(err);
      }
      if (genesis === undefined) {
        transport.close();
        const err = new ChaincallError(
          "RPC_ERROR",
          `${member.target.display} did not give its genesis block: cannot tell it is the same node's chain`,
        );
        this.#fail(member, err);
        throw err;
      }
      if (genesis !== this.#options.genesis) {
        mismatch = `${member.target.display} is another chain ${chainId} node (genesis ${genesis.slice(0, 10)}…, not ${this.#options.genesis.slice(0, 10)}…): not used`;
      }
    }
    if (mismatch !== undefined) {
      transport.close();
      const warning = new ChaincallError("CHAIN_MISMATCH", mismatch);
      member.foreign = warning;
      member.lastError = mismatch;
      this.#options.onWarning?.(warning);
      throw warning;
    }
    if (this.#closed) {
      transport.close();
      throw new ChaincallError("RPC_ERROR", `connection to ${member.target.display} closed`);
    }
    member.transport = transport;
    return transport;
  }

  #foreignDetail(): string | undefined {
    const foreign = this.#members.filter((member) => member.foreign).map((member) => member.foreign!.shortMessage);
    return foreign.length ? foreign.join("; ") : undefined;
  }
}

/**
 * Asks a node for its genesis block's hash over a transport, lower-case; undefined when the node gave no
 * block 0 or no hash.
 * @throws ChaincallError when the transport failed (`RPC_ERROR`, `TIMEOUT`, `ABORTED`)
 * @example const genesis = await fetchGenesisHash(transport, { timeoutMs: 5000 });
 */
export async function fetchGenesisHash(transport: Transport, options: RequestOptions): Promise<string | undefined> {
  const [answer] = await transport.request({ jsonrpc: "2.0", id: 1, method: "eth_getBlockByNumber", params: ["0x0", false] }, options);
  const hash = answer && "result" in answer ? (answer.result as { hash?: unknown } | null)?.hash : undefined;
  return typeof hash === "string" && /^0x[0-9a-fA-F]{64}$/.test(hash) ? hash.toLowerCase() : undefined;
}

/** One member's failure in a few words: its chaincall message, else the error's own. */
export function describeFailure(err: unknown): string {
  if (err instanceof ChaincallError) return err.shortMessage;
  if (err instanceof Error) return err.message.split("\n")[0];
  return String(err);
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new ChaincallError("ABORTED", "request aborted", { cause: signal.reason });
}
