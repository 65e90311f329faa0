import type { CommandModule } from "yargs";
import { ChaincallError } from "../../errors/ChaincallError.js";
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
    const [{ withClient }, { getAddress }] = await Promise.all([import("../session.js"), import("ethers")]);
    const raw = await withClient(globals, {}, async (client) => client.provider.send("eth_accounts", []));
    if (!Array.isArray(raw) || raw.some((a) => typeof a !== "string" || !/^0x[0-9a-fA-F]{40}$/.test(a))) {
      throw new ChaincallError("RPC_ERROR", "the node answered eth_accounts with something other than a list of addresses");
    }
    const accounts = (raw as string[]).map((a) => getAddress(a.toLowerCase()));
    output.lines(accounts);
    output.document(accounts);
  },
};
