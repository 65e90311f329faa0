import type { Argv, CommandModule } from "yargs";
import { examples, readGlobals } from "../options.js";
import { createOutput } from "../output.js";

/** `chaincall receipt <hash>`: a mined transaction's receipt, with its events decoded by the known ABIs. */
export const receiptCommand: CommandModule = {
  command: "receipt <hash>",
  describe: "Print a transaction's receipt: status, block, gas, and events decoded with the ABIs in --abi-dir",
  builder: (yargs: Argv) =>
    yargs.positional("hash", { type: "string", describe: "transaction hash (0x and 64 hex digits)" }).epilogue(
      examples([
        ["chaincall receipt 0x9b27c0d5a9c1ac8e47a3d1e9b6d2f2f8ac3fa1c5a2d3e4f5a6b7c8d9e0f10dea", "status, gas and decoded events"],
        ["chaincall receipt $(chaincall send CallDemo setYear 2021 --async) --json | jq .status", "check a send made with --async"],
      ]),
    ),
  handler: async (argv) => {
    const globals = readGlobals(argv);
    const output = createOutput(globals);
    const [
      { parseTxHash },
      { notOnChain, keyValueLines },
      { withClient },
      { knownInterfaces },
      { summarizeReceipt, eventLine },
      { getReceiptState },
    ] = await Promise.all([
      import("../parseInput.js"),
      import("../chainArgs.js"),
      import("../session.js"),
      import("../target.js"),
      import("../printReceipt.js"),
      import("../../tx/getReceiptState.js"),
    ]);
    const hash = parseTxHash(String(argv.hash));
    const interfaces = knownInterfaces(globals);
    const receipt = await withClient(globals, { abis: interfaces }, async (client) => {
      const found = await getReceiptState(client, { hash });
      if (found.state === "mined") return found.receipt;
      if (found.state === "pending")
        throw notOnChain(`transaction ${hash} is pending: it has no receipt yet`, [
          "hint: chaincall tx <hash> shows it; ask again once it is mined",
        ]);
      throw notOnChain(`${client.endpoint} does not know transaction ${hash}`, ["hint: is --rpc-url the network it was sent to?"]);
    });
    const summary = summarizeReceipt(receipt, interfaces);
    output.lines([
      ...keyValueLines([
        ["hash", summary.hash],
        ["status", summary.status],
        ["block", summary.blockNumber],
        ["blockHash", receipt.blockHash],
        ["index", receipt.index],
        ["from", summary.from],
        ["to", summary.to ?? undefined],
        ["contract", summary.contractAddress ?? undefined],
        ["gasUsed", summary.gasUsed],
        ["gasPrice", receipt.gasPrice],
        ["type", receipt.type],
      ]),
      ...summary.events.map(eventLine),
    ]);
    output.document({
      hash: summary.hash,
      status: summary.status,
      blockNumber: summary.blockNumber,
      blockHash: receipt.blockHash,
      transactionIndex: receipt.index,
      from: summary.from,
      to: summary.to,
      contractAddress: summary.contractAddress,
      gasUsed: summary.gasUsed,
      cumulativeGasUsed: receipt.cumulativeGasUsed,
      effectiveGasPrice: receipt.gasPrice,
      type: receipt.type,
      events: summary.events,
    });
  },
};
