import type { Argv, CommandModule } from "yargs";
import { examples, readGlobals } from "../options.js";
import { createOutput } from "../output.js";

/** `chaincall abi <Name|file>`: a contract's functions, events and errors with their selectors; no node involved. */
export const abiCommand: CommandModule = {
  command: "abi <contract>",
  describe: "List a contract's functions, events and errors with their selectors (event topics)",
  builder: (yargs: Argv) =>
    yargs
      .positional("contract", { type: "string", describe: "a contract name in --abi-dir, or an ABI / Hardhat / Foundry artifact file" })
      .epilogue(
        examples([
          ["chaincall abi CallDemo", "from ./abi/CallDemo.abi"],
          ["chaincall abi artifacts/contracts/CallDemo.sol/CallDemo.json --json", "from an artifact, as JSON"],
        ]),
      ),
  handler: async (argv) => {
    const globals = readGlobals(argv);
    const output = createOutput(globals);
    const [{ loadContractAbi }, { describeAbi }] = await Promise.all([
      import("../../abi/loadContractAbi.js"),
      import("../../abi/describeAbi.js"),
    ]);
    const contract = loadContractAbi(String(argv.contract), globals.abiDir);
    const described = describeAbi(contract.abi, contract.json);
    const section = (title: string, rows: [string, string][]): string[] => {
      if (!rows.length) return [];
      const width = Math.max(...rows.map(([left]) => left.length));
      return [title, ...rows.map(([left, right]) => `  ${left.padEnd(width)}  ${right}`.trimEnd())];
    };
    output.lines([
      `${contract.name} (${contract.source})`,
      ...(described.constructor ? ["constructor", `  ${described.constructor.declaration}`] : []),
      ...section(
        "functions",
        described.functions.map((f) => [f.selector, f.declaration]),
      ),
      ...section(
        "events",
        described.events.map((e) => [e.selector, e.declaration]),
      ),
      ...section(
        "errors",
        described.errors.map((e) => [e.selector, e.declaration]),
      ),
      ...section(
        "structs",
        described.structs.map((s) => [s.name, `(${s.fields.map((f) => `${f.displayType} ${f.name}`.trim()).join(", ")})`]),
      ),
    ]);
    output.document({ contract: contract.name, source: contract.source, ...described });
  },
};
