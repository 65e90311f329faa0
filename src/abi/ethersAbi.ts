import type * as Ethers from "ethers";

// ethers' ABI coder, fragments and the address and unit helpers, loaded through the "ethers/abi",
// "ethers/address" and "ethers/utils" entry points instead of "ethers": the offline commands (encode,
// decode, abi) then skip providers, contracts and wallets, about 40 ms of a cold start (SPEC §6). They
// are the very classes "ethers" re-exports, so instanceof and types agree with the rest of the code.
// `require`, because the project's Node10 module resolution does not see ethers' subpath exports.
const abi = require("ethers/abi") as Pick<typeof Ethers, "AbiCoder" | "Fragment" | "FunctionFragment" | "Interface" | "ParamType" | "Result">;
const address = require("ethers/address") as Pick<typeof Ethers, "getAddress">;
const utils = require("ethers/utils") as Pick<typeof Ethers, "parseUnits">;

export const AbiCoder = abi.AbiCoder;
export type AbiCoder = Ethers.AbiCoder;
export const Fragment = abi.Fragment;
export type Fragment = Ethers.Fragment;
export const FunctionFragment = abi.FunctionFragment;
export type FunctionFragment = Ethers.FunctionFragment;
export const Interface = abi.Interface;
export type Interface = Ethers.Interface;
export const ParamType = abi.ParamType;
export type ParamType = Ethers.ParamType;
export const Result = abi.Result;
export type Result = Ethers.Result;
export const getAddress = address.getAddress;
export const parseUnits = utils.parseUnits;
