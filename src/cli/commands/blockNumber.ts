import type { Argv, CommandModule } from "yargs";
import { examples, readGlobals } from "../options.js";
import { createOutput } from "../output.js";

/** `chaincall block-number [block]`: the latest block's number (or a tagged block's), like `cast block-number`. */
export const blockNumberCommand: CommandModule = {
  command: "block-number [block]",
  describe: "Print the latest block number (eth_blockNumber), or the number of a tagged block or block hash",
  builder: (yargs: Argv) =>
    yargs
      .positional("block", {
        type: "string",
        describe: "latest|pending|safe|finalized|earliest, a number or a block hash [default: latest]",
      })
      .epilogue(
        examples([
          ["chaincall block-number", "the chain's height"],
          ["chaincall block-number finalized", "the last finalized block"],
        ]),
      ),
  handler: async (argv) => {
    const globals = readGlobals(argv);
    const output = createOutput(globals);
    const [{ parseBlock }, { notOnChain }, { withClient }, { getBlockNumber }] = await Promise.all([
      import("../parseInput.js"),
      import("../chainArgs.js"),
      import("../session.js"),
      import("../../client/getBlockNumber.js"),
    ]);
    const block = parseBlock(argv.block as string | undefined, { option: "block" });
    const blockNumber = await withClient(globals, {}, async (client) => {
      const found = await getBlockNumber(client, { block: block.block });
      if (found === null) throw notOnChain(`${client.endpoint} has no block ${block.shown}`);
      return found;
    });
    output.lines([String(blockNumber)]);
    output.document({ blockNumber });
  },
};
