import { getAddress } from "ethers";
import { checkClient } from "../errors/assertArgument.js";
import { ChaincallError } from "../errors/ChaincallError.js";
import { ADDRESS_PATTERN } from "../utils/address.js";
import type { Client } from "./connect.js";

/**
 * The accounts the node manages and signs for (`eth_accounts`), checksummed: the `from` of node-account
 * sends. Empty for a public node.
 * @param client a client from `connect()`
 * @throws ChaincallError `RPC_ERROR` (also for an answer that is not a list of addresses), `TIMEOUT`
 * @example const [first] = await getAccounts(client); // "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266" on Hardhat
 */
export async function getAccounts(client: Client): Promise<string[]> {
  checkClient(client);
  const raw: unknown = await client.provider.send("eth_accounts", []);
  if (!Array.isArray(raw) || raw.some((a) => typeof a !== "string" || !ADDRESS_PATTERN.test(a))) {
    throw new ChaincallError("RPC_ERROR", "the node answered eth_accounts with something other than a list of addresses");
  }
  return (raw as string[]).map((a) => getAddress(a.toLowerCase()));
}
