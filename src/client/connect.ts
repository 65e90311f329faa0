import { Interface, type ContractRunner, type InterfaceAbi, type TransactionReceipt } from "ethers";
import { ChainMismatchError } from "../errors/ChainMismatchError.js";
import { ChaincallError } from "../errors/ChaincallError.js";
import { registerSecret } from "../errors/redact.js";
import type { ChaincallSigner } from "../signer/ChaincallSigner.js";
import type { BatchOptions } from "../multicall/ReadBatcher.js";
import { createSigner, type SignerOptions } from "../signer/createSigner.js";
import { defaultJournalPath } from "../tx/journal.js";
import { waitForReceipt, type WaitForReceiptParameters } from "../tx/waitForReceipt.js";
import { createProvider, type ChaincallProvider } from "./createProvider.js";
import { openTransport } from "./openTransport.js";
import { DEFAULT_RPC_URL, parseRpcUrl, type ParsedRpcUrl, type TransportKind } from "./parseRpcUrl.js";

export interface ConnectParameters {
  /** `http(s)://…`, `ws(s)://…`, or an IPC socket path. Default `http://127.0.0.1:8545`. */
  rpcUrl?: string;
  /** Refuse to work with a node that serves another chain (checked before anything else is sent). */
  chainId?: bigint | number;
  /** Signs sends and deploys; without it the client only reads. */
  signer?: SignerOptions;
  /** Time limit for connecting and for each JSON-RPC request, in ms. Default 30 000. */
  timeoutMs?: number;
  /** Aborts connecting. */
  signal?: AbortSignal;
  /** ABIs whose custom errors should be decoded in reverts (more can be added with `addAbi`). */
  abis?: readonly (Interface | InterfaceAbi)[];
  /**
   * Where signed transactions are journalled before broadcast (see `checkJournal`): a file path, or
   * `false` for none. Default: `CHAINCALL_JOURNAL`, else `~/.chaincall/journal.jsonl`.
   */
  journal?: string | false;
  /**
   * Batching of concurrent reads (on by default): the `eth_call`s issued in one tick go out as Multicall3
   * `aggregate3` calls (or deploylessly where the chain has no Multicall3), else as JSON-RPC batches.
   * `false` sends every read on its own. See `BatchOptions`.
   */
  batch?: boolean | BatchOptions;
}

/** A connection to one node on one chain. */
export interface Client {
  /** The ethers provider (errors already translated, every request bounded). */
  readonly provider: ChaincallProvider;
  /** The signer, when one was configured: nonces, fees, gas, journal and error decoding for every send. */
  readonly signer?: ChaincallSigner;
  /** What TypeChain factories take in `connect(address, runner)`: the signer if any, else the provider. */
  readonly runner: ContractRunner;
  readonly chainId: bigint;
  readonly transport: TransportKind;
  /** The node's address as it may be printed (no credentials, no API keys). */
  readonly endpoint: string;
  /** The journal file, or null when journalling is off. */
  readonly journal: string | null;
  /** Teaches the client an ABI, so its custom errors are decoded in reverts. */
  addAbi(abi: Interface | InterfaceAbi): void;
  /**
   * Waits for a sent transaction, bounded: confirmations, a timeout (default 2 min) and an AbortSignal.
   * Ends with `TransactionDroppedError` or `TransactionReplacedError` instead of waiting forever, and with a
   * decoded `ContractRevertedError` for a mined transaction that reverted.
   */
  wait(tx: string | { hash: string; nonce?: number; from?: string }, parameters?: WaitForReceiptParameters): Promise<TransactionReceipt>;
  /** Closes sockets and stops timers; the process can exit afterwards. Safe to call twice. */
  close(): Promise<void>;
}

/** Default time limit of connecting and of each request. */
export const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * Connects to a node, picking HTTP, WebSocket or IPC from the address, and checks its chain id.
 *
 * @throws ChaincallError `RPC_ERROR` ("cannot reach <host>"), `TIMEOUT`, `CHAIN_MISMATCH`, `INVALID_ARGUMENT`, `SIGNER_ERROR`
 * @example
 * const client = await connect({ rpcUrl: "http://127.0.0.1:8545", chainId: 31337n });
 * const demo = CallDemo__factory.connect(address, client.runner);
 * console.log(await demo.getYear()); // 2020n
 * await client.close();
 */
export async function connect(parameters: ConnectParameters = {}): Promise<Client> {
  const target = parseRpcUrl(parameters.rpcUrl ?? DEFAULT_RPC_URL);
  if (target.credentials) registerSecret(target.credentials.password);
  if (parameters.signer && "privateKey" in parameters.signer) registerSecret(parameters.signer.privateKey);
  const timeoutMs = parameters.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!(timeoutMs > 0)) throw new ChaincallError("INVALID_ARGUMENT", `timeout must be a positive number of ms, got ${timeoutMs}`);

  const { open, chainId } = await openTransport(target, { timeoutMs, signal: parameters.signal });
  const interfaces = (parameters.abis ?? []).map((abi) => Interface.from(abi));
  const provider = createProvider(open, chainId, { endpoint: target.display, requestTimeoutMs: timeoutMs, interfaces });
  if (parameters.batch !== false) provider.enableBatching(parameters.batch === true || parameters.batch === undefined ? {} : parameters.batch);
  try {
    if (parameters.chainId !== undefined && BigInt(parameters.chainId) !== chainId) {
      throw new ChainMismatchError(BigInt(parameters.chainId), chainId, target.display);
    }
    const journal = parameters.journal === false ? null : parameters.journal ?? defaultJournalPath();
    const signer = parameters.signer ? await createSigner(provider, parameters.signer, { chainId, journal }) : undefined;
    let closed = false;
    const client: Client = {
      provider,
      signer,
      runner: signer ?? provider,
      chainId,
      transport: target.kind,
      endpoint: target.display,
      journal,
      wait(tx, waitParameters = {}) {
        const known = typeof tx === "string" ? { hash: tx } : tx;
        return waitForReceipt({ provider, chainId }, known.hash, { nonce: known.nonce, from: known.from, ...waitParameters });
      },
      addAbi(abi) {
        interfaces.push(Interface.from(abi));
      },
      async close() {
        if (closed) return;
        closed = true;
        provider.destroy();
      },
    };
    clientTargets.set(client, target);
    return client;
  } catch (err) {
    provider.destroy();
    throw err;
  }
}

// The parsed node address of each client, credentials included, for SDK code that opens its own connection
// to the same node (watchLogs' WebSocket). Kept off the client object, so no log or inspect prints it.
const clientTargets = new WeakMap<Client, ParsedRpcUrl>();

/** Internal (not exported from the package): the address a client connected to. Holds credentials: never print it. */
export function clientTarget(client: Client): ParsedRpcUrl | undefined {
  return clientTargets.get(client);
}
