import { execFile } from "node:child_process";
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { type AddressInfo, createServer, type Socket } from "node:net";
import { join } from "node:path";
import { expect } from "chai";
import { id } from "ethers";
import { castBinary, projectRoot } from "../scripts/lib/localNode";
import { Echo__factory } from "../typechain-types";
import { anvil, type CliResult, devClient, isolateState, parseDocument, runCli, showCli as show, tempDir } from "./fixtures/nodes";

// `chaincall encode`, `decode` and `abi` (SPEC §4), and the ABI-typed arguments every command parses,
// compared with Foundry's cast: `cast calldata`, `cast decode-calldata` and `cast call` against the Echo
// contract (contracts/Echo.sol) on the run's Anvil.

const ABI_DIR = join(projectRoot(), "abi");
const CAST = castBinary();
const A1 = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";
const A2 = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
const W1 = `0x${"11".repeat(32)}`;
const W2 = `0x${"ab".repeat(31)}cd`;
const MAX256 = 2n ** 256n - 1n;
const MIN_I256 = -(2n ** 255n);

// ---------------------------------------------------------------------------------------------------
// A neutral model of argument values, rendered the chaincall way (JSON for arrays and structs) and the
// cast way ([a, b] and (a, b)), and the JSON both tools should print when they decode it.

/** A struct value (a tuple): rendered as a JSON array for chaincall, as (a,b) for cast. */
class Tuple {
  constructor(readonly items: Value[]) {}
}
type Value = bigint | string | boolean | Value[] | Tuple;
const tuple = (...items: Value[]) => new Tuple(items);

/** chaincall's JSON form of a value: integers as decimal strings (exact), structs as arrays. */
function toJson(v: Value): unknown {
  if (typeof v === "bigint") return v.toString();
  if (v instanceof Tuple) return v.items.map(toJson);
  if (Array.isArray(v)) return v.map(toJson);
  return v;
}

/** One command-line argument for chaincall. */
function ourArg(v: Value): string {
  if (typeof v === "string") return v;
  if (typeof v === "bigint" || typeof v === "boolean") return String(v);
  return JSON.stringify(toJson(v));
}

/** One command-line argument for cast. */
function castArg(v: Value, nested = false): string {
  if (typeof v === "string") return nested && !v.startsWith("0x") ? JSON.stringify(v) : v;
  if (typeof v === "bigint" || typeof v === "boolean") return String(v);
  if (v instanceof Tuple) return `(${v.items.map((x) => castArg(x, true)).join(",")})`;
  return `[${v.map((x) => castArg(x, true)).join(",")}]`;
}

/** The one line chaincall prints for a decoded value (strings as they are unless they hold a control character). */
function humanLine(json: unknown): string {
  if (typeof json === "string") return /[\u0000-\u001f]/.test(json) ? JSON.stringify(json) : json;
  return JSON.stringify(json);
}

