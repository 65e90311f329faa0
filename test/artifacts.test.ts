import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { expect } from "chai";
import { id } from "ethers";
import { projectRoot } from "../scripts/lib/localNode";
import { deployBytecode, listContractNames, loadContractAbi } from "../src/abi/loadContractAbi";
import { readArtifact } from "../src/abi/readArtifact";
import { generateBindings } from "../src/codegen/generateBindings";
import { ChaincallError } from "../src/errors/ChaincallError";
import {
  anvil,
  DEV_PRIVATE_KEY,
  deployCallDemo,
  devClient,
  expectErrorLine,
  isolateState,
  rpc,
  runCli,
  showCli as show,
  tempDir,
} from "./fixtures/nodes";

// Issue 13 item 5: `gen` (codegen) and `call`/`deploy`/`abi` read ABI files and artifacts through one reader
// (abi/readArtifact.ts), so they agree about every file: Foundry's versioned `Foo.0.8.20.json` names `Foo`
// for both, and bytecode with library placeholders is an ABI both can use, while deploy refuses it naming
// the library.

const ABI_DIR = join(projectRoot(), "abi");
const CALL_DEMO_ABI: unknown[] = JSON.parse(readFileSync(join(ABI_DIR, "CallDemo.abi"), "utf8"));
const CALL_DEMO_BIN = `0x${readFileSync(join(ABI_DIR, "CallDemo.bin"), "utf8").trim().replace(/^0x/, "")}`;
const LIBRARY = "contracts/MathLib.sol:MathLib";
/** solc ≥ 0.5's placeholder: `__$` + 34 hex digits of the library name's hash + `$__`. */
const NEW_PLACEHOLDER = `__$${id(LIBRARY).slice(2, 36)}$__`;
/** Older solc's: `__` + the library's `path:Name`, padded with `_` to 36 characters, + `__`. */
const OLD_PLACEHOLDER = `__${LIBRARY.padEnd(36, "_")}__`;

function write(file: string, contents: unknown): string {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, typeof contents === "string" ? contents : JSON.stringify(contents));
  return file;
}

function caught(run: () => unknown): ChaincallError {
  try {
    run();
  } catch (err) {
    expect(err).to.be.instanceOf(ChaincallError);
    return err as ChaincallError;
  }
  return expect.fail("expected a ChaincallError");
}

