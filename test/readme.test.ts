import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "chai";
import { CLI_DOC, commandHeading, commandNames, currentCliReference, renderCliReference, START_MARKER } from "../scripts/cliReference";
import { projectRoot } from "../scripts/lib/localNode";

describe("docs", function () {
  this.timeout(120_000);
  const read = (file: string): string => readFileSync(join(projectRoot(), file), "utf8");

  it(`the CLI reference in ${CLI_DOC} is exactly what --help prints, for every command`, () => {
    const current = currentCliReference(read(CLI_DOC));
    expect(current, `${CLI_DOC} has no CLI reference section`).to.be.a("string");
    expect(current).to.equal(renderCliReference(), "run: node dist/scripts/cliReference.js --write");
  });

  it("the reference covers every command of SPEC §4", () => {
    const doc = read(CLI_DOC);
    const listed = commandNames(currentCliReference(doc)!.split("$ chaincall --help\n")[1] ?? "");
    const spec = [
      "call",
      "send",
      "deploy",
      "gen",
      "encode",
      "decode",
      "abi",
      "logs",
      "batch",
      "receipt",
      "tx",
      "balance",
      "nonce",
      "block-number",
      "chain-id",
      "accounts",
      "completion",
    ];
    expect(spec.filter((name) => !listed.includes(name))).to.deep.equal([]);
    for (const name of listed) expect(doc).to.contain(`${commandHeading(name)}\n`);
  });

  it(`README.md links ${CLI_DOC} instead of carrying a copy of the reference`, () => {
    const readme = read("README.md");
    expect(readme).to.match(new RegExp(`\\]\\(${CLI_DOC.replace(".", "\\.")}(#[a-z0-9-]+)?\\)`), `README.md has no link to ${CLI_DOC}`);
    expect(readme).not.to.contain(START_MARKER);
  });
});
