import { decodeOutputs } from "../../abi/decodeOutputs.js";
import { encodeCalldata } from "../../abi/encodeCalldata.js";
import { formatValue, toJsonValue } from "../../abi/formatValue.js";
import { parseArgs } from "../../abi/parseArgs.js";
import { parseSignature } from "../../abi/parseSignature.js";
import { ADDRESS_PATTERN } from "../../utils/address.js";
import { formatEtherFixed } from "../formatEther.js";
import { stringifyJson } from "../json.js";
import { parseAddress } from "../parseInput.js";
import type { FastLine } from "./readFastLine.js";

/** One fast command's work: the JSON-RPC requests it makes (after eth_chainId), and what it prints for their results. */
export interface FastJob {
  requests: { method: string; params: unknown[] }[];
  /** What the full command prints on stdout for these results; throws for any answer it would not print. */
  print(results: unknown[]): string;
}

/**
 * The job of a fast command line, as the full command does it (src/cli/commands/call.ts, chainId.ts,
 * blockNumber.ts, balance.ts); throws for a command line its full command would refuse or treat otherwise.
 * @example prepareFastJob({ command: "chain-id", positionals: [], rpcUrl, json: false, timeoutMs: 60_000 }, 31337n)
 */
export function prepareFastJob(line: FastLine, chainId: () => bigint): FastJob {
  const { positionals, json } = line;
  const printed = (lines: string[], document: unknown): string => (json ? `${stringifyJson(document, 2)}\n` : `${lines.join("\n")}\n`);
  if (line.command === "chain-id") {
    if (positionals.length !== 0) throw new Error("chain-id takes no positional");
    return { requests: [], print: () => printed([chainId().toString()], { chainId: chainId() }) };
  }
  if (line.command === "block-number") {
    if (positionals.length !== 0) throw new Error("block-number with a block is the full CLI's");
    return {
      requests: [{ method: "eth_blockNumber", params: [] }],
      print: ([answer]) => {
        if (typeof answer !== "string" || !/^0x(0|[1-9a-fA-F][0-9a-fA-F]{0,12})$/.test(answer)) throw new Error("not a block number");
        const blockNumber = Number(answer);
        return printed([String(blockNumber)], { blockNumber });
      },
    };
  }
  if (line.command === "balance") {
    const [account, ...rest] = positionals;
    if (account === undefined || rest.length > 0 || !ADDRESS_PATTERN.test(account)) throw new Error("a name, or bad input");
    const address = parseAddress(account);
    return {
      requests: [{ method: "eth_getBalance", params: [address, "latest"] }],
      print: ([answer]) => {
        if (typeof answer !== "string" || !/^0x[0-9a-fA-F]{1,64}$/.test(answer)) throw new Error("not a quantity");
        const wei = BigInt(answer);
        const ether = formatEtherFixed(wei);
        return printed([line.ether ? ether : wei.toString()], { address, block: "latest", balance: wei, ether });
      },
    };
  }
  return prepareCall(line, printed);
}

// `call <0x address> "name(types)(returns)" [args…]`: a bare address and a signature with return types only.
function prepareCall(line: FastLine, printed: (lines: string[], document: unknown) => string): FastJob {
  const [target, signature, ...args] = line.positionals;
  if (target === undefined || signature === undefined || !ADDRESS_PATTERN.test(target) || !signature.includes("("))
    throw new Error("a target or function the full CLI resolves");
  const address = parseAddress(target);
  const fragment = parseSignature(signature);
  // Without return types the full path prints the raw answer: not handled here.
  const outputs = fragment.outputs;
  if (outputs.length === 0) throw new Error("no outputs");
  const data = encodeCalldata(fragment, parseArgs(fragment, args));
  return {
    requests: [{ method: "eth_call", params: [{ to: address, data }, "latest"] }],
    print: ([answer]) => {
      if (typeof answer !== "string" || !/^0x([0-9a-fA-F]{2})+$/.test(answer)) throw new Error("no return data");
      const values = decodeOutputs(fragment, answer);
      return printed(
        values.map((v, i) => formatValue(v, outputs[i])),
        {
          address,
          contract: null,
          function: fragment.format("sighash"),
          block: "latest",
          result: values.map((v, i) => toJsonValue(v, outputs[i])),
        },
      );
    },
  };
}
