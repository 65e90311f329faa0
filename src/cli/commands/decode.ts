import type { Argv, CommandModule } from "yargs";
import { ChaincallError } from "../../errors/ChaincallError.js";
import { examples, readGlobals } from "../options.js";
import { createOutput } from "../output.js";
import { contractOption } from "./encode.js";

/** `chaincall decode <function> [data]`: decodes calldata, or return data with --output; no node involved. */
export const decodeCommand: CommandModule = {
  command: "decode <function> [data]",
  describe: "Decode calldata (or return data with --output) and print one value per line",
  builder: (yargs: Argv) =>
    yargs
      .option("output", { type: "boolean", describe: 'decode return data with the return types ("name(types)(returns)", or from the ABI)' })
      .option("contract", contractOption)
      .positional("function", { type: "string", describe: 'a signature "name(types)(returns)", or a name (or name(types)) from an ABI' })
      .positional("data", { type: "string", describe: "hex data [default: read from stdin; also with -]" })
      .epilogue(
        examples([
          [
            'chaincall encode "setYear(uint256)" 2021 | chaincall decode "setYear(uint256)"',
            "calldata, piped in or as the second argument (cast decode-calldata)",
          ],
          ['chaincall decode "getYear()(uint256)" --output 0x$(printf %064x 2020)', "return data (cast abi-decode): prints 2020"],
          [
            "chaincall decode setYear --contract CallDemo --json 0xbdd85ffa$(printf %064x 2021)",
            "a function by name from ./abi/CallDemo.abi, as JSON",
          ],
        ]),
      ),
  handler: async (argv) => {
    const globals = readGlobals(argv);
    const output = createOutput(globals);
    const [{ resolveFunction, findFunctionBySelector }, { decodeCalldata }, { formatValue, toJsonValue }] = await Promise.all([
      import("../../abi/resolveFunction.js"),
      import("../../abi/decodeCalldata.js"),
      import("../../abi/formatValue.js"),
    ]);
    const { fragment, contractName, fromAbi } = resolveFunction(String(argv.function), {
      contract: argv.contract as string | undefined,
      abiDir: globals.abiDir,
    });
    const returnData = Boolean(argv.output);
    // A signature without return types has nothing to decode return data with (an ABI's function may truly return nothing).
    if (returnData && !fromAbi && fragment.outputs.length === 0) {
      throw new ChaincallError("INVALID_ARGUMENT", `--output needs the return types: "${fragment.format("sighash")}(types)"`, {
        metaMessages: [
          `hint: e.g. chaincall decode "${fragment.format("sighash")}(uint256)" 0x… --output, or take the function from an ABI with --contract`,
        ],
      });
    }
    const data = argv.data === undefined || argv.data === "-" ? await readStdin() : String(argv.data);
    // Like every other hex input (encode, call, receipt…): "0x" says it is hex, so "1234" is never a number read as bytes.
    if (!/^0x/i.test(data.trim())) {
      throw new ChaincallError(
        "INVALID_ARGUMENT",
        `data must start with 0x: ${data.trim().slice(0, 20)}${data.trim().length > 20 ? "…" : ""}`,
        {
          metaMessages: [
            `hint: chaincall decode "${fragment.format("sighash")}" 0x${data.trim().slice(0, 8)}…${returnData ? " --output" : ""}`,
          ],
        },
      );
    }
    const decoded = decodeCalldata(fragment, data, {
      output: returnData,
      // Only on a foreign selector: which function of the known ABIs it belongs to.
      describeSelector: (selector) => findFunctionBySelector(selector, globals.abiDir),
    });
    output.lines(decoded.values.map((v, i) => formatValue(v, decoded.params[i])));
    const values = decoded.values.map((v, i) => toJsonValue(v, decoded.params[i]));
    const document = { function: fragment.format("sighash"), contract: contractName ?? null };
    output.document(returnData ? { ...document, result: values } : { ...document, selector: decoded.selector, args: values });
  },
};

// The data when it is piped in (`chaincall encode … | chaincall decode …`); never waits on a terminal.
async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) throw new ChaincallError("INVALID_ARGUMENT", "no data: give the hex data, or pipe it in");
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString("utf8").trim();
  if (text === "") throw new ChaincallError("INVALID_ARGUMENT", "no data: give the hex data, or pipe it in");
  return text;
}
