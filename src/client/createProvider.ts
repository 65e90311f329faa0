import {
  type BlockTag,
  type Interface,
  JsonRpcApiProvider,
  type JsonRpcError,
  type JsonRpcPayload,
  type JsonRpcResult,
  Network,
  type PerformActionRequest,
  type PerformActionTransaction,
  type TransactionRequest,
} from "ethers";
import { ChaincallError } from "../errors/ChaincallError.js";
import { textSays } from "../errors/nodeMessages.js";
import { toChaincallError } from "../errors/toChaincallError.js";
import { checkedAddress } from "../utils/address.js";
import { isDevChain } from "../utils/isDevChain.js";
import { type BatchOptions, ReadBatcher } from "./batch/ReadBatcher.js";
import type { Transport } from "./transport/types.js";

/** What every chaincall provider knows, whatever its transport. */
export interface BoundaryConfig {
  /** Printable node address for messages. */
  endpoint: string;
  /** Time limit of one JSON-RPC request (or batch), in ms. */
  requestTimeoutMs: number;
  /** ABIs used to decode custom errors in reverts; the client adds to it as contracts become known. */
  interfaces: Interface[];
}

/** A provider whose every JSON-RPC error is already a `ChaincallError`. */
export type ChaincallProvider = JsonRpcApiProvider & {
  /** The node's printable address, the request time limit, and the ABIs reverts are decoded with. */
  readonly boundary: BoundaryConfig;
  /**
   * The transport every request goes through (HTTP, WebSocket, IPC, or a failover over several): what
   * `watchLogs` asks for a subscription connection of its own (`openDedicated`). Closed by `destroy()`.
   */
  readonly transport: Transport;
  /** Batches this provider's eligible `eth_call`s from now on. */
  enableBatching(options: BatchOptions): void;
  /** One request, sent at once on its own (not queued for ethers' next batch); errors as from `send`. */
  sendNow(method: string, params: unknown[]): Promise<unknown>;
  /**
   * Requests whose order matters, written at once as one JSON-RPC batch in that order (one after another,
   * each once the one before is answered, at a node that takes no batches). Each is answered on its own:
   * its result, or its error as `sendNow` would throw it.
   * @throws the translated error when the batch as a whole failed (timeout, reset, an HTTP error): then
   *   nothing is known of any of its requests
   */
  sendInOrder(requests: readonly RpcRequest[]): Promise<RpcOutcome[]>;
};

/** One JSON-RPC request of `sendInOrder`. */
export interface RpcRequest {
  method: string;
  params: unknown[];
}

/** What one request of `sendInOrder` came to: its result, or its error. */
export type RpcOutcome = { result: unknown } | { error: Error };

/**
 * The key of a chaincall provider's lean read: `(to, data) => Promise<string>`, an `eth_call` of calldata a
 * binding built itself, to a checksummed address, straight into the batcher; answers and errors are those of
 * `provider.call({ to, data })`. Bindings (src/contract) call it when their runner has it.
 */
export const LEAN_CALL: unique symbol = Symbol.for("chaincall.leanCall");

/** What a runner with a lean read offers (see `LEAN_CALL`). */
export interface LeanCallRunner {
  [LEAN_CALL](to: string, data: string): Promise<string>;
}

// The SDK boundary: errors from the node or the socket are translated here, once; every request goes through
// the transport, which bounds it in time, whatever carries it.
class TransportProvider extends JsonRpcApiProvider {
  batcher?: ReadBatcher;

  constructor(
    readonly transport: Transport,
    network: Network,
    readonly boundary: BoundaryConfig,
    pollingInterval: number,
  ) {
    // cacheTimeout -1: a read right after a write must reach the node, never a 250 ms cache. batchStallTime
    // 0: what one tick issued goes out together, with no added wait.
    super(network, { staticNetwork: network, cacheTimeout: -1, pollingInterval, batchStallTime: 0 });
    // The transport is open and the network static: requests may flow at once (no network detection).
    this._start();
  }

  // Reads a contract cannot tell from a plain eth_call go through the batcher; everything else as is.
  override async _perform<T = unknown>(req: PerformActionRequest): Promise<T> {
    if (req.method === "call" && this.batcher && batchable(req.transaction)) {
      // ethers asks "call" for the hex string of the answer: what the batcher gives
      return (await this.batcher.read({ to: req.transaction.to!, data: req.transaction.data! }, String(req.blockTag ?? "latest"))) as T;
    }
    return (await super._perform(req)) as T;
  }

