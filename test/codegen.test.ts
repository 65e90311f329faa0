import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { expect } from "chai";
import { generateBindings } from "../src/codegen/generateBindings";
import { MANIFEST_FILE } from "../src/codegen/manifest";
import { wrapFactorySource } from "../src/codegen/runTypeChain";
import { ChaincallError, type ErrorCode } from "../src/errors/ChaincallError";

// dist/test/codegen.test.js → the repository root, whose node_modules the generated code must resolve against.
const REPO_ROOT = path.resolve(__dirname, "..", "..");
const TSC = path.join(REPO_ROOT, "node_modules", "typescript", "bin", "tsc");
const MODULE = path.join(__dirname, "..", "src", "codegen", "generateBindings.js");

const BYTECODE = "6080604052348015600f57600080fd5b50";
const EVENT_TOPIC_SIG = "YearChanged(uint256,uint256)";

/** A view function, an event, a custom error, a struct argument, an overload and a constructor argument. */
function fixtureAbi(extra: object[] = []): object[] {
  return [
    { type: "constructor", inputs: [{ name: "initialYear", type: "uint256", internalType: "uint256" }], stateMutability: "nonpayable" },
    {
      type: "function",
      name: "getYear",
      inputs: [],
      outputs: [{ name: "", type: "uint256", internalType: "uint256" }],
      stateMutability: "view",
    },
    {
      type: "function",
      name: "setPoint",
      inputs: [
        {
          name: "p",
          type: "tuple",
          internalType: "struct Fixture.Point",
          components: [
            { name: "x", type: "int64", internalType: "int64" },
            { name: "y", type: "int64", internalType: "int64" },
          ],
        },
      ],
      outputs: [],
      stateMutability: "nonpayable",
    },
    {
      type: "function",
      name: "add",
      inputs: [{ name: "a", type: "uint256" }],
      outputs: [{ name: "", type: "uint256" }],
      stateMutability: "pure",
    },
    {
      type: "function",
      name: "add",
      inputs: [
        { name: "a", type: "uint256" },
        { name: "b", type: "uint256" },
      ],
      outputs: [{ name: "", type: "uint256" }],
      stateMutability: "pure",
    },
    {
      type: "event",
      name: "YearChanged",
      anonymous: false,
      inputs: [
        { name: "previous", type: "uint256", indexed: true },
        { name: "current", type: "uint256", indexed: false },
      ],
    },
    { type: "error", name: "TooEarly", inputs: [{ name: "year", type: "uint256" }] },
    ...extra,
  ];
}

function write(file: string, contents: string | object): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, typeof contents === "string" ? contents : JSON.stringify(contents, null, 2));
}

function read(file: string): string {
  return fs.readFileSync(file, "utf8");
}

/** Awaits a promise that must reject with a ChaincallError of `code`, and returns the error. */
async function rejection(promise: Promise<unknown>, code: ErrorCode): Promise<ChaincallError> {
  try {
    await promise;
  } catch (err) {
    expect(err).to.be.instanceOf(ChaincallError);
    const error = err as ChaincallError;
    expect(error.code, error.message).to.equal(code);
    expect(error.message).not.to.include("\n");
    return error;
  }
  return expect.fail(`expected a ${code} rejection`);
}

/** Runs generateBindings in a fresh Node process, so module loading and timing are those of a real CLI run. */
function runInFreshProcess(
  inputs: string[],
  outDir: string,
): { result: { cached: boolean; contracts: string[] }; ms: number; loadedTypechain: boolean } {
  const script = `
    const { generateBindings } = require(${JSON.stringify(MODULE)});
    const started = process.hrtime.bigint();
    generateBindings(${JSON.stringify({ inputs, outDir })}).then((result) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const loadedTypechain = Object.keys(require.cache).some((k) => k.includes("/node_modules/typechain/"));
      process.stdout.write(JSON.stringify({ result, ms, loadedTypechain }));
    }, (err) => { console.error(err); process.exit(1); });`;
  const child = spawnSync(process.execPath, ["-e", script], { encoding: "utf8", timeout: 60_000 });
  expect(child.status, child.stderr).to.equal(0);
  return JSON.parse(child.stdout);
}

