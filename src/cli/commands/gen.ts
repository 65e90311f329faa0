import type { Argv, CommandModule } from "yargs";
import { examples, readGlobals } from "../options.js";
import { createOutput } from "../output.js";

/** `chaincall gen [inputs..] --out dir`: typed bindings from ABI files and artifacts (abigen's role). */
export const genCommand: CommandModule = {
  command: "gen [inputs..]",
  describe: "Generate typed TypeScript bindings (TypeChain, ethers v6) from ABI files and artifacts",
  builder: (yargs: Argv) =>
    yargs
      .positional("inputs", {
        type: "string",
        array: true,
        describe: "ABI files (X.abi + X.bin), artifact JSON, or folders [default: --abi-dir]",
      })
      .option("out", { alias: "o", type: "string", default: "typechain-types", describe: "output folder" })
      .option("force", { type: "boolean", describe: "regenerate even when the inputs did not change" })
      .option("node16-modules", { type: "boolean", describe: 'emit .js extensions in imports (default: on in a "type": "module" package)' })
      .epilogue(
        examples([
          ["chaincall gen abi --out typechain-types", "like abigen --abi CallDemo.abi --bin CallDemo.bin --pkg main"],
          ["chaincall gen artifacts/contracts out/", "from Hardhat and Foundry artifacts"],
        ]),
      ),
  handler: async (argv) => {
    const globals = readGlobals(argv);
    const output = createOutput(globals);
    const { generateBindings } = await import("../../codegen/generateBindings.js");
    const inputs = ((argv.inputs as unknown[] | undefined) ?? []).map(String);
    const result = await generateBindings({
      inputs: inputs.length ? inputs : [globals.abiDir],
      outDir: String(argv.out),
      force: Boolean(argv.force),
      // Unset: codegen decides from the output folder's package ("type": "module" gets .js suffixes).
      node16Modules: argv["node16-modules"] === undefined ? undefined : Boolean(argv["node16-modules"]),
    });
    const names = result.contracts.join(", ");
    // Like abigen, nothing to say on success with --quiet (the build uses that).
    if (!globals.quiet)
      output.lines([
        result.cached
          ? `up to date: ${result.contracts.length} contract(s) in ${result.outDir} (${names})`
          : `generated ${result.contracts.length} contract(s) in ${result.outDir} (${names}): ${result.filesWritten} files`,
      ]);
    output.document(result);
  },
};
