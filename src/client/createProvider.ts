import type { Socket } from "node:net";
import {
  FetchRequest,
  getAddress,
  JsonRpcProvider,
  Network,
  WebSocketProvider,
  type Interface,
  type JsonRpcApiProvider,
  type JsonRpcError,
  type JsonRpcPayload,
  type JsonRpcResult,
  type PerformActionRequest,
  type PerformActionTransaction,
  type TransactionRequest,
  type WebSocketLike,
} from "ethers";
import { ChaincallError } from "../errors/ChaincallError.js";
import { toChaincallError } from "../errors/toChaincallError.js";
import { ReadBatcher, type BatchOptions } from "../multicall/ReadBatcher.js";
import { MAX_TIMER_MS, withDeadline } from "../utils/withDeadline.js";
import { cacheSelectors } from "./cacheSelectors.js";
import { IpcProvider } from "./IpcProvider.js";
import type { ParsedRpcUrl } from "./parseRpcUrl.js";

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
  /** Batches this provider's eligible `eth_call`s from now on. */
  enableBatching(options: BatchOptions): void;
  /** One request, sent at once on its own (not queued for ethers' next batch); errors as from `send`. */
  sendNow(method: string, params: unknown[]): Promise<unknown>;
};

interface ConcreteProvider extends JsonRpcApiProvider {
  _send(payload: JsonRpcPayload | JsonRpcPayload[]): Promise<(JsonRpcResult | JsonRpcError)[]>;
}
type ProviderClass = new (...args: any[]) => ConcreteProvider;

