import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "chai";
import { commandNames, readmeCliReference, renderCliReference } from "../scripts/cliReference";
import { projectRoot } from "../scripts/lib/localNode";

describe("README", function () {
  this.timeout(120_000);

  it("its CLI reference is exactly what --help prints, for every command", () => {
    const readme = readFileSync(join(projectRoot(), "README.md"), "utf8");
    const current = readmeCliReference(readme);
    expect(current, "README.md has no CLI reference section").to.be.a("string");
    expect(current).to.equal(renderCliReference(), "run: node dist/scripts/cliReference.js --write");
  });

  it("the reference covers every command of SPEC §4", () => {
    const readme = readFileSync(join(projectRoot(), "README.md"), "utf8");
    const listed = commandNames(readmeCliReference(readme)!.split("$ chaincall --help\n")[1] ?? "");
    const spec = ["call", "send", "deploy", "gen", "encode", "decode", "abi", "logs", "batch", "receipt", "tx", "balance", "nonce", "block-number", "chain-id", "accounts", "completion"];
    expect(spec.filter((name) => !listed.includes(name))).to.deep.equal([]);
    for (const name of listed) expect(readme).to.contain(`#### chaincall ${name}\n`);
  });
});
