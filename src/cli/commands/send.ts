import type { Argv, CommandModule } from "yargs";
import { ChaincallError } from "../../errors/ChaincallError.js";
import { commandArgs, examples, readGlobals, sendOptions, signerOptions, withOptions } from "../options.js";
import { createOutput } from "../output.js";

/** `chaincall send <target> <function> [args..]`: sign, broadcast, wait, print hash, status and events. */
export const sendCommand: CommandModule = {
  command: "send <target> <function> [args..]",
  describe: "Send a transaction to a function: prints the hash, then status, gas and decoded events",
  builder: (yargs: Argv) =>
    withOptions(withOptions(yargs, "Signer options:", signerOptions), "Transaction options:", {
      ...sendOptions,
      force: { type: "boolean", describe: "send even to a view or pure function (normally refused: use call)" },
    })
      .positional("target", { type: "string", describe: "0x address, a name from the address book, or Name@0x…" })
      .positional("function", { type: "string", describe: 'function name, name(types), or "name(types)" for a bare address' })
      .positional("args", { type: "string", array: true, describe: "arguments, parsed by their ABI types" })
      .epilogue(
        examples([
          ["ETH_PRIVATE_KEY=0x… chaincall send CallDemo setYear 2021", "sign with a key from the environment"],
          ["chaincall send CallDemo setYear 2021 --from 0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266", "a node-managed account"],
          ["chaincall send CallDemo setYear 2021 --async", "print only the hash, do not wait"],
          ["chaincall send CallDemo setYear 2021 --confirmations 3 --timeout 300", "wait for 3 blocks, at most 5 minutes"],
        ]),
      ),
  handler: async (argv) => {
    const globals = readGlobals(argv);
    const output = createOutput(globals);
    const [
      { prepareTarget, resolveTargetAddress, knownInterfaces },
      { parseArgs },
      { withClient, readSigner },
      { readTxOverrides, readConfirmations },
      { broadcastAndWait },
      { receiptLines },
    ] = await Promise.all([
      import("../target.js"),
      import("../../abi/parseArgs.js"),
      import("../session.js"),
      import("../txOptions.js"),
      import("../broadcast.js"),
      import("../printReceipt.js"),
    ]);
    const prepared = prepareTarget(String(argv.target), String(argv.function), globals);
    const args = parseArgs(prepared.fragment, commandArgs(argv));
    if (prepared.fragment.constant && !argv.force) {
      // A transaction to a view function pays gas to change nothing, and its result is lost.
      throw new ChaincallError(
        "INVALID_ARGUMENT",
        `${prepared.fragment.format("sighash")} is ${prepared.fragment.stateMutability}: a transaction would change nothing`,
        {
          metaMessages: [
            `hint: read it with chaincall call ${String(argv.target)} ${String(argv.function)}${commandArgs(argv).length ? " …" : ""}, or add --force to send anyway`,
          ],
        },
      );
    }
    const overrides = readTxOverrides(argv);
    const confirmations = readConfirmations(argv);
    if (overrides.value && overrides.value > 0n && !prepared.fragment.payable) {
      throw new ChaincallError("INVALID_ARGUMENT", `${prepared.fragment.format("sighash")} is not payable: it cannot take --value`);
    }
    const signer = readSigner(argv, output);
    const interfaces = knownInterfaces(globals, prepared.contract?.abi);
    const { encodeCalldata } = await import("../../abi/encodeCalldata.js");
    const data = encodeCalldata(prepared.fragment, args);
    const result = await withClient(globals, { signer, abis: interfaces, journal: argv.journal as string | undefined }, async (client) => {
      const to = resolveTargetAddress(prepared, client, globals);
      const describeTo = `${prepared.contractName ? `${prepared.contractName}.` : ""}${prepared.fragment.format("sighash")}`;
      return broadcastAndWait(
        client,
        { ...overrides, to, data },
        { output, confirmations, async: Boolean(argv.async), timeoutMs: globals.timeoutMs, interfaces, yes: Boolean(argv.yes), describeTo },
      );
    });
    if (result.receipt) output.lines(receiptLines(result.receipt));
    output.document(result.receipt ? { ...result.receipt, nonce: result.nonce } : { hash: result.hash, nonce: result.nonce });
  },
};
