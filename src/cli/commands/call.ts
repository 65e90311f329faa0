import type { Argv, CommandModule } from "yargs";
import { ChaincallError } from "../../errors/ChaincallError";
import { commandArgs, examples, readGlobals, withOptions } from "../options";
import { createOutput } from "../output";

const BLOCK_TAGS = ["latest", "pending", "safe", "finalized", "earliest"];

/** `chaincall call <target> <function> [args..]`: eth_call and print the decoded outputs. */
export const callCommand: CommandModule = {
  command: "call <target> <function> [args..]",
  describe: "Call a view function (eth_call) and print its decoded outputs",
  builder: (yargs: Argv) =>
    withOptions(yargs, "Call options:", {
      block: { alias: "b", type: "string", describe: "block: latest|pending|safe|finalized|earliest, a number or a hash [default: latest]" },
      from: { type: "string", describe: "msg.sender for the call" },
    })
      .positional("target", { type: "string", describe: "0x address, a name from the address book, or Name@0x…" })
      .positional("function", { type: "string", describe: 'function name, name(types) for an overload, or "name(types)(returns)" for a bare address' })
      .positional("args", { type: "string", array: true, describe: "arguments, parsed by their ABI types" })
      .epilogue(
        examples([
          ["chaincall call CallDemo getYear", "by name, through ./abi and ./deployments"],
          ['chaincall call 0x5FbDB2315678afecb367f032d93F642f64180aa3 "getYear()(uint256)"', "a bare address with a cast-style signature"],
        ]),
      ),
  handler: async (argv) => {
    const globals = readGlobals(argv);
    const output = createOutput(globals);
    const [{ prepareTarget, resolveTargetAddress, knownInterfaces, checkAddress }, { parseArgs }, { withClient }, { readContract }, { formatValue, toJsonValue }] = await Promise.all([
      import("../target"),
      import("../../abi/parseArgs"),
      import("../session"),
      import("../../client/readContract"),
      import("../../abi/formatValue"),
    ]);
    // Everything the user typed is checked before connecting: bad input sends nothing.
    const prepared = prepareTarget(String(argv.target), String(argv.function), globals);
    const args = parseArgs(prepared.fragment, commandArgs(argv));
    const from = argv.from === undefined ? undefined : checkAddress(String(argv.from));
    const blockTag = parseBlockTag(argv.block as string | undefined);
    const interfaces = knownInterfaces(globals, prepared.contract?.abi);
    const result = await withClient(globals, { abis: interfaces }, async (client) => {
      const address = resolveTargetAddress(prepared, client, globals);
      const values = await readContract(client, { address, fragment: prepared.fragment, args, from, blockTag });
      return { address, values };
    });
    const outputs = prepared.fragment.outputs;
    output.lines(result.values.map((v, i) => formatValue(v, outputs[i])));
    output.document({
      address: result.address,
      contract: prepared.contractName ?? null,
      function: prepared.fragment.format("sighash"),
      block: blockTag ?? "latest",
      result: result.values.map((v, i) => toJsonValue(v, outputs[i])),
    });
  },
};

/** Checks a `--block` value: a tag name, a decimal or hex number, or a 32-byte hash. */
function parseBlockTag(value: string | undefined): string | number | undefined {
  if (value === undefined) return undefined;
  if (BLOCK_TAGS.includes(value)) return value;
  if (/^\d+$/.test(value)) return Number(value);
  if (/^0x[0-9a-fA-F]{64}$/.test(value)) return value;
  if (/^0x[0-9a-fA-F]{1,16}$/.test(value)) return Number(BigInt(value));
  throw new ChaincallError("INVALID_ARGUMENT", `invalid --block "${value}" (expected ${BLOCK_TAGS.join("|")}, a number or a block hash)`);
}
