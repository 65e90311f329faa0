import { copyFileSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { type AddressInfo, createServer, type Socket } from "node:net";
import { join } from "node:path";
import { expect } from "chai";
import { getAddress } from "ethers";
import { commandNames } from "../scripts/cliReference";
import { findFreePort, projectRoot } from "../scripts/lib/localNode";
import { addressBookPath } from "../src/registry/addressBook";
import {
  anvil,
  type CliResult,
  chainState,
  DEV_ACCOUNT,
  DEV_PRIVATE_KEY,
  hardhat,
  isolateState,
  parseDocument,
  rpc,
  runCli,
  showCli as show,
  tempDir,
} from "./fixtures/nodes";

// The real CLI (dist/src/cli/main.js), spawned once per case, against the run's Hardhat node and Anvil (SPEC §4, §7 items 1, 2, 4, 8).

const ABI_DIR = join(projectRoot(), "abi");
const HASH = /^0x[0-9a-f]{64}$/;
const ADDRESS = /^0x[0-9a-fA-F]{40}$/;
const KEY_NO_PREFIX = DEV_PRIVATE_KEY.slice(2);

/** Runs the CLI with a generous kill timer (a hung CLI shows up as `code: null`). */
function cli(args: string[], options: { env?: Record<string, string>; timeoutMs?: number } = {}): Promise<CliResult> {
  return runCli(args, { timeoutMs: 30_000, ...options });
}

/** Options that point the CLI at a node, an address book folder and the repository's ABI folder. */
function at(rpcUrl: string, book: string): string[] {
  return ["-r", rpcUrl, "--deployments", book, "--abi-dir", ABI_DIR];
}

function expectOk(r: CliResult): void {
  expect(r.code, show(r)).to.equal(0);
}

/** An error the SPEC way: the exit code, a first stderr line `error: …`, no stack trace. Returns the message. */
function expectError(r: CliResult, code: 1 | 2, options: { json?: boolean } = {}): string {
  expect(r.code, show(r)).to.equal(code);
  const first = r.stderr.split("\n")[0];
  expect(first, show(r)).to.match(/^error: \S/);
  expect(r.stderr, `no stack trace without --verbose\n${show(r)}`).not.to.match(/^\s+at /m);
  const message = first.slice("error: ".length);
  if (options.json) {
    const doc = parseDocument(r);
    expect(Object.keys(doc), show(r)).to.deep.equal(["error"]);
    expect(doc.error.code, show(r)).to.be.a("string").that.is.not.empty;
    expect(doc.error.message, show(r)).to.equal(message);
  } else {
    expect(r.stdout, `stdout must stay empty on failure\n${show(r)}`).to.equal("");
  }
  return message;
}

function expectNoSecrets(r: CliResult, secrets: string[]): void {
  const text = `${r.stdout}\n${r.stderr}`.toLowerCase();
  for (const secret of secrets)
    expect(text.includes(secret.toLowerCase()), `secret "${secret.slice(0, 6)}…" leaked\n${show(r)}`).to.equal(false);
}

/** Flips the case of the first letter of a checksummed address, breaking its EIP-55 checksum. */
function breakChecksum(address: string): string {
  const i = [...address].findIndex((c, j) => j >= 2 && /[a-fA-F]/.test(c));
  const c = address[i];
  const flipped = c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase();
  return address.slice(0, i) + flipped + address.slice(i + 1);
}

/** Deploys CallDemo with the CLI into `book` (a folder) and returns its address. */
async function deployWithCli(rpcUrl: string, book: string): Promise<string> {
  const r = await cli(["deploy", "CallDemo", "--json", ...at(rpcUrl, book)], { env: { ETH_PRIVATE_KEY: DEV_PRIVATE_KEY } });
  if (r.code !== 0) throw new Error(`deploy failed\n${show(r)}`);
  return JSON.parse(r.stdout).address as string;
}

/** A TCP server that accepts connections and never answers. */
async function startBlackhole(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on("error", () => undefined);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

describe("chaincall CLI", function () {
  this.timeout(60_000);
  const tmp = tempDir("cli");
  let dirCount = 0;
  /** A fresh folder inside the suite's temp folder. */
  const freshDir = (name: string): string => {
    const dir = join(tmp(), `${name}-${++dirCount}`);
    mkdirSync(dir, { recursive: true });
    return dir;
  };

  describe("deploy", () => {
    isolateState(hardhat);

    it("deploys with --from (node account), prints one JSON document and records the address", async () => {
      const book = freshDir("deploy-json");
      const r = await cli(["deploy", "CallDemo", "--from", DEV_ACCOUNT, "--json", ...at(hardhat().rpcUrl, book)]);
      expectOk(r);
      const doc = parseDocument(r);
      expect(doc.address).to.match(ADDRESS);
      expect(doc.address, "checksummed").to.equal(getAddress(doc.address));
      expect(doc.hash).to.match(HASH);
      expect(doc.chainId).to.equal("31337");
      const code = (await rpc(hardhat().rpcUrl, "eth_getCode", [doc.address, "latest"])) as string;
      expect(code.length, "bytecode at the printed address").to.be.greaterThan(2);
      const receipt = (await rpc(hardhat().rpcUrl, "eth_getTransactionReceipt", [doc.hash])) as { contractAddress: string; from: string };
      expect(getAddress(receipt.contractAddress)).to.equal(doc.address);
      expect(getAddress(receipt.from)).to.equal(DEV_ACCOUNT);
      const addressBook = JSON.parse(readFileSync(join(book, `31337-${doc.genesis.slice(2, 10)}.json`), "utf8"));
      expect(addressBook.CallDemo.address).to.equal(doc.address);
    });

    it("deploys with ETH_PRIVATE_KEY and prints only the address in human mode", async () => {
      const book = freshDir("deploy-human");
      const r = await cli(["deploy", "CallDemo", ...at(hardhat().rpcUrl, book)], { env: { ETH_PRIVATE_KEY: DEV_PRIVATE_KEY } });
      expectOk(r);
      expect(r.stdout, show(r)).to.match(/^0x[0-9a-fA-F]{40}\n$/);
      const address = r.stdout.trim();
      expect(address).to.equal(getAddress(address));
      const code = (await rpc(hardhat().rpcUrl, "eth_getCode", [address, "latest"])) as string;
      expect(code.length).to.be.greaterThan(2);
      expect(JSON.parse(readFileSync(await nodeBookPath(hardhat().rpcUrl, book), "utf8")).CallDemo.address).to.equal(address);
    });
  });

  describe("call and send over HTTP (Hardhat)", () => {
    let book: string;
    let address: string;
    isolateState(hardhat, "suite");
    before(async () => {
      book = freshDir("hardhat-book");
      address = await deployWithCli(hardhat().rpcUrl, book);
    });
    isolateState(hardhat);

    it("calls by name through the address book and prints exactly 2020", async () => {
      const r = await cli(["call", "CallDemo", "getYear", ...at(hardhat().rpcUrl, book)]);
      expectOk(r);
      expect(r.stdout).to.equal("2020\n");
      expect(r.stderr, "nothing on stderr on success").to.equal("");
    });

    it('calls a bare address with a cast-style signature: call 0x… "getYear()(uint256)"', async () => {
      const r = await cli(["call", address, "getYear()(uint256)", ...at(hardhat().rpcUrl, freshDir("empty-book"))]);
      expectOk(r);
      expect(r.stdout).to.equal("2020\n");
    });

    it("calls Name@0x… (ABI by name, explicit address, no address book entry)", async () => {
      const r = await cli(["call", `CallDemo@${address}`, "getYear", ...at(hardhat().rpcUrl, freshDir("empty-book"))]);
      expectOk(r);
      expect(r.stdout).to.equal("2020\n");
    });

    it('--json prints exactly one document with result ["2020"]', async () => {
      const r = await cli(["call", "CallDemo", "getYear", "--json", ...at(hardhat().rpcUrl, book)]);
      expectOk(r);
      const doc = parseDocument(r);
      expect(doc.result).to.deep.equal(["2020"]);
      expect(doc.address).to.equal(address);
    });

    it("send --from prints the hash first, then status and the decoded event; call then reads 2021", async () => {
      const r = await cli(["send", "CallDemo", "setYear", "2021", "--from", DEV_ACCOUNT, ...at(hardhat().rpcUrl, book)]);
      expectOk(r);
      const lines = r.stdout.trimEnd().split("\n");
      const hash = /^hash\s+(0x[0-9a-f]{64})$/.exec(lines[0])?.[1];
      expect(hash, show(r)).to.match(HASH);
      expect(lines.slice(1), show(r)).to.satisfy((ls: string[]) => ls.some((l) => /^status\s+success$/.test(l)));
      const event = `YearChanged(previous=2020, current=2021, by=${DEV_ACCOUNT})`;
      expect(lines.slice(1), show(r)).to.satisfy((ls: string[]) => ls.some((l) => l.replace(/^event\s+/, "event ") === `event ${event}`));
      const receipt = (await rpc(hardhat().rpcUrl, "eth_getTransactionReceipt", [hash])) as { status: string };
      expect(receipt.status).to.equal("0x1");
      const after = await cli(["call", "CallDemo", "getYear", ...at(hardhat().rpcUrl, book)]);
      expect(after.stdout, show(after)).to.equal("2021\n");
    });

    it("send with ETH_PRIVATE_KEY --json prints one document with status and decoded event args", async () => {
      const r = await cli(["send", "CallDemo", "setYear", "2021", "--json", ...at(hardhat().rpcUrl, book)], {
        env: { ETH_PRIVATE_KEY: DEV_PRIVATE_KEY },
      });
      expectOk(r);
      const doc = parseDocument(r);
      expect(doc.hash).to.match(HASH);
      expect(doc.status).to.equal("success");
      expect(doc.events).to.have.length(1);
      expect(doc.events[0].name).to.equal("YearChanged");
      expect(doc.events[0].args).to.deep.equal({ previous: "2020", current: "2021", by: DEV_ACCOUNT });
      const after = await cli(["call", "CallDemo", "getYear", "--json", ...at(hardhat().rpcUrl, book)]);
      expect(parseDocument(after).result).to.deep.equal(["2021"]);
    });

    it("send --async prints only the hash, on one line", async () => {
      const r = await cli(["send", "CallDemo", "setYear", "2022", "--async", "--from", DEV_ACCOUNT, ...at(hardhat().rpcUrl, book)]);
      expectOk(r);
      expect(r.stdout, show(r)).to.match(/^0x[0-9a-f]{64}\n$/);
      const tx = (await rpc(hardhat().rpcUrl, "eth_getTransactionByHash", [r.stdout.trim()])) as { from: string } | null;
      expect(tx, "the printed hash is a real transaction").to.not.equal(null);
      expect(getAddress(tx!.from)).to.equal(DEV_ACCOUNT);
    });

    it("a block the node does not have is reported as such, not as a revert", async () => {
      // Hardhat answers "Received invalid block tag 99999. Latest block number is N"; the CLI should say so.
      const r = await cli(["call", "CallDemo", "getYear", "-b", "99999", "--json", ...at(hardhat().rpcUrl, book)]);
      const message = expectError(r, 1, { json: true });
      expect(parseDocument(r).error.code, show(r)).to.not.equal("CALL_REVERTED");
      expect(message, show(r)).to.not.match(/revert/i);
      expect(message, show(r)).to.include("99999");
    });
  });

  describe("call and send over IPC and WebSocket (Anvil)", () => {
    let book: string;
    isolateState(anvil, "suite");
    before(async () => {
      book = freshDir("anvil-book");
      await deployWithCli(anvil().ipcPath!, book);
    });
    isolateState(anvil);

    it("calls over IPC (-r <socket path>)", async () => {
      const r = await cli(["call", "CallDemo", "getYear", ...at(anvil().ipcPath!, book)]);
      expectOk(r);
      expect(r.stdout).to.equal("2020\n");
    });

    it("calls over WebSocket (-r ws://…)", async () => {
      const r = await cli(["call", "CallDemo", "getYear", ...at(anvil().wsUrl, book)]);
      expectOk(r);
      expect(r.stdout).to.equal("2020\n");
    });

    it("sends over IPC with ETH_PRIVATE_KEY, and WebSocket reads the new value", async () => {
      const r = await cli(["send", "CallDemo", "setYear", "2021", "--json", ...at(anvil().ipcPath!, book)], {
        env: { ETH_PRIVATE_KEY: DEV_PRIVATE_KEY },
      });
      expectOk(r);
      const doc = parseDocument(r);
      expect(doc.status).to.equal("success");
      expect(doc.events[0].args).to.deep.equal({ previous: "2020", current: "2021", by: DEV_ACCOUNT });
      const after = await cli(["call", "CallDemo", "getYear", ...at(anvil().wsUrl, book)]);
      expect(after.stdout, show(after)).to.equal("2021\n");
    });

    it("sends over WebSocket with --from, and IPC reads the new value", async () => {
      const r = await cli(["send", "CallDemo", "setYear", "2023", "--from", DEV_ACCOUNT, "--json", ...at(anvil().wsUrl, book)]);
      expectOk(r);
      expect(parseDocument(r).status).to.equal("success");
      const after = await cli(["call", "CallDemo", "getYear", ...at(anvil().ipcPath!, book)]);
      expect(after.stdout, show(after)).to.equal("2023\n");
    });

    it("takes the node from ETH_RPC_URL when -r is absent (WebSocket call, IPC send)", async () => {
      const noRpc = ["--deployments", book, "--abi-dir", ABI_DIR];
      const read = await cli(["call", "CallDemo", "getYear", ...noRpc], { env: { ETH_RPC_URL: anvil().wsUrl } });
      expectOk(read);
      expect(read.stdout).to.equal("2020\n");
      const send = await cli(["send", "CallDemo", "setYear", "2024", "--json", ...noRpc], {
        env: { ETH_RPC_URL: anvil().ipcPath!, ETH_PRIVATE_KEY: DEV_PRIVATE_KEY },
      });
      expectOk(send);
      expect(parseDocument(send).status).to.equal("success");
      const year = await rpc(anvil().rpcUrl, "eth_call", [
        { to: JSON.parse(readFileSync(await nodeBookPath(anvil().rpcUrl, book), "utf8")).CallDemo.address, data: "0xfd08921b" },
        "latest",
      ]);
      expect(BigInt(year as string)).to.equal(2024n);
    });
  });

  describe("gen", () => {
    it("generates bindings, then reports cached on an unchanged re-run", async function () {
      this.timeout(60_000);
      const abiDir = freshDir("gen-abi");
      for (const file of ["CallDemo.abi", "CallDemo.bin"]) copyFileSync(join(ABI_DIR, file), join(abiDir, file));
      const out = join(freshDir("gen-out"), "types");
      const first = await cli(["gen", abiDir, "--out", out, "--json"]);
      expectOk(first);
      const cold = parseDocument(first);
      expect(cold.contracts).to.deep.equal(["CallDemo"]);
      expect(cold.cached).to.equal(false);
      expect(readdirSync(out)).to.include("CallDemo.ts");
      const second = await cli(["gen", abiDir, "--out", out, "--json"]);
      expectOk(second);
      const warm = parseDocument(second);
      expect(warm.contracts).to.deep.equal(["CallDemo"]);
      expect(warm.cached).to.equal(true);
    });
  });

  describe("bad input: exit 2, one error line, nothing sent (SPEC §7.1)", () => {
    let book: string;
    let address: string;
    isolateState(hardhat, "suite");
    before(async () => {
      book = freshDir("bad-input-book");
      address = await deployWithCli(hardhat().rpcUrl, book);
    });
    isolateState(hardhat);

    interface BadCase {
      title: string;
      args: () => string[];
      /** Extra checks on the one-line message. */
      check?: (message: string) => void;
    }
    const from = ["--from", DEV_ACCOUNT];
    const cases: BadCase[] = [
      {
        title: "a malformed address (0x123)",
        args: () => ["send", "0x123", "setYear(uint256)", "1", ...from],
        check: (m) => expect(m).to.include("0x123"),
      },
      {
        title: "an address with a broken checksum",
        args: () => {
          const broken = breakChecksum(address);
          expect(broken).to.not.equal(address);
          expect(broken.slice(2)).to.not.equal(broken.slice(2).toLowerCase());
          return ["send", broken, "setYear(uint256)", "1", ...from];
        },
        check: (m) => expect(m).to.match(/checksum/i),
      },
      {
        title: "an unknown function name",
        args: () => ["send", "CallDemo", "setYearr", "1", ...from],
        check: (m) => expect(m).to.include("setYearr"),
      },
      { title: "a wrong argument count (setYear with no args)", args: () => ["send", "CallDemo", "setYear", ...from] },
      {
        title: "a wrong argument type (setYear abc) naming the argument and uint256",
        args: () => ["send", "CallDemo", "setYear", "abc", ...from],
        check: (m) => {
          expect(m).to.match(/newYear|argument 1/);
          expect(m).to.include("uint256");
        },
      },
      {
        title: "a negative value for uint256",
        args: () => ["send", "CallDemo", "setYear", "-1", ...from],
        check: (m) => expect(m).to.include("uint256"),
      },
      {
        title: "an unknown command",
        args: () => ["frobnicate", "CallDemo", "setYear", "1", ...from],
        check: (m) => expect(m).to.include("frobnicate"),
      },
      {
        title: "an unknown contract name",
        args: () => ["send", "NoSuchContract", "setYear", "1", ...from],
        check: (m) => expect(m).to.include("NoSuchContract"),
      },
      { title: "a bare address with a bare function name (no signature)", args: () => ["send", address, "setYear", "1", ...from] },
      {
        title: "--value on a non-payable function",
        args: () => ["send", "CallDemo", "setYear", "1", "--value", "1ether", ...from],
        check: (m) => expect(m).to.match(/payable/),
      },
      {
        title: "a malformed --timeout names what was typed",
        args: () => ["send", "CallDemo", "setYear", "1", "--timeout", "abc", ...from],
        check: (m) => expect(m).to.include("abc"),
      },
      {
        title: 'a missing <function> positional is named, not shown as "undefined"',
        args: () => ["send", "CallDemo", ...from],
        check: (m) => expect(m).to.not.include("undefined"),
      },
      // A typo of --value: strict mode must refuse before anything is signed or sent.
      {
        title: "an unknown option (--vaule, a typo of --value)",
        args: () => ["send", "CallDemo", "setYear", "2021", "--vaule", "1", ...from],
        check: (m) => expect(m).to.include("vaule"),
      },
    ];

    for (const c of cases) {
      it(c.title, async () => {
        const node = hardhat();
        const before = await chainState(node);
        // Human and --json runs side by side (they are independent; this halves the suite's time).
        const [human, json] = await Promise.all([
          cli([...c.args(), ...at(node.rpcUrl, book)]),
          cli([...c.args(), "--json", ...at(node.rpcUrl, book)]),
        ]);
        expect(await chainState(node), `nothing sent\n${show(human)}\n${show(json)}`).to.deep.equal(before);
        const message = expectError(human, 2);
        c.check?.(message);
        expect(expectError(json, 2, { json: true }), "the same message in both modes").to.equal(message);
      });
    }

    it("the CLI could have sent: the same command with a valid argument does send (control)", async () => {
      const node = hardhat();
      const before = (await chainState(node)) as { latest: string };
      const r = await cli(["send", "CallDemo", "setYear", "2021", ...from, ...at(node.rpcUrl, book)]);
      expectOk(r);
      const after = (await chainState(node)) as { latest: string };
      expect(BigInt(after.latest)).to.equal(BigInt(before.latest) + 1n);
    });
  });

  describe("unreachable and silent nodes (SPEC §7.2)", () => {
    const target = "0x5FbDB2315678afecb367f032d93F642f64180aa3";

    it("a closed port: exit 1, 'cannot reach <url>', well within --timeout", async () => {
      const port = await findFreePort();
      const url = `http://127.0.0.1:${port}`;
      const [r, json] = await Promise.all([
        cli(["call", target, "getYear()(uint256)", "-r", url, "--timeout", "5"]),
        cli(["call", target, "getYear()(uint256)", "-r", url, "--timeout", "5", "--json"]),
      ]);
      const message = expectError(r, 1);
      expect(message, show(r)).to.match(new RegExp(`^cannot reach ${url.replace(/\./g, "\\.")}\\b`));
      expect(r.ms, show(r)).to.be.lessThan(5000);
      expect(expectError(json, 1, { json: true })).to.equal(message);
      expect(json.ms, show(json)).to.be.lessThan(5000);
    });

    it("an IPC path that does not exist: exit 1, 'cannot reach'", async () => {
      const path = join(freshDir("no-ipc"), "geth.ipc");
      const r = await cli(["call", target, "getYear()(uint256)", "-r", path, "--timeout", "5"]);
      const message = expectError(r, 1);
      expect(message, show(r)).to.include("cannot reach");
      expect(message, show(r)).to.include(path);
      expect(r.ms, show(r)).to.be.lessThan(5000);
    });

    it("a server that accepts and never answers (HTTP and WebSocket): exit 1 after about --timeout, naming the timeout", async function () {
      this.timeout(30_000);
      const blackhole = await startBlackhole();
      try {
        const [http, ws] = await Promise.all(
          [`http://127.0.0.1:${blackhole.port}`, `ws://127.0.0.1:${blackhole.port}`].map((url) =>
            cli(["call", target, "getYear()(uint256)", "-r", url, "--timeout", "2"], { timeoutMs: 20_000 }),
          ),
        );
        for (const r of [http, ws]) {
          const message = expectError(r, 1);
          expect(message, show(r)).to.match(/time(d)? ?out/i);
          expect(r.ms, show(r)).to.be.within(1800, 4500);
        }
      } finally {
        await blackhole.close();
      }
    });
  });

  describe("chain id check (SPEC §7.8)", () => {
    let book: string;
    isolateState(hardhat, "suite");
    before(async () => {
      book = freshDir("chain-book");
      await deployWithCli(hardhat().rpcUrl, book);
    });
    isolateState(hardhat);

    /** The message without host:port, so that "1" cannot match inside 127.0.0.1. */
    const withoutHosts = (message: string) => message.replace(/[\w.-]*\d+\.\d+\.\d+\.\d+(:\d+)?/g, "<host>");

    it("--chain-id 1 against Hardhat: exit 1, names 1 and 31337 (and --chain-id 31337 works)", async () => {
      const r = await cli(["call", "CallDemo", "getYear", "--chain-id", "1", "--json", ...at(hardhat().rpcUrl, book)]);
      const message = withoutHosts(expectError(r, 1, { json: true }));
      expect(parseDocument(r).error.code).to.equal("CHAIN_MISMATCH");
      expect(message, show(r))
        .to.match(/\b1\b/)
        .and.to.match(/\b31337\b/);
      const ok = await cli(["call", "CallDemo", "getYear", "--chain-id", "31337", ...at(hardhat().rpcUrl, book)]);
      expectOk(ok);
      expect(ok.stdout).to.equal("2020\n");
    });

    it("a send with --chain-id 1 signs and sends nothing", async () => {
      const node = hardhat();
      const before = await chainState(node);
      const r = await cli(["send", "CallDemo", "setYear", "2021", "--from", DEV_ACCOUNT, "--chain-id", "1", ...at(node.rpcUrl, book)]);
      const message = withoutHosts(expectError(r, 1));
      expect(message, show(r))
        .to.match(/\b1\b/)
        .and.to.match(/\b31337\b/);
      expect(await chainState(node)).to.deep.equal(before);
    });

    it("ETH_CHAIN_ID=1 in the environment refuses a send the same way", async () => {
      const node = hardhat();
      const before = await chainState(node);
      const r = await cli(["send", "CallDemo", "setYear", "2021", ...at(node.rpcUrl, book)], {
        env: { ETH_CHAIN_ID: "1", ETH_PRIVATE_KEY: DEV_PRIVATE_KEY },
      });
      const message = withoutHosts(expectError(r, 1));
      expect(message, show(r))
        .to.match(/\b1\b/)
        .and.to.match(/\b31337\b/);
      expect(await chainState(node)).to.deep.equal(before);
    });
  });

  describe("secrets stay out of every output (SPEC §7.4)", () => {
    let book: string;
    isolateState(hardhat, "suite");
    before(async () => {
      book = freshDir("secrets-book");
      await deployWithCli(hardhat().rpcUrl, book);
    });
    isolateState(hardhat);
    const KEYS = [DEV_PRIVATE_KEY, KEY_NO_PREFIX];

    it("a failing --verbose send with ETH_PRIVATE_KEY (0x-prefixed or not) never prints the key", async () => {
      const runs = [DEV_PRIVATE_KEY, KEY_NO_PREFIX].flatMap((key) =>
        [[], ["--json"]].map((json) =>
          cli(["send", "CallDemo", "setYear", "2021", "--verbose", "--chain-id", "5", ...json, ...at(hardhat().rpcUrl, book)], {
            env: { ETH_PRIVATE_KEY: key },
          }),
        ),
      );
      for (const r of await Promise.all(runs)) {
        expect(r.code, show(r)).to.equal(1);
        expect(r.stderr, show(r)).to.match(/^error: .*chain/i);
        expect(r.stderr, "--verbose adds the cause chain").to.match(/^\s+at /m);
        expectNoSecrets(r, KEYS);
      }
    });

    it("user:secretpass@ in the RPC URL works against Hardhat and is never printed", async () => {
      const url = `http://user:secretpass@127.0.0.1:${hardhat().port}`;
      const send = await cli(["send", "CallDemo", "setYear", "2021", "--verbose", ...at(url, book)], {
        env: { ETH_PRIVATE_KEY: DEV_PRIVATE_KEY },
      });
      expectOk(send);
      expect(send.stdout).to.match(/^hash\s+0x[0-9a-f]{64}\n/);
      expectNoSecrets(send, ["secretpass", ...KEYS]);
      const call = await cli(["call", "CallDemo", "getYear", "--verbose", "--json", ...at(url, book)]);
      expectOk(call);
      expect(parseDocument(call).result).to.deep.equal(["2021"]);
      expectNoSecrets(call, ["secretpass"]);
    });

    it("user:secretpass@ pointing at a dead port: the host is shown, the password never", async () => {
      const port = await findFreePort();
      const url = `http://user:secretpass@127.0.0.1:${port}`;
      const runs = [["--verbose"], ["--json"]].map((extra) =>
        cli(["send", "CallDemo", "setYear", "2021", "--timeout", "5", ...extra, ...at(url, book)], {
          env: { ETH_PRIVATE_KEY: DEV_PRIVATE_KEY },
        }),
      );
      for (const r of await Promise.all(runs)) {
        expect(r.code, show(r)).to.equal(1);
        expect(r.stderr, show(r)).to.match(/^error: cannot reach/);
        expect(r.stderr, show(r)).to.include(`127.0.0.1:${port}`);
        expectNoSecrets(r, ["secretpass", ...KEYS]);
      }
    });

    it("--private-key on the command line works but warns, pointing at ETH_PRIVATE_KEY", async () => {
      const r = await cli(["send", "CallDemo", "setYear", "2021", "--private-key", DEV_PRIVATE_KEY, ...at(hardhat().rpcUrl, book)]);
      expectOk(r);
      expect(r.stderr, show(r)).to.match(/^warning: .*ETH_PRIVATE_KEY/m);
      expectNoSecrets(r, KEYS);
    });

    it("the ETH_PRIVATE_KEY value pasted into --from by mistake is refused without echoing it", async () => {
      const node = hardhat();
      const before = await chainState(node);
      const r = await cli(["send", "CallDemo", "setYear", "2021", "--from", DEV_PRIVATE_KEY, ...at(node.rpcUrl, book)], {
        env: { ETH_PRIVATE_KEY: DEV_PRIVATE_KEY },
      });
      expectError(r, 2);
      expectNoSecrets(r, KEYS);
      expect(await chainState(node)).to.deep.equal(before);
    });
  });

  describe("help", () => {
    it("--help exits 0 and lists call, send, deploy and gen", async () => {
      const r = await cli(["--help"]);
      expectOk(r);
      for (const command of ["call", "send", "deploy", "gen"])
        expect(r.stdout, show(r)).to.match(new RegExp(`^\\s+chaincall ${command}\\b`, "m"));
    });

    it('every command: --help has an example; an unknown option is exit 2, one error line, {"error"} with --json', async () => {
      const top = await cli(["--help"]);
      const names = commandNames(top.stdout);
      expect(names.length).to.be.at.least(18);
      await Promise.all(
        names.map(async (name) => {
          const help = await cli([name, "--help"]);
          expectOk(help);
          expect(help.stdout, show(help)).to.match(/Examples?:/);
          const bad = await cli([name, "--bogus-flag", "--json", "-r", "http://127.0.0.1:1"]);
          expect(bad.code, show(bad)).to.equal(2);
          // Commands with required arguments say first what is missing, naming it.
          const usage =
            /^ {2}chaincall (\S+(?: \S+)*?) {2,}/m.exec(
              top.stdout.split("\n").find((l) => l.startsWith(`  chaincall ${name} `) || l === `  chaincall ${name}`) ?? "",
            )?.[1] ?? name;
          const message = /<[^>]+>/.test(usage)
            ? `missing ${usage.match(/<[^>]+>/g)!.join(" ")}: chaincall ${usage}`
            : "unknown option --bogus-flag";
          expect(bad.stderr.trimEnd().split("\n"), show(bad)).to.deep.equal([`error: ${message}`, `hint: chaincall ${name} --help`]);
          expect(parseDocument(bad).error).to.deep.equal({ code: "INVALID_ARGUMENT", message });
        }),
      );
    });

    it("call --help shows examples", async () => {
      const r = await cli(["call", "--help"]);
      expectOk(r);
      expect(r.stdout).to.include("Examples:");
      expect(r.stdout).to.match(/chaincall call CallDemo getYear/);
      expect(r.stdout).to.include("getYear()(uint256)");
    });

    it("call --help prints the cast-style example on one line, so it can be copied", async () => {
      const r = await cli(["call", "--help"]);
      expectOk(r);
      expect(r.stdout, show(r)).to.match(/chaincall call 0x[0-9a-fA-F]{40} "getYear\(\)\(uint256\)"/);
    });
  });
});

// The node's own address book file (on a dev chain: named after the chain id and its genesis hash).
async function nodeBookPath(rpcUrl: string, book: string): Promise<string> {
  const genesis = (await rpc(rpcUrl, "eth_getBlockByNumber", ["0x0", false])) as { hash: string };
  return addressBookPath(book, { chainId: 31337n, genesis: genesis.hash });
}
