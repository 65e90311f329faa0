import type { ContractRunner, Interface, InterfaceAbi, TransactionReceipt } from "ethers";
import {
  assertArgument,
  checkAbi,
  checkAbis,
  checkChainId,
  checkDuration,
  checkInteger,
  checkObject,
  checkOptionalSignal,
} from "../errors/assertArgument.js";
import { ChainMismatchError } from "../errors/ChainMismatchError.js";
import { registerSecret } from "../errors/redact.js";
import type { ChaincallSigner } from "../signer/ChaincallSigner.js";
import { checkSignerOptions, createSigner, type SignerOptions } from "../signer/createSigner.js";
import { defaultJournalPath } from "../tx/journal.js";
import { STALL_MS } from "../tx/stallCheck.js";
import { type WaitForReceiptParameters, waitForReceipt } from "../tx/waitForReceipt.js";
import { isDevChain } from "../utils/isDevChain.js";
import type { BatchOptions } from "./batch/ReadBatcher.js";
import { type ChaincallProvider, createProvider } from "./createProvider.js";
import type { TransportKind } from "./parseRpcUrl.js";
import { parseRpcUrls } from "./parseRpcUrls.js";
import { fetchGenesisHash } from "./transport/FailoverTransport.js";
import { openNodes } from "./transport/openNodes.js";
import { openTransport } from "./transport/openTransport.js";
import type { Transport } from "./transport/types.js";

/** The longest `close()` waits for a dev chain's last burst to be mined (a stall, its re-broadcast and a heal). */
const CLOSE_SETTLE_MS = 2 * STALL_MS + 1_000;

/** What `connect` connects to, and how: the node's address, the expected chain, the signer, limits. */
export interface ConnectParameters {
  /**
   * `http(s)://…`, `ws(s)://…`, or an IPC socket path; or a list of them (at most 16, distinct), nodes of
   * one chain in order of preference: reads fall over to the next healthy node, sends go to one node at a
   * time, each node's chain id (and genesis, on dev chains) is checked. Default `http://127.0.0.1:8545`.
   */
  rpcUrl?: string | readonly string[];
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
   * Where signed transactions are journalled before broadcast (see `checkJournal`): a file path, `true`
   * for the default file (`CHAINCALL_JOURNAL`, else `~/.chaincall/journal.jsonl`), or `false` for none.
   * Default: none (the SDK writes no file unless asked; the CLI journals to the default file). A journal
   * that cannot be written fails the send with `JOURNAL_ERROR` before anything is broadcast.
   */
  journal?: string | boolean;
  /**
   * Batching of concurrent reads (on by default): the `eth_call`s issued in one tick go out as Multicall3
   * `aggregate3` calls (or deploylessly where the chain has no Multicall3), else as JSON-RPC batches.
   * `false` sends every read on its own. See `BatchOptions`.
   */
  batch?: boolean | BatchOptions;
  /**
   * The largest answer accepted from the node, in bytes; a larger one fails its request with `RPC_ERROR`
   * (and is not read further). Default 32 MiB.
   */
  maxResponseBytes?: number;
}

/** A connection to one node on one chain. */
export interface Client {
  /** The ethers provider (errors already translated, every request bounded). */
  readonly provider: ChaincallProvider;
  /** The signer, when one was configured: nonces, fees, gas, journal and error decoding for every send. */
  readonly signer?: ChaincallSigner;
  /** What TypeChain factories take in `connect(address, runner)`: the signer if any, else the provider. */
  readonly runner: ContractRunner;
  /** The node's chain id, asked when connecting (and checked against `chainId`, when given). */
  readonly chainId: bigint;
  /**
   * The node's genesis block hash, asked when connecting to a dev chain (31337, 1337), where every local
   * node shares the chain id: with `chainId` it is the node's identity, which the journal and the address
   * book record so that one node's entries are never applied to another. Undefined on other chains, and
   * when the node did not give its block 0.
   */
  readonly genesis?: string;
  /** How the client talks to the node: `http`, `ws` or `ipc`, from the form of `rpcUrl` (with several nodes, the first one's). */
  readonly transport: TransportKind;
  /** The node's address as it may be printed (no credentials, no API keys); with several nodes, all of them, comma-separated. */
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
  /**
   * Closes sockets and stops timers; the process can exit afterwards. Safe to call twice. On a dev chain
   * (31337, 1337), a burst of sends still unmined is watched first (at most 5 s: see the stall check).
   */
  close(): Promise<void>;
}

/** Default time limit of connecting and of each request, in milliseconds (30 s). */
export const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * Connects to a node, picking HTTP, WebSocket or IPC from the address, and checks its chain id. Every
 * parameter is checked first: a wrong one is refused before the node is contacted.
 *
 * @param parameters the node's address (`rpcUrl`), the expected `chainId`, the `signer`, `timeoutMs`,
 *   `signal`, `abis` to decode reverts with, the `journal` file and read `batch`ing
 * @returns a client; `close()` it when done
 * @throws ChaincallError `INVALID_ARGUMENT` naming a malformed parameter; `SIGNER_ERROR` for a private key
 *   that is not 32 bytes of hex, a keystore with no password source, or a wrong keystore password;
 *   `NOT_FOUND` for a missing keystore; `RPC_ERROR` ("cannot reach <host>"), `TIMEOUT`, `ABORTED`;
 *   `CHAIN_MISMATCH` (ChainMismatchError) when the node serves another chain
 * @example
 * const client = await connect({ rpcUrl: "http://127.0.0.1:8545", chainId: 31337n });
 * const demo = CallDemo__factory.connect(address, client.runner);
 * console.log(await demo.getYear()); // 2020n
 * await client.close();
 */
