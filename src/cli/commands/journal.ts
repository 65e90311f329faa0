import type { Argv, CommandModule } from "yargs";
import { ChaincallError } from "../../errors/ChaincallError.js";
import { examples, readGlobals } from "../options.js";
import { createOutput } from "../output.js";

/** `chaincall journal [--rebroadcast]`: what became of journalled transactions on the node's chain. */
export const journalCommand: CommandModule = {
  command: "journal",
  describe: "Show what became of sent transactions (confirmed, pending, dropped…), and re-broadcast dropped ones",
  builder: (yargs: Argv) =>
    yargs
      .option("journal", { type: "string", describe: "journal file [env CHAINCALL_JOURNAL] [default: ~/.chaincall/journal.jsonl]" })
      .option("last", { type: "string", describe: "only the last N entries of this chain" })
      .option("rebroadcast", { type: "boolean", describe: "send the signed bytes of every dropped transaction again" })
      .epilogue(
        examples([
          ["chaincall journal -r http://127.0.0.1:8545", "after a crash or a node restart: what happened to what was sent"],
          ["chaincall journal --rebroadcast --last 10", "re-send the dropped ones among the last 10"],
        ]),
      ),
  handler: async (argv) => {
    const globals = readGlobals(argv);
    const output = createOutput(globals);
    const [{ withClient }, { checkJournal, rebroadcast }, { defaultJournalPath }] = await Promise.all([import("../session.js"), import("../../tx/checkJournal.js"), import("../../tx/journal.js")]);
    const path = (argv.journal as string | undefined) ?? defaultJournalPath();
    const lastText = argv.last as string | undefined;
    if (lastText !== undefined && !/^\d+$/.test(lastText)) throw new ChaincallError("INVALID_ARGUMENT", `invalid --last "${lastText}" (expected a whole number)`);
    const rows = await withClient(globals, {}, async (client) => {
      const reports = await checkJournal(client, path, { last: lastText === undefined ? undefined : Number(lastText) });
      return Promise.all(
        reports.map(async (r) => {
          const row = { hash: r.entry.hash, from: r.entry.from, nonce: r.entry.nonce, to: r.entry.to, time: r.entry.time, status: r.status as string, blockNumber: r.blockNumber ?? null };
          if (argv.rebroadcast && r.status === "dropped" && r.entry.raw) {
            await rebroadcast(client, r.entry);
            row.status = "rebroadcast";
          }
          return row;
        }),
      );
    });
    output.lines(rows.length ? rows.map((r) => `${r.hash}  nonce ${String(r.nonce).padEnd(5)} ${r.status.padEnd(11)}${r.blockNumber === null ? "" : ` block ${r.blockNumber}`}`) : [`no journalled transactions for this chain in ${path}`]);
    output.document({ journal: path, transactions: rows });
  },
};