describe("one artifact reader: gen, call and deploy agree on the same files (Anvil)", function () {
  this.timeout(120_000);
  isolateState(anvil, "suite");
  const tmp = tempDir("artifacts");
  let demo: string;
  const rpcArgs = () => ["-r", anvil().rpcUrl, "--deployments", join(tmp(), "book")];
  const env = { ETH_PRIVATE_KEY: DEV_PRIVATE_KEY };

  before(async () => {
    const client = await devClient(anvil());
    try {
      demo = (await deployCallDemo(client)).address;
    } finally {
      await client.close();
    }
  });

  describe("Foundry's versioned artifact names (out/CallDemo.sol/CallDemo.0.8.20.json)", () => {
    let folder: string;
    before(() => {
      folder = join(tmp(), "foundry", "out", "CallDemo.sol");
      write(join(folder, "CallDemo.0.8.20.json"), {
        abi: CALL_DEMO_ABI,
        bytecode: { object: CALL_DEMO_BIN, sourceMap: "", linkReferences: {} },
        deployedBytecode: { object: "0x6080", sourceMap: "", linkReferences: {} },
        metadata: { settings: { compilationTarget: { "src/CallDemo.sol": "CallDemo" } } },
      });
    });

    it("gen binds it as CallDemo, and call, deploy and abi find it by that name", async () => {
      const generated = await generateBindings({ inputs: [folder], outDir: join(tmp(), "foundry", "types") });
      expect(generated.contracts).to.deep.equal(["CallDemo"]);
      expect(listContractNames(folder)).to.deep.equal(["CallDemo"]);
      const contract = loadContractAbi("CallDemo", folder);
      expect(contract.name).to.equal("CallDemo");
      expect(contract.bytecode).to.equal(CALL_DEMO_BIN);

      const [call, abi] = await Promise.all([
        runCli(["call", `CallDemo@${demo}`, "getYear", "--abi-dir", folder, ...rpcArgs()]),
        runCli(["abi", "CallDemo", "--abi-dir", folder, "--json"]),
      ]);
      expect(call.code, show(call)).to.equal(0);
      expect(call.stdout.trim()).to.equal("2020");
      expect(abi.code, show(abi)).to.equal(0);
      expect(abi.stdout).to.include("getYear");

      const deployed = await runCli(["deploy", "CallDemo", "--name", "FoundryDemo", "--abi-dir", folder, ...rpcArgs()], { env });
      expect(deployed.code, show(deployed)).to.equal(0);
      const address = deployed.stdout.trim();
      expect(address).to.match(/^0x[0-9a-fA-F]{40}$/);
      expect(((await rpc(anvil().rpcUrl, "eth_getCode", [address, "latest"])) as string).length).to.be.greaterThan(2);
    });

    it("two compiler versions of one contract: gen and call both refuse, naming both files", async () => {
      const twice = join(tmp(), "foundry-twice");
      for (const version of ["0.8.19", "0.8.20"])
        write(join(twice, `CallDemo.${version}.json`), { abi: CALL_DEMO_ABI, bytecode: { object: CALL_DEMO_BIN } });
      let genError: unknown;
      await generateBindings({ inputs: [twice], outDir: join(tmp(), "twice-types") }).catch((err: unknown) => (genError = err));
      expect(genError).to.be.instanceOf(ChaincallError);
      expect((genError as ChaincallError).code).to.equal("INVALID_ARGUMENT");
      const callError = caught(() => loadContractAbi("CallDemo", twice));
      expect(callError.code).to.equal("INVALID_ARGUMENT");
      for (const err of [genError as ChaincallError, callError])
        expect(err.message).to.include("CallDemo.0.8.19.json").and.include("CallDemo.0.8.20.json");
    });
  });

  describe("bytecode with library placeholders", () => {
    let folder: string;
    before(() => {
      folder = join(tmp(), "linked");
      write(join(folder, "Linked.json"), {
        _format: "hh-sol-artifact-1",
        contractName: "Linked",
        sourceName: "contracts/Linked.sol",
        abi: CALL_DEMO_ABI,
        bytecode: `${CALL_DEMO_BIN}73${NEW_PLACEHOLDER}`,
        deployedBytecode: "0x6080",
        linkReferences: { "contracts/MathLib.sol": { MathLib: [{ start: (CALL_DEMO_BIN.length - 2) / 2 + 1, length: 20 }] } },
        deployedLinkReferences: {},
      });
      write(join(folder, "OldLinked.abi"), CALL_DEMO_ABI);
      write(join(folder, "OldLinked.bin"), `${CALL_DEMO_BIN.slice(2)}73${OLD_PLACEHOLDER}\n`);
    });

    it("gen makes a factory that links the library; call reads through the ABI; deploy refuses, naming the library", async () => {
      const generated = await generateBindings({ inputs: [folder], outDir: join(tmp(), "linked-types") });
      expect(generated.contracts).to.deep.equal(["Linked", "OldLinked"]);
      const factory = readFileSync(join(generated.outDir, "factories", "Linked__factory.ts"), "utf8");
      expect(factory).to.include(`linkLibraryAddresses["${LIBRARY}"]`);

      for (const name of ["Linked", "OldLinked"]) {
        const contract = loadContractAbi(name, folder);
        expect(contract.bytecode, name).to.equal(undefined);
        expect(contract.unlinkedLibraries, name).to.deep.equal([LIBRARY]);
        expect(caught(() => deployBytecode(contract)).message).to.include(LIBRARY);
      }

      const call = await runCli(["call", `Linked@${demo}`, "getYear", "--abi-dir", folder, ...rpcArgs()]);
      expect(call.code, show(call)).to.equal(0);
      expect(call.stdout.trim()).to.equal("2020");

      const before = await rpc(anvil().rpcUrl, "eth_getTransactionCount", ["0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266", "pending"]);
      for (const target of ["Linked", join(folder, "OldLinked.abi")]) {
        const r = await runCli(["deploy", target, "--abi-dir", folder, ...rpcArgs()], { env });
        const message = expectErrorLine(r, 2);
        expect(message).to.include(LIBRARY).and.include("linked");
      }
      expect(
        await rpc(anvil().rpcUrl, "eth_getTransactionCount", ["0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266", "pending"]),
        "nothing sent",
      ).to.equal(before);
    });

    it("without link references, the placeholder itself is what names the library", () => {
      const file = write(join(tmp(), "bare-linked", "Bare.json"), { abi: CALL_DEMO_ABI, bytecode: `${CALL_DEMO_BIN}73${NEW_PLACEHOLDER}` });
      expect(readArtifact(file).bytecode?.libraries).to.deep.equal([NEW_PLACEHOLDER]);
    });
  });

  describe("the reader's other rules, shared by both", () => {
    it("a UTF-8 byte-order mark is ignored; contractName wins over the file name; an empty .bin is no bytecode", () => {
      const dir = join(tmp(), "rules");
      const bom = write(join(dir, "Bom.abi"), `\uFEFF${JSON.stringify(CALL_DEMO_ABI)}`);
      write(join(dir, "Bom.bin"), "\n");
      const named = write(join(dir, "file-name.json"), { contractName: "RealName", abi: CALL_DEMO_ABI, bytecode: CALL_DEMO_BIN });
      expect(readArtifact(bom).name).to.equal("Bom");
      expect(readArtifact(bom).bytecode).to.equal(undefined);
      expect(readArtifact(named).name).to.equal("RealName");
      expect(readArtifact(named).bytecode?.hex).to.equal(CALL_DEMO_BIN);
    });

    it("not an ABI: an error, or undefined when asked to skip such files; bad bytecode is an error either way", () => {
      const dir = join(tmp(), "not-abi");
      const stray = write(join(dir, "package.json"), { name: "x" });
      expect(caught(() => readArtifact(stray)).message).to.include("holds no ABI");
      expect(readArtifact(stray, { skipNonAbi: true })).to.equal(undefined);
      const twoConstructors = write(join(dir, "Two.json"), [
        { type: "constructor", inputs: [] },
        { type: "constructor", inputs: [] },
      ]);
      expect(caught(() => readArtifact(twoConstructors)).message).to.include("more than one constructor");
      const badHex = write(join(dir, "Bad.json"), { abi: CALL_DEMO_ABI, bytecode: "0x60zz" });
      expect(caught(() => readArtifact(badHex, { skipNonAbi: true })).message).to.include("not hex bytecode");
      expect(caught(() => readArtifact(join(dir, "Missing.json"))).code).to.equal("NOT_FOUND");
    });
  });
});
