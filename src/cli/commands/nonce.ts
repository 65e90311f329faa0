import type { Argv, CommandModule } from "yargs";
import { examples, readGlobals, withOptions } from "../options.js";
import { createOutput } from "../output.js";

/** `chaincall nonce <address>`: the account's transaction count, like `cast nonce`. */
export const nonceCommand: CommandModule = {
  command: "nonce <address>",
  describe: "Print an account's nonce: its transaction count (eth_getTransactionCount)",
  builder: (yargs: Argv) =>
    withOptions(yargs, "Nonce options:", {
      block: {
        alias: "b",
        type: "string",
        describe: "block: latest|pending|safe|finalized|earliest, a number or a hash [default: latest]",
      },
    })
      .positional("address", { type: "string", describe: "0x address, or a contract name from the address book" })
      .epilogue(
        examples([
          ["chaincall nonce 0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266", "transactions mined from this account"],
          ["chaincall nonce 0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266 -b pending", "the next nonce, counting pending transactions"],
        ]),
      ),
  handler: async (argv) => {
    const globals = readGlobals(argv);
    const output = createOutput(globals);
    const [{ parseAccount, parseBlock }, { resolveAccount }, { withClient }, { getTransactionCount }] = await Promise.all([
      import("../parseInput.js"),
      import("../chainArgs.js"),
      import("../session.js"),
      import("../../client/getTransactionCount.js"),
    ]);
    const account = parseAccount(String(argv.address));
    const block = parseBlock(argv.block as string | undefined);
    const result = await withClient(globals, {}, async (client) => {
      const address = resolveAccount(account, client, globals);
      return { address, nonce: await getTransactionCount(client, { address, block: block.block }) };
    });
    output.lines([String(result.nonce)]);
    output.document({ address: result.address, block: block.shown, nonce: result.nonce });
  },
};
