import type { Argv, CommandModule } from "yargs";
import { examples, readGlobals, withOptions } from "../options.js";
import { createOutput } from "../output.js";

/** `chaincall balance <address>`: the account's balance in wei (or ether with --ether), like `cast balance`. */
export const balanceCommand: CommandModule = {
  command: "balance <address>",
  describe: "Print an account's balance in wei (eth_getBalance)",
  builder: (yargs: Argv) =>
    withOptions(yargs, "Balance options:", {
      block: {
        alias: "b",
        type: "string",
        describe: "block: latest|pending|safe|finalized|earliest, a number or a hash [default: latest]",
      },
      ether: { alias: "e", type: "boolean", describe: "print ether with 18 decimals instead of wei (as cast balance --ether)" },
    })
      .positional("address", { type: "string", describe: "0x address, or a contract name from the address book" })
      .epilogue(
        examples([
          ["chaincall balance 0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266", "in wei: 10000000000000000000000"],
          ["chaincall balance 0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266 --ether -b 0", "in ether at block 0: 10000.000000000000000000"],
          ["chaincall balance CallDemo --json", "a contract from the address book, as JSON"],
        ]),
      ),
  handler: async (argv) => {
    const globals = readGlobals(argv);
    const output = createOutput(globals);
    const [{ parseAccount, parseBlock }, { resolveAccount, formatEtherFixed }, { withClient }, { getBalance }] = await Promise.all([
      import("../parseInput.js"),
      import("../chainArgs.js"),
      import("../session.js"),
      import("../../client/getBalance.js"),
    ]);
    // Checked before connecting: bad input sends nothing.
    const account = parseAccount(String(argv.address));
    const block = parseBlock(argv.block as string | undefined);
    const result = await withClient(globals, {}, async (client) => {
      const address = resolveAccount(account, client, globals);
      return { address, wei: await getBalance(client, { address, block: block.block }) };
    });
    output.lines([argv.ether ? formatEtherFixed(result.wei) : result.wei.toString()]);
    output.document({ address: result.address, block: block.shown, balance: result.wei, ether: formatEtherFixed(result.wei) });
  },
};
