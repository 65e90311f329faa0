// ethers' ABI coder, fragments and the address and unit helpers, imported from the "ethers/abi",
// "ethers/address" and "ethers/utils" entry points instead of "ethers": the offline commands (encode,
// decode, abi) then skip providers, contracts and wallets, about 40 ms of a cold start (SPEC §6). They
// are the very classes "ethers" re-exports, so instanceof and types agree with the rest of the code.
// (tsconfig.json maps these subpaths for the CommonJS build, whose Node10 resolution does not read exports.)
export { AbiCoder, Fragment, FunctionFragment, Interface, ParamType, Result } from "ethers/abi";
export { getAddress } from "ethers/address";
export { parseUnits } from "ethers/utils";