/** JSON.parse that keeps every number as its exact decimal text (cast prints 2^256-1 as a bare number). */
function parseJsonExact(text: string): unknown {
  return JSON.parse(text.replace(/"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g, (m) => (m.startsWith('"') ? m : `"${m}"`)));
}

// ---------------------------------------------------------------------------------------------------

function run(command: string, args: string[]): Promise<CliResult> {
  const started = Date.now();
  return new Promise((resolve) => {
    execFile(command, args, { encoding: "utf8", maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === "number" ? (err as { code: number }).code : 1) : 0;
      resolve({ code, stdout, stderr, ms: Date.now() - started });
    });
  });
}

function cast(args: string[]): Promise<CliResult> {
  return run(CAST, args);
}

/** Runs chaincall with the repository's ABI folder (given right after the command: anything after `--` is an argument). */
function cli(args: string[], options: { input?: string } = {}): Promise<CliResult> {
  return runCli([args[0], "--abi-dir", ABI_DIR, ...args.slice(1)], { timeoutMs: 30_000, ...options });
}

function ok(r: CliResult): string {
  expect(r.code, show(r)).to.equal(0);
  return r.stdout;
}

/** Exit 2, a first stderr line `error: …`, only hint/usage/candidate lines after it, no stack; returns the message. */
function expectBadInput(r: CliResult, options: { json?: boolean } = {}): string {
  expect(r.code, show(r)).to.equal(2);
  const [first, ...rest] = r.stderr.trimEnd().split("\n");
  expect(first, show(r)).to.match(/^error: \S/);
  for (const line of rest) expect(line, `only hints after the error line\n${show(r)}`).to.match(/^(hint|usage): |^ {2}\S/);
  expect(r.stderr, `no stack trace\n${show(r)}`).not.to.match(/^\s+at .*:\d+/m);
  const message = first.slice("error: ".length);
  if (options.json) {
    const doc = parseDocument(r);
    expect(doc, show(r)).to.have.keys("error");
    expect(doc.error.code, show(r)).to.equal(doc.error.code === "NOT_FOUND" ? "NOT_FOUND" : "INVALID_ARGUMENT");
    expect(doc.error.message).to.equal(message);
  } else {
    expect(r.stdout, `stdout stays empty on failure\n${show(r)}`).to.equal("");
  }
  return message;
}

// ---------------------------------------------------------------------------------------------------

interface DiffCase {
  title: string;
  /** The Echo function, as types: "echoUints(uint8,…)". */
  signature: string;
  /** Its return types: "(uint8,…)". */
  returns: string;
  values: Value[];
  /** Arguments as typed, when chaincall and cast are given the same other text (hex, units). */
  texts?: string[];
  /** Whether cast's human decode output can be compared line by line (scalars only). */
  compareHuman?: boolean;
}

const ITEM_A = tuple(7n, "first, with a comma", [W1, W2]);
const ITEM_B = tuple(2n ** 64n - 1n, "ünïcødé 🌍", []);
const ORDER = tuple(A1, ITEM_A, [ITEM_B, ITEM_A], [true, false]);

const CASES: DiffCase[] = [
  {
    title: "uint8…uint256 at their maxima",
    signature: "echoUints(uint8,uint16,uint32,uint64,uint128,uint256)",
    returns: "(uint8,uint16,uint32,uint64,uint128,uint256)",
    values: [255n, 65535n, 2n ** 32n - 1n, 2n ** 64n - 1n, 2n ** 128n - 1n, MAX256],
    compareHuman: true,
  },
  {
    title: "uints written as hex, with units and in scientific notation",
    signature: "echoUints(uint8,uint16,uint32,uint64,uint128,uint256)",
    returns: "(uint8,uint16,uint32,uint64,uint128,uint256)",
    values: [0xffn, 0n, 10n ** 9n, 1_500_000_000_000_000_000n, 10n ** 18n, 0x10n],
    texts: ["0xff", "0", "1gwei", "1.5ether", "1e18", "0x10"],
    compareHuman: true,
  },
  {
    title: "int8…int256 at their minima (negative, passed without --)",
    signature: "echoInts(int8,int16,int32,int64,int128,int256)",
    returns: "(int8,int16,int32,int64,int128,int256)",
    values: [-128n, -32768n, -(2n ** 31n), -(2n ** 63n), -(2n ** 127n), MIN_I256],
    compareHuman: true,
  },
  {
    title: "int8…int256 at their maxima, and -1",
    signature: "echoInts(int8,int16,int32,int64,int128,int256)",
    returns: "(int8,int16,int32,int64,int128,int256)",
    values: [127n, -1n, 2n ** 31n - 1n, 2n ** 63n - 1n, 2n ** 127n - 1n, 2n ** 255n - 1n],
    compareHuman: true,
  },
  {
    title: "address, bool, bytes, bytes32, string (unicode), bytes4",
    signature: "echoScalars(address,bool,bytes,bytes32,string,bytes4)",
    returns: "(address,bool,bytes,bytes32,string,bytes4)",
    values: [A2, true, `0x${"00ff".repeat(40)}`, W2, 'héllo, 世界 🌍 — "quoted" and ¿más?', "0xdeadbeef"],
    compareHuman: true,
  },
  {
    title: "empty bytes, false, the zero word and an empty string",
    signature: "echoScalars(address,bool,bytes,bytes32,string,bytes4)",
    returns: "(address,bool,bytes,bytes32,string,bytes4)",
    values: ["0x0000000000000000000000000000000000000000", false, "0x", `0x${"00".repeat(32)}`, "", "0x00000000"],
    compareHuman: true,
  },
  {
    title: "a string with a line break (printed JSON-quoted, on one line)",
    signature: "echoString(string)",
    returns: "(string)",
    values: ["line one\nline two\ttabbed"],
  },
  {
    title: "fixed and dynamic arrays: uint256[3], int64[], string[], address[2], bytes[]",
    signature: "echoArrays(uint256[3],int64[],string[],address[2],bytes[])",
    returns: "(uint256[3],int64[],string[],address[2],bytes[])",
    values: [
      [0n, 1n, MAX256],
      [-(2n ** 63n), 0n, 2n ** 63n - 1n],
      ["a b", "ü", "", "日本"],
      [A1, A2],
      ["0x", "0x00ff", `0x${"ab".repeat(33)}`],
    ],
  },
  {
    title: "empty dynamic arrays",
    signature: "echoArrays(uint256[3],int64[],string[],address[2],bytes[])",
    returns: "(uint256[3],int64[],string[],address[2],bytes[])",
    values: [[1n, 2n, 3n], [], [], [A2, A1], []],
  },
  {
    title: "nested arrays: uint256[][], bool[2][], bytes32[2][2]",
    signature: "echoNested(uint256[][],bool[2][],bytes32[2][2])",
    returns: "(uint256[][],bool[2][],bytes32[2][2])",
    values: [
      [[1n], [], [2n, MAX256]],
      [
        [true, false],
        [false, true],
      ],
      [
        [W1, W2],
        [W2, W1],
      ],
    ],
  },
  {
    title: "an array of structs with arrays inside",
    signature: "echoItems((uint64,string,bytes32[])[])",
    returns: "((uint64,string,bytes32[])[])",
    values: [[ITEM_A, ITEM_B]],
  },
  {
    title: "a struct holding a struct, an array of structs and a fixed array",
    signature: "echoOrder((address,(uint64,string,bytes32[]),(uint64,string,bytes32[])[],bool[2]))",
    returns: "((address,(uint64,string,bytes32[]),(uint64,string,bytes32[])[],bool[2]))",
    values: [ORDER],
  },
  {
    title: "int256, an array of nested structs and a string together",
    signature: "echoMixed(int256,(address,(uint64,string,bytes32[]),(uint64,string,bytes32[])[],bool[2])[],string)",
    returns: "(int256,(address,(uint64,string,bytes32[]),(uint64,string,bytes32[])[],bool[2])[],string)",
    values: [MIN_I256, [ORDER, tuple(A2, ITEM_B, [], [false, false])], "done ✓"],
  },
];

// ---------------------------------------------------------------------------------------------------

describe("chaincall encode / decode / abi against cast (Anvil)", function () {
  this.timeout(120_000);
  let echo: string;
  isolateState(anvil, "suite");
  before(async () => {
    const client = await devClient(anvil());
    try {
      const contract = await new Echo__factory(client.signer).deploy();
      await contract.waitForDeployment();
      echo = await contract.getAddress();
    } finally {
      await client.close();
    }
  });

  describe("differential: encode = cast calldata, decode round-trips, call = cast call on Echo", () => {
    for (const c of CASES) {
      it(c.title, async () => {
        const rpc = ["-r", anvil().rpcUrl];
        const ours = c.texts ?? c.values.map((v) => ourArg(v));
        const theirs = c.texts ?? c.values.map((v) => castArg(v));
        const expected = c.values.map(toJson);
        const withReturns = `${c.signature}${c.returns}`;

        const [encoded, encodedJson, reference] = await Promise.all([
          cli(["encode", c.signature, ...ours]),
          cli(["encode", c.signature, ...ours, "--json"]),
          cast(["calldata", c.signature, ...theirs]),
        ]);
        const calldata = ok(reference).trim();
        expect(ok(encoded), "chaincall encode = cast calldata").to.equal(`${calldata}\n`);
        const doc = parseDocument(encodedJson);
        expect(doc).to.deep.equal({ function: c.signature, contract: null, selector: calldata.slice(0, 10), calldata });

        const [decoded, decodedJson, castDecoded] = await Promise.all([
          cli(["decode", c.signature, calldata]),
          cli(["decode", c.signature, calldata, "--json"]),
          cast(["decode-calldata", c.signature, calldata]),
        ]);
        const args = parseDocument(decodedJson);
        expect(args).to.deep.equal({ function: c.signature, contract: null, selector: calldata.slice(0, 10), args: expected });
        expect(ok(decoded), "one value per line").to.equal(`${expected.map(humanLine).join("\n")}\n`);
        if (c.compareHuman) {
          // cast quotes strings and annotates big numbers ("1000000000000000000 [1e18]"); otherwise the lines agree.
          const castLines = ok(castDecoded)
            .trimEnd()
            .split("\n")
            .map((line) => line.replace(/ \[[^\]]+\]$/, ""))
            .map((line) => (line.startsWith('"') ? humanLine(JSON.parse(line)) : line));
          expect(ok(decoded).trimEnd().split("\n")).to.deep.equal(castLines);
        }

        // Round trip: what decode printed (as JSON) goes back into encode and gives the same bytes.
        const again = await cli(["encode", c.signature, "--", ...expected.map((v) => (typeof v === "string" ? v : JSON.stringify(v)))]);
        expect(ok(again), "decode → encode round trip").to.equal(`${calldata}\n`);

        const [called, calledHuman, castCalled, castRaw] = await Promise.all([
          cli(["call", echo, withReturns, ...ours, "--json", ...rpc]),
          cli(["call", echo, withReturns, ...ours, ...rpc]),
          cast(["call", echo, withReturns, ...theirs, "--json", ...rpc]),
          cast(["call", echo, c.signature, ...theirs, ...rpc]),
        ]);
        expect(parseDocument(called).result, "chaincall call echoes the arguments").to.deep.equal(expected);
        expect(parseJsonExact(ok(castCalled)), "cast call agrees").to.deep.equal(expected);
        expect(ok(calledHuman)).to.equal(ok(decoded));

        const fromRaw = await cli(["decode", withReturns, ok(castRaw).trim(), "--output", "--json"]);
        expect(parseDocument(fromRaw)).to.deep.equal({ function: c.signature, contract: null, result: expected });
      });
    }

    it("overloads: echo(uint256) and echo(string) picked by signature from the Echo ABI, like cast", async () => {
      const [u, s, castU, castS] = await Promise.all([
        cli(["encode", "echo(uint256)", "42", "--contract", "Echo"]),
        cli(["encode", "echo(string)", "forty-two", "--contract", "Echo"]),
        cast(["calldata", "echo(uint256)", "42"]),
        cast(["calldata", "echo(string)", "forty-two"]),
      ]);
      expect(ok(u)).to.equal(ok(castU));
      expect(ok(s)).to.equal(ok(castS));
      const [callU, callS] = await Promise.all([
        cli(["call", `Echo@${echo}`, "echo(uint256)", "42", "-r", anvil().rpcUrl]),
        cli(["call", `Echo@${echo}`, "echo(string)", "forty-two", "-r", anvil().rpcUrl]),
      ]);
      expect(ok(callU)).to.equal("42\n");
      expect(ok(callS)).to.equal("forty-two\n");
    });

    it("functions by name from the ABI: structs as JSON objects by field name, decoded with field names", async () => {
      const order = {
        owner: A1.toLowerCase(),
        item: { id: 7, label: "first, with a comma", tags: [W1, W2] },
        items: [
          { id: "18446744073709551615", label: "ünïcødé 🌍", tags: [] },
          { label: "first, with a comma", id: "7", tags: [W1, W2] },
        ],
        flags: [true, false],
      };
      const [byName, reference] = await Promise.all([
        cli(["encode", "echoOrder", JSON.stringify(order), "--contract", "Echo"]),
        cast(["calldata", "echoOrder((address,(uint64,string,bytes32[]),(uint64,string,bytes32[])[],bool[2]))", castArg(ORDER)]),
      ]);
      const calldata = ok(reference).trim();
      expect(ok(byName)).to.equal(`${calldata}\n`);
      // Without --contract, the one ABI in --abi-dir that declares echoOrder is found.
      const [found, decoded] = await Promise.all([
        cli(["encode", "echoOrder", JSON.stringify(order)]),
        cli(["decode", "echoOrder", calldata, "--json"]),
      ]);
      expect(ok(found)).to.equal(`${calldata}\n`);
      const doc = parseDocument(decoded);
      expect(doc.contract).to.equal("Echo");
      expect(doc.args).to.deep.equal([
        {
          owner: A1,
          item: { id: "7", label: "first, with a comma", tags: [W1, W2] },
          items: [
            { id: "18446744073709551615", label: "ünïcødé 🌍", tags: [] },
            { id: "7", label: "first, with a comma", tags: [W1, W2] },
          ],
          flags: [true, false],
        },
      ]);
      // The named JSON goes back into encode unchanged.
      expect(ok(await cli(["encode", "echoOrder", JSON.stringify(doc.args[0]), "--contract", "Echo"]))).to.equal(`${calldata}\n`);
    });

    it("integers beyond 2^53 inside JSON are exact, as bare numbers or strings", async () => {
      const big = "115792089237316195423570985008687907853269984665640564039457584007913129639935";
      const [bare, quoted, reference] = await Promise.all([
        cli(["encode", "f(uint256[],int64[])", `[${big}, 9007199254740993, 1e18]`, "[-9223372036854775808]"]),
        cli(["encode", "f(uint256[],int64[])", `["${big}", "9007199254740993", "1e18"]`, '["-9223372036854775808"]']),
        cast(["calldata", "f(uint256[],int64[])", `[${big},9007199254740993,1000000000000000000]`, "[-9223372036854775808]"]),
      ]);
      expect(ok(bare)).to.equal(ok(reference));
      expect(ok(quoted)).to.equal(ok(reference));
    });

    it("decode reads the data from stdin (encode | decode) and decodes return data of a function from the ABI", async () => {
      const calldata = ok(await cli(["encode", "echoUints", "1", "2", "3", "4", "5", "6"])).trim();
      const piped = await cli(["decode", "echoUints", "--json"], { input: `${calldata}\n` });
      expect(parseDocument(piped).args).to.deep.equal(["1", "2", "3", "4", "5", "6"]);
      const returned = await cast(["call", echo, "echoString(string)", "from the node", "-r", anvil().rpcUrl]);
      const decoded = await cli(["decode", "echoString", "--output", ok(returned).trim(), "--contract", "Echo"]);
      expect(ok(decoded)).to.equal("from the node\n");
    });
  });

  describe("abi", () => {
    it("--json lists every function, event and error with the selectors cast computes", async () => {
      const r = await cli(["abi", "Echo", "--json"]);
      const doc = parseDocument(r);
      expect(doc.contract).to.equal("Echo");
      const names = doc.functions.map((f: { signature: string }) => f.signature);
      expect(names).to.include.members([
        "echo(string)",
        "echo(uint256)",
        "echoOrder((address,(uint64,string,bytes32[]),(uint64,string,bytes32[])[],bool[2]))",
        "refuse(uint256)",
        "shout(bytes)",
      ]);
      expect(names).to.have.length(13);
      const sigs = await Promise.all([
        ...doc.functions.map((f: { signature: string }) => cast(["sig", f.signature])),
        ...doc.errors.map((e: { signature: string }) => cast(["sig", e.signature])),
        ...doc.events.map((e: { signature: string }) => cast(["sig-event", e.signature])),
      ]);
      const ours = [...doc.functions, ...doc.errors, ...doc.events].map((e: { selector: string }) => e.selector);
      expect(ours).to.deep.equal(sigs.map((s) => ok(s).trim()));
      expect(doc.events).to.have.length(1);
      expect(doc.events[0]).to.include({
        name: "Echoed",
        signature: "Echoed(address,bytes4,bytes)",
        declaration: "Echoed(address indexed by, bytes4 indexed selector, bytes data)",
      });
      expect(doc.errors.map((e: { declaration: string }) => e.declaration)).to.deep.equal(["NotEchoed(uint256 code, string why)"]);
      const echoOrder = doc.functions.find((f: { name: string }) => f.name === "echoOrder");
      expect(echoOrder.declaration).to.equal("echoOrder(Echo.Order order) pure returns (Echo.Order)");
      expect(echoOrder.inputs[0].components.map((c: { name: string }) => c.name)).to.deep.equal(["owner", "item", "items", "flags"]);
      expect(doc.structs.map((s: { name: string }) => s.name)).to.deep.equal(["Echo.Item", "Echo.Order"]);
    });

    it("prints one line per entry, selector first, and reads Hardhat artifacts and ABI files by path", async () => {
      const artifact = join(projectRoot(), "artifacts", "contracts", "Echo.sol", "Echo.json");
      const [human, fromArtifact, fromFile] = await Promise.all([
        cli(["abi", "Echo"]),
        cli(["abi", artifact, "--json"]),
        cli(["abi", join(ABI_DIR, "CallDemo.abi"), "--json"]),
      ]);
      const lines = ok(human).split("\n");
      expect(lines).to.include("  0x6279e43c  echo(uint256 x) pure returns (uint256)");
      expect(lines).to.include("  0x07fa99d2  NotEchoed(uint256 code, string why)");
      expect(
        lines.some((l) => /^ {2}0x992eb6c05b5f4c2b526f3dbabc1cb584d9a208edd540131149c01b6fb7ac0404 {2}Echoed\(/.test(l)),
        ok(human),
      ).to.equal(true);
      expect(lines).to.include.members(["functions", "events", "errors", "structs"]);
      expect(parseDocument(fromArtifact).functions).to.deep.equal(parseDocument(await cli(["abi", "Echo", "--json"])).functions);
      const demo = parseDocument(fromFile);
      expect(demo.functions.map((f: { signature: string; selector: string }) => `${f.selector} ${f.signature}`)).to.deep.equal([
        "0xfd08921b getYear()",
        "0xbdd85ffa setYear(uint256)",
        "0xf3269716 year()",
      ]);
    });
  });

  describe("negative values", () => {
    it("negative hex, unit and decimal arguments are values, not flags, and encode as cast encodes them", async () => {
      const ours = ok(await cli(["encode", "f(int8,int256,int64)", "-0x10", "-1.5ether", "-5"])).trim();
      const theirs = ok(await cast(["calldata", "f(int8,int256,int64)", "--", "-16", "-1500000000000000000", "-5"])).trim();
      expect(ours).to.equal(theirs);
      // Still range-checked: -0x81 is -129, below int8.
      expect(expectBadInput(await cli(["encode", "f(int8)", "-0x81"]))).to.contain("-129 is out of range for int8");
    });
  });

  describe("offline: no RPC at all", () => {
    it("encode, decode and abi succeed with -r pointing at a server that counts connections: none", async () => {
      const sockets = new Set<Socket>();
      let connections = 0;
      const server = createServer((socket) => {
        connections++;
        sockets.add(socket);
        socket.on("error", () => undefined);
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      try {
        const runs = await Promise.all([
          cli(["encode", "f(uint256)", "1", "-r", url]),
          cli(["decode", "f(uint256)", "0xb3de648b0000000000000000000000000000000000000000000000000000000000000001", "-r", url]),
          cli(["abi", "Echo", "-r", url]),
          cli(["encode", "f(uint8)", "256", "-r", url]),
        ]);
        for (const r of runs.slice(0, 3)) ok(r);
        expectBadInput(runs[3]);
        expect(connections).to.equal(0);
      } finally {
        for (const s of sockets) s.destroy();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
    });
  });

  describe("bad input: exit 2, one error line (+ hints), no stack trace — human and --json", () => {
    const tmp = tempDir("cli-abi");
    interface BadCase {
      title: string;
      args: () => string[];
      check: (message: string, stderr: string) => void;
    }
    const sig = "f(uint8,int8,address,bool,bytes4,uint256[2],(uint64,string))";
    const good = ["1", "-1", A1, "true", "0x01020304", "[1,2]", '[1,"a"]'];
    const withArg = (i: number, value: string) => good.map((g, j) => (j === i ? value : g));
    const cases: BadCase[] = [
      {
        title: "too few arguments: names the count and shows the signature",
        args: () => ["encode", sig, "1"],
        check: (m, e) => {
          expect(m).to.equal(`${sig} takes 7 arguments, got 1`);
          expect(e).to.include("usage: f(uint8, int8, address, bool, bytes4, uint256[2], (uint64, string))");
        },
      },
      {
        title: "uint8 out of range",
        args: () => ["encode", sig, ...withArg(0, "256")],
        check: (m) => expect(m).to.match(/^argument 1 \(uint8\) of f\(.*256 is out of range for uint8 \(0 to 255\)/),
      },
      {
        title: "int8 below its minimum",
        args: () => ["encode", sig, ...withArg(1, "-129")],
        check: (m) => expect(m).to.match(/^argument 2 \(int8\) .*-129 is out of range for int8 \(-128 to 127\)/),
      },
      {
        title: "a negative value for a uint",
        args: () => ["encode", "f(uint256)", "-1"],
        check: (m) => expect(m).to.include("out of range for uint256"),
      },
      {
        title: "not an integer",
        args: () => ["encode", sig, ...withArg(0, "1.5")],
        check: (m) => expect(m).to.match(/argument 1 \(uint8\).*"1\.5" is not an integer/),
      },
      {
        title: "an address with a broken checksum",
        args: () => ["encode", sig, ...withArg(2, A1.replace("0xf39Fd6", "0xf39fd6"))],
        check: (m) => expect(m).to.match(/argument 3 \(address\).*checksum.*0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266/),
      },
      {
        title: "a short address",
        args: () => ["encode", sig, ...withArg(2, "0x1234")],
        check: (m) => expect(m).to.match(/argument 3 \(address\).*40 hex digits/),
      },
      {
        title: "a bool that is not true/false",
        args: () => ["encode", sig, ...withArg(3, "yes")],
        check: (m) => expect(m).to.match(/argument 4 \(bool\).*expected true or false/),
      },
      {
        title: "bytes4 of the wrong length",
        args: () => ["encode", sig, ...withArg(4, "0x010203")],
        check: (m) => expect(m).to.match(/argument 5 \(bytes4\).*exactly 4 bytes, got 3/),
      },
      {
        title: "a fixed array of the wrong length",
        args: () => ["encode", sig, ...withArg(5, "[1,2,3]")],
        check: (m) => expect(m).to.match(/argument 6 \(uint256\[2\]\).*expected 2 elements/),
      },
      {
        title: "malformed JSON for an array",
        args: () => ["encode", sig, ...withArg(5, "[1,2")],
        check: (m) => expect(m).to.match(/argument 6 .*expected JSON for uint256\[2\]/),
      },
      {
        title: "a struct field of the wrong type, located",
        args: () => ["encode", sig, ...withArg(6, "[1,2]")],
        check: (m) => expect(m).to.match(/argument 7 .*at \.1: expected a string, got 2/),
      },
      {
        title: "cast's (a,b) tuple syntax gets a pointer to JSON",
        args: () => ["encode", sig, ...withArg(6, '(1,"a")')],
        check: (m) => expect(m).to.include("tuples are JSON arrays"),
      },
      {
        title: "a malformed signature",
        args: () => ["encode", "f(uint256", "1"],
        check: (m) => expect(m).to.include("unbalanced parentheses"),
      },
      {
        title: "an unknown type in a signature",
        args: () => ["encode", "f(uint257)", "1"],
        check: (m) => expect(m).to.include('unknown type "uint257"'),
      },
      {
        title: "an ambiguous overloaded name lists the candidates",
        args: () => ["encode", "echo", "1", "--contract", "Echo"],
        check: (m, e) => {
          expect(m).to.include('"echo" is overloaded in Echo');
          expect(e).to.include("  echo(string)\n  echo(uint256)");
        },
      },
      {
        title: "an unknown function name",
        args: () => ["encode", "nosuchFunction", "1"],
        check: (m) => expect(m).to.include('no function "nosuchFunction"'),
      },
      {
        title: "an unknown contract",
        args: () => ["encode", "f", "--contract", "NoSuchContract"],
        check: (m) => expect(m).to.include('no ABI for "NoSuchContract"'),
      },
      {
        title: "decode: data that is not hex",
        args: () => ["decode", "f(uint256)", "0xzz12"],
        check: (m) => expect(m).to.include("not hex"),
      },
      {
        title: "decode: an odd number of hex digits",
        args: () => ["decode", "f(uint256)", "0xb3de648b0"],
        check: (m) => expect(m).to.include("odd number"),
      },
      {
        title: "decode: another function's selector, named from the known ABIs",
        args: () => ["decode", "f(uint256)", `0x6279e43c${"00".repeat(32)}`],
        check: (m, e) => {
          expect(m).to.equal("calldata starts with 0x6279e43c, not 0xb3de648b, the selector of f(uint256)");
          expect(e).to.match(/hint: 0x6279e43c is echo\(uint256\) in (Echo|Vault)/);
        },
      },
      {
        title: "decode: truncated calldata",
        args: () => ["decode", "f(uint256,string)", `${id("f(uint256,string)").slice(0, 10)}${"00".repeat(40)}`],
        check: (m) => expect(m).to.include("too short"),
      },
      {
        title: "decode --output without return types",
        args: () => ["decode", "f(uint256)", `0x${"00".repeat(32)}`, "--output"],
        check: (m) => expect(m).to.include("--output needs the return types"),
      },
      { title: "decode: no data at all", args: () => ["decode", "f(uint256)"], check: (m) => expect(m).to.include("no data") },
      {
        title: "abi: an unknown contract",
        args: () => ["abi", "NoSuchContract"],
        check: (m) => expect(m).to.include('no ABI for "NoSuchContract"'),
      },
      {
        title: "abi: a file that is not an ABI",
        args: () => {
          const file = join(tmp(), "notes.json");
          writeFileSync(file, '{"hello":"world"}');
          return ["abi", file];
        },
        check: (m) => expect(m).to.include("holds no ABI"),
      },
    ];
    for (const c of cases) {
      it(c.title, async () => {
        const args = c.args();
        const [human, json] = await Promise.all([cli(args), cli([...args, "--json"])]);
        const message = expectBadInput(human);
        c.check(message, human.stderr);
        expect(expectBadInput(json, { json: true }), "the same message in both modes").to.equal(message);
      });
    }

    it("a valid control for the same signature encodes (the cases above fail for their one reason)", async () => {
      expect(ok(await cli(["encode", sig, ...good]))).to.match(/^0x[0-9a-f]+\n$/);
    });

    it("an ABI folder where a name is declared two ways asks for a signature or --contract, listing both", async () => {
      const dir = join(tmp(), "two-abis");
      mkdirSync(dir);
      copyFileSync(join(ABI_DIR, "CallDemo.abi"), join(dir, "CallDemo.abi"));
      writeFileSync(
        join(dir, "Other.abi"),
        JSON.stringify([
          { type: "function", name: "setYear", inputs: [{ name: "y", type: "uint64" }], outputs: [], stateMutability: "nonpayable" },
        ]),
      );
      const r = await runCli(["encode", "setYear", "2021", "--abi-dir", dir]);
      const message = expectBadInput(r);
      expect(message).to.include('"setYear" is declared more than one way');
      expect(r.stderr).to.include("setYear(uint256)  (CallDemo)").and.include("setYear(uint64)  (Other)");
    });
  });

  describe("help", () => {
    for (const command of ["encode", "decode", "abi"]) {
      it(`${command} --help shows examples`, async () => {
        const r = await cli([command, "--help"]);
        expect(ok(r)).to.include("Examples:").and.include(`$ chaincall ${command} `);
      });
    }
  });
});
