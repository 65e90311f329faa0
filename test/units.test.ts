import { expect } from "chai";
import { Interface, ParamType } from "ethers";
import { type ChaincallError, decodeRevert } from "../src";
import { formatNamedArgs, formatValue, namedArgs, toJsonValue } from "../src/abi/formatValue";
import { parseArgs } from "../src/abi/parseArgs";
import { parseSignature } from "../src/abi/parseSignature";
import { selectFunction } from "../src/abi/selectFunction";
import { parseAccount, parseAddress, parseBlock, parseTarget, parseTxHash } from "../src/cli/parseInput";
import { toRpcBlock } from "../src/client/blockSelector";
import { JsonStreamSplitter } from "../src/client/JsonStreamSplitter";
import { parseRpcUrl, registerUrlSecrets } from "../src/client/parseRpcUrl";
import { describeUrl, redact, registerSecret } from "../src/errors/redact";

// Pure functions: no node needed.
function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return (err as ChaincallError).code;
  }
  return undefined;
}

function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    return (err as Error).message;
  }
  return "";
}

describe("parseSignature (cast-style)", () => {
  it("reads name(types)(returns)", () => {
    const f = parseSignature("getYear()(uint256)");
    expect(f.name).to.equal("getYear");
    expect(f.inputs).to.have.length(0);
    expect(f.outputs.map((o) => o.type)).to.deep.equal(["uint256"]);
  });
  it("reads tuples, arrays, names and the `returns` spelling", () => {
    const f = parseSignature("f((uint256,address)[] xs, bytes32) returns (bool ok, string)");
    expect(f.format("sighash")).to.equal("f((uint256,address)[],bytes32)");
    expect(f.outputs.map((o) => o.type)).to.deep.equal(["bool", "string"]);
  });
  it("rejects malformed signatures with INVALID_ARGUMENT", () => {
    for (const bad of ["getYear(", "(uint256)", "f(uint257)", "f()(uint256", "f() junk"])
      expect(
        codeOf(() => parseSignature(bad)),
        bad,
      ).to.equal("INVALID_ARGUMENT");
  });
});

describe("selectFunction", () => {
  const abi = new Interface([
    "function transfer(address,uint256)",
    "function transfer(address,uint256,bytes)",
    "function getYear() view returns (uint256)",
  ]);
  it("picks by name, and by signature for overloads", () => {
    expect(selectFunction(abi, "getYear").format("sighash")).to.equal("getYear()");
    expect(selectFunction(abi, "transfer(address,uint256,bytes)").inputs).to.have.length(3);
  });
  it("lists the candidates of an ambiguous name", () => {
    try {
      selectFunction(abi, "transfer", "Token");
      expect.fail("should throw");
    } catch (err) {
      expect((err as ChaincallError).code).to.equal("INVALID_ARGUMENT");
      expect((err as ChaincallError).metaMessages.join("\n"))
        .to.include("transfer(address,uint256)")
        .and.include("transfer(address,uint256,bytes)");
    }
  });
  it("names the contract and its functions for an unknown function", () => {
    const msg = messageOf(() => selectFunction(abi, "getyear", "CallDemo"));
    expect(msg).to.include('no function "getyear" in CallDemo');
  });
});

