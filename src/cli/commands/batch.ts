import type { Argv, CommandModule } from "yargs";
import type { FunctionFragment, Interface } from "ethers";
import type { Client } from "../../client/connect.js";
import { ChaincallError } from "../../errors/ChaincallError.js";
import type { TransactionOverrides } from "../../tx/sendTransaction.js";
import { examples, readGlobals, sendOptions, signerOptions, withOptions, type Globals } from "../options.js";
import { createOutput, ReportedFailure, stringifyJson, type Output } from "../output.js";
import type { PreparedTarget } from "../target.js";

// The transaction options that make sense for a whole batch; value and gas limit are per line, nonces are
// the signer's to allocate.
const BATCH_SEND_OPTIONS = ["max-fee", "priority-fee", "gas-price", "legacy", "async", "confirmations", "yes"];
// The fields of one input line.
const FIELDS = ["target", "function", "args", "send", "value", "gasLimit", "force"];

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
  {"line":2,"error":{"code":"CALL_REVERTED","message":"…"}}
  (with --async a send's line holds only its hash and nonce)
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
    const [{ prepareTarget, resolveTargetAddress, knownInterfaces }, { parseArgs, parseInteger }, { withClient, readSigner }, { readTxOverrides, readConfirmations }, { confirmMainnet }] = await Promise.all([
      import("../target.js"),
      import("../../abi/parseArgs.js"),
      import("../session.js"),
      import("../txOptions.js"),
      import("../broadcast.js"),
    ]);

    // 1. Every line checked before connecting: bad input sends nothing.
    const prepareCache = new Map<string, PreparedTarget>();
    const lines: Line[] = [];
    const invalid: Failed[] = [];
    text.split("\n").forEach((raw, i) => {
      if (raw.trim() === "") return;
      try {
        lines.push(parseLine(raw, i + 1, globals, prepareCache, { prepareTarget, parseArgs, parseInteger }));
      } catch (err) {
        invalid.push({ line: i + 1, error: err });
      }
    });
    const overrides = readTxOverrides(argv);
    const confirmations = readConfirmations(argv);
    const sends = lines.filter((l) => l.send);
    const signer = sends.length > 0 && invalid.length === 0 ? readSigner(argv, output) : undefined;
    if (invalid.length > 0) failInvalid(invalid, lines.length + invalid.length);

    const interfaces: Interface[] = knownInterfaces(globals);
    const results = new OrderedPrinter(lines.map((l) => l.line));
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
      if (unresolved.length > 0) failInvalid(unresolved, lines.length);
      const fees = await confirmMainnet(
        client,
        sends.map((l) => ({ to: l.address!, value: l.value ?? 0n, describeTo: describe(l) })),
        // stdin carries the batch itself when no file is named: no prompt can be answered there.
        { yes: Boolean(argv.yes), overrides, canAsk: file !== undefined && Boolean(process.stdin.isTTY && process.stderr.isTTY) },
      );
      // 3. Reads all at once (the client batches them), then the sends: reads see the state before the batch.
      const run = await loadRunners();
      const reads = lines.filter((l) => !l.send);
      if (reads.length) output.progress(`${reads.length} read${reads.length === 1 ? "" : "s"} …`);
      await Promise.all(reads.map((line) => run.read(client, line).then((r) => results.set(line.line, r))));
      if (sends.length) {
        const progress = countProgress(output, sends.length, Boolean(argv.async));
        const options = { output: { ...output, progress: () => undefined }, confirmations, async: Boolean(argv.async), timeoutMs: globals.timeoutMs, interfaces, progress };
        await Promise.all(sends.map((line) => run.send(client, line, { ...overrides, ...fees }, options).then((r) => results.set(line.line, r))));
      }
      failures = results.failures;
    });
    if (failures.length > 0) {
      throw new ReportedFailure(1, `${failures.length} of ${lines.length} line${lines.length === 1 ? "" : "s"} failed (first: line ${failures[0].line}: ${errorOf(failures[0].error).message})`);
    }
  },
};

