import { expect } from "chai";
import { Interface, makeError } from "ethers";
import { ContractRevertedError } from "../src";
import { findRevertData } from "../src/errors/findRevertData";
import { toChaincallError } from "../src/errors/toChaincallError";

// The one place revert data is looked for (src/errors/findRevertData.ts), on every shape a node or ethers
// puts it in. The shapes are the ones the nodes answer (Ganache's recorded below verbatim in form).

const REASON = `0x08c379a0${"20".padStart(64, "0")}${"11".padStart(64, "0")}${Buffer.from("Vault: zero value").toString("hex").padEnd(64, "0")}`;
const CUSTOM = "0x8e4a23d600000000000000000000000070997970c51812dc3a010c7d01b50e0d17dc79c8";
const CALLDATA = "0x6057361d0000000000000000000000000000000000000000000000000000000000000000";

describe("findRevertData: revert data from every place nodes put it", () => {
  it("error.data as a hex string (geth, Anvil, Hardhat, Ganache's eth_call)", () => {
    expect(findRevertData({ code: -32000, message: "execution reverted", data: REASON })).to.equal(REASON);
  });

  it("error.data.data (an object holding the hex)", () => {
    expect(findRevertData({ code: -32603, data: { message: "reverted", txHash: `0x${"ab".repeat(32)}`, data: CUSTOM } })).to.equal(CUSTOM);
  });

  it("error.data.result (Ganache's eth_estimateGas object)", () => {
    const node = {
      code: -32000,
      message: "VM Exception while processing transaction: revert",
      data: { hash: null, programCounter: 1145, result: CUSTOM, reason: null, message: "revert" },
    };
    expect(findRevertData(node)).to.equal(CUSTOM);
  });

  it("error.error.data and info.error.data (ethers keeps the node's error there)", () => {
    expect(findRevertData({ code: "UNKNOWN_ERROR", error: { code: 3, data: REASON } })).to.equal(REASON);
    expect(findRevertData({ code: "CALL_EXCEPTION", data: null, info: { error: { data: { result: REASON } } } })).to.equal(REASON);
  });

  it("nested causes, several levels deep", () => {
    const deep = {
      message: "outer",
      cause: { message: "middle", cause: { code: "CALL_EXCEPTION", data: null, info: { error: { data: CUSTOM } } } },
    };
    expect(findRevertData(deep)).to.equal(CUSTOM);
  });

  it("the outermost revert data wins over deeper ones", () => {
    expect(findRevertData({ data: REASON, cause: { data: CUSTOM } })).to.equal(REASON);
  });

  it("a revert without data (0x) counts as found", () => {
    expect(findRevertData({ code: 3, data: "0x" })).to.equal("0x");
  });

  it("never takes the request's calldata (transaction.data, info.payload) for revert data", () => {
    const err = {
      code: "CALL_EXCEPTION",
      data: null,
      transaction: { to: `0x${"11".repeat(20)}`, data: CALLDATA },
      info: { payload: { params: [{ data: CALLDATA }] }, error: { message: "header not found" } },
    };
    expect(findRevertData(err)).to.equal(undefined);
  });

  it("ignores text that is not hex bytes, and survives cycles", () => {
    const loop: Record<string, unknown> = { data: "not hex", error: { data: "0x123" } };
    loop.cause = loop;
    expect(findRevertData(loop)).to.equal(undefined);
    expect(findRevertData(undefined)).to.equal(undefined);
    expect(findRevertData("0x1234")).to.equal(undefined);
  });

  it("toChaincallError decodes Ganache's eth_estimateGas shape into a ContractRevertedError", () => {
    // What ethers makes of Ganache's answer to eth_estimateGas: a CALL_EXCEPTION without data (its own
    // search does not look in `result`), the node's error kept in info.error.
    const node = {
      code: -32000,
      message: "VM Exception while processing transaction: revert",
      data: { hash: null, programCounter: 1145, result: CUSTOM, reason: null, message: "revert" },
    };
    const ethersError = makeError("execution reverted (unknown custom error)", "CALL_EXCEPTION", {
      action: "estimateGas",
      data: null,
      reason: null,
      transaction: { to: null, data: CALLDATA },
      invocation: null,
      revert: null,
      info: { error: node, payload: {} },
    });
    const iface = new Interface(["error Unauthorized(address caller)"]);
    const err = toChaincallError(ethersError, { interfaces: [iface] });
    expect(err).to.be.instanceOf(ContractRevertedError);
    const reverted = err as ContractRevertedError;
    expect(reverted.code).to.equal("CALL_REVERTED");
    expect(reverted.errorName).to.equal("Unauthorized");
    expect(reverted.data).to.equal(CUSTOM);
    expect(String(reverted.args[0]).toLowerCase()).to.equal("0x70997970c51812dc3a010c7d01b50e0d17dc79c8");
  });
});
