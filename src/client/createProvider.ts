import type { Socket } from "node:net";
import { FetchRequest, JsonRpcProvider, Network, WebSocketProvider, type Interface, type JsonRpcApiProvider, type JsonRpcError, type JsonRpcPayload, type JsonRpcResult } from "ethers";
import type { WebSocket } from "ws";
import { toChaincallError } from "../errors/toChaincallError";
import { withDeadline } from "../utils/withDeadline";
import { IpcProvider } from "./IpcProvider";
import type { ParsedRpcUrl } from "./parseRpcUrl";

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
export type ChaincallProvider = JsonRpcApiProvider & { readonly boundary: BoundaryConfig };

interface ConcreteProvider extends JsonRpcApiProvider {
  _send(payload: JsonRpcPayload | JsonRpcPayload[]): Promise<(JsonRpcResult | JsonRpcError)[]>;
}
type ProviderClass = new (...args: any[]) => ConcreteProvider;

// The SDK boundary: errors from the node or the socket are translated here, once, and every request
// is bounded in time, whichever transport carries it.
function withBoundary<T extends ProviderClass>(Base: T) {
  return class extends Base {
    boundary!: BoundaryConfig;

    override getRpcError(payload: JsonRpcPayload, error: JsonRpcError): Error {
      return toChaincallError(super.getRpcError(payload, error), this.boundary);
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

const HttpProvider = withBoundary(JsonRpcProvider);
const WsProvider = withBoundary(WebSocketProvider);
const IpcBoundaryProvider = withBoundary(IpcProvider);

/** An open connection, after the chain id probe, ready to become a provider. */
export type OpenTransport =
  | { kind: "http"; target: ParsedRpcUrl }
  | { kind: "ws"; target: ParsedRpcUrl; socket: WebSocket }
  | { kind: "ipc"; target: ParsedRpcUrl; socket: Socket };

/**
 * Builds the ethers provider for an open transport on a known chain. The network is static, so ethers
 * never runs its own endless network-detection loop.
 * @example const provider = createProvider(open, 31337n, boundary);
 */
export function createProvider(open: OpenTransport, chainId: bigint, boundary: BoundaryConfig): ChaincallProvider {
  const network = Network.from(chainId);
  // cacheTimeout -1: a read right after a write must reach the node, never a 250 ms cache. Local dev
  // chains mine at once, so ethers' own polling (events, tx.wait) need not wait its default 4 s.
  const local = chainId === 31337n || chainId === 1337n;
  const options = { staticNetwork: network, cacheTimeout: -1, pollingInterval: local ? 250 : 4_000 };
  let provider: JsonRpcApiProvider & { boundary: BoundaryConfig };
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
  request.timeout = timeoutMs;
  if (target.credentials) {
    // The user put credentials in an http:// URL on purpose (a local or tunnelled node): honour it.
    request.allowInsecureAuthentication = true;
    request.setCredentials(target.credentials.username, target.credentials.password);
  }
  return request;
}