export async function connect(parameters: ConnectParameters = {}): Promise<Client> {
  // Every argument is checked before the node is contacted: a wrong one is refused with nothing sent.
  checkObject(parameters, "connect() parameters");
  const targets = parseRpcUrls(parameters.rpcUrl, "rpcUrl");
  for (const { credentials } of targets) if (credentials) registerSecret(credentials.password);
  const target = targets[0];
  const expectedChainId = parameters.chainId === undefined ? undefined : checkChainId(parameters.chainId, "chainId");
  const timeoutMs = checkDuration(parameters.timeoutMs ?? DEFAULT_TIMEOUT_MS, "timeoutMs");
  checkOptionalSignal(parameters.signal, "signal");
  const interfaces = parameters.abis === undefined ? [] : checkAbis(parameters.abis, "abis");
  const journalOption = parameters.journal;
  assertArgument(
    journalOption === undefined || typeof journalOption === "boolean" || (typeof journalOption === "string" && journalOption.trim() !== ""),
    "journal",
    "a file path, true or false",
    journalOption,
  );
  const batch = checkBatchOptions(parameters.batch);
  const maxResponseBytes =
    parameters.maxResponseBytes === undefined ? undefined : checkInteger(parameters.maxResponseBytes, "maxResponseBytes", 1);
  if (parameters.signer !== undefined) await checkSignerOptions(parameters.signer);

  const opening = { timeoutMs, signal: parameters.signal, maxResponseBytes };
  // One node: its own transport. Several: one failover transport over them, every node's chain (and genesis,
  // on dev chains) checked by openNodes before it is used.
  const nodes =
    targets.length === 1
      ? { ...(await openTransport(target, opening)), genesis: undefined }
      : await openNodes(targets, { ...opening, expectedChainId }, (member, limits) =>
          openTransport(member, { ...limits, maxResponseBytes }),
        );
  const { transport, chainId } = nodes;
  const endpoint = transport.endpoint;
  const provider = createProvider(transport, chainId, { endpoint, requestTimeoutMs: timeoutMs, interfaces });
  if (batch) provider.enableBatching(batch);
  try {
    if (expectedChainId !== undefined && expectedChainId !== chainId) {
      throw new ChainMismatchError(expectedChainId, chainId, endpoint);
    }
    const genesis = nodes.genesis ?? (isDevChain(chainId) ? await fetchGenesis(transport, timeoutMs) : undefined);
    const journal = journalOption === true ? defaultJournalPath() : journalOption || null;
    const context = { chainId, journal, genesis };
    const signer = parameters.signer ? await createSigner(provider, parameters.signer, context) : undefined;
    let closed = false;
    const client: Client = {
      provider,
      signer,
      runner: signer ?? provider,
      chainId,
      genesis,
      transport: target.kind,
      endpoint,
      journal,
      async wait(tx, waitParameters = {}) {
        const known = typeof tx === "string" ? { hash: tx } : checkObject(tx, "tx");
        return waitForReceipt({ provider, chainId }, known.hash, {
          nonce: known.nonce,
          from: known.from,
          ...checkObject(waitParameters, "parameters"),
        });
      },
      addAbi(abi) {
        interfaces.push(checkAbi(abi, "abi"));
      },
      async close() {
        if (closed) return;
        closed = true;
        // A dev chain's burst sent just before: watched until mined, or healed by the stall check (bounded).
        await signer?.sender.stall?.settle(CLOSE_SETTLE_MS);
        provider.destroy();
      },
    };
    return client;
  } catch (err) {
    provider.destroy();
    throw err;
  }
}

// The genesis block's hash, lower-case: one request, once per client (dev chains only). A node that does
// not give it (no answer, an error, no block 0) leaves the identity at the chain id: connecting does not fail
// on it, the requests that follow will say what is wrong with the node.
function fetchGenesis(transport: Transport, timeoutMs: number): Promise<string | undefined> {
  return fetchGenesisHash(transport, { timeoutMs }).catch(() => undefined);
}

// `batch` as the provider takes it: options, or false for none.
function checkBatchOptions(batch: ConnectParameters["batch"]): BatchOptions | false {
  if (batch === undefined || batch === true) return {};
  if (batch === false) return false;
  checkObject(batch, "batch");
  assertArgument(
    batch.multicall === undefined || typeof batch.multicall === "boolean",
    "batch.multicall",
    "true or false",
    batch.multicall,
  );
  if (batch.maxCalls !== undefined) checkInteger(batch.maxCalls, "batch.maxCalls", 1);
  if (batch.maxBytes !== undefined) checkInteger(batch.maxBytes, "batch.maxBytes", 1);
  return batch;
}
