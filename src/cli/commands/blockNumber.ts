import type { Argv, CommandModule } from "yargs";
import { examples, readGlobals } from "../options.js";
import { createOutput } from "../output.js";

/** `chaincall block-number [block]`: the latest block's number (or a tagged block's), like `cast block-number`. */
export const blockNumberCommand: CommandModule = {
  command: "block-number [block]",
  describe: "Print the latest block number (eth_blockNumber), or the number of a tagged block or block hash",
  builder: (yargs: Argv) =>
    yargs
      .positional("block", { type: "string", describe: "latest|pending|safe|finalized|earliest, a number or a block hash [default: latest]" })
      .epilogue(
        examples([
          ["chaincall block-number", "the chain's height"],
          ["chaincall block-number finalized", "the last finalized block"],
        ]),
      ),
  handler: async (argv) => {
    const globals = readGlobals(argv);
    const output = createOutput(globals);
    const [{ parseBlockParameter, notOnChain, parseNodeQuantity }, { withClient }] = await Promise.all([import("../chainArgs.js"), import("../session.js")]);
    const block = parseBlockParameter(argv.block as string | undefined, "block");
    const blockNumber = await withClient(globals, {}, async (client) => {
      if (block.rpc === "latest") return parseNodeQuantity(await client.provider.send("eth_blockNumber", []), "eth_blockNumber", client.endpoint);
      const header = (typeof block.rpc === "string"
        ? await client.provider.send("eth_getBlockByNumber", [block.rpc, false])
        : await client.provider.send("eth_getBlockByHash", [block.rpc.blockHash, false])) as { number?: string | null } | null;
      if (!header?.number) throw notOnChain(`${client.endpoint} has no block ${block.shown}`);
      return parseNodeQuantity(header.number, typeof block.rpc === "string" ? "eth_getBlockByNumber" : "eth_getBlockByHash", client.endpoint);
    });
    output.lines([String(blockNumber)]);
    output.document({ blockNumber });
  },
};