// The SDK boundary: errors from the node or the socket are translated here, once, and every request
// is bounded in time, whichever transport carries it.
function withBoundary<T extends ProviderClass>(Base: T) {
  return class extends Base {
    boundary!: BoundaryConfig;
    batcher?: ReadBatcher;

    // Reads a contract cannot tell from a plain eth_call go through the batcher; everything else as is.
    override async _perform(req: PerformActionRequest): Promise<any> {
      if (req.method === "call" && this.batcher && batchable(req.transaction)) {
        return this.batcher.read({ to: req.transaction.to!, data: req.transaction.data! }, String(req.blockTag ?? "latest"));
      }
      return super._perform(req);
    }

    // The bindings' reads ({ to, data } and nothing else) skip ethers' request normalisation, whose address
    // checksum (a keccak per read) costs more than the batched request itself.
    override async call(tx: TransactionRequest): Promise<string> {
      const to = tx.to;
      let result: string;
      if (this.batcher && typeof to === "string" && typeof tx.data === "string" && isPlainRead(tx) && checkedAddress(to) && isHex(tx.data)) {
        result = await this.batcher.read({ to: checkedAddress(to)!, data: tx.data }, "latest");
      } else {
        result = await super.call(tx);
      }
      // A call with calldata that came back empty: if the target has no code, say so (NO_CONTRACT), instead of
      // leaving a binding to fail decoding "0x" with ethers' BAD_DATA.
      if (result === "0x" && typeof tx.data === "string" && tx.data.length >= 10 && typeof to === "string" && checkedAddress(to)) {
        const code = await this.getCode(to, tx.blockTag ?? "latest");
        if (code === "0x") {
          throw new ChaincallError("NO_CONTRACT", `no contract at ${checkedAddress(to)} on chain ${this._network.chainId}`, {
            metaMessages: ["hint: wrong address, wrong network, or the node was restarted since the deploy"],
          });
        }
      }
      return result;
    }

    /** Starts batching reads (see `ReadBatcher`). */
    enableBatching(options: BatchOptions): void {
      this.batcher = new ReadBatcher(
        {
          // Straight to JSON-RPC: ethers' request formatting would turn the (large) calldata into bytes and back.
          call: (transaction, blockTag) => this.send("eth_call", [transaction.to ? { to: transaction.to, data: transaction.data } : { data: transaction.data }, blockTag]),
          revertError: (read, blockTag, data) =>
            this.getRpcError(
              { method: "eth_call", params: [{ to: read.to, data: read.data }, blockTag], id: 0, jsonrpc: "2.0" },
              { id: 0, error: { code: 3, message: "execution reverted", data } },
            ),
          getCode: (address) => super._perform({ method: "getCode", address, blockTag: "latest" }),
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

    override async _send(payload: JsonRpcPayload | JsonRpcPayload[]): Promise<(JsonRpcResult | JsonRpcError)[]> {
      const method = Array.isArray(payload) ? `a batch of ${payload.length} requests` : payload.method;
      try {
        return await withDeadline(() => super._send(payload), {
          timeoutMs: this.boundary.requestTimeoutMs,
          what: `${method} from ${this.boundary.endpoint}`,
        });
      } catch (err) {
        throw toChaincallError(err, this.boundary);
      }
    }
  };
}

const PLAIN_READ_KEYS = new Set(["to", "data"]);

function isPlainRead(tx: TransactionRequest): boolean {
  for (const key in tx) if ((tx as Record<string, unknown>)[key] != null && !PLAIN_READ_KEYS.has(key)) return false;
  return true;
}

function isHex(data: string): boolean {
  return data.length >= 10 && data.length % 2 === 0 && /^0x[0-9a-fA-F]*$/.test(data);
}

// Addresses already checked, so each costs its checksum once (bounded: cleared when it grows large).
const checkedAddresses = new Map<string, string>();

// The address as ethers would accept it (a bad mixed-case checksum is not), or null for names and junk.
function checkedAddress(value: string): string | null {
  let checked = checkedAddresses.get(value);
  if (checked) return checked;
  if (!/^0x[0-9a-fA-F]{40}$/.test(value)) return null;
  try {
    checked = getAddress(value);
  } catch {
    return null;
  }
  if (checkedAddresses.size >= 10_000) checkedAddresses.clear();
  checkedAddresses.set(value, checked);
  return checked;
}

// Only reads whose meaning cannot change inside an aggregate: msg.sender, value and gas are the node's defaults.
function batchable(tx: PerformActionTransaction): boolean {
  if (typeof tx.to !== "string" || typeof tx.data !== "string" || tx.data.length < 10) return false;
  if (tx.from != null || (tx.value != null && BigInt(tx.value) !== 0n)) return false;
  return tx.gasLimit == null && tx.gasPrice == null && tx.maxFeePerGas == null && tx.maxPriorityFeePerGas == null && tx.accessList == null && tx.type == null;
}

// JSON-RPC over HTTP with the payload encoded and the answer decoded by Node's own UTF-8 code: ethers does
// both in JavaScript, one character at a time, which costs more than the request on big read batches.
class HttpJsonRpcProvider extends JsonRpcProvider {
  override async _send(payload: JsonRpcPayload | JsonRpcPayload[]): Promise<JsonRpcResult[]> {
    const request = this._getConnection();
    request.body = Buffer.from(JSON.stringify(payload), "utf8");
    request.setHeader("content-type", "application/json");
    const response = await request.send();
    response.assertOk();
    const text = Buffer.from(response.body ?? new Uint8Array(0)).toString("utf8");
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      throw new ChaincallError("RPC_ERROR", `the node's answer is not JSON-RPC (HTTP ${response.statusCode})`, { cause: err, details: text.slice(0, 200) });
    }
    // Error entries too, as ethers' own _send returns them (its declared type says results only).
    return (Array.isArray(parsed) ? parsed : [parsed]) as JsonRpcResult[];
  }
}

const HttpProvider = withBoundary(HttpJsonRpcProvider);
const WsProvider = withBoundary(WebSocketProvider);
const IpcBoundaryProvider = withBoundary(IpcProvider);

/** An open connection, after the chain id probe, ready to become a provider. */
export type OpenTransport =
  | { kind: "http"; target: ParsedRpcUrl }
  | { kind: "ws"; target: ParsedRpcUrl; socket: WebSocketLike }
  | { kind: "ipc"; target: ParsedRpcUrl; socket: Socket };

/**
 * Builds the ethers provider for an open transport on a known chain. The network is static, so ethers
 * never runs its own endless network-detection loop.
 * @example const provider = createProvider(open, 31337n, boundary);
 */
export function createProvider(open: OpenTransport, chainId: bigint, boundary: BoundaryConfig): ChaincallProvider {
  cacheSelectors();
  const network = Network.from(chainId);
  // cacheTimeout -1: a read right after a write must reach the node, never a 250 ms cache. Local dev
  // chains mine at once, so ethers' own polling (events, tx.wait) need not wait its default 4 s.
  const local = chainId === 31337n || chainId === 1337n;
  const options = { staticNetwork: network, cacheTimeout: -1, pollingInterval: local ? 250 : 4_000 };
  let provider: ChaincallProvider & { boundary: BoundaryConfig };
  switch (open.kind) {
    case "http":
      provider = new HttpProvider(createFetchRequest(open.target, boundary.requestTimeoutMs), network, { ...options, batchStallTime: 0 });
      break;
    case "ws":
      provider = new WsProvider(open.socket, network, options);
      break;
    case "ipc":
      provider = new IpcBoundaryProvider(open.socket, network, options);
      break;
  }
  provider.boundary = boundary;
  // Socket providers were handed an already-open socket, whose "open" event they will never see.
  if (open.kind !== "http") provider._start();
  return provider;
}

/**
 * An ethers `FetchRequest` for the node: credentials from the URL become a Basic auth header (never part
 * of any printed URL), and each request is bounded by `timeoutMs`.
 */
export function createFetchRequest(target: ParsedRpcUrl, timeoutMs: number): FetchRequest {
  const request = new FetchRequest(target.address);
  request.timeout = Math.min(timeoutMs, MAX_TIMER_MS);
  if (target.credentials) {
    // The user put credentials in an http:// URL on purpose (a local or tunnelled node): honour it.
    request.allowInsecureAuthentication = true;
    request.setCredentials(target.credentials.username, target.credentials.password);
  }
  return request;
}
