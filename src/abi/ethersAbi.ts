// ethers' ABI coder, fragments and the address and unit helpers, imported from the "ethers/abi",
// "ethers/address" and "ethers/utils" entry points instead of "ethers": the offline commands (encode,
// decode, abi) then skip providers, contracts and wallets, about 40 ms of a cold start (SPEC §6). They
// are the very classes "ethers" re-exports, so instanceof and types agree with the rest of the code.
// (Node16 resolution reads ethers' exports map, so the CommonJS build gets lib.commonjs and the ES-module one lib.esm.)
export { AbiCoder, Fragment, FunctionFragment, Interface, ParamType, Result } from "ethers/abi";
export { getAddress } from "ethers/address";
export { parseUnits } from "ethers/utils";