  // The bindings' reads ({ to, data } and nothing else) skip ethers' request normalisation, whose address
  // checksum (a keccak per read) costs more than the batched request itself.
  override async call(tx: TransactionRequest): Promise<string> {
    const to = typeof tx.to === "string" ? checkedAddress(tx.to) : null;
    let result: string;
    if (this.batcher && to && typeof tx.data === "string" && isPlainRead(tx) && isHex(tx.data)) {
      result = await this.batcher.read({ to, data: tx.data }, "latest");
    } else {
      result = await super.call(tx);
    }
    if (result === "0x" && typeof tx.data === "string" && to) await this.assertCode(to, tx.data, tx.blockTag ?? "latest");
    return result;
  }

  // The lean read path of bindings (see LEAN_CALL): `to` is checksummed and `data` well-formed calldata already.
  [LEAN_CALL](to: string, data: string): Promise<string> {
    if (!this.batcher) return this.call({ to, data });
    return this.batcher
      .read({ to, data }, "latest")
      .then((result) => (result === "0x" ? this.assertCode(to, data, "latest").then(() => result) : result));
  }

  // A call with calldata that came back empty: if the target has no code, say so (NO_CONTRACT), instead of
  // leaving a binding to fail decoding "0x" with ethers' BAD_DATA.
  private async assertCode(to: string, data: string, blockTag: BlockTag): Promise<void> {
    if (data.length < 10) return;
    const code = await this.getCode(to, blockTag);
    if (code === "0x") {
      throw new ChaincallError("NO_CONTRACT", `no contract at ${to} on chain ${this._network.chainId}`, {
        metaMessages: ["hint: wrong address, wrong network, or the node was restarted since the deploy"],
      });
    }
  }

  /** Starts batching reads (see `ReadBatcher`). */
  enableBatching(options: BatchOptions): void {
    this.batcher = new ReadBatcher(
      {
        // Straight to the transport: ethers' request formatting would turn the (large) calldata into bytes and
        // back, and its request queue would hold the aggregate for a timer tick. Errors as from `send`.
        call: (transaction, blockTag) =>
          this.sendNow("eth_call", [
            transaction.to ? { to: transaction.to, data: transaction.data } : { data: transaction.data },
            blockTag,
          ]) as Promise<string>,
        revertError: (read, blockTag, data) =>
          this.getRpcError(
            { method: "eth_call", params: [{ to: read.to, data: read.data }, blockTag], id: 0, jsonrpc: "2.0" },
            { id: 0, error: { code: 3, message: "execution reverted", data } },
          ),
        getCode: (address) => super._perform({ method: "getCode", address, blockTag: "latest" }),
        clientVersion: async () => String(await this.send("web3_clientVersion", [])),
        callMany: async (txs, blockTag) => {
          const payloads = this.payloadsOf(txs.map((tx) => ({ method: "eth_call", params: [{ to: tx.to, data: tx.data }, blockTag] })));
          return this.outcomesOf(payloads, await this._send(payloads)) as ({ result: string } | { error: Error })[];
        },
      },
      options,
    );
  }

  override getRpcError(payload: JsonRpcPayload, error: JsonRpcError): Error {
    return toChaincallError(super.getRpcError(payload, error), this.boundary);
  }

  private nowIds = 0;

  // Sends whose order matters go one by one; ethers' batch queue would hold each back for a timer tick.
  async sendNow(method: string, params: unknown[]): Promise<unknown> {
    const payload: JsonRpcPayload = { method, params, id: `now-${++this.nowIds}` as unknown as number, jsonrpc: "2.0" };
    const [answer] = await this._send(payload);
    if (answer && "error" in answer) throw this.getRpcError(payload, answer as JsonRpcError);
    if (!answer || !("result" in answer)) throw new ChaincallError("RPC_ERROR", `${this.boundary.endpoint} gave no answer to ${method}`);
    return (answer as JsonRpcResult).result;
  }

  async sendInOrder(requests: readonly RpcRequest[]): Promise<RpcOutcome[]> {
    const payloads = this.payloadsOf(requests);
    // One by one, in order, where the node takes no batches: a failure of the connection ends it there, as it
    // would have ended a batch.
    const answers = payloads.length > 1 ? await this._send(payloads, true) : await this.sendEach(payloads, true);
    return this.outcomesOf(payloads, answers);
  }

  // The requests as JSON-RPC payloads, each with an id of its own.
  private payloadsOf(requests: readonly RpcRequest[]): JsonRpcPayload[] {
    return requests.map(({ method, params }) => ({ method, params, id: `now-${++this.nowIds}` as unknown as number, jsonrpc: "2.0" }));
  }

