import type { CommandModule } from "yargs";
import { examples, readGlobals } from "../options.js";
import { createOutput } from "../output.js";

/** `chaincall chain-id`: the node's chain id, like `cast chain-id`. */
export const chainIdCommand: CommandModule = {
  command: "chain-id",
  describe: "Print the node's chain id (eth_chainId)",
  builder: (yargs) => yargs.epilogue(examples([["chaincall chain-id -r http://127.0.0.1:8545", "31337 on Hardhat and Anvil"]])),
  handler: async (argv) => {
    const globals = readGlobals(argv);
    const output = createOutput(globals);
    const { withClient } = await import("../session.js");
    // connect() reads the chain id (and checks it against --chain-id): nothing more to ask.
    const chainId = await withClient(globals, {}, async (client) => client.chainId);
    output.lines([chainId.toString()]);
    output.document({ chainId });
  },
};
