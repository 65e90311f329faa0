import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "chai";
import { MULTICALL_BYTECODE_FILE, multicallBytecodeSource } from "../scripts/exportAbi";
import { DEPLOYLESS_MULTICALL3_CODE, MULTICALL3_RUNTIME_CODE } from "../src/client/batch/bytecode";

// The Multicall3 code chaincall ships must run on nodes older than Shanghai/Cancun (Ganache 7, older geth
// and L2s): compiled for Paris (hardhat.config.ts), so it holds none of the later opcodes.
const LATER_OPCODES: Record<number, string> = {
  0x5f: "PUSH0 (Shanghai)",
  0x5e: "MCOPY (Cancun)",
  0x5c: "TLOAD (Cancun)",
  0x5d: "TSTORE (Cancun)",
  0x49: "BLOBHASH (Cancun)",
  0x4a: "BLOBBASEFEE (Cancun)",
};

/**
 * The opcodes of `code` in order, skipping PUSH1..PUSH32 immediates; stops at the Solidity metadata
 * (its CBOR length is the last two bytes), which is data, not code.
 */
function opcodes(code: string): number[] {
  const bytes = Buffer.from(code.replace(/^0x/, ""), "hex");
  const metadataLength = bytes.length >= 2 ? bytes.readUInt16BE(bytes.length - 2) + 2 : 0;
  const end = metadataLength <= bytes.length ? bytes.length - metadataLength : bytes.length;
  const ops: number[] = [];
  for (let i = 0; i < end; i++) {
    const op = bytes[i];
    ops.push(op);
    if (op >= 0x60 && op <= 0x7f) i += op - 0x5f;
  }
  return ops;
}

describe("Multicall3 bytecode chaincall ships: runs on pre-Shanghai nodes", () => {
  it("the opcode walker skips PUSH data and finds a PUSH0 in code", () => {
    // PUSH2 0x5f5f, PUSH0, STOP, then a 2-byte empty metadata length.
    expect(opcodes("0x615f5f5f000000")).to.deep.equal([0x61, 0x5f, 0x00]);
    expect(opcodes("0x605f00" + "0000")).to.deep.equal([0x60, 0x00]);
  });

  for (const [name, code] of [
    ["Multicall3 runtime code", MULTICALL3_RUNTIME_CODE],
    ["DeploylessMulticall3 creation code", DEPLOYLESS_MULTICALL3_CODE],
  ] as const) {
    it(`${name} holds no PUSH0, MCOPY, TLOAD/TSTORE or blob opcodes`, () => {
      const ops = opcodes(code);
      expect(ops.length, "some code").to.be.greaterThan(100);
      const later = [...new Set(ops.filter((op) => op in LATER_OPCODES))].map((op) => LATER_OPCODES[op]);
      expect(later, `${name} uses opcodes old nodes reject`).to.deep.equal([]);
    });
  }

  it("the committed src/client/batch/bytecode.ts is the code compiled from contracts/multicall/", () => {
    // The file is a committed source (a fresh clone type-checks before compiling); the build's compile leaves
    // the artifacts this compares it with.
    const root = join(__dirname, "..", "..");
    const committed = readFileSync(join(root, MULTICALL_BYTECODE_FILE), "utf8");
    expect(
      committed === multicallBytecodeSource(join(root, "artifacts")),
      `${MULTICALL_BYTECODE_FILE} is stale: run "npx hardhat multicall-bytecode"`,
    ).to.equal(true);
    expect(committed).to.include(MULTICALL3_RUNTIME_CODE).and.include(DEPLOYLESS_MULTICALL3_CODE);
  });
});
