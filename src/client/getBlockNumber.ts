import { checkClient, checkObject } from "../errors/assertArgument.js";
import { ChaincallError } from "../errors/ChaincallError.js";
import { type BlockSelector, toRpcBlock } from "./blockSelector.js";
import type { Client } from "./connect.js";
import { describeAnswer } from "./getBalance.js";

/** Which block `getBlockNumber` names. */
export interface GetBlockNumberParameters {
  /** A tag (`finalized`, `safe`…), a number, or `{ blockHash }`. Default `latest` (the chain's height, `eth_blockNumber`). */
  block?: BlockSelector;
}

/**
 * The number of a block: the chain's height by default, else the block a tag or hash names (read from its
 * header). Resolves to null when the node has no such block (a hash from another chain, a number beyond
 * the height, `finalized` on a chain that finalizes nothing).
 * @param client a client from `connect()`
 * @param parameters optionally the block
 * @throws ChaincallError `INVALID_ARGUMENT` (nothing is sent), `RPC_ERROR` (also for an answer that is not a block number), `TIMEOUT`
 * @example const height = await getBlockNumber(client); // 42
 * @example const finalized = await getBlockNumber(client, { block: "finalized" }); // 10, or null
 */
export async function getBlockNumber(client: Client, parameters: GetBlockNumberParameters = {}): Promise<number | null> {
  checkClient(client);
  checkObject(parameters, "parameters");
  const block = toRpcBlock(parameters.block, "parameters.block");
  if (block === "latest") return parseBlockQuantity(await client.provider.send("eth_blockNumber", []), "eth_blockNumber", client.endpoint);
  const method = typeof block === "string" ? "eth_getBlockByNumber" : "eth_getBlockByHash";
  const header = (await client.provider.send(method, [typeof block === "string" ? block : block.blockHash, false])) as {
    number?: unknown;
  } | null;
  if (!header?.number) return null;
  return parseBlockQuantity(header.number, method, client.endpoint);
}

/**
 * A block number as the node sent it (a JSON-RPC quantity: `0x` and at most 13 hex digits, so it is a safe
 * integer), or an `RPC_ERROR` naming the node: a garbled answer must never print as `NaN` or `Infinity`.
 * @example parseBlockQuantity("0x10", "eth_blockNumber", "http://127.0.0.1:8545") // 16
 */
function parseBlockQuantity(value: unknown, method: string, endpoint: string): number {
  if (typeof value === "string" && /^0x(0|[1-9a-fA-F][0-9a-fA-F]{0,12})$/.test(value)) return Number(value);
  throw new ChaincallError(
    "RPC_ERROR",
    `${endpoint} answered ${method} with ${describeAnswer(value)}, not a block number (0x-hex quantity)`,
  );
}
