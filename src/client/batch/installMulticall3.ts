import { assertArgument } from "../../errors/assertArgument.js";
import { ChaincallError } from "../../errors/ChaincallError.js";
import { toChaincallError } from "../../errors/toChaincallError.js";
import { MULTICALL3_RUNTIME_CODE } from "./bytecode.js";
import { MULTICALL3_ADDRESS } from "./ReadBatcher.js";

/** Anything that can send a JSON-RPC request: a chaincall client's provider, an ethers provider. */
export interface RpcSender {
  /** Sends one JSON-RPC request and resolves with its result. */
  send(method: string, params: unknown[]): Promise<unknown>;
}

/**
 * Puts Multicall3 (chaincall's build of its interface) at its canonical address on a local dev node, with
 * `hardhat_setCode`, `anvil_setCode` or Ganache's `evm_setAccountCode`, unless code is already there. For local chains only: public chains
 * have the canonical deployment.
 * @param node what sends the requests: `client.provider`, or any ethers provider
 * @returns true when it installed the code, false when the address already had code
 * @throws ChaincallError `INVALID_ARGUMENT` when `node` cannot send requests; `RPC_ERROR` when the node has
 *   none of these methods (not a dev node) or cannot be reached; `TIMEOUT`
 * @example await installMulticall3(client.provider); // then concurrent reads aggregate through it
 */
export async function installMulticall3(node: RpcSender): Promise<boolean> {
  assertArgument(
    typeof (node as RpcSender | undefined)?.send === "function",
    "node",
    "a provider (anything with send(method, params))",
    node,
  );
  let existing: unknown;
  try {
    existing = await node.send("eth_getCode", [MULTICALL3_ADDRESS, "latest"]);
  } catch (err) {
    throw toChaincallError(err);
  }
  if (existing !== "0x") return false;
  const errors: string[] = [];
  for (const method of ["hardhat_setCode", "anvil_setCode", "evm_setAccountCode"]) {
    try {
      await node.send(method, [MULTICALL3_ADDRESS, MULTICALL3_RUNTIME_CODE]);
      return true;
    } catch (err) {
      errors.push(`${method}: ${(err as { shortMessage?: string }).shortMessage ?? (err as Error).message}`);
    }
  }
  throw new ChaincallError("RPC_ERROR", "cannot install Multicall3: the node is not a Hardhat, Anvil or Ganache dev node", {
    details: errors.join("; "),
  });
}