/** One checked input line. */
interface Line {
  line: number;
  target: PreparedTarget;
  /** The target and arguments as written, for the note on a function that returns nothing. */
  targetText: string;
  argsText: string[];
  args: unknown[];
  send: boolean;
  value?: bigint;
  gasLimit?: bigint;
  /** Set once connected (from the line, or the address book). */
  address?: string;
}

interface Failed {
  line: number;
  error: unknown;
}

type Outcome = { line: number; result?: unknown; error?: unknown } & Record<string, unknown>;

interface LineParsers {
  prepareTarget: typeof import("../target.js").prepareTarget;
  parseArgs: typeof import("../../abi/parseArgs.js").parseArgs;
  parseInteger: typeof import("../../abi/parseArgs.js").parseInteger;
}

/** Parses and checks one line: JSON shape, target, function, arguments by their ABI types, value. */
function parseLine(raw: string, number: number, globals: Globals, cache: Map<string, PreparedTarget>, parsers: LineParsers): Line {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (err) {
    throw new ChaincallError("INVALID_ARGUMENT", `not JSON: ${(err as Error).message}`);
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new ChaincallError("INVALID_ARGUMENT", 'expected a JSON object like {"target":"0x…","function":"name","args":[…]}');
  }
  const fields = parsed as Record<string, unknown>;
  const unknownField = Object.keys(fields).find((k) => !FIELDS.includes(k));
  if (unknownField !== undefined) throw new ChaincallError("INVALID_ARGUMENT", `unknown field "${unknownField}" (expected ${FIELDS.join(", ")})`);
  const { target, function: functionSpec, args = [], send = false, force = false } = fields;
  if (typeof target !== "string" || target === "") throw new ChaincallError("INVALID_ARGUMENT", '"target" must be a string: 0x…, a name from the address book, or Name@0x…');
  if (typeof functionSpec !== "string" || functionSpec === "") throw new ChaincallError("INVALID_ARGUMENT", '"function" must be a string: a name, name(types), or "name(types)(returns)"');
  if (!Array.isArray(args)) throw new ChaincallError("INVALID_ARGUMENT", '"args" must be a JSON array');
  if (typeof send !== "boolean") throw new ChaincallError("INVALID_ARGUMENT", '"send" must be true or false');
  if (typeof force !== "boolean") throw new ChaincallError("INVALID_ARGUMENT", '"force" must be true or false');
  if (force && !send) throw new ChaincallError("INVALID_ARGUMENT", '"force" needs "send": true');
  if (!send && (fields.value !== undefined || fields.gasLimit !== undefined)) {
    throw new ChaincallError("INVALID_ARGUMENT", `"${fields.value !== undefined ? "value" : "gasLimit"}" needs "send": true`);
  }
  // Many lines name the same function: load its ABI and pick the function once.
  const key = `${target}\u0000${functionSpec}`;
  let prepared = cache.get(key);
  if (!prepared) cache.set(key, (prepared = parsers.prepareTarget(target, functionSpec, globals)));
  // JSON values go to the ABI parser as they are (it takes strings, numbers, booleans, arrays and objects):
  // a number beyond 2^53 is refused there rather than silently rounded.
  const values = parsers.parseArgs(prepared.fragment, args);
  if (send && prepared.fragment.constant && !force) {
    throw new ChaincallError("INVALID_ARGUMENT", `${prepared.fragment.format("sighash")} is ${prepared.fragment.stateMutability}: a transaction would change nothing (leave out "send" to read it, or add "force": true)`);
  }
  const amount = (name: "value" | "gasLimit"): bigint | undefined => {
    const v = fields[name];
    if (v === undefined) return undefined;
    try {
      return parsers.parseInteger(v, false, 256);
    } catch (err) {
      throw new ChaincallError("INVALID_ARGUMENT", `invalid "${name}" ${JSON.stringify(v)}: ${(err as Error).message}`);
    }
  };
  const value = amount("value");
  if (value !== undefined && value > 0n && !prepared.fragment.payable) {
    throw new ChaincallError("INVALID_ARGUMENT", `${prepared.fragment.format("sighash")} is not payable: it cannot take a value`);
  }
  const argsText = args.map((a) => (typeof a === "string" ? a : JSON.stringify(a)));
  return { line: number, target: prepared, targetText: target, argsText, args: values, send, value, gasLimit: amount("gasLimit") };
}

