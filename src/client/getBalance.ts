import { checkAddress, checkClient, checkObject } from "../errors/assertArgument.js";
import { ChaincallError } from "../errors/ChaincallError.js";
import { type BlockSelector, toRpcBlock } from "./blockSelector.js";
import type { Client } from "./connect.js";

/** What `getBalance` reads: an account, at a block. */
export interface GetBalanceParameters {
  /** The account (`0x` and 40 hex digits; mixed case must be a valid checksum). */
  address: string;
  /** The block to read at. Default `latest`. */
  block?: BlockSelector;
}

/**
 * An account's balance in wei (`eth_getBalance`).
 * @param client a client from `connect()`
 * @param parameters the address, and optionally the block
 * @throws ChaincallError `INVALID_ARGUMENT` (nothing is sent), `RPC_ERROR` (also for an answer that is not a quantity), `TIMEOUT`
 * @example const wei = await getBalance(client, { address: "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266" }); // 10000000000000000000000n
 */
export async function getBalance(client: Client, parameters: GetBalanceParameters): Promise<bigint> {
  return readAccountQuantity(client, parameters, "eth_getBalance");
}

/**
 * One quantity of an account at a block (`eth_getBalance`, `eth_getTransactionCount`), parameters checked
 * before anything is sent.
 * @example const wei = await readAccountQuantity(client, { address }, "eth_getBalance");
 */
export async function readAccountQuantity(
  client: Client,
  parameters: GetBalanceParameters,
  method: "eth_getBalance" | "eth_getTransactionCount",
): Promise<bigint> {
  checkClient(client);
  checkObject(parameters, "parameters");
  const address = checkAddress(parameters.address, "parameters.address");
  const block = toRpcBlock(parameters.block, "parameters.block");
  return parseQuantity(await client.provider.send(method, [address, block]), method, client.endpoint);
}

/**
 * A JSON-RPC quantity as a bigint, or an `RPC_ERROR` naming the node: a garbled answer is never a number.
 * @example parseQuantity("0x10", "eth_getBalance", endpoint) // 16n
 */
function parseQuantity(value: unknown, method: string, endpoint: string): bigint {
  if (typeof value === "string" && /^0x[0-9a-fA-F]{1,64}$/.test(value)) return BigInt(value);
  throw new ChaincallError("RPC_ERROR", `${endpoint} answered ${method} with ${describeAnswer(value)}, not a quantity (0x-hex)`);
}

/**
 * A node's answer, shortened, for an error message.
 * @example describeAnswer("0xzz") // '"0xzz"'
 */
export function describeAnswer(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === "object") return value === null ? "null" : "an object";
  return String(value);
}