describe("parseArgs (by ABI type, before any RPC)", () => {
  const f = (sig: string) => parseSignature(sig);
  it("parses integers in decimal, hex, scientific and units, and checks ranges", () => {
    expect(
      parseArgs(f("f(uint256,uint256,uint256,uint256,int8,int256)"), ["2021", "0xff", "1e18", "1.5gwei", "-128", "-0x10"]),
    ).to.deep.equal([2021n, 255n, 10n ** 18n, 1_500_000_000n, -128n, -16n]);
    expect(codeOf(() => parseArgs(f("f(uint8)"), ["256"]))).to.equal("INVALID_ARGUMENT");
    expect(codeOf(() => parseArgs(f("f(uint256)"), ["-1"]))).to.equal("INVALID_ARGUMENT");
    expect(codeOf(() => parseArgs(f("f(int8)"), ["-129"]))).to.equal("INVALID_ARGUMENT");
    expect(codeOf(() => parseArgs(f("f(uint256)"), ["1.5"]))).to.equal("INVALID_ARGUMENT");
    expect(parseArgs(f("f(uint256)"), [(2n ** 256n - 1n).toString()])).to.deep.equal([2n ** 256n - 1n]);
  });
  it("verifies address checksums when mixed-case and accepts all-lowercase", () => {
    const good = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";
    expect(parseArgs(f("f(address)"), [good.toLowerCase()])).to.deep.equal([good]);
    expect(parseArgs(f("f(address)"), [good])).to.deep.equal([good]);
    const flipped = good.replace("F6F4", "f6F4");
    expect(messageOf(() => parseArgs(f("f(address)"), [flipped]))).to.include("checksum");
    expect(codeOf(() => parseArgs(f("f(address)"), ["0x123"]))).to.equal("INVALID_ARGUMENT");
  });
  it("parses bools, bytes (length-checked), strings with unicode", () => {
    expect(parseArgs(f("f(bool,bool,bytes,bytes4,string)"), ["true", "false", "0xdeadbeef", "0x01020304", "héllo ✓"])).to.deep.equal([
      true,
      false,
      "0xdeadbeef",
      "0x01020304",
      "héllo ✓",
    ]);
    expect(codeOf(() => parseArgs(f("f(bool)"), ["yes"]))).to.equal("INVALID_ARGUMENT");
    expect(codeOf(() => parseArgs(f("f(bytes4)"), ["0x0102"]))).to.equal("INVALID_ARGUMENT");
    expect(codeOf(() => parseArgs(f("f(bytes)"), ["0x123"]))).to.equal("INVALID_ARGUMENT");
  });
  it("parses JSON arrays and nested tuples, by position or by field name", () => {
    const fn = parseSignature("f((uint256 id,address owner)[] items, uint8[2] pair)");
    const owner = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";
    expect(parseArgs(fn, [`[[1,"${owner}"],{"id":"2","owner":"${owner.toLowerCase()}"}]`, "[3,4]"])).to.deep.equal([
      [
        [1n, owner],
        [2n, owner],
      ],
      [3n, 4n],
    ]);
    expect(messageOf(() => parseArgs(fn, ['[[1,"0x12"]]', "[3,4]"]))).to.include("at [0].owner");
    expect(codeOf(() => parseArgs(fn, ["[]", "[1,2,3]"]))).to.equal("INVALID_ARGUMENT");
    expect(codeOf(() => parseArgs(fn, ["not json", "[1,2]"]))).to.equal("INVALID_ARGUMENT");
  });
  it("says which argument, the expected type and the signature; and checks the count", () => {
    const msg = messageOf(() => parseArgs(parseSignature("setYear(uint256 newYear)"), ["abc"]));
    expect(msg).to.include("argument 1").and.include("uint256").and.include("setYear(uint256)");
    expect(messageOf(() => parseArgs(parseSignature("setYear(uint256)"), []))).to.equal("setYear(uint256) takes 1 argument, got 0");
  });
});

describe("formatValue / toJsonValue", () => {
  it("prints integers in decimal, structs as objects, and keeps big numbers exact", () => {
    expect(formatValue(2020n)).to.equal("2020");
    expect(toJsonValue(2n ** 255n)).to.equal((2n ** 255n).toString());
    const t = ParamType.from("tuple(uint256 id, string name)");
    expect(toJsonValue([1n, "a"], t)).to.deep.equal({ id: "1", name: "a" });
    expect(formatValue([[1n, 2n]], ParamType.from("uint256[][]"))).to.equal('[["1","2"]]');
  });
});

describe("namedArgs / formatNamedArgs (the one named-args line)", () => {
  it("names each value by its parameter, by position when unnamed, JSON-safe", () => {
    const params = [ParamType.from("uint256 previous"), ParamType.from("address"), ParamType.from("tuple(uint256 id, bool open) position")];
    expect(namedArgs(params, [2020n, "0x5FbDB2315678afecb367f032d93F642f64180aa3", [7n, true]])).to.deep.equal({
      previous: "2020",
      "1": "0x5FbDB2315678afecb367f032d93F642f64180aa3",
      position: { id: "7", open: true },
    });
  });
  it("prints strings bare, control characters JSON-quoted, everything else as compact JSON", () => {
    expect(formatNamedArgs("YearChanged", { previous: "2020", note: "a\nb", position: { id: "7" }, ok: true })).to.equal(
      'YearChanged(previous=2020, note="a\\nb", position={"id":"7"}, ok=true)',
    );
    expect(formatNamedArgs("Ping", {})).to.equal("Ping()");
  });
});

