import type { CommandModule } from "yargs";
import { examples, readGlobals } from "../options.js";
import { createOutput } from "../output.js";

/** `chaincall accounts`: the accounts the node manages (eth_accounts), usable with `send --from`. */
export const accountsCommand: CommandModule = {
  command: "accounts",
  describe: "List the node's unlocked accounts (eth_accounts), one per line",
  builder: (yargs) =>
    yargs.epilogue(
      examples([
        ["chaincall accounts", "the node-managed accounts, usable with send --from"],
        ["chaincall accounts --json", "as a JSON array"],
      ]),
    ),
  handler: async (argv) => {
    const globals = readGlobals(argv);
    const output = createOutput(globals);
    const [{ withClient }, { getAccounts }] = await Promise.all([import("../session.js"), import("../../client/getAccounts.js")]);
    const accounts = await withClient(globals, {}, getAccounts);
    output.lines(accounts);
    output.document(accounts);
  },
};
