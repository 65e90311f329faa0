import { expect } from "chai";
import { closestName } from "../src/cli/suggest";
import { parseRpcUrl } from "../src/client/parseRpcUrl";
import { rejection } from "./fixtures/assertions";
import { expectErrorLine, runCli, showCli } from "./fixtures/nodes";

// Issue 12 item 5, the rough edges a new user hits: host:port without a scheme, decode --output of hex
// without 0x, and mistyped commands and options — each one line of error with a hint, exit 2.

describe("rough edges (issue 12 item 5)", () => {
  it("-r host:port without a scheme is refused with a hint, not read as an IPC path", async () => {
    for (const address of ["127.0.0.1:8545", "localhost:8545"]) {
      const r = await runCli(["chain-id", "-r", address]);
      expect(expectErrorLine(r, 2)).to.equal(`RPC URL ${address} has no scheme`);
      expect(r.stderr, showCli(r)).to.include(`did you mean -r "http://${address}"?`);
    }
    // A key in the path is never printed, not even in the hint.
    const keyed = await runCli(["chain-id", "-r", "localhost:8545/SECRETKEY42"]);
    expectErrorLine(keyed, 2);
    expect(keyed.stderr).not.to.include("SECRETKEY42");
    // Real IPC paths are still IPC paths.
    expect(parseRpcUrl("/tmp/geth.ipc").kind).to.equal("ipc");
    expect(parseRpcUrl("node.ipc").kind).to.equal("ipc");
    const err = await rejection(async () => parseRpcUrl("[::1]:8545"));
    expect((err as { code?: string }).code).to.equal("INVALID_ARGUMENT");
  });

  it("decode wants 0x on its data, with --output too", async () => {
    const word = (5).toString(16).padStart(64, "0");
    const bare = await runCli(["decode", "getYear()(uint256)", "--output", word]);
    expect(expectErrorLine(bare, 2)).to.match(/^data must start with 0x/);
    const prefixed = await runCli(["decode", "getYear()(uint256)", "--output", `0x${word}`]);
    expect(prefixed.code, showCli(prefixed)).to.equal(0);
    expect(prefixed.stdout).to.equal("5\n");
    const calldata = await runCli(["decode", "setYear(uint256)", `bdd85ffa${word}`]);
    expect(expectErrorLine(calldata, 2)).to.match(/^data must start with 0x/);
  });

  it("an unknown command or option suggests the closest known one", async () => {
    const command = await runCli(["block-numbr"]);
    expect(expectErrorLine(command, 2)).to.equal('unknown command "block-numbr"');
    expect(command.stderr).to.include('hint: did you mean "block-number"?');
    const option = await runCli(["chain-id", "--rpc-ur", "http://127.0.0.1:1"]);
    expect(expectErrorLine(option, 2)).to.equal("unknown option --rpc-ur");
    expect(option.stderr).to.include("hint: did you mean --rpc-url?");
    // A command's own option counts too; a far-fetched name gets no suggestion.
    const own = await runCli(["decode", "f()", "0x", "--outptu"]);
    expect(own.stderr).to.include("hint: did you mean --output?");
    const far = await runCli(["chain-id", "--zzzzzz"]);
    expectErrorLine(far, 2);
    expect(far.stderr).not.to.include("did you mean");
    expect(closestName("jsno", ["json", "quiet"])).to.equal("json");
    expect(closestName("x", ["json"])).to.equal(undefined);
  });
});
