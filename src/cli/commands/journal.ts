import type { Argv, CommandModule } from "yargs";
import { ChaincallError } from "../../errors/ChaincallError.js";
import { examples, readGlobals } from "../options.js";
import { createOutput } from "../output.js";

/** `chaincall journal [--rebroadcast]`: what became of journalled transactions on the node. */
export const journalCommand: CommandModule = {
  command: "journal",
  describe: "Show what became of sent transactions (confirmed, pending, dropped…), and re-broadcast dropped ones",
  builder: (yargs: Argv) =>
    yargs
      .option("journal", { type: "string", describe: "journal file [env CHAINCALL_JOURNAL] [default: ~/.chaincall/journal.jsonl]" })
      .option("last", { type: "string", describe: "only the last N entries of this node" })
      .option("rebroadcast", {
        type: "boolean",
        describe: "send the signed bytes of every dropped transaction again (one per nonce, in nonce order)",
      })
      .option("yes", {
        alias: "y",
        type: "boolean",
        describe: "on Ethereum mainnet (chain id 1), re-broadcast without asking (required when not on a terminal)",
      })
      .epilogue(
        examples([
          ["chaincall journal -r http://127.0.0.1:8545", "after a crash or a node restart: what happened to what was sent"],
          ["chaincall journal --rebroadcast --last 10", "re-send the dropped ones among the last 10"],
        ]),
      ),
  handler: async (argv) => {
    const globals = readGlobals(argv);
    const output = createOutput(globals);
    const [{ withClient }, { checkJournal, rebroadcastDropped }, { defaultJournalPath }, { confirmMainnet }, { describeIgnored }] =
      await Promise.all([
        import("../session.js"),
        import("../../tx/checkJournal.js"),
        import("../../tx/journal.js"),
        import("../broadcast.js"),
        import("../../registry/nodeIdentity.js"),
      ]);
    const path = (argv.journal as string | undefined) ?? defaultJournalPath();
    const lastText = argv.last as string | undefined;
    if (lastText !== undefined && !/^\d+$/.test(lastText))
      throw new ChaincallError("INVALID_ARGUMENT", `invalid --last "${lastText}" (expected a whole number)`);
    const { rows, ignored } = await withClient(globals, {}, async (client) => {
      const reports = await checkJournal(client, path, { last: lastText === undefined ? undefined : Number(lastText) });
      const note = describeIgnored(reports.ignored);
      if (note) output.warn(note);
      const actions = new Map<(typeof reports)[number], string>();
      if (argv.rebroadcast) {
        const dropped = reports.filter((r) => r.status === "dropped" && r.entry.raw);
        // The mainnet guard, as for send: nothing is broadcast on chain 1 without --yes or a prompt.
        await confirmMainnet(
          client,
          dropped.map((r) => ({ to: r.entry.to, value: 0n, describeTo: `re-broadcast of ${r.entry.hash}` })),
          { yes: Boolean(argv.yes) },
        );
        for (const [report, action] of await rebroadcastDropped(client, reports, { timeoutMs: globals.timeoutMs }))
          actions.set(report, action);
      }
      const rows = reports.map((r) => ({
        hash: r.entry.hash,
        from: r.entry.from,
        nonce: r.entry.nonce,
        to: r.entry.to,
        time: r.entry.time,
        status: actions.get(r) ?? (r.status as string),
        blockNumber: r.blockNumber ?? null,
      }));
      return { rows, ignored: { ...reports.ignored, note } };
    });
    output.lines(
      rows.length
        ? rows.map(
            (r) =>
              `${r.hash}  nonce ${String(r.nonce).padEnd(5)} ${r.status.padEnd(11)}${r.blockNumber === null ? "" : ` block ${r.blockNumber}`}`,
          )
        : [`no journalled transactions for this node in ${path}`],
    );
    output.document({ journal: path, transactions: rows, ignored });
  },
};
