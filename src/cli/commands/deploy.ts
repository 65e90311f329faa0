import type { Argv, CommandModule } from "yargs";
import { ChaincallError } from "../../errors/ChaincallError.js";
import { commandArgs, examples, readGlobals, sendOptions, signerOptions, withOptions } from "../options.js";
import { createOutput } from "../output.js";

/** `chaincall deploy <Name|artifact> [args..]`: deploy, print the address, record it in the address book. */
export const deployCommand: CommandModule = {
  command: "deploy <contract> [args..]",
  describe: "Deploy a contract from ./abi (X.abi + X.bin) or an artifact; prints the address and records it",
  builder: (yargs: Argv) =>
    withOptions(withOptions(yargs, "Signer options:", signerOptions), "Transaction options:", sendOptions)
      .option("name", { type: "string", describe: "record under this name in the address book [default: the contract's name]" })
      .positional("contract", { type: "string", describe: "contract name in --abi-dir, or an ABI/artifact file" })
      .positional("args", { type: "string", array: true, describe: "constructor arguments, parsed by their ABI types" })
      .epilogue(
        examples([
          ["chaincall deploy CallDemo --from 0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266", "deploy with a node-managed account"],
          ["ETH_PRIVATE_KEY=0x… chaincall deploy artifacts/contracts/CallDemo.sol/CallDemo.json", "deploy from a Hardhat artifact"],
        ]),
      ),
  handler: async (argv) => {
    const globals = readGlobals(argv);
    const output = createOutput(globals);
    const [
      { loadContractAbi, deployBytecode },
      { parseArgs },
      { withClient, readSigner },
      { readTxOverrides, readConfirmations },
      { broadcastAndWait },
      { knownInterfaces },
      { checkDeploymentName, recordDeployment },
    ] = await Promise.all([
      import("../../abi/loadContractAbi.js"),
      import("../../abi/parseArgs.js"),
      import("../session.js"),
      import("../txOptions.js"),
      import("../broadcast.js"),
      import("../target.js"),
      import("../../registry/addressBook.js"),
    ]);
    const contract = loadContractAbi(String(argv.contract), globals.abiDir);
    const bytecode = deployBytecode(contract);
    // Checked now: a name the address book refuses must stop the deploy before it is sent, not after.
    const name = checkDeploymentName(
      (argv.name as string | undefined) ?? contract.name,
      argv.name === undefined ? "the contract's name" : "--name",
    );
    const args = parseArgs(contract.abi.deploy, commandArgs(argv));
    const overrides = readTxOverrides(argv);
    if (overrides.value && overrides.value > 0n && !contract.abi.deploy.payable) {
      throw new ChaincallError("INVALID_ARGUMENT", `the constructor of ${contract.name} is not payable: it cannot take --value`);
    }
    if (argv.async)
      throw new ChaincallError("INVALID_ARGUMENT", "deploy waits for the receipt to learn the address: --async is not supported");
    const confirmations = Math.max(1, readConfirmations(argv));
    const signer = readSigner(argv, output);
    const data = bytecode + contract.abi.encodeDeploy(args).slice(2);
    const interfaces = knownInterfaces(globals, contract.abi);
    const result = await withClient(globals, { signer, abis: interfaces, journal: argv.journal as string | undefined }, async (client) => {
      output.progress(`deploying ${contract.name} on chain ${client.chainId}`);
      const sent = await broadcastAndWait(
        client,
        { ...overrides, data },
        {
          output: quietHash(output),
          confirmations,
          async: false,
          timeoutMs: globals.timeoutMs,
          interfaces,
          yes: Boolean(argv.yes),
          describeTo: `a new ${contract.name} contract`,
        },
      );
      const receipt = sent.receipt!;
      const address = receipt.contractAddress!;
      const book = recordDeployment(globals.deploymentsDir, client, name, {
        address,
        ...(name !== contract.name ? { contract: contract.name } : {}),
        txHash: sent.hash,
        blockNumber: receipt.blockNumber,
        deployedAt: new Date().toISOString(),
      });
      output.progress(`deployed ${name} at ${address} (tx ${sent.hash}); recorded in ${book}`);
      return {
        chainId: client.chainId,
        ...(client.genesis ? { genesis: client.genesis } : {}),
        address,
        hash: sent.hash,
        blockNumber: receipt.blockNumber,
        gasUsed: receipt.gasUsed,
        addressBook: book,
      };
    });
    output.lines([result.address]);
    output.document({ contract: contract.name, name, ...result });
  },
};

// deploy prints only the address on stdout (so `$(chaincall deploy X)` works); the hash goes to progress.
function quietHash(output: import("../output.js").Output): import("../output.js").Output {
  return { ...output, lines: (lines) => output.progress(lines.join("\n")) };
}
