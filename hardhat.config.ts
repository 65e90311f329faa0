import { TASK_COMPILE, TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD } from "hardhat/builtin-tasks/task-names";
import { subtask, task } from "hardhat/config";
import type { HardhatUserConfig } from "hardhat/types";
import { exportAbi, exportMulticallBytecode, MULTICALL_BYTECODE_FILE } from "./scripts/exportAbi";

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
  return result;
});

// The Multicall3 code the SDK ships is a committed source file (src/ holds nothing the build generates, so a
// fresh clone type-checks before compiling); after a change to contracts/multicall/ this rewrites it, and
// test/multicallBytecode.test.ts fails until it is run.
task("multicall-bytecode", "Rewrites src/client/batch/bytecode.ts from the compiled contracts/multicall/", async (_args, hre) => {
  await hre.run(TASK_COMPILE, { quiet: true });
  const changed = exportMulticallBytecode(hre.config.paths.artifacts, `${hre.config.paths.root}/${MULTICALL_BYTECODE_FILE}`);
  console.log(changed ? `wrote ${MULTICALL_BYTECODE_FILE}` : `${MULTICALL_BYTECODE_FILE} is up to date`);
});

// The Multicall3 code chaincall ships (installed on local chains, sent as deployless creation code to any
// node) must run on nodes that predate Shanghai/Cancun (Ganache 7, older geth and L2s): Paris has no PUSH0,
// MCOPY or transient storage. test/multicallBytecode.test.ts checks the emitted code for those opcodes.
const OLD_EVM = { version: SOLC_VERSION, settings: { optimizer: { enabled: true, runs: 200 }, evmVersion: "paris" } };

const config: HardhatUserConfig = {
  solidity: {
    // Shanghai: the newest fork every node the tests meet runs (Hardhat 2, Anvil and geth run Cancun, Ganache 7.9
    // stops at Shanghai: Cancun-built code that copies memory uses MCOPY, which Ganache answers with a
    // revert without data). Hardhat reads `overrides` only in this form, with a `compilers` list.
    compilers: [{ version: SOLC_VERSION, settings: { optimizer: { enabled: true, runs: 200 }, evmVersion: "shanghai" } }],
    overrides: {
      "contracts/multicall/Multicall3.sol": OLD_EVM,
      "contracts/multicall/DeploylessMulticall3.sol": OLD_EVM,
    },
  },
  networks: {
    hardhat: { chainId: 31337 },
  },
  paths: { sources: "./contracts", tests: "./test", artifacts: "./artifacts", cache: "./cache" },
};

export default config;
