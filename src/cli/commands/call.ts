import type { FunctionFragment } from "ethers";
import type { Argv, CommandModule } from "yargs";
import { commandArgs, examples, readGlobals, withOptions } from "../options.js";
import { createOutput } from "../output.js";

/** `chaincall call <target> <function> [args..]`: eth_call and print the decoded outputs. */
export const callCommand: CommandModule = {
  command: "call <target> <function> [args..]",
  describe: "Call a view function (eth_call) and print its decoded outputs",
  builder: (yargs: Argv) =>
    withOptions(yargs, "Call options:", {
      block: {
        alias: "b",
        type: "string",
        describe: "block: latest|pending|safe|finalized|earliest, a number or a hash [default: latest]",
      },
      from: { type: "string", describe: "msg.sender for the call" },
    })
      .positional("target", { type: "string", describe: "0x address, a name from the address book, or Name@0x…" })
      .positional("function", {
        type: "string",
        describe: 'function name, name(types) for an overload, or "name(types)(returns)" for a bare address',
      })
      .positional("args", { type: "string", array: true, describe: "arguments, parsed by their ABI types" })
      .epilogue(
        examples([
          ["chaincall call CallDemo getYear", "by name, through ./abi and ./deployments"],
          ['chaincall call 0x5FbDB2315678afecb367f032d93F642f64180aa3 "getYear()(uint256)"', "a bare address with a cast-style signature"],
          ['chaincall call 0x5FbDB2315678afecb367f032d93F642f64180aa3 "getYear()"', "no return types: prints the raw return data (0x…)"],
        ]),
      ),
  handler: async (argv) => {
    const globals = readGlobals(argv);
    const output = createOutput(globals);
    const [
      { prepareTarget, resolveTargetAddress, knownInterfaces },
      { parseAddress, parseBlock },
      { parseArgs },
      { withClient },
      { readContract, callContract },
      { formatValue, toJsonValue },
    ] = await Promise.all([
      import("../target.js"),
      import("../parseInput.js"),
      import("../../abi/parseArgs.js"),
      import("../session.js"),
      import("../../client/readContract.js"),
      import("../../abi/formatValue.js"),
    ]);
    // Everything the user typed is checked before connecting: bad input sends nothing.
    const prepared = prepareTarget(String(argv.target), String(argv.function), globals);
    const args = parseArgs(prepared.fragment, commandArgs(argv));
    const from = argv.from === undefined ? undefined : parseAddress(String(argv.from));
    // As ethers takes it: a tag, a number or a block hash; unset means the latest block.
    const blockTag = argv.block === undefined ? undefined : parseBlock(String(argv.block)).shown;
    const interfaces = knownInterfaces(globals, prepared.contract?.abi);
    const outputs = prepared.fragment.outputs;
    // A signature without return types ("getYear()") says nothing about what comes back: print the raw
    // return data, as cast does. A function from an ABI that returns nothing is said to, below.
    const rawMode = prepared.contract === undefined && outputs.length === 0;
    const result = await withClient(globals, { abis: interfaces }, async (client) => {
      const address = resolveTargetAddress(prepared, client, globals);
      const parameters = { address, fragment: prepared.fragment, args, from, blockTag };
      if (rawMode) return { address, values: [] as unknown[], raw: await callContract(client, parameters) };
      const values = await readContract(client, parameters);
      return { address, values, raw: undefined };
    });
    const document = {
      address: result.address,
      contract: prepared.contractName ?? null,
      function: prepared.fragment.format("sighash"),
      block: blockTag ?? "latest",
    };
    if (result.raw !== undefined) {
      output.lines([result.raw]);
      output.document({ ...document, result: result.raw });
      return;
    }
    if (outputs.length === 0) {
      // Never a silent exit 0: eth_call ran the function and threw its effects away.
      const note = nothingReturnedNote(prepared.fragment, String(argv.target), commandArgs(argv));
      output.note(note);
      output.document({ ...document, result: [], note });
      return;
    }
    output.lines(result.values.map((v, i) => formatValue(v, outputs[i])));
    output.document({ ...document, result: result.values.map((v, i) => toJsonValue(v, outputs[i])) });
  },
};

/**
 * What `call` (and a `batch` read) says when the function returns nothing: that it ran without effect, and
 * how to make it a transaction.
 * @example nothingReturnedNote(fragment, "CallDemo", ["2099"]) // "setYear(uint256) returns nothing; … chaincall send CallDemo setYear 2099 makes it a transaction"
 */
export function nothingReturnedNote(fragment: FunctionFragment, target: string, args: readonly string[]): string {
  const name = fragment.format("sighash");
  const quoted = [target, fragment.name, ...args].map((a) => (/^[\w@.:-]+$/.test(a) ? a : `'${a}'`)).join(" ");
  return fragment.constant
    ? `${name} returns nothing`
    : `${name} returns nothing; the call ran it without a transaction and changed nothing: chaincall send ${quoted} makes it a transaction`;
}
