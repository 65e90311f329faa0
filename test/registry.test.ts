import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { type Client, ContractRevertedError, contractAt, recordDeployment } from "../src";
import { addressBookPath } from "../src/registry/addressBook";
import { CallDemo__factory, Reader__factory } from "../typechain-types";
import { rejection } from "./fixtures/assertions";
import { anvil, deployCallDemo, devClient, isolateState } from "./fixtures/nodes";

describe("address book: contractAt resolves names to typed contracts for the connected chain", function () {
  this.timeout(60_000);
  isolateState(anvil, "suite");
  let client: Client;
  let dir: string;
  let demoAddress: string;

  before(async () => {
    client = await devClient(anvil());
    dir = mkdtempSync(join(tmpdir(), "chaincall-book-"));
    ({ address: demoAddress } = await deployCallDemo(client));
    recordDeployment(dir, client, "CallDemo", { address: demoAddress });
    const reader = await new Reader__factory(client.signer).deploy();
    await reader.waitForDeployment();
    recordDeployment(dir, client, "Checker", { address: await reader.getAddress(), contract: "Reader" });
  });
  after(async () => {
    await client?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("by the factory's contract name: a working binding at the recorded address", async () => {
    const demo = contractAt(client, CallDemo__factory, { deployments: dir });
    expect(await demo.getAddress()).to.equal(demoAddress);
    expect(await demo.getYear()).to.equal(2020n);
  });

  it("by an explicit name, and the client then decodes that contract's custom errors", async () => {
    const reader = contractAt(client, Reader__factory, { name: "Checker", deployments: dir });
    const err = await rejection(() => reader.check(5_000));
    expect(err).to.be.instanceOf(ContractRevertedError);
    expect((err as ContractRevertedError).reason).to.equal("TooBig(5000, 1900)");
  });

  it("an unknown name is NOT_FOUND and lists the names the book has", async () => {
    const err = await rejection(() => contractAt(client, Reader__factory, { deployments: dir }));
    expect(err.code).to.equal("NOT_FOUND");
    expect(err.message).to.contain('no address for "Reader" on chain 31337');
    expect(err.metaMessages.join("\n")).to.contain("known names: CallDemo, Checker");
  });

  it("a chain with no address book is NOT_FOUND naming the missing file", async () => {
    const empty = mkdtempSync(join(tmpdir(), "chaincall-book-"));
    try {
      const err = await rejection(() => contractAt(client, CallDemo__factory, { deployments: empty }));
      expect(err.code).to.equal("NOT_FOUND");
      expect(err.message).to.contain(`${addressBookPath(empty, client)} does not exist`);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it("a malformed book is INVALID_ARGUMENT, not a crash", async () => {
    const bad = mkdtempSync(join(tmpdir(), "chaincall-book-"));
    try {
      writeFileSync(addressBookPath(bad, client), JSON.stringify({ CallDemo: { address: "0x1234" } }));
      const err = await rejection(() => contractAt(client, CallDemo__factory, { deployments: bad }));
      expect(err.code).to.equal("INVALID_ARGUMENT");
      expect(err.message).to.contain('entry "CallDemo" has no valid address');
    } finally {
      rmSync(bad, { recursive: true, force: true });
    }
  });
});
