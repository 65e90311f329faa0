import { type BlockTag, FunctionFragment, Interface } from "ethers";
import { encodeCalldata } from "../abi/encodeCalldata.js";
import { assertArgument, checkAddress, checkClient, checkObject, invalidArgument } from "../errors/assertArgument.js";
import { ChaincallError } from "../errors/ChaincallError.js";
import { toChaincallError } from "../errors/toChaincallError.js";
import { getOrAdd } from "../utils/getOrAdd.js";
import { BLOCK_TAGS } from "./blockSelector.js";
import type { Client } from "./connect.js";

/** What `readContract` calls: one function of one contract, with its arguments. */
export interface ReadContractParameters {
  /** The contract's address (`0x` and 40 hex digits; mixed case must be a valid checksum). */
  address: string;
  /** The function, e.g. `demo.interface.getFunction("getYear")` or `FunctionFragment.from("function getYear() view returns (uint256)")`. */
  fragment: FunctionFragment;
  /** The function's arguments as ethers encodes them (bigint for integers, `0x…` strings for addresses and bytes). */
  args: readonly unknown[];
  /** msg.sender for the call. */
  from?: string;
  /** The block to read at: a number, a tag (`latest`, `pending`, `earliest`, `safe`, `finalized`), or a block hash. Default `latest`. */
  blockTag?: BlockTag;
}

// One decoder per function fragment, built on first use: an Interface costs more to build than a batched
// eth_call, and a batch reads the same fragment thousands of times. Weak, so fragments are not kept alive.
const coders = new WeakMap<FunctionFragment, Interface>();
function coderOf(fragment: FunctionFragment): Interface {
  const coder = getOrAdd(coders, fragment, () => new Interface([fragment]));
  return coder;
}

/**
 * Calls a function with `eth_call` and decodes its outputs. Reverts arrive decoded (`CALL_REVERTED`); an
 * empty answer from an address without code is reported as such instead of as a decoding failure.
 * Arguments are checked (and encoded) before anything is sent.
 * @param client a client from `connect()`
 * @param parameters the address, the function's fragment, its arguments, and optionally `from` and `blockTag`
 * @returns the decoded outputs, in order
 * @throws ChaincallError `INVALID_ARGUMENT` (a malformed address, fragment, argument or block; nothing is
 *   sent), `CALL_REVERTED`, `NO_CONTRACT`, `RPC_ERROR`, `TIMEOUT`
 * @example const [year] = await readContract(client, { address, fragment: demo.interface.getFunction("getYear"), args: [] }); // [2020n]
 */
export async function readContract(client: Client, parameters: ReadContractParameters): Promise<unknown[]> {
  const result = await callContract(client, parameters);
  const { fragment } = parameters;
  try {
    return [...coderOf(fragment).decodeFunctionResult(fragment, result)];
  } catch (err) {
    throw new ChaincallError(
      "RPC_ERROR",
      `could not decode the result of ${fragment.format("sighash")} as (${fragment.outputs.map((o) => o.type).join(",")})`,
      {
        cause: err,
        details: `returned data: ${result.slice(0, 130)}`,
      },
    );
  }
}

/**
 * Calls a function with `eth_call` and returns the answer undecoded (`0x…`), as `readContract` checks,
 * encodes (`encodeCalldata`) and sends it: for a signature that declares no outputs, whose return data only the caller can read.
 * @param client a client from `connect()`
 * @param parameters as `readContract`'s
 * @throws ChaincallError as `readContract`
 * @example const raw = await callContract(client, { address, fragment: FunctionFragment.from("function getYear()"), args: [] }); // "0x…07e4"
 */
export async function callContract(client: Client, parameters: ReadContractParameters): Promise<string> {
  checkClient(client);
  checkObject(parameters, "parameters");
  const address = checkAddress(parameters.address, "address");
  const { fragment, args, blockTag } = parameters;
  assertArgument(
    FunctionFragment.isFragment(fragment),
    "fragment",
    "a FunctionFragment (contract.interface.getFunction(name), or FunctionFragment.from(signature))",
    fragment,
  );
  assertArgument(
    Array.isArray(args),
    "args",
    `an array of ${fragment.inputs.length} argument${fragment.inputs.length === 1 ? "" : "s"} for ${fragment.format("sighash")}`,
    args,
  );
  const from = parameters.from === undefined ? undefined : checkAddress(parameters.from, "from");
  const blockOk =
    blockTag === undefined ||
    (typeof blockTag === "number" && Number.isSafeInteger(blockTag)) ||
    typeof blockTag === "bigint" ||
    (typeof blockTag === "string" && ((BLOCK_TAGS as readonly string[]).includes(blockTag) || /^0x[0-9a-fA-F]+$/.test(blockTag)));
  assertArgument(blockOk, "blockTag", `a block number, a block hash or one of ${BLOCK_TAGS.join(", ")}`, blockTag);

  let data: string;
  try {
    data = encodeCalldata(fragment, args);
  } catch (err) {
    // As every other parameter: named, with what it should have been (the encoder's own reason kept).
    const reason = ((err as { cause?: { shortMessage?: string } }).cause?.shortMessage ?? (err as Error).message).replace(
      /^cannot encode the arguments of [^:]*: /,
      "",
    );
    throw invalidArgument("args", `arguments that fit ${fragment.format("full")} (${reason})`, args, {}, err);
  }
  try {
    // An empty answer from an address without code is NO_CONTRACT already (the provider boundary checks).
    return await client.provider.call({ to: address, data, from, blockTag });
  } catch (err) {
    throw toChaincallError(err, client.provider.boundary);
  }
}
