import type { EventFragment, Interface } from "ethers";
import type { Argv, CommandModule } from "yargs";
import { ChaincallError } from "../../errors/ChaincallError.js";
import type { ChainLog } from "../../events/createLogDecoder.js";
import type { BlockSpec } from "../../events/getLogs.js";
import { commandArgs, examples, readGlobals, withOptions } from "../options.js";
import { createOutput } from "../output.js";

const LOG_BLOCK_TAGS = ["earliest", "latest", "safe", "finalized"];

/** `chaincall logs <target> [event] [args..]`: a contract's logs over a block range, decoded, fetched page by page. */
export const logsCommand: CommandModule = {
  command: "logs <target> [event] [args..]",
  describe: "Print a contract's logs over a block range, decoded (eth_getLogs, paged and split as the node requires)",
  builder: (yargs: Argv) =>
    withOptions(yargs, "Log options:", {
      "from-block": {
        type: "string",
        describe: "first block: a number, or earliest|latest|safe|finalized [default: the address book's deployment block, else 0]",
      },
      "to-block": { type: "string", describe: "last block: a number, or earliest|latest|safe|finalized [default: latest]" },
      "page-size": {
        type: "string",
        describe: "blocks per eth_getLogs request (halved automatically when the node says too many) [default: 5000]",
      },
    })
      .positional("target", { type: "string", describe: "0x address, a name from the address book, or Name@0x…" })
      .positional("event", {
        type: "string",
        describe: 'only this event: a name from the ABI, or a signature such as "Transfer(address,address,uint256)"',
      })
      .positional("args", { type: "string", array: true, describe: "values of the event's indexed arguments, in order; _ matches any" })
      .epilogue(
        examples([
          ["chaincall logs CallDemo", "every event of the address book's CallDemo, decoded"],
          [
            "chaincall logs CallDemo YearChanged _ 2021 --from-block 0 --to-block latest",
            "YearChanged events whose second indexed argument is 2021",
          ],
          [
            'chaincall logs 0x5FbDB2315678afecb367f032d93F642f64180aa3 "YearChanged(uint256,uint256,address)"',
            "a bare address with an event signature",
          ],
          ["chaincall logs CallDemo --from-block 100 --to-block 200 --json", "a block range, as one JSON array"],
        ]),
      ),
  handler: async (argv) => {
    const globals = readGlobals(argv);
    const output = createOutput(globals);
    const [
      { knownInterfaces },
      { parseTarget, parseBlock },
      { loadContractAbi },
      { resolveLogFilter },
      { getLogs },
      { resolveDeployment },
      { parseValue },
      { namedArgs, formatNamedArgs },
      { withClient },
    ] = await Promise.all([
      import("../target.js"),
      import("../parseInput.js"),
      import("../../abi/loadContractAbi.js"),
      import("../../events/resolveLogFilter.js"),
      import("../../events/getLogs.js"),
      import("../../registry/addressBook.js"),
      import("../../abi/parseArgs.js"),
      import("../../abi/formatValue.js"),
      import("../session.js"),
    ]);

    // Everything the user typed is checked before connecting: bad input sends nothing.
    const { name: namePart, address: givenAddress } = parseTarget(String(argv.target));
    const contract = namePart === undefined ? undefined : loadContractAbi(namePart, globals.abiDir);
    const interfaces = knownInterfaces(globals, contract?.abi);

    const eventSpec = argv.event === undefined ? undefined : String(argv.event);
    const rawArgs = commandArgs(argv);
    let fragment: EventFragment | undefined;
    if (eventSpec !== undefined) {
      // With a named contract, an event name means that contract's event (no ambiguity with other ABIs).
      const lookIn = contract && !eventSpec.includes("(") ? [contract.abi] : interfaces;
      if (!eventSpec.includes("(") && !lookIn.some((iface) => eventNames(iface).includes(eventSpec))) {
        if (contract) {
          const names = eventNames(contract.abi);
          throw new ChaincallError("INVALID_ARGUMENT", `${contract.name} has no event named "${eventSpec}"`, {
            metaMessages: [
              names.length ? `hint: events of ${contract.name}: ${names.join(", ")}` : `hint: ${contract.name} declares no events`,
            ],
          });
        }
        throw new ChaincallError("INVALID_ARGUMENT", `no known ABI (in ${globals.abiDir}) has an event named "${eventSpec}"`, {
          metaMessages: [`hint: give its signature, e.g. "${eventSpec}(address,uint256)", or name the ABI: Name@${givenAddress}`],
        });
      }
      fragment = resolveLogFilter({ event: eventSpec }, lookIn).fragment;
    } else if (rawArgs.length > 0) {
      throw new ChaincallError("INVALID_ARGUMENT", "indexed argument values need an event to say which arguments they are");
    }
    const args = fragment && rawArgs.length > 0 ? parseIndexedArgs(fragment, rawArgs, parseValue) : undefined;
    const fromBlock = parseLogBlock(argv["from-block"] as string | undefined, "--from-block", parseBlock);
    const toBlock = parseLogBlock(argv["to-block"] as string | undefined, "--to-block", parseBlock) ?? "latest";
    if (typeof fromBlock === "number" && typeof toBlock === "number" && fromBlock > toBlock) {
      throw new ChaincallError("INVALID_ARGUMENT", `--from-block ${fromBlock} is after --to-block ${toBlock}`);
    }
    const pageSize = parsePageSize(argv["page-size"] as string | undefined);
    // The filter as the node will get it, built now so that arguments that do not fit fail before connecting.
    resolveLogFilter({ address: givenAddress, event: fragment, args }, interfaces);

    const logs = await withClient(globals, { abis: interfaces }, async (client) => {
      const deployment = givenAddress === undefined ? resolveDeployment(globals.deploymentsDir, client, namePart!) : undefined;
      const address = givenAddress ?? deployment!.address;
      // A contract has no logs before its deployment: start there when the address book knows the block.
      const from = fromBlock ?? deployment?.blockNumber ?? 0;
      return getLogs(client, { address, event: fragment, args, fromBlock: from, toBlock, pageSize });
    });

    const decoded = logs.map((log) => toDecodedLog(log, namedArgs));
    output.lines(
      decoded.map((log) => {
        const what = log.name ? formatNamedArgs(log.name, log.args) : `unknown topic0=${log.topics[0] ?? "none"} data=${log.data}`;
        return `${log.blockNumber} ${log.transactionHash} ${log.logIndex} ${what}`;
      }),
    );
    output.document(decoded);
  },
};