  // Each payload's answer among `answers` (matched by id): its result, its error as `sendNow` would throw it,
  // or an error saying the node gave none.
  private outcomesOf(payloads: JsonRpcPayload[], answers: (JsonRpcResult | JsonRpcError)[]): RpcOutcome[] {
    const byId = new Map(answers.map((answer) => [answer.id as unknown, answer]));
    return payloads.map((payload): RpcOutcome => {
      const answer = byId.get(payload.id);
      if (answer && "error" in answer) return { error: this.getRpcError(payload, answer as JsonRpcError) };
      if (answer && "result" in answer) return { result: answer.result };
      return {
        error: new ChaincallError(
          "RPC_ERROR",
          `${this.boundary.endpoint} gave no answer to ${payload.method} in a batch of ${payloads.length}`,
        ),
      };
    });
  }

  // Set once the node refused a JSON-RPC batch as a whole: from then on its requests go one by one, so a
  // node without batches costs one refused request per provider, not one per batch.
  private batchesRefused = false;

  // `inOrder`: a refused batch's requests are sent again one after another, not concurrently.
  override async _send(payload: JsonRpcPayload | JsonRpcPayload[], inOrder = false): Promise<(JsonRpcResult | JsonRpcError)[]> {
    const batch = Array.isArray(payload) && payload.length > 1;
    if (batch && this.batchesRefused) return this.sendEach(payload, inOrder);
    let answers: (JsonRpcResult | JsonRpcError)[];
    try {
      // Error answers too: ethers' declared type says results only, but it matches errors by id as well.
      answers = (await this.transport.request(payload, { timeoutMs: this.boundary.requestTimeoutMs })) as JsonRpcResult[];
    } catch (err) {
      const translated = toChaincallError(err, this.boundary);
      if (batch && translated.code === "RPC_ERROR" && textSays(`${translated.shortMessage} ${translated.details ?? ""}`, "batchRefused")) {
        this.batchesRefused = true;
        return this.sendEach(payload, inOrder);
      }
      throw translated;
    }
    // A batch answered by one error that belongs to no request (id null): the node took no batch at all.
    if (batch && answers.length === 1 && answers[0].id == null && "error" in answers[0]) {
      this.batchesRefused = true;
      return this.sendEach(payload, inOrder);
    }
    return answers;
  }

  private async sendEach(payloads: JsonRpcPayload[], inOrder: boolean): Promise<(JsonRpcResult | JsonRpcError)[]> {
    if (!inOrder) return (await Promise.all(payloads.map((p) => this._send(p)))).flat();
    const answers: (JsonRpcResult | JsonRpcError)[] = [];
    for (const payload of payloads) answers.push(...(await this._send(payload)));
    return answers;
  }

  /** Stops the provider and closes its transport (sockets, timers, pending requests). */
  override destroy(): void {
    super.destroy();
    this.transport.close();
  }
}

const PLAIN_READ_KEYS = new Set(["to", "data"]);

function isPlainRead(tx: TransactionRequest): boolean {
  for (const key in tx) if ((tx as Record<string, unknown>)[key] != null && !PLAIN_READ_KEYS.has(key)) return false;
  return true;
}

function isHex(data: string): boolean {
  return data.length >= 10 && data.length % 2 === 0 && /^0x[0-9a-fA-F]*$/.test(data);
}

// Only reads whose meaning cannot change inside an aggregate: msg.sender, value and gas are the node's defaults.
function batchable(tx: PerformActionTransaction): boolean {
  if (typeof tx.to !== "string" || typeof tx.data !== "string" || tx.data.length < 10) return false;
  if (tx.from != null || (tx.value != null && BigInt(tx.value) !== 0n)) return false;
  return (
    tx.gasLimit == null &&
    tx.gasPrice == null &&
    tx.maxFeePerGas == null &&
    tx.maxPriorityFeePerGas == null &&
    tx.accessList == null &&
    tx.type == null
  );
}

/**
 * Builds the ethers provider over an open transport on a known chain. The network is static, so ethers
 * never runs its own endless network-detection loop; `destroy()` also closes the transport.
 * @param transport the open transport (from `openTransport`)
 * @param chainId the chain id the transport's node gave
 * @param boundary the node's printable address, the time limit of each request, the ABIs reverts are decoded with
 * @example const provider = createProvider(transport, 31337n, boundary);
 */
export function createProvider(transport: Transport, chainId: bigint, boundary: BoundaryConfig): ChaincallProvider {
  // Local dev chains mine at once, so ethers' own polling (events, tx.wait) need not wait its default 4 s.
  const local = isDevChain(chainId);
  return new TransportProvider(transport, Network.from(chainId), boundary, local ? 250 : 4_000);
}
