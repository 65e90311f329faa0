import type { Argv, CommandModule } from "yargs";
import { examples, readGlobals } from "../options.js";
import { createOutput } from "../output.js";

/** `chaincall tx <hash>`: a transaction (mined or pending), with its call decoded when a known ABI has the function. */
export const txCommand: CommandModule = {
  command: "tx <hash>",
  describe: "Print a transaction: sender, recipient, value, nonce, fees, input (decoded with the ABIs in --abi-dir)",
  builder: (yargs: Argv) =>
    yargs.positional("hash", { type: "string", describe: "transaction hash (0x and 64 hex digits)" }).epilogue(
      examples([
        [
          "chaincall tx 0x9b27c0d5a9c1ac8e47a3d1e9b6d2f2f8ac3fa1c5a2d3e4f5a6b7c8d9e0f10dea",
          "mined or pending; the input decoded when an ABI knows it",
        ],
        ["chaincall tx $HASH --json | jq -r .nonce", "one field, through jq"],
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
      { namedArgs, formatNamedArgs },
      { getTransaction },
    ] = await Promise.all([
      import("../parseInput.js"),
      import("../chainArgs.js"),
      import("../session.js"),
      import("../target.js"),
      import("../../abi/formatValue.js"),
      import("../../tx/getTransaction.js"),
    ]);
    const hash = parseTxHash(String(argv.hash));
    const interfaces = knownInterfaces(globals);
    const found = await withClient(globals, {}, async (client) => {
      const result = await getTransaction(client, { hash, abis: interfaces });
      if (!result)
        throw notOnChain(`${client.endpoint} does not know transaction ${hash}`, ["hint: is --rpc-url the network it was sent to?"]);
      return result;
    });
    const tx = found.transaction;
    const call = found.call && {
      name: found.call.name,
      signature: found.call.signature,
      args: namedArgs(found.call.fragment.inputs, found.call.args),
    };
    const mined = tx.blockNumber !== null;
    output.lines(
      keyValueLines([
        ["hash", tx.hash],
        ["block", mined ? tx.blockNumber : "pending"],
        ["blockHash", mined ? tx.blockHash : undefined],
        ["index", mined ? tx.index : undefined],
        ["from", tx.from],
        ["to", tx.to ?? "(contract creation)"],
        ["value", tx.value],
        ["nonce", tx.nonce],
        ["type", tx.type],
        ["gasLimit", tx.gasLimit],
        ["gasPrice", tx.gasPrice ?? undefined],
        ["maxFee", tx.maxFeePerGas ?? undefined],
        ["priorityFee", tx.maxPriorityFeePerGas ?? undefined],
        ["chainId", tx.chainId],
        ["input", tx.data],
        ["function", call ? formatNamedArgs(call.name, call.args) : undefined],
      ]),
    );
    output.document({
      hash: tx.hash,
      blockNumber: tx.blockNumber,
      blockHash: mined ? tx.blockHash : null,
      transactionIndex: mined ? tx.index : null,
      from: tx.from,
      to: tx.to,
      value: tx.value,
      nonce: tx.nonce,
      type: tx.type,
      gasLimit: tx.gasLimit,
      gasPrice: tx.gasPrice,
      maxFeePerGas: tx.maxFeePerGas,
      maxPriorityFeePerGas: tx.maxPriorityFeePerGas,
      chainId: tx.chainId,
      data: tx.data,
      function: call,
    });
  },
};
