import { existsSync, readFileSync } from "node:fs";
import { expect } from "chai";
import { TEST_SECRETS } from "../fixtures/secrets";

// Runs last (listed after the *.test.js files in .mocharc.json): every ChaincallError created during the run,
// in this process and in every CLI it spawned, was appended to CHAINCALL_ERROR_LOG (set in fixtures/hooks.ts)
// by the error listener (src/errors/errorListener.ts) that fixtures/hooks.ts and each CLI's main install.

describe("secrets audit of every error message of this run", () => {
  let lines: string[] = [];
  before(() => {
    const file = process.env.CHAINCALL_ERROR_LOG!;
    lines = existsSync(file) ? readFileSync(file, "utf8").split("\n").filter(Boolean) : [];
  });

  it("saw the run's errors (the audit is not vacuous)", () => {
    const codes = new Set(lines.map((l) => (JSON.parse(l) as { code: string }).code));
    expect(lines.length).to.be.above(30);
    for (const code of [
      "CALL_REVERTED",
      "SIGNER_ERROR",
      "INVALID_ARGUMENT",
      "TX_DROPPED",
      "TX_REPLACED",
      "INSUFFICIENT_FUNDS",
      "RPC_ERROR",
    ])
      expect([...codes]).to.include(code);
  });

  it("finds no private key, password or URL credential", () => {
    for (const secret of TEST_SECRETS) {
      const hits = lines.filter((l) => l.toLowerCase().includes(secret.toLowerCase()));
      expect(hits, `"${secret.slice(0, 6)}…" appears in ${hits.length} error(s)`).to.deep.equal([]);
    }
  });

  it("finds no signed raw transaction (RLP of type 0, 1 or 2)", () => {
    const raw = /0x(0[12])?f[89][0-9a-f]{200,}/i;
    const hits = lines.filter((l) => raw.test(l));
    expect(hits.map((l) => l.slice(0, 200))).to.deep.equal([]);
  });
});
