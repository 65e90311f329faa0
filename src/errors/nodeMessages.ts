/**
 * The one table of texts chaincall reads in errors, for what a node (or a socket, or a provider) says only
 * in words: every other test of an error goes by its code (`ChaincallError.code`, ethers' code, the JSON-RPC
 * `code`, Node's `err.code`) or its `failure`. One row per meaning; each pattern says who sends that text,
 * so a new node's wording is a one-line addition here. Read through `nodeSaid` (src/errors/classify.ts).
 */
export const NODE_MESSAGES = {
  /**
   * Nobody answered. Node's sockets: "connect ECONNREFUSED 127.0.0.1:1", "getaddrinfo ENOTFOUND host",
   * "socket hang up", ENOENT for an absent IPC path; undici's fetch: "fetch failed"; ws: "WebSocket was
   * closed before the connection was established"; ethers' WebSocketProvider: "websocket closed".
   */
  unreachable: [
    /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|ECONNRESET|ENOENT|socket hang up|connect ECONN|fetch failed|websocket closed|WebSocket was closed/i,
  ],
  /**
   * A socket that never opened, so nothing was written (Node's `connect ECONNREFUSED …`, `getaddrinfo
   * ENOTFOUND …`, `connect ENOENT <ipc path>`): for a send, proof that nobody has the transaction. Read with
   * `connectionLost`, which says the opposite.
   */
  neverConnected: [/\b(ECONNREFUSED|ENOENT|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH)\b/],
  /** A connection that closed under a request already written (Node's `read ECONNRESET`, `socket hang up`). */
  connectionLost: [/ECONNRESET|hang up/i],
  /**
   * A node or gateway refusing JSON-RPC batches as such: "batch requests are not supported", "batch size
   * too large", "no batch requests", "unsupported batch request".
   */
  batchRefused: [
    /\bbatch[^.;]{0,60}\b(not (supported|allowed|enabled)|unsupported|disabled|too (large|big|many))|\b(unsupported|disabled|no)\b[^.;]{0,20}\bbatch/i,
  ],
  /**
   * The call ran in the EVM and stopped: geth and Anvil "execution reverted", Hardhat "VM Exception while
   * processing transaction: …" and "Transaction reverted …", Anvil "EvmError: …", "invalid opcode".
   */
  evmRan: [/revert|VM Exception|EvmError|invalid opcode/i],
  /**
   * A nonce refused: geth and Anvil "nonce too low" / "nonce too high", Hardhat "Nonce too high. Expected
   * nonce to be 5 but got 6", ethers' NONCE_EXPIRED "nonce has already been used", others "invalid nonce",
   * "already used nonce".
   */
  nonceRefused: [/nonce too (low|high)|invalid nonce|nonce has already been used|already used nonce/i],
  /** A nonce ahead of the account's next one (geth, Anvil "nonce too high"; Hardhat "Nonce too high. …"). */
  nonceTooHigh: [/nonce too high/i],
  /** Hardhat "Sender doesn't have enough funds to send tx"; geth and Anvil "insufficient funds for gas * price + value". */
  insufficientFunds: [/insufficient funds|doesn't have enough funds/i],
  /**
   * "I have this transaction already": geth "already known" (older geth "known transaction: 0x…"), Anvil
   * "transaction already imported" (-32003), Nethermind "AlreadyKnown", others "already exists".
   */
  alreadyKnown: [/already known|known transaction|already imported|already exists|AlreadyKnown/i],
  /**
   * An `eth_getLogs` range too wide or matching too many logs: splitting the range helps with every one of
   * these, nothing else does.
   */
  rangeTooLarge: [
    // Infura (-32005), and geth-based relays copying it: "query returned more than 10000 results"
    // (docs.infura.io eth_getLogs constraints; aurora-is-near/aurora-relayer#327).
    /query returned more than \d+ results/i,
    // Infura's live block-range limit (-32602): "range 1000000 exceeds limit of 10000" (INFURA/infura#237);
    // reth: "query exceeds max block range 100000", "query exceeds max results 20000, retry with the range a-b"
    // (paradigmxyz/reth#23810); BSC-style geth forks: "exceed maximum block range: 5000".
    /\bexceeds? (the )?(max(imum)? )?(block )?(range|results|limit)/i,
    // Alchemy: "Log response size exceeded. You can make eth_getLogs requests with up to a 2K block range …"
    // and "Log response size exceeded. Please reduce query block range." (bancorprotocol/webapp#523).
    /log response size exceeded/i,
    /response size (is )?(too (large|big)|exceeded)/i,
    // QuickNode (-32614, on HTTP 413): "eth_getLogs is limited to a 10,000 range" (OffchainLabs/arbitrum-sdk#609).
    /is limited to a [\d,]+ (block )?range/i,
    // Tenderly: "range 9009594 is bigger than range limit 2000" (bobanetwork/boba_legacy#827).
    /bigger than (the )?range limit/i,
    // Scroll's geth: "block range is bigger than maxBlockRange" (scroll-tech/go-ethereum#529); Frontier:
    // "block range is too wide (maximum 10)"; others: "block range too large", "block range limit exceeded".
    /block range (is )?(too (large|wide|big)|bigger than|greater than|limit)/i,
    // Cloudflare's gateway: "Exceeded max range limit for eth_getLogs: 800".
    /exceeded max(imum)? (block )?range/i,
  ],
  /**
   * Texts that match `rangeTooLarge` but are about rate limits or the chain's head, which a smaller range
   * does not fix (providers' "rate limit", "too many requests", "compute units", "capacity", "credits";
   * "beyond the current head").
   */
  notARangeProblem: [/rate.?limit|too many requests|compute units|capacity|credits|beyond (the )?current head/i],
  /**
   * A narrower `eth_getLogs` range a node suggests in its refusal: Infura "Try with this block range [0x…,
   * 0x…]", Alchemy "this block range should work: [0x…, 0x…]" (hex), reth "retry with the range 100-200"
   * (decimal). Group 1 is the start, group 2 the end.
   */
  suggestedRange: [/\[\s*(0x[0-9a-fA-F]+)\s*,\s*(0x[0-9a-fA-F]+)\s*\]/, /range (\d+)\s*-\s*(\d+)/i],
  /**
   * A node that cannot run a read aggregate at all: an opcode it does not know (Ganache "invalid opcode",
   * geth "opcode 0x5f not defined", "not activated"), creation code in `eth_call` refused, or an `eth_call`
   * without `to` refused ("missing to", "to field is required"), "method not found".
   */
  aggregateBroken: [
    /invalid opcode|opcode 0x[0-9a-f]+ not defined|not activated|bad instruction|undefined instruction|not supported|unsupported|method not found|missing ["']?to["']?\b|["']?to["']? (field )?(is )?(missing|required)/i,
  ],
  /**
   * A read aggregate too large for the node: Anvil "EVM error CreateContractSizeLimit", geth "max code size
   * exceeded", Ganache "code size to deposit exceeds maximum code size", Hardhat's gas cap words, a gateway's
   * HTTP 413 "payload too large" / "request entity too large".
   */
  aggregateTooBig: [/gas|too (large|big)|exceed|code ?size|size ?limit|payload|entity|413/i],
} as const satisfies Record<string, readonly RegExp[]>;

/** A row of `NODE_MESSAGES`. */
export type NodeMessage = keyof typeof NODE_MESSAGES;

/**
 * True when `text` holds one of the wordings of `meaning` (a row of `NODE_MESSAGES`).
 * @example textSays("nonce too low: next nonce 5, tx nonce 4", "nonceRefused") // true
 */
export function textSays(text: string, meaning: NodeMessage): boolean {
  return NODE_MESSAGES[meaning].some((pattern) => pattern.test(text));
}
