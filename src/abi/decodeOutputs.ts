import { type FunctionFragment, Interface } from "./ethersAbi.js";

/**
 * Decodes a function's return data (`0x…`) into its outputs, in order, as `readContract` does (ethers'
 * `Interface.decodeFunctionResult`): the CLI's fast `call` decodes with it, so both print the same values.
 * @throws ethers' error for data that does not decode as the outputs
 * @example decodeOutputs(FunctionFragment.from("function getYear() returns (uint256)"), "0x…07e4") // [2020n]
 */
export function decodeOutputs(fragment: FunctionFragment, data: string): unknown[] {
  return [...new Interface([fragment]).decodeFunctionResult(fragment, data)];
}