function eventNames(iface: Interface): string[] {
  const names = new Set<string>();
  iface.forEachEvent((event) => names.add(event.name));
  return [...names];
}

/** A log in the shape `send` and `receipt` print events in, plus its place in the chain. */
type PrintedLog = Pick<
  ChainLog,
  "address" | "blockNumber" | "blockHash" | "transactionHash" | "transactionIndex" | "logIndex" | "topics" | "data"
> & {
  name?: string;
  signature?: string;
  args: Record<string, unknown>;
};

function toDecodedLog(log: ChainLog, namedArgs: typeof import("../../abi/formatValue.js")["namedArgs"]): PrintedLog {
  const place = {
    address: log.address,
    blockNumber: log.blockNumber,
    blockHash: log.blockHash,
    transactionHash: log.transactionHash,
    transactionIndex: log.transactionIndex,
    logIndex: log.logIndex,
  };
  const fragment = log.fragment;
  if (!fragment || !log.args) return { ...place, args: {}, topics: log.topics, data: log.data };
  return {
    ...place,
    name: fragment.name,
    signature: log.signature!,
    args: namedArgs(fragment.inputs, log.args),
    topics: log.topics,
    data: log.data,
  };
}

/** Positional values for the event's indexed arguments, `_` for any; as `LogFilter.args` by position. */
function parseIndexedArgs(
  fragment: EventFragment,
  raw: readonly string[],
  parseValue: typeof import("../../abi/parseArgs.js")["parseValue"],
): unknown[] {
  const indexed = fragment.inputs.filter((input) => input.indexed);
  if (raw.length > indexed.length) {
    throw new ChaincallError(
      "INVALID_ARGUMENT",
      `${fragment.format("sighash")} has ${indexed.length} indexed argument${indexed.length === 1 ? "" : "s"}, got ${raw.length} values`,
      {
        metaMessages: [`hint: indexed: ${indexed.map((i) => i.format("full")).join(", ") || "none"}`],
      },
    );
  }
  let next = 0;
  return fragment.inputs.map((input) => {
    if (!input.indexed) return null;
    const position = next++;
    const text = raw[position];
    if (text === undefined || text === "_") return null;
    try {
      return parseValue(input, text);
    } catch (err) {
      const why =
        typeof (err as { describe?: unknown }).describe === "function"
          ? (err as { describe(): string }).describe()
          : String((err as Error).message ?? err);
      throw new ChaincallError(
        "INVALID_ARGUMENT",
        `indexed argument ${position + 1} (${input.format("full")}) of ${fragment.format("sighash")}: ${why}`,
        { cause: err },
      );
    }
  });
}

/** `--from-block`/`--to-block`: a number (decimal or 0x) or a tag `eth_getLogs` ranges accept. */
function parseLogBlock(
  value: string | undefined,
  option: string,
  parseBlock: typeof import("../parseInput.js")["parseBlock"],
): BlockSpec | undefined {
  if (value === undefined || value === "") return undefined;
  // A number or a tag the range takes: as parsed, it is what getLogs takes.
  return parseBlock(value, { option, tags: LOG_BLOCK_TAGS, hashes: false }).shown as BlockSpec;
}

function parsePageSize(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = /^\d{1,9}$/.test(value) ? Number(value) : NaN;
  if (!(n >= 1)) throw new ChaincallError("INVALID_ARGUMENT", `invalid --page-size "${value}" (expected a whole number of blocks ≥ 1)`);
  return n;
}
