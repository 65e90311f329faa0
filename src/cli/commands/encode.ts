import type { Argv, CommandModule } from "yargs";
import { commandArgs, examples, readGlobals } from "../options.js";
import { createOutput } from "../output.js";

/** `--contract` of encode and decode: where a function given by name comes from. */
export const contractOption = {
  type: "string",
  describe:
    "take <function> from this ABI: a contract name in --abi-dir, or an ABI/artifact file [default: a signature, or the one ABI in --abi-dir declaring the name]",
} as const;

/** `chaincall encode <function> [args..]`: calldata hex (cast calldata), no node involved. */
export const encodeCommand: CommandModule = {
  command: "encode <function> [args..]",
  describe: "ABI-encode a call: print the calldata (selector + arguments) as hex",
  builder: (yargs: Argv) =>
    yargs
      .option("contract", contractOption)
      .positional("function", {
        type: "string",
        describe: 'a signature "name(types)", or a name (or name(types) for an overload) from an ABI',
      })
      .positional("args", {
        type: "string",
        array: true,
        describe: "arguments, parsed by their ABI types (JSON for arrays and structs; a negative hex or unit value after --)",
      })
      .epilogue(
        examples([
          ['chaincall encode "transfer(address,uint256)" 0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266 1.5ether', "like cast calldata"],
          ["chaincall encode setYear 2021 --contract CallDemo", "a function by name from ./abi/CallDemo.abi"],
          ['chaincall encode "f((uint64,string)[],int8)" \'[[1,"a"],[2,"b"]]\' -5', "an array of structs as JSON, and a negative number"],
        ]),
      ),
  handler: async (argv) => {
    const globals = readGlobals(argv);
    const output = createOutput(globals);
    const [{ resolveFunction }, { parseArgs }, { encodeCalldata }] = await Promise.all([
      import("../../abi/resolveFunction.js"),
      import("../../abi/parseArgs.js"),
      import("../../abi/encodeCalldata.js"),
    ]);
    const { fragment, contractName } = resolveFunction(String(argv.function), {
      contract: argv.contract as string | undefined,
      abiDir: globals.abiDir,
    });
    const calldata = encodeCalldata(fragment, parseArgs(fragment, commandArgs(argv)));
    output.lines([calldata]);
    output.document({ function: fragment.format("sighash"), contract: contractName ?? null, selector: fragment.selector, calldata });
  },
};