describe("CLI input parsing (parseInput)", () => {
  const ADDRESS = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
  it("parseAddress checksums, and refuses a bad checksum with the right one as a hint", () => {
    expect(parseAddress(ADDRESS.toLowerCase())).to.equal(ADDRESS);
    expect(codeOf(() => parseAddress("0x1234"))).to.equal("INVALID_ARGUMENT");
    const bad = `0x5fbDB2315678afecb367f032d93F642f64180aa3`;
    expect(messageOf(() => parseAddress(bad))).to.equal(`bad checksum in address ${bad}`);
  });
  it("parseTarget takes 0x…, Name and Name@0x…", () => {
    expect(parseTarget(ADDRESS.toLowerCase())).to.deep.equal({ name: undefined, address: ADDRESS });
    expect(parseTarget("CallDemo")).to.deep.equal({ name: "CallDemo", address: undefined });
    expect(parseTarget(`CallDemo@${ADDRESS}`)).to.deep.equal({ name: "CallDemo", address: ADDRESS });
    expect(messageOf(() => parseTarget(`Call Demo@${ADDRESS}`))).to.match(/^invalid target "Call Demo@0x/);
    expect(codeOf(() => parseTarget("CallDemo@0x12"))).to.equal("INVALID_ARGUMENT");
    expect(parseAccount("CallDemo")).to.deep.equal({ name: "CallDemo" });
    expect(codeOf(() => parseAccount("not a name"))).to.equal("INVALID_ARGUMENT");
  });
  it("parseBlock: tags, numbers, hashes; nothing is latest; the range form refuses hashes and pending", () => {
    const hash = `0x${"AB".repeat(32)}`;
    expect(parseBlock(undefined)).to.deep.equal({ block: "latest", shown: "latest" });
    expect(parseBlock("finalized")).to.deep.equal({ block: "finalized", shown: "finalized" });
    expect(parseBlock("0x10")).to.deep.equal({ block: 16, shown: 16 });
    expect(parseBlock(hash)).to.deep.equal({ block: { blockHash: hash.toLowerCase() }, shown: hash.toLowerCase() });
    expect(messageOf(() => parseBlock("soon"))).to.equal(
      'invalid --block "soon" (expected latest|pending|safe|finalized|earliest, a number or a block hash)',
    );
    const range = { option: "--from-block", tags: ["earliest", "latest", "safe", "finalized"], hashes: false };
    expect(parseBlock("12", range).shown).to.equal(12);
    expect(messageOf(() => parseBlock("pending", range))).to.equal(
      'invalid --from-block "pending" (expected a block number or one of earliest, latest, safe, finalized)',
    );
    expect(codeOf(() => parseBlock(hash, range))).to.equal("INVALID_ARGUMENT");
    expect(codeOf(() => parseBlock("99999999999999999"))).to.equal("INVALID_ARGUMENT");
  });
  it("parseTxHash lowercases 32-byte hashes and refuses anything else", () => {
    expect(parseTxHash(`0x${"AB".repeat(32)}`)).to.equal(`0x${"ab".repeat(32)}`);
    expect(codeOf(() => parseTxHash(ADDRESS))).to.equal("INVALID_ARGUMENT");
  });
  it("toRpcBlock turns the SDK's block selector into the JSON-RPC parameter, checking it", () => {
    expect(toRpcBlock(undefined, "block")).to.equal("latest");
    expect(toRpcBlock(255, "block")).to.equal("0xff");
    expect(toRpcBlock(16n, "block")).to.equal("0x10");
    expect(toRpcBlock({ blockHash: `0x${"AB".repeat(32)}` }, "block")).to.deep.equal({ blockHash: `0x${"ab".repeat(32)}` });
    expect(codeOf(() => toRpcBlock(1.5, "block"))).to.equal("INVALID_ARGUMENT");
    expect(codeOf(() => toRpcBlock("0x10" as never, "block"))).to.equal("INVALID_ARGUMENT");
  });
});

describe("decodeRevert", () => {
  it("decodes Error(string), Panic(uint256) with its meaning, and custom errors from known ABIs", () => {
    const errorString = new Interface(["error Error(string)"]).encodeErrorResult("Error", ["not owner"]);
    expect(decodeRevert(errorString).reason).to.equal("not owner");
    const panic = new Interface(["error Panic(uint256)"]).encodeErrorResult("Panic", [0x11]);
    expect(decodeRevert(panic).reason).to.equal("panic 0x11: arithmetic overflow or underflow");
    const abi = new Interface(["error Insufficient(uint256 have, uint256 want)"]);
    const custom = decodeRevert(abi.encodeErrorResult("Insufficient", [1, 2]), [abi]);
    expect(custom.errorName).to.equal("Insufficient");
    expect(custom.args).to.deep.equal([1n, 2n]);
    expect(decodeRevert("0xdeadbeef").errorName).to.equal(undefined);
  });
});

describe("secrets never printed", () => {
  it("hides URL credentials and API-key path segments, keeping the host", () => {
    expect(describeUrl("https://user:pw@rpc.example.com/v3/0123456789abcdef0123456789abcdef")).to.equal(
      "https://***@rpc.example.com/v3/***",
    );
    expect(describeUrl("http://127.0.0.1:8545")).to.equal("http://127.0.0.1:8545");
    // Every path segment is masked (providers put keys there), version segments (v3) excepted.
    expect(redact("failed: wss://a:b@node.example:8546/ws?key=zzz")).to.equal("failed: wss://***@node.example:8546/***?***");
  });
  it("removes registered secrets with or without 0x", () => {
    const key = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
    registerSecret(key);
    expect(redact(`key ${key} and ${key.slice(2)}`)).to.equal("key *** and ***");
  });
  it("parseRpcUrl keeps credentials out of the display form", () => {
    const parsed = parseRpcUrl("http://alice:s3cret@127.0.0.1:8545");
    expect(parsed.display).to.equal("http://***@127.0.0.1:8545");
    expect(parsed.address).to.not.include("s3cret");
    expect(parsed.credentials).to.deep.equal({ username: "alice", password: "s3cret" });
    expect(parseRpcUrl("/tmp/geth.ipc").kind).to.equal("ipc");
    expect(parseRpcUrl("wss://x.example").kind).to.equal("ws");
  });
  it("a malformed URL registers its user info and path as secrets, never its host", () => {
    registerUrlSecrets("http://10.11.12.13:8545:1/MALFORMEDPATHKEY");
    registerUrlSecrets("http://bob:malformedpass@203.0.113.77:99999");
    expect(redact("cannot reach 10.11.12.13:8545 and 203.0.113.77 (MALFORMEDPATHKEY, malformedpass)")).to.equal(
      "cannot reach 10.11.12.13:8545 and 203.0.113.77 (***, ***)",
    );
  });
});

describe("JsonStreamSplitter (IPC framing)", () => {
  it("splits concatenated messages with no newline, and messages split across chunks", () => {
    const s = new JsonStreamSplitter();
    expect(s.push(Buffer.from('{"id":1}{"id":2}\n{"id'))).to.deep.equal(['{"id":1}', '{"id":2}']);
    expect(s.push(Buffer.from('":3,"result":[1,2]}'))).to.deep.equal(['{"id":3,"result":[1,2]}']);
  });
  it("ignores braces and escaped quotes inside strings", () => {
    const s = new JsonStreamSplitter();
    const tricky = JSON.stringify({ id: 1, result: 'a } { ] [ \\" " \\\\' });
    const parts = [tricky.slice(0, 10), tricky.slice(10, 11), tricky.slice(11)];
    const out = parts.flatMap((p) => s.push(Buffer.from(p)));
    expect(out).to.deep.equal([tricky]);
    expect(JSON.parse(out[0]).result).to.equal('a } { ] [ \\" " \\\\');
  });
  it("reassembles a 400 KB response fed in 1 KB chunks, and multi-byte UTF-8 split mid-character", () => {
    const s = new JsonStreamSplitter();
    const big = JSON.stringify({ id: 7, result: `0x${"ab".repeat(200_000)}`, note: "✓ ünï" });
    const bytes = Buffer.from(big);
    const out: string[] = [];
    for (let i = 0; i < bytes.length; i += 1024) out.push(...s.push(bytes.subarray(i, i + 1024)));
    expect(out).to.have.length(1);
    expect(out[0]).to.equal(big);
  });
});
