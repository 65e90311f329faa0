import type { Interface } from "ethers";
import type { Argv, CommandModule } from "yargs";
import type { toJsonValue as ToJsonValue } from "../../abi/formatValue.js";
import { examples, readGlobals } from "../options.js";
import { createOutput } from "../output.js";

/** `chaincall tx <hash>`: a transaction (mined or pending), with its call decoded when a known ABI has the function. */
export const txCommand: CommandModule = {
  command: "tx <hash>",
  describe: "Print a transaction: sender, recipient, value, nonce, fees, input (decoded with the ABIs in --abi-dir)",
  builder: (yargs: Argv) =>
    yargs
      .positional("hash", { type: "string", describe: "transaction hash (0x and 64 hex digits)" })
      .epilogue(
        examples([
          ["chaincall tx 0x9b27c0d5a9c1ac8e47a3d1e9b6d2f2f8ac3fa1c5a2d3e4f5a6b7c8d9e0f10dea", "mined or pending; the input decoded when an ABI knows it"],
          ["chaincall tx $HASH --json | jq -r .nonce", "one field, through jq"],
        ]),
      ),
  handler: async (argv) => {
    const globals = readGlobals(argv);
    const output = createOutput(globals);
    const [{ parseTxHash, notOnChain, keyValueLines, formatEvent }, { withClient }, { knownInterfaces }, { toJsonValue }] = await Promise.all([
      import("../chainArgs.js"),
      import("../session.js"),
      import("../target.js"),
      import("../../abi/formatValue.js"),
    ]);
    const hash = parseTxHash(String(argv.hash));
    const interfaces = knownInterfaces(globals);
    const tx = await withClient(globals, {}, async (client) => {
      const found = await client.provider.getTransaction(hash);
      if (!found) throw notOnChain(`${client.endpoint} does not know transaction ${hash}`, ["hint: is --rpc-url the network it was sent to?"]);
      return found;
    });
    const call = decodeInput(interfaces, tx.data, tx.value, toJsonValue);
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
        ["function", call ? formatEvent(call.name, call.args) : undefined],
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

/** The call a transaction's input makes, decoded with the first known ABI that has its selector; null otherwise. */
function decodeInput(interfaces: readonly Interface[], data: string, value: bigint, toJsonValue: typeof ToJsonValue): { name: string; signature: string; args: Record<string, unknown> } | null {
  if (data.length < 10) return null;
  for (const iface of interfaces) {
    try {
      const parsed = iface.parseTransaction({ data, value });
      if (!parsed) continue;
      const args: Record<string, unknown> = {};
      parsed.fragment.inputs.forEach((input, i) => {
        args[input.name || String(i)] = toJsonValue(parsed.args[i], input);
      });
      return { name: parsed.name, signature: parsed.signature, args };
    } catch {
      // The selector matched but the arguments do not decode with this ABI: try the next one.
    }
  }
  return null;
}
