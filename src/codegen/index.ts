/**
 * `chaincall/codegen`: typed bindings from ABI files and artifacts, as `chaincall gen` makes them.
 *
 * A separate entry so that applications importing `chaincall` never load TypeChain or prettier. It needs
 * the optional peers `typechain` and `@typechain/ethers-v6` in the project that runs it.
 *
 * @example
 * import { generateBindings } from "chaincall/codegen";
 * await generateBindings({ inputs: ["abi"], outDir: "typechain-types" });
 */
export { type GenerateBindingsParameters, type GenerateBindingsReturnType, generateBindings } from "./generateBindings.js";
export { MANIFEST_FILE } from "./manifest.js";