describe("codegen: generateBindings", function () {
  this.timeout(60_000);
  let tmp: string;
  let scratch: string;

  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "chaincall-codegen-test-"));
    // Generated code is type-checked from under the repository so `ethers` resolves from its node_modules.
    fs.mkdirSync(path.join(REPO_ROOT, ".scratch"), { recursive: true });
    scratch = fs.mkdtempSync(path.join(REPO_ROOT, ".scratch", "codegen-"));
  });

  after(() => {
    fs.rmSync(tmp, { recursive: true, force: true });
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  describe("plain ABI files", () => {
    let out: string;
    let abiDir: string;

    before(async () => {
      abiDir = path.join(tmp, "plain", "abi");
      write(path.join(abiDir, "Plain.abi"), fixtureAbi());
      write(path.join(abiDir, "Plain.bin"), `${BYTECODE}\n`); // no 0x, trailing newline: as solc --bin writes it
      write(path.join(abiDir, "Prefixed.abi"), fixtureAbi());
      write(path.join(abiDir, "Prefixed.bin"), `0x${BYTECODE}  \n`);
      write(path.join(abiDir, "NoBin.abi"), fixtureAbi());
      write(path.join(abiDir, "JsonAbi.json"), fixtureAbi());
      write(path.join(abiDir, "Orphan.bin"), BYTECODE); // no Orphan.abi: ignored, never processed alone
      out = path.join(tmp, "plain", "out");
    });

    it("pairs X.abi with X.bin into a deployable factory, and leaves lone ABIs without deploy", async () => {
      const result = await generateBindings({ inputs: [abiDir], outDir: out });
      expect(result).to.deep.equal({
        contracts: ["JsonAbi", "NoBin", "Plain", "Prefixed"],
        filesWritten: result.filesWritten,
        cached: false,
        outDir: out,
      });
      expect(result.filesWritten).to.be.greaterThan(4);

      for (const name of ["Plain", "Prefixed"]) {
        const factory = read(path.join(out, "factories", `${name}__factory.ts`));
        expect(factory).to.include(`"0x${BYTECODE}"`);
        expect(factory).to.match(/override deploy\(\s*initialYear: BigNumberish/);
        expect(factory).to.include("extends ContractFactory");
      }
      for (const name of ["NoBin", "JsonAbi"]) {
        const factory = read(path.join(out, "factories", `${name}__factory.ts`));
        expect(factory).not.to.include(BYTECODE);
        expect(factory).not.to.include("deploy(");
        expect(factory).to.include(`static connect(address: string, runner?: ContractRunner | null): ${name}`);
      }
      // Issue 11 item 6: the factories hand out wrapped contracts (wrapContract), deploys go through wrapDeploy.
      const plain = read(path.join(out, "factories", "Plain__factory.ts"));
      expect(plain).to.include('import { wrapContract as _wrapContract, wrapDeploy as _wrapDeploy } from "chaincall";');
      expect(plain).to.include("return _wrapContract(new Contract(address, _abi, runner)) as unknown as Plain;");
      expect(plain).to.include("return _wrapDeploy(this, [initialYear, overrides || {}], (_args) => super.deploy(..._args)) as Promise<");
      expect(plain).to.include(
        "return _wrapDeploy(this, [initialYear, overrides || {}], (_args) => super.getDeployTransaction(..._args));",
      );
      expect(plain).to.include("return new Plain__factory(this.interface.fragments, this.bytecode, runner);");
      const noBin = read(path.join(out, "factories", "NoBin__factory.ts"));
      expect(noBin).to.include('import { wrapContract as _wrapContract } from "chaincall";');
      expect(noBin).to.include("return _wrapContract(new Contract(address, _abi, runner)) as unknown as NoBin;");
      const typings = read(path.join(out, "Plain.ts"));
      expect(typings).to.include('"add(uint256,uint256)": TypedContractMethod');
      expect(typings).to.include("export type PointStruct");
      expect(typings).to.include(`"${EVENT_TOPIC_SIG}": TypedContractEvent`);
      // TypeChain's ethers-v6 target emits no types for custom errors; they live only in the factory's ABI.
      expect(read(path.join(out, "factories", "Plain__factory.ts"))).to.include('name: "TooEarly"');
      expect(fs.existsSync(path.join(out, "Orphan.ts"))).to.equal(false);
    });

    it("accepts an explicitly named .bin by pairing it with its .abi", async () => {
      const result = await generateBindings({ inputs: [path.join(abiDir, "Plain.bin")], outDir: path.join(tmp, "plain", "out-bin") });
      expect(result.contracts).to.deep.equal(["Plain"]);
      expect(read(path.join(result.outDir, "factories", "Plain__factory.ts"))).to.include(`"0x${BYTECODE}"`);
    });
  });

  describe("Hardhat and Foundry artifacts", () => {
    let root: string;
    let out: string;

    before(() => {
      root = path.join(tmp, "artifacts-project");
      const hh = path.join(root, "artifacts");
      write(path.join(hh, "contracts", "Hh.sol", "Hh.json"), {
        _format: "hh-sol-artifact-1",
        contractName: "Hh",
        sourceName: "contracts/Hh.sol",
        abi: fixtureAbi(),
        bytecode: `0x${BYTECODE}`,
        deployedBytecode: "0x6080",
        linkReferences: {},
        deployedLinkReferences: {},
      });
      write(path.join(hh, "contracts", "Hh.sol", "Hh.dbg.json"), { _format: "hh-sol-dbg-1", buildInfo: "../../build-info/x.json" });
      write(path.join(hh, "contracts", "Lib.sol", "Lib.json"), {
        _format: "hh-sol-artifact-1",
        contractName: "Lib",
        abi: [],
        bytecode: "0x6080",
      });
      write(path.join(hh, "contracts", "IFace.sol", "IFace.json"), {
        _format: "hh-sol-artifact-1",
        contractName: "IFace",
        abi: fixtureAbi(),
        bytecode: "0x",
      });
      // Would be an ABI anywhere else; build-info folders are never read.
      write(path.join(hh, "build-info", "Sneaky.json"), fixtureAbi());
      const foundry = path.join(root, "out");
      write(path.join(foundry, "Fo.sol", "Fo.json"), {
        abi: fixtureAbi(),
        bytecode: { object: `0x${BYTECODE}`, sourceMap: "", linkReferences: {} },
        deployedBytecode: { object: "0x6080", sourceMap: "", linkReferences: {} },
        methodIdentifiers: { "getYear()": "d4e4a4f4" },
        metadata: { settings: { compilationTarget: { "src/Fo.sol": "Fo" } } },
        id: 3,
      });
      // Stray JSON in walked folders is skipped silently.
      write(path.join(root, "package.json"), { name: "x", version: "1.0.0" });
      write(path.join(foundry, "deployment.json"), { address: "0x0000000000000000000000000000000000000001" });
      write(path.join(foundry, "list.json"), ["not", "an", "abi"]);
      out = path.join(scratch, "cjs", "types");
    });

    it("generates bindings for both, skipping dbg files, build-info, empty ABIs and stray JSON", async () => {
      const result = await generateBindings({ inputs: ["."], cwd: root, outDir: out });
      expect(result.contracts).to.deep.equal(["Fo", "Hh", "IFace"]);
      expect(result.cached).to.equal(false);
      for (const name of ["Hh", "Fo"]) {
        const factory = read(path.join(out, "factories", `${name}__factory.ts`));
        expect(factory).to.include(`"0x${BYTECODE}"`);
        expect(factory).to.match(/override deploy\(/);
      }
      expect(read(path.join(out, "factories", "IFace__factory.ts"))).not.to.include("deploy(");
      expect(fs.existsSync(path.join(out, "Lib.ts"))).to.equal(false);
      const manifest = JSON.parse(read(path.join(out, MANIFEST_FILE)));
      expect(manifest.contracts).to.deep.equal(["Fo", "Hh", "IFace"]);
      expect(manifest.files).to.include.members(["Fo.ts", "factories/Fo__factory.ts", "index.ts", "common.ts"]);
    });

    it("produces code that type-checks under strict, for CommonJS and (node16Modules) ESM consumers", async () => {
      // ESM variant: a "type": "module" folder, where extension-less relative imports would not resolve.
      const esm = path.join(scratch, "esm");
      write(path.join(esm, "package.json"), { type: "module" });
      // Generated factories import "chaincall": installed, as in a user's project (the repository's own
      // folders resolve it by self-reference, a folder with its own package.json does not).
      fs.mkdirSync(path.join(esm, "node_modules"), { recursive: true });
      fs.symlinkSync(REPO_ROOT, path.join(esm, "node_modules", "chaincall"), "dir");
      const esmResult = await generateBindings({ inputs: [path.join(root, "out")], outDir: path.join(esm, "types"), node16Modules: true });
      expect(esmResult.contracts).to.deep.equal(["Fo"]);
      expect(read(path.join(esm, "types", "index.ts"))).to.include('from "./Fo.js"');

      const usage = (name: string, importFrom: string): string => `
import { JsonRpcProvider, type BigNumberish } from "ethers";
import { ${name}__factory, type ${name} } from "${importFrom}";

export async function use(provider: JsonRpcProvider): Promise<bigint> {
  const c: ${name} = ${name}__factory.connect("0x0000000000000000000000000000000000000001", provider);
  const year: bigint = await c.getYear();
  const one: bigint = await c["add(uint256)"](1n);
  const two: bigint = await c["add(uint256,uint256)"](1n, 2n);
  await c.setPoint.staticCall({ x: 1n, y: -2n });
  const logs = await c.queryFilter(c.filters.YearChanged(undefined));
  const current: bigint | undefined = logs[0]?.args.current;
  const deployTx = await new ${name}__factory().getDeployTransaction(2020n as BigNumberish);
  // @ts-expect-error getYear takes no arguments: this line proves the bindings are typed, not any
  await c.getYear(1n);
  // @ts-expect-error a Point needs y
  await c.setPoint.staticCall({ x: 1n });
  return year + one + two + (current ?? 0n) + BigInt(deployTx.data.length);
}
`;
      write(path.join(scratch, "cjs", "usage.ts"), usage("Hh", "./types"));
      write(path.join(esm, "usage.ts"), usage("Fo", "./types/index.js"));
      write(
        path.join(scratch, "cjs", "noBytecode.ts"),
        `
import { IFace__factory } from "./types";
// @ts-expect-error an ABI without bytecode gets no deployable factory
new IFace__factory().deploy(2020n);
export const abi = IFace__factory.abi;
`,
      );
      write(path.join(scratch, "tsconfig.json"), {
        compilerOptions: {
          strict: true,
          target: "ES2022",
          lib: ["ES2022"],
          module: "Node16",
          moduleResolution: "Node16",
          skipLibCheck: true,
          noEmit: true,
          types: [],
        },
        include: ["cjs/**/*.ts", "esm/**/*.ts"],
      });
      const tsc = spawnSync(process.execPath, [TSC, "-p", scratch], { encoding: "utf8", timeout: 120_000 });
      expect(tsc.status, `${tsc.stdout}${tsc.stderr}`).to.equal(0);
    });
  });

  describe("caching", () => {
    let dir: string;
    let out: string;

    before(() => {
      dir = path.join(tmp, "cache", "abi");
      write(path.join(dir, "Alpha.abi"), fixtureAbi());
      write(path.join(dir, "Alpha.bin"), BYTECODE);
      write(path.join(dir, "Beta.abi"), fixtureAbi());
      out = path.join(tmp, "cache", "out");
    });

    it("makes an unchanged re-run a no-op that does not load TypeChain and takes ≤ 10 % of a cold run", () => {
      const cold = runInFreshProcess([dir], out);
      expect(cold.result.cached).to.equal(false);
      expect(cold.loadedTypechain).to.equal(true);
      const warm = runInFreshProcess([dir], out);
      expect(warm.result.cached).to.equal(true);
      expect(warm.result.contracts).to.deep.equal(["Alpha", "Beta"]);
      expect(warm.loadedTypechain).to.equal(false);
      expect(warm.ms, `cold ${cold.ms} ms, cached ${warm.ms} ms`).to.be.at.most(cold.ms * 0.1);
    });

    it("regenerates when an ABI or a .bin changes, when forced, or when an output file is gone", async () => {
      expect((await generateBindings({ inputs: [dir], outDir: out })).cached).to.equal(true);
      expect((await generateBindings({ inputs: [dir], outDir: out, force: true })).cached).to.equal(false);

      write(
        path.join(dir, "Beta.abi"),
        fixtureAbi([{ type: "function", name: "extra", inputs: [], outputs: [], stateMutability: "nonpayable" }]),
      );
      expect((await generateBindings({ inputs: [dir], outDir: out })).cached).to.equal(false);
      expect(read(path.join(out, "Beta.ts"))).to.include("extra: TypedContractMethod");

      write(path.join(dir, "Alpha.bin"), "0x6080604052");
      expect((await generateBindings({ inputs: [dir], outDir: out })).cached).to.equal(false);
      expect(read(path.join(out, "factories", "Alpha__factory.ts"))).to.include('"0x6080604052"');

      fs.rmSync(path.join(out, "Alpha.ts"));
      expect((await generateBindings({ inputs: [dir], outDir: out })).cached).to.equal(false);
      expect(fs.existsSync(path.join(out, "Alpha.ts"))).to.equal(true);
    });

    it("deletes stale bindings of a removed input but never files the manifest does not list", async () => {
      write(path.join(out, "handwritten.ts"), "export const keep = 1;\n");
      write(path.join(out, "factories", "notes.md"), "mine\n");
      expect(fs.existsSync(path.join(out, "factories", "Beta__factory.ts"))).to.equal(true);

      fs.rmSync(path.join(dir, "Beta.abi"));
      const result = await generateBindings({ inputs: [dir], outDir: out });
      expect(result.contracts).to.deep.equal(["Alpha"]);
      expect(fs.existsSync(path.join(out, "Beta.ts"))).to.equal(false);
      expect(fs.existsSync(path.join(out, "factories", "Beta__factory.ts"))).to.equal(false);
      expect(read(path.join(out, "index.ts"))).not.to.include("Beta");
      expect(fs.existsSync(path.join(out, "Alpha.ts"))).to.equal(true);
      expect(read(path.join(out, "handwritten.ts"))).to.equal("export const keep = 1;\n");
      expect(read(path.join(out, "factories", "notes.md"))).to.equal("mine\n");
    });
  });

  describe("bad input", () => {
    let out: string;
    before(() => {
      out = path.join(tmp, "bad", "out");
    });

    it("rejects a missing path with NOT_FOUND naming it", async () => {
      const err = await rejection(generateBindings({ inputs: ["nope/Missing.abi"], cwd: tmp, outDir: out }), "NOT_FOUND");
      expect(err.message).to.include(path.join("nope", "Missing.abi"));
    });

    it("rejects an explicitly named JSON file that is neither an ABI nor an artifact with INVALID_ARGUMENT", async () => {
      const file = path.join(tmp, "bad", "package.json");
      write(file, { name: "x", version: "1.0.0" });
      const err = await rejection(generateBindings({ inputs: [file], outDir: out }), "INVALID_ARGUMENT");
      expect(err.message).to.include(path.join("bad", "package.json"));
      expect(fs.existsSync(out)).to.equal(false);
    });

    it("rejects two inputs that produce the same contract name, naming both files", async () => {
      const a = path.join(tmp, "bad", "a", "Dup.abi");
      const b = path.join(tmp, "bad", "b", "Dup.json");
      write(a, fixtureAbi());
      write(b, { contractName: "Dup", abi: fixtureAbi(), bytecode: "0x" });
      const err = await rejection(generateBindings({ inputs: ["a", "b"], cwd: path.join(tmp, "bad"), outDir: out }), "INVALID_ARGUMENT");
      expect(err.message).to.include(path.join("a", "Dup.abi")).and.to.include(path.join("b", "Dup.json"));
    });

    it("rejects a .bin without its .abi, a malformed .abi and a .bin that is not hex", async () => {
      const lone = path.join(tmp, "bad", "lone", "Lone.bin");
      write(lone, BYTECODE);
      expect((await rejection(generateBindings({ inputs: [lone], outDir: out }), "NOT_FOUND")).message).to.include("Lone.bin");

      const broken = path.join(tmp, "bad", "broken", "Broken.abi");
      write(broken, '{"abi": "nope"}');
      expect((await rejection(generateBindings({ inputs: [path.dirname(broken)], outDir: out }), "INVALID_ARGUMENT")).message).to.include(
        "Broken.abi",
      );

      const hexless = path.join(tmp, "bad", "hexless", "Hexless.abi");
      write(hexless, fixtureAbi());
      write(hexless.replace(/\.abi$/, ".bin"), "0x60806zz");
      expect((await rejection(generateBindings({ inputs: [hexless], outDir: out }), "INVALID_ARGUMENT")).message).to.include("Hexless.bin");
    });

    it("refuses TypeChain output it cannot adapt (another target version) with CODEGEN_ERROR naming the file", () => {
      const shapes = [
        "export class X__factory { static connect(address: string) { return makeIt(address); } }",
        "import {} from 'ethers';\nexport class X__factory extends ContractFactory { static connect(address: string, runner?: ContractRunner | null): X { return new Contract(address, _abi, runner) as unknown as X; } }",
      ];
      for (const source of shapes) {
        let caught: unknown;
        try {
          wrapFactorySource(source, "factories/X__factory.ts");
        } catch (err) {
          caught = err;
        }
        expect(caught).to.be.instanceOf(ChaincallError);
        expect((caught as ChaincallError).code).to.equal("CODEGEN_ERROR");
        expect((caught as ChaincallError).message).to.include("factories/X__factory.ts");
      }
    });

    it("reports a TypeChain failure as CODEGEN_ERROR naming the input, and leaves no staging dir behind", async () => {
      const dir = path.join(tmp, "bad", "typechain");
      write(path.join(dir, "Fine.abi"), fixtureAbi());
      write(path.join(dir, "TwoFallbacks.abi"), [
        { type: "fallback", stateMutability: "nonpayable" },
        { type: "fallback", stateMutability: "payable" },
      ]);
      const stagingDirs = (): string[] => fs.readdirSync(os.tmpdir()).filter((f) => f.startsWith("chaincall-gen-"));
      const before = stagingDirs();
      const err = await rejection(generateBindings({ inputs: [dir], outDir: out }), "CODEGEN_ERROR");
      expect(err.message).to.include("TwoFallbacks.abi").and.not.to.include("Fine.abi");
      expect(stagingDirs()).to.deep.equal(before);
      expect(fs.existsSync(path.join(out, "Fine.ts"))).to.equal(false);
    });
  });
});
