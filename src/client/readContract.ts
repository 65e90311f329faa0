import { Interface, type BlockTag, type FunctionFragment } from "ethers";
import { ChaincallError } from "../errors/ChaincallError.js";
import type { Client } from "./connect.js";

export interface ReadContractParameters {
  address: string;
  fragment: FunctionFragment;
  args: readonly unknown[];
  /** msg.sender for the call. */
  from?: string;
  blockTag?: BlockTag;
}

/**
 * Calls a function with `eth_call` and decodes its outputs. Reverts arrive decoded (`CALL_REVERTED`); an
 * empty answer from an address without code is reported as such instead of as a decoding failure.
 * @throws ChaincallError `CALL_REVERTED`, `NO_CONTRACT`, `RPC_ERROR`, `TIMEOUT`
 * @example const [year] = await readContract(client, { address, fragment, args: [] }); // [2020n]
 */
export async function readContract(client: Client, parameters: ReadContractParameters): Promise<unknown[]> {
  const iface = new Interface([parameters.fragment]);
  const data = iface.encodeFunctionData(parameters.fragment, [...parameters.args]);
  const result = await client.provider.call({ to: parameters.address, data, from: parameters.from, blockTag: parameters.blockTag });
  if (result === "0x" && parameters.fragment.outputs.length > 0) {
    const code = await client.provider.getCode(parameters.address, parameters.blockTag);
    if (code === "0x") {
      throw new ChaincallError("NO_CONTRACT", `no contract at ${parameters.address} on chain ${client.chainId}`, {
        metaMessages: ["hint: wrong address, wrong network, or the node was restarted since the deploy"],
      });
    }
  }
  try {
    return [...iface.decodeFunctionResult(parameters.fragment, result)];
  } catch (err) {
    throw new ChaincallError("RPC_ERROR", `could not decode the result of ${parameters.fragment.format("sighash")} as (${parameters.fragment.outputs.map((o) => o.type).join(",")})`, {
      cause: err,
      details: `returned data: ${result.slice(0, 130)}`,
    });
  }
}