// Bad lines: their error lines (nothing else: nothing ran), then exit 2.
function failInvalid(invalid: Failed[], total: number): never {
  invalid.sort((a, b) => a.line - b.line);
  writeOut(invalid.map((f) => `${stringifyJson({ line: f.line, error: errorJson(f.error) })}\n`).join(""));
  const first = invalid[0];
  throw new ReportedFailure(2, `${invalid.length} of ${total} line${total === 1 ? " is" : "s are"} invalid, nothing was sent (first: line ${first.line}: ${errorOf(first.error).message})`);
}

interface SendOptions {
  /** Where the waits report (their progress is silenced: `progress` counts instead). */
  output: Output;
  confirmations: number;
  async: boolean;
  timeoutMs: number;
  interfaces: Interface[];
  progress: { sent(): void; settled(): void };
}

/** How lines run: loaded once connected, and shared by every line. */
async function loadRunners() {
  const [{ Interface }, { readContract }, { toJsonValue }, { sendTransaction }, { waitWithProgress }, { nothingReturnedNote }] = await Promise.all([
    import("ethers"),
    import("../../client/readContract.js"),
    import("../../abi/formatValue.js"),
    import("../../tx/sendTransaction.js"),
    import("../broadcast.js"),
    import("./call.js"),
  ]);
  // One coder per function, shared by the lines that call it.
  const coders = new Map<FunctionFragment, Interface>();
  const coder = (fragment: FunctionFragment): Interface => {
    let iface = coders.get(fragment);
    if (!iface) coders.set(fragment, (iface = new Interface([fragment])));
    return iface;
  };
  return {
    async read(client: Client, line: Line): Promise<Outcome> {
      const { fragment } = line.target;
      try {
        // The common case through the shared coder (readContract builds a coder per read, which costs more than
        // the batched eth_call itself); an empty or undecodable answer goes through readContract, which explains it.
        const result = await client.provider.call({ to: line.address!, data: coder(fragment).encodeFunctionData(fragment, line.args) });
        // A signature without return types: the raw return data, as `call` prints it.
        if (line.target.contract === undefined && fragment.outputs.length === 0) return { line: line.line, result };
        let values: unknown[] | undefined;
        if (result !== "0x" || fragment.outputs.length === 0) {
          try {
            values = [...coder(fragment).decodeFunctionResult(fragment, result)];
          } catch {
            values = undefined;
          }
        }
        values ??= await readContract(client, { address: line.address!, fragment, args: line.args });
        if (fragment.outputs.length === 0) return { line: line.line, result: [], note: nothingReturnedNote(fragment, line.targetText, line.argsText) };
        return { line: line.line, result: values.map((v, i) => toJsonValue(v, fragment.outputs[i])) };
      } catch (err) {
        return { line: line.line, error: err };
      }
    },
    async send(client: Client, line: Line, overrides: TransactionOverrides, options: SendOptions): Promise<Outcome> {
      let sent: { hash: string; nonce: number } | undefined;
      try {
        const data = coder(line.target.fragment).encodeFunctionData(line.target.fragment, line.args);
        const tx = await sendTransaction(client, { ...overrides, to: line.address!, data, value: line.value, gasLimit: line.gasLimit });
        sent = { hash: tx.hash, nonce: tx.nonce };
        options.progress.sent();
        if (options.async) return { line: line.line, ...sent };
        const { hash, ...receipt } = await waitWithProgress(client, tx, options);
        return { line: line.line, hash, nonce: tx.nonce, ...receipt };
      } catch (err) {
        // A send that went out and then failed (reverted, dropped, replaced, timed out) still names its hash.
        return { line: line.line, ...(sent ?? {}), error: err };
      } finally {
        options.progress.settled();
      }
    },
  };
}

