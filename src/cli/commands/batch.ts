import type { Argv, CommandModule } from "yargs";
import { ChaincallError } from "../../errors/ChaincallError.js";
import type { Failed, Line } from "../batch/parseLines.js";
import { examples, readGlobals, sendOptions, signerOptions, withOptions } from "../options.js";
import { createOutput } from "../output.js";

// The transaction options that make sense for a whole batch; value and gas limit are per line, nonces are
// the signer's to allocate.
const BATCH_SEND_OPTIONS = ["max-fee", "priority-fee", "gas-price", "legacy", "async", "confirmations", "yes"];

// Lines of at most 78 characters: yargs would re-wrap longer ones mid-example.
const INPUT_FORMAT = `Input: one JSON object per line (blank lines are skipped), e.g.
  {"target":"CallDemo","function":"getYear"}
  {"target":"0x…","function":"balanceOf(address)(uint256)","args":["0x…"]}
  {"target":"CallDemo","function":"setYear","args":[2021],"send":true}
Fields: target and function (as in call and send), args (a JSON array of
numbers, strings, arrays, objects), send, and for sends value ("1ether",
"10gwei", wei), gasLimit, and force (send to a view function anyway).
Output: one JSON line per input line, in input order:
  {"line":1,"result":["2020"]}                       values as in call --json
  {"line":4,"result":"0x…"}           raw data, for "name(types)" (no returns)
  {"line":5,"result":[],"note":"… returns nothing …"}
  {"line":3,"hash":"0x…","nonce":7,"status":"success",…,"events":[…]}
  {"line":2,"error":{"code":"CALL_REVERTED","message":"…","errorName":…}}
  (with --async a send's line holds only its hash and nonce)
An error is shaped as call --json prints it: code and message, and for a
revert errorName, args and data when known.
Every line is checked before anything is sent: if one is invalid, only the
error lines are printed, nothing is sent, and the exit code is 2. The reads
go out together (batched through Multicall3 or JSON-RPC batches), then the
sends, concurrently, with consecutive nonces: a send must not depend on
another send of the same batch. Exit code 1 when a line failed at run time
(a revert, a dropped transaction), 0 when every line succeeded.`;

/** `chaincall batch [file|-]`: JSON lines of calls and sends in, one JSON line per call out, in order. */
export const batchCommand: CommandModule = {
  command: "batch [file]",
  describe: "Run JSON lines of calls (batched) and sends from a file or stdin; one JSON line out per line in",
  builder: (yargs: Argv) =>
    withOptions(
      withOptions(yargs, "Signer options (for sends):", signerOptions),
      "Transaction options (for sends):",
      Object.fromEntries(BATCH_SEND_OPTIONS.map((name) => [name, sendOptions[name]])),
    )
      .positional("file", { type: "string", describe: "file of JSON lines; - or nothing reads stdin" })
      .epilogue(
        `${INPUT_FORMAT}\n\n${examples([
          ["chaincall batch calls.jsonl > results.jsonl", "run a file of calls"],
          [`printf '%s\\n' '{"target":"CallDemo","function":"getYear"}' | chaincall batch`, "from stdin"],
          ["ETH_PRIVATE_KEY=0x… chaincall batch sends.jsonl --async", "send many transactions, print their hashes"],
        ])}`,
      ),
  handler: async (argv) => {
    const globals = readGlobals(argv);
    const output = createOutput(globals);
    // yargs hands "-" over as "": both mean stdin.
    const file = argv.file === undefined || argv.file === "-" || argv.file === "" ? undefined : String(argv.file);
    if (file === undefined && process.stdin.isTTY) output.progress("reading JSON lines from stdin (end with Ctrl-D)");
    const text = await readInput(file);
    const [
      { resolveTargetAddress, knownInterfaces },
      { parseLines },
      { runRead, runSend, countProgress },
      { OrderedPrinter, failInvalid, failedLines },
      { withClient, readSigner },
      { readTxOverrides, readConfirmations },
      { confirmMainnet },
    ] = await Promise.all([
      import("../target.js"),
      import("../batch/parseLines.js"),
      import("../batch/runLines.js"),
      import("../batch/printLines.js"),
      import("../session.js"),
      import("../txOptions.js"),
      import("../broadcast.js"),
    ]);

    // 1. Every line checked before connecting: bad input sends nothing.
    const { lines, invalid } = parseLines(text, globals);
    const overrides = readTxOverrides(argv);
    const confirmations = readConfirmations(argv);
    const sends = lines.filter((l) => l.send);
    const signer = sends.length > 0 && invalid.length === 0 ? readSigner(argv, output) : undefined;
    if (invalid.length > 0) failInvalid(invalid, lines.length + invalid.length, output);

    const interfaces = knownInterfaces(globals);
    const results = new OrderedPrinter(
      lines.map((l) => l.line),
      output,
    );
    let failures: Failed[] = [];
    await withClient(globals, { signer, abis: interfaces, journal: argv.journal as string | undefined }, async (client) => {
      // 2. Names resolved through the address book of the connected chain, still before anything is sent.
      const unresolved: Failed[] = [];
      const addresses = new Map<string, string>();
      for (const line of lines) {
        try {
          const key = line.target.contractName ?? "";
          if (!line.target.address && !addresses.has(key)) addresses.set(key, resolveTargetAddress(line.target, client, globals));
          line.address = line.target.address ?? addresses.get(key)!;
        } catch (err) {
          unresolved.push({ line: line.line, error: err });
        }
      }
      if (unresolved.length > 0) failInvalid(unresolved, lines.length, output);
      const fees = await confirmMainnet(
        client,
        sends.map((l) => ({ to: l.address!, value: l.value ?? 0n, describeTo: describe(l) })),
        // stdin carries the batch itself when no file is named: no prompt can be answered there.
        { yes: Boolean(argv.yes), overrides, canAsk: file !== undefined && Boolean(process.stdin.isTTY && process.stderr.isTTY) },
      );
      // 3. Reads all at once (the client batches them), then the sends: reads see the state before the batch.
      const reads = lines.filter((l) => !l.send);
      if (reads.length) output.progress(`${reads.length} read${reads.length === 1 ? "" : "s"} …`);
      await Promise.all(reads.map((line) => runRead(client, line).then((r) => results.set(line.line, r))));
      if (sends.length) {
        const progress = countProgress(output, sends.length, Boolean(argv.async));
        const options = {
          output: { ...output, progress: () => undefined },
          confirmations,
          async: Boolean(argv.async),
          timeoutMs: globals.timeoutMs,
          interfaces,
          progress,
        };
        await Promise.all(
          sends.map((line) => runSend(client, line, { ...overrides, ...fees }, options).then((r) => results.set(line.line, r))),
        );
      }
      failures = results.failures;
    });
    if (failures.length > 0) throw failedLines(failures, lines.length);
  },
};

function describe(line: Line): string {
  return `${line.target.contractName ? `${line.target.contractName}.` : ""}${line.target.fragment.format("sighash")}`;
}

async function readInput(file: string | undefined): Promise<string> {
  if (file !== undefined) {
    const { readFile } = await import("node:fs/promises");
    try {
      return await readFile(file, "utf8");
    } catch (err) {
      const code = (err as { code?: string }).code;
      throw new ChaincallError(
        code === "ENOENT" ? "NOT_FOUND" : "INVALID_ARGUMENT",
        `cannot read ${file}: ${code === "ENOENT" ? "no such file" : (err as Error).message}`,
      );
    }
  }
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
