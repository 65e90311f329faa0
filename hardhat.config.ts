import { subtask, task } from "hardhat/config";
import { TASK_COMPILE, TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD } from "hardhat/builtin-tasks/task-names";
import type { HardhatUserConfig } from "hardhat/types";
import { exportAbi, exportMulticallBytecode } from "./scripts/exportAbi";

// The machine has no route to Hardhat's compiler mirror, so compile with solc-js from the `solc`
// npm package (pure WebAssembly, no install script). Its version is the one the project pins.
const SOLC_VERSION: string = require("solc/package.json").version;

subtask(TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD, async (args: { solcVersion: string }, _hre, runSuper) => {
  if (args.solcVersion !== SOLC_VERSION) return runSuper();
  const compilerPath = require.resolve("solc/soljson.js");
  // Loading soljson costs a second or two, so it only happens when something must be compiled.
  const solc = require("solc");
  return { compilerPath, isSolcJs: true, version: SOLC_VERSION, longVersion: solc.version() as string };
});

// Every compile also refreshes abi/X.abi and abi/X.bin: the plain inputs `chaincall gen` (and abigen) take.
task(TASK_COMPILE, async (args, hre, runSuper) => {
  const result = await runSuper(args);
  exportAbi({ artifactsDir: hre.config.paths.artifacts, abiDir: `${hre.config.paths.root}/abi` });
  exportMulticallBytecode(hre.config.paths.artifacts, `${hre.config.paths.root}/src/multicall/bytecode.ts`);
  return result;
});

const config: HardhatUserConfig = {
  solidity: {
    version: SOLC_VERSION,
    // Cancun runs on every node the project meets (Hardhat 2, Anvil, geth); later forks are not needed.
    settings: { optimizer: { enabled: true, runs: 200 }, evmVersion: "cancun" },
  },
  networks: {
    hardhat: { chainId: 31337 },
  },
  paths: { sources: "./contracts", tests: "./test", artifacts: "./artifacts", cache: "./cache" },
};

export default config;