// Progress of the sends on a terminal: one line when all are broadcast, one when all have settled.
function countProgress(output: Output, total: number, async: boolean): SendOptions["progress"] {
  let sent = 0;
  let settled = 0;
  output.progress(`${total} send${total === 1 ? "" : "s"} …`);
  return {
    sent() {
      if (++sent === total && !async) output.progress(`${total} broadcast, waiting for receipts …`);
    },
    settled() {
      if (++settled === total) output.progress(`${sent} of ${total} sent${async ? "" : ", all settled"}`);
    },
  };
}

function describe(line: Line): string {
  return `${line.target.contractName ? `${line.target.contractName}.` : ""}${line.target.fragment.format("sighash")}`;
}

/**
 * Prints outcomes as JSON lines in input order, each as soon as every line before it is done, so a long
 * batch streams.
 */
class OrderedPrinter {
  private readonly done = new Map<number, Outcome>();
  private next = 0;
  readonly failures: Failed[] = [];

  constructor(private readonly order: number[]) {}

  set(line: number, outcome: Outcome): void {
    this.done.set(line, outcome);
    let text = "";
    while (this.next < this.order.length && this.done.has(this.order[this.next])) {
      const ready = this.done.get(this.order[this.next])!;
      this.done.delete(this.order[this.next]);
      this.next++;
      if (ready.error !== undefined) this.failures.push({ line: ready.line, error: ready.error });
      text += `${stringifyJson(ready.error === undefined ? ready : { ...ready, error: errorJson(ready.error) })}\n`;
    }
    // One write for every line that became ready (a thousand small writes cost more than the reads).
    if (text) writeOut(text);
  }
}

let stdoutClosed = false;
// `chaincall batch … | head -3`: once the reader is gone, the rest of the batch still runs (sends are not cut
// off half-way), its output is dropped, and no EPIPE stack trace is printed.
function writeOut(text: string): void {
  if (stdoutClosed) return;
  if (process.stdout.listenerCount("error") === 0) {
    process.stdout.on("error", (err: NodeJS.ErrnoException) => {
      if (err.code !== "EPIPE") throw err;
      stdoutClosed = true;
    });
  }
  process.stdout.write(text);
}

// Error translation and value formatting load ethers: required here, when a line has failed (ethers is loaded
// by then), so that registering the command at start-up stays light.
function errorOf(err: unknown): ChaincallError {
  const { toChaincallError } = require("../../errors/toChaincallError") as typeof import("../../errors/toChaincallError.js");
  return toChaincallError(err);
}

// An error as a JSON line carries it: code and one-line message, and for reverts the decoded error.
function errorJson(err: unknown): Record<string, unknown> {
  const e = errorOf(err);
  const json: Record<string, unknown> = { code: e.code, message: e.shortMessage.replace(/\s*\n\s*/g, " ") };
  const revert = e as Partial<import("../../errors/ContractRevertedError.js").ContractRevertedError>;
  if (e.code === "CALL_REVERTED") {
    const { toJsonValue } = require("../../abi/formatValue") as typeof import("../../abi/formatValue.js");
    if (revert.errorName !== undefined) json.errorName = revert.errorName;
    if (revert.args !== undefined && revert.args.length > 0) json.args = revert.args.map((a) => toJsonValue(a));
    if (revert.data !== undefined) json.data = revert.data;
  }
  return json;
}

async function readInput(file: string | undefined): Promise<string> {
  if (file !== undefined) {
    const { readFile } = await import("node:fs/promises");
    try {
      return await readFile(file, "utf8");
    } catch (err) {
      const code = (err as { code?: string }).code;
      throw new ChaincallError(code === "ENOENT" ? "NOT_FOUND" : "INVALID_ARGUMENT", `cannot read ${file}: ${code === "ENOENT" ? "no such file" : (err as Error).message}`);
    }
  }
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
