import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { AbiCoder } from "ethers";
import { findFreePort, projectRoot } from "../scripts/lib/localNode";
import { type ChaincallError, connect, isChaincallError } from "../src";
import { toChaincallError } from "../src/errors/toChaincallError";
import {
  type CliResult,
  DEV_ACCOUNT,
  DEV_PRIVATE_KEY,
  expectErrorLine,
  hardhat,
  isolateState,
  parseDocument,
  rpc,
  runCli,
  showCli as show,
} from "./fixtures/nodes";

// SPEC §7.4: secrets (keys, passwords, URL credentials and API keys) appear in no output — stdout, stderr,
// --json, --verbose, the error log, an SDK error's message, details and hints — while the host stays
// visible; node text is escaped and cut. A loopback stub plays the gateway that quotes the request back.

const ABI_DIR = join(projectRoot(), "abi");
/** A key nobody funds: pasted into wrong places, it must never be echoed. */
const STRAY_KEY = "0x4f3edf983ac636a65a842ce7c78d9aa706d3b113bce9c46f30d7d21715b23b1d";
/** A key as it could be echoed: with and without 0x, upper case, as a decimal, or its first 24 hex digits (a cut echo). */
const KEY_FORMS = (key: string): string[] => [key, key.slice(2), key.slice(2).toUpperCase(), BigInt(key).toString(), key.slice(2, 26)];
/** Raw terminal control characters: none may reach a terminal. */
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

/** The stub's behaviour, chosen by the first path segment of the URL (short names: never registered as secrets). */
type StubMode = "rpc" | "h500" | "probe" | "p500" | "esc" | "big" | "gw";
const ESCAPES = "\u001b[2J\u001b]0;pwned\u0007\u009b31m\rFAKE";
const GATEWAY_SECRETS = ["eyJhbGciOiJIUzI1NiJ9.gatewaytoken.sig123", "gwApiKey0987zz", "gwQueryKey5566"];

/** One JSON-RPC answer of the stub, or an HTTP error with a body. */
function answer(mode: StubMode, req: IncomingMessage, raw: string): { status: number; body: string } {
  let method = "?";
  let id: unknown = 1;
  try {
    ({ method, id } = JSON.parse(raw) as { method: string; id: unknown });
  } catch {
    // A body that is not JSON is echoed like any other.
  }
  const echo = `upstream said: ${req.method} ${req.url} headers ${JSON.stringify(req.headers)} body ${raw}`;
  const rpcError = (message: string, data?: string) => ({
    status: 200,
    body: JSON.stringify({ jsonrpc: "2.0", id, error: { code: -32000, message, data } }),
  });
  if (method === "eth_chainId" && mode !== "probe" && mode !== "p500")
    return { status: 200, body: JSON.stringify({ jsonrpc: "2.0", id, result: "0x7a69" }) };
  switch (mode) {
    case "h500":
    case "p500":
      return { status: 500, body: `<html>500 Internal Server Error: ${echo}</html>` };
    case "gw":
      return {
        status: 500,
        body: `gateway config: Authorization: Bearer ${GATEWAY_SECRETS[0]} x-api-key: ${GATEWAY_SECRETS[1]} upstream https://up.example/rpc?apikey=${GATEWAY_SECRETS[2]}`,
      };
    case "esc":
      if (method === "eth_call" || method === "eth_estimateGas") {
        const data = `0x08c379a0${AbiCoder.defaultAbiCoder()
          .encode(["string"], [`bad ${ESCAPES} end`])
          .slice(2)}`;
        return {
          status: 200,
          body: JSON.stringify({ jsonrpc: "2.0", id, error: { code: 3, message: `execution reverted: bad ${ESCAPES} end`, data } }),
        };
      }
      return rpcError(`node says ${ESCAPES} ${echo}`);
    case "big":
      return rpcError(`${"A".repeat(2_500_000)} ${echo} ${"B".repeat(2_500_000)}`);
    default:
      return rpcError(echo);
  }
}

/** A loopback JSON-RPC stub on 127.0.0.1 (port 0) that quotes each request back inside its errors. */
async function startEchoStub(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let raw = "";
    req.on("data", (chunk: Buffer) => (raw += chunk.toString("utf8")));
    req.on("end", () => {
      const mode = (req.url ?? "/").split("/")[1].split("?")[0] as StubMode;
      const { status, body } = answer(mode, req, raw);
      res.writeHead(status, { "content-type": status === 200 ? "application/json" : "text/html" });
      res.end(body);
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** One case of the sweep: a CLI command line (run plain, with --json and with --verbose) or an SDK call. */
interface SweepCase {
  name: string;
  /** The command line, given the stub's port and the temp folder. */
  args?: (port: number, dir: string) => string[];
  env?: (port: number) => Record<string, string>;
  /** An SDK call that must throw a ChaincallError. */
  sdk?: (port: number) => Promise<unknown>;
  /** The port given to `args` is one nobody listens on (else the stub's). */
  dead?: true;
  /** Exit code of the CLI (unused for SDK cases). */
  code: 1 | 2;
  secrets: string[];
  /** Text the output must show (the host), given the port. */
  shows?: (port: number) => string;
  /** Text the --verbose output must show (a read's HTTP error names the host only in its cause). */
  showsVerbose?: (port: number) => string;
  /** The output must carry escaped control characters (`\x1b`) and none raw. */
  escapes?: boolean;
  /** The message is cut (`more characters)`). */
  cut?: boolean;
}

const b64 = (text: string) => Buffer.from(text).toString("base64");
const at = (port: number) => `127.0.0.1:${port}`;
const stubUrl = (port: number, mode: StubMode, rest = "", auth = "") => `http://${auth}${at(port)}/${mode}${rest}`;

const CASES: SweepCase[] = [
  // URL credentials quoted back by a JSON-RPC error (the gateway echoes path, query and headers).
  {
    name: "short path key /v3/KEYINPATH",
    args: (p) => ["block-number", "-r", stubUrl(p, "rpc", "/v3/KEYINPATH")],
    code: 1,
    secrets: ["KEYINPATH"],
    shows: at,
  },
  {
    name: "long hex path key",
    args: (p) => ["block-number", "-r", stubUrl(p, "rpc", "/v3/0123456789abcdef0123456789abcdef")],
    code: 1,
    secrets: ["0123456789abcdef0123456789abcdef"],
    shows: at,
  },
  {
    name: "letters-only mixed-case path key",
    args: (p) => ["chain-id", "-r", stubUrl(p, "probe", "/AbcDefGhiJkl")],
    code: 1,
    secrets: ["AbcDefGhiJkl"],
    shows: at,
  },
  {
    name: "token as a path segment with a trailing slash",
    args: (p) => ["block-number", "-r", stubUrl(p, "rpc", "/TOKENSEG123/")],
    code: 1,
    secrets: ["TOKENSEG123"],
    shows: at,
  },
  {
    name: "two key segments",
    args: (p) => ["block-number", "-r", stubUrl(p, "rpc", "/KEYONE1/KEYTWO2")],
    code: 1,
    secrets: ["KEYONE1", "KEYTWO2"],
    shows: at,
  },
  {
    name: "percent-encoded path key",
    args: (p) => ["block-number", "-r", stubUrl(p, "rpc", "/v2/KEY%2BPCT77")],
    code: 1,
    secrets: ["KEY%2BPCT77", "KEY+PCT77"],
    shows: at,
  },
  {
    name: "?apikey= query value",
    args: (p) => ["block-number", "-r", stubUrl(p, "rpc", "?apikey=QUERYKEY1")],
    code: 1,
    secrets: ["QUERYKEY1"],
    shows: at,
  },
  {
    name: "bare query key ?BAREKEY99",
    args: (p) => ["block-number", "-r", stubUrl(p, "rpc", "?BAREKEY99")],
    code: 1,
    secrets: ["BAREKEY99"],
    shows: at,
  },
  {
    name: "two query values",
    args: (p) => ["block-number", "-r", stubUrl(p, "rpc", "?network=zzqnet1&dkey=DKEYVALUE22")],
    code: 1,
    secrets: ["zzqnet1", "DKEYVALUE22"],
    shows: at,
  },
  {
    name: "short user:pass@ and its Basic header",
    args: (p) => ["block-number", "-r", stubUrl(p, "rpc", "", "bob:pw99xy@")],
    code: 1,
    secrets: ["pw99xy", b64("bob:pw99xy")],
    shows: at,
  },
  {
    name: "long user:pass@, path key and apikey together",
    args: (p) => ["block-number", "-r", stubUrl(p, "rpc", "/v3/PATHKEY2024?apikey=QKEY2024", "alice7:longpassword1234@")],
    code: 1,
    secrets: ["alice7", "longpassword1234", "PATHKEY2024", "QKEY2024", b64("alice7:longpassword1234")],
    shows: at,
  },
  // The same quoted in an HTTP 500 body, on a read and on the connect probe.
  {
    name: "HTTP 500 body quoting the request",
    args: (p) => ["block-number", "-r", stubUrl(p, "h500", "/v3/H500KEYPATH?apikey=H500QUERY", "carol:h500secret@")],
    code: 1,
    secrets: ["H500KEYPATH", "H500QUERY", "h500secret", b64("carol:h500secret")],
    showsVerbose: at,
  },
  {
    name: "JSON-RPC error on the connect probe",
    args: (p) => ["chain-id", "-r", stubUrl(p, "probe", "/v3/PROBEKEY55?apikey=PROBEQ55", "dave:probepass@")],
    code: 1,
    secrets: ["PROBEKEY55", "PROBEQ55", "probepass", b64("dave:probepass")],
    shows: at,
  },
  {
    name: "HTTP 500 on the connect probe",
    args: (p) => ["balance", DEV_ACCOUNT, "-r", stubUrl(p, "p500", "/P500KEYPATH", "erin:p500pass@")],
    code: 1,
    secrets: ["P500KEYPATH", "p500pass", b64("erin:p500pass")],
    shows: at,
  },
  {
    name: "a gateway quoting its own bearer token and API keys",
    args: (p) => ["block-number", "-r", stubUrl(p, "gw")],
    code: 1,
    secrets: GATEWAY_SECRETS,
    showsVerbose: at,
  },
  {
    name: "ETH_RPC_URL with a path key (not in argv)",
    args: () => ["block-number"],
    env: (p) => ({ ETH_RPC_URL: stubUrl(p, "rpc", "/ENVKEYPATH8") }),
    code: 1,
    secrets: ["ENVKEYPATH8"],
    shows: at,
  },
  // Nobody answering: the host shown, the keys not.
  {
    name: "dead port with a path key",
    dead: true,
    args: (p) => ["block-number", "--timeout", "5", "-r", `http://127.0.0.1:${p}/v3/DEADKEYPATH`],
    code: 1,
    secrets: ["DEADKEYPATH"],
    shows: at,
  },
  {
    name: "ws:// with a path key and userinfo",
    dead: true,
    args: (p) => ["block-number", "--timeout", "5", "-r", `ws://frank:wspassword@127.0.0.1:${p}/ws/WSKEYPATH1`],
    code: 1,
    secrets: ["WSKEYPATH1", "wspassword"],
    shows: at,
  },
  {
    name: "malformed URL with a key",
    args: () => ["block-number", "-r", "http://gina:malformedpw@[::1/MALFORMEDKEY"],
    code: 2,
    secrets: ["malformedpw", "MALFORMEDKEY"],
  },
  // A private key pasted into the wrong option or positional (against Hardhat, nothing sent).
  {
    name: "key as --from of send",
    args: () => ["send", "CallDemo", "setYear", "2021", "--from", STRAY_KEY, "-r", hardhat().rpcUrl, "--abi-dir", ABI_DIR],
    code: 2,
    secrets: KEY_FORMS(STRAY_KEY),
  },
  {
    name: "key as --keystore",
    args: () => ["send", "CallDemo", "setYear", "2021", "--keystore", STRAY_KEY, "-r", hardhat().rpcUrl, "--abi-dir", ABI_DIR],
    env: () => ({ ETH_PASSWORD: "sweep-password-1" }),
    code: 2,
    secrets: [...KEY_FORMS(STRAY_KEY), "sweep-password-1"],
  },
  {
    name: "key as --password-file",
    args: (_p, dir) => [
      "send",
      "CallDemo",
      "setYear",
      "2021",
      "--keystore",
      join(dir, "none.json"),
      "--password-file",
      STRAY_KEY,
      "-r",
      hardhat().rpcUrl,
      "--abi-dir",
      ABI_DIR,
    ],
    code: 2,
    secrets: KEY_FORMS(STRAY_KEY),
  },
  { name: "key as -r", args: () => ["block-number", "-r", STRAY_KEY], code: 1, secrets: KEY_FORMS(STRAY_KEY) },
  { name: "key as --rpc-url=", args: () => ["chain-id", `--rpc-url=${STRAY_KEY.slice(2)}`], code: 1, secrets: KEY_FORMS(STRAY_KEY) },
  { name: "balance <key>", args: () => ["balance", STRAY_KEY, "-r", hardhat().rpcUrl], code: 2, secrets: KEY_FORMS(STRAY_KEY) },
  {
    name: "nonce <key without 0x>",
    args: () => ["nonce", STRAY_KEY.slice(2), "-r", hardhat().rpcUrl],
    code: 2,
    secrets: KEY_FORMS(STRAY_KEY),
  },
  {
    name: "the dev key as call's target",
    args: () => ["call", DEV_PRIVATE_KEY, "getYear", "-r", hardhat().rpcUrl, "--abi-dir", ABI_DIR],
    code: 2,
    secrets: KEY_FORMS(DEV_PRIVATE_KEY),
  },
  {
    name: "key as Name@<key> target",
    args: () => ["call", `CallDemo@${STRAY_KEY}`, "getYear", "-r", hardhat().rpcUrl, "--abi-dir", ABI_DIR],
    code: 2,
    secrets: KEY_FORMS(STRAY_KEY),
  },
  { name: "key as the function name", args: () => ["encode", STRAY_KEY, "--abi-dir", ABI_DIR], code: 2, secrets: KEY_FORMS(STRAY_KEY) },
  { name: "key as an address argument", args: () => ["encode", "f(address)", STRAY_KEY], code: 2, secrets: KEY_FORMS(STRAY_KEY) },
  {
    name: "key as a uint8 argument (echoed as a decimal)",
    args: () => ["encode", "f(uint8)", STRAY_KEY],
    code: 2,
    secrets: KEY_FORMS(STRAY_KEY),
  },
  {
    name: "key as --chain-id (a chain mismatch names it)",
    args: () => ["chain-id", "--chain-id", STRAY_KEY, "-r", hardhat().rpcUrl],
    code: 1,
    secrets: KEY_FORMS(STRAY_KEY),
  },
  { name: "key as --timeout=", args: () => ["chain-id", `--timeout=${STRAY_KEY}`], code: 2, secrets: KEY_FORMS(STRAY_KEY) },
  {
    name: "key as --value",
    args: () => [
      "send",
      "CallDemo",
      "setYear",
      "2021",
      "--value",
      STRAY_KEY,
      "--from",
      DEV_ACCOUNT,
      "-r",
      hardhat().rpcUrl,
      "--abi-dir",
      ABI_DIR,
    ],
    code: 2,
    secrets: KEY_FORMS(STRAY_KEY),
  },
  {
    name: "key as an extra positional of receipt",
    args: () => ["receipt", `0x${"ab".repeat(32)}`, STRAY_KEY, "-r", hardhat().rpcUrl],
    code: 2,
    secrets: KEY_FORMS(STRAY_KEY),
  },
  { name: "key as the command", args: () => [STRAY_KEY, "--json"], code: 2, secrets: KEY_FORMS(STRAY_KEY) },
  {
    name: "key as --shell of completion (yargs lists the value it refuses)",
    args: () => ["completion", "--shell", STRAY_KEY],
    code: 2,
    secrets: KEY_FORMS(STRAY_KEY),
  },
  {
    name: "key in ETH_FROM",
    args: () => ["send", "CallDemo", "setYear", "2021", "-r", hardhat().rpcUrl, "--abi-dir", ABI_DIR],
    env: () => ({ ETH_FROM: STRAY_KEY }),
    code: 2,
    secrets: KEY_FORMS(STRAY_KEY),
  },
  {
    name: "malformed --private-key (63 hex digits)",
    args: () => [
      "send",
      "CallDemo",
      "setYear",
      "2021",
      "--private-key",
      STRAY_KEY.slice(0, -1),
      "-r",
      hardhat().rpcUrl,
      "--abi-dir",
      ABI_DIR,
    ],
    code: 2,
    secrets: [STRAY_KEY.slice(0, -1)],
  },
  // Node text: escapes and size.
  {
    name: "a revert reason carrying terminal escapes",
    args: (p) => ["call", DEV_ACCOUNT, "getYear()(uint256)", "-r", stubUrl(p, "esc", "/ESCKEYPATH")],
    code: 1,
    secrets: ["ESCKEYPATH", "pwned\u0007"],
    escapes: true,
  },
  {
    name: "a node error carrying terminal escapes",
    args: (p) => ["block-number", "-r", stubUrl(p, "esc", "/ESCKEYPATH2")],
    code: 1,
    secrets: ["ESCKEYPATH2"],
    shows: at,
    escapes: true,
  },
  {
    name: "a 5 MB node message quoting the request",
    args: (p) => ["block-number", "-r", stubUrl(p, "big", "/BIGKEYPATH?apikey=BIGQUERYKEY", "hank:bigpassword@")],
    code: 1,
    secrets: ["BIGKEYPATH", "BIGQUERYKEY", "bigpassword", b64("hank:bigpassword")],
    cut: true,
  },
  // The SDK: message, details and hints of the ChaincallError it throws.
  {
    name: "SDK: connect probe refused by an echoing gateway",
    sdk: (p) => connect({ rpcUrl: stubUrl(p, "probe", "/v3/SDKPROBEKEY?apikey=SDKQUERY1", "ivan:sdkpassword@"), timeoutMs: 10_000 }),
    code: 1,
    secrets: ["SDKPROBEKEY", "SDKQUERY1", "sdkpassword", b64("ivan:sdkpassword")],
    shows: at,
  },
  {
    name: "SDK: a read answered with a 500 body quoting the request",
    sdk: async (p) => withSdk(stubUrl(p, "h500", "/SDKH500KEY", "judy:sdk500pass@"), (c) => c.provider.getBlockNumber()),
    code: 1,
    secrets: ["SDKH500KEY", "sdk500pass", b64("judy:sdk500pass")],
  },
  {
    name: "SDK: a private key given as signer.from",
    sdk: (p) => connect({ rpcUrl: stubUrl(p, "rpc"), signer: { from: STRAY_KEY }, timeoutMs: 10_000 }),
    code: 2,
    secrets: KEY_FORMS(STRAY_KEY),
  },
  {
    name: "SDK: a private key given as the keystore address",
    sdk: (p) =>
      connect({
        rpcUrl: stubUrl(p, "rpc"),
        signer: { keystore: "none.json", address: STRAY_KEY, password: "sweep-password-2" },
        timeoutMs: 10_000,
      }),
    code: 2,
    secrets: [...KEY_FORMS(STRAY_KEY), "sweep-password-2"],
  },
  {
    name: "SDK: a revert reason with escapes from eth_call",
    sdk: async (p) => withSdk(stubUrl(p, "esc", "/SDKESCKEY"), (c) => c.provider.call({ to: DEV_ACCOUNT, data: "0xbfb4ebcf" })),
    code: 1,
    secrets: ["SDKESCKEY", "pwned\u0007"],
    escapes: true,
  },
  {
    name: "SDK: a 5 MB node message",
    sdk: async (p) => withSdk(stubUrl(p, "big", "/SDKBIGKEY?apikey=SDKBIGQ"), (c) => c.provider.getBlockNumber()),
    code: 1,
    secrets: ["SDKBIGKEY", "SDKBIGQ"],
    cut: true,
  },
  {
    name: "SDK: toChaincallError of a node error quoting an Authorization header",
    sdk: async () => {
      throw toChaincallError({
        code: "SERVER_ERROR",
        message: `500: {"authorization":"Basic ${b64("kim:tcepassword")}","x-api-key":"TCEAPIKEY99"} \u001b[31m`,
      });
    },
    code: 1,
    secrets: [b64("kim:tcepassword"), "TCEAPIKEY99"],
    escapes: true,
  },
];

/** Connects to `rpcUrl`, runs `work`, always closes. */
async function withSdk<T>(rpcUrl: string, work: (client: Awaited<ReturnType<typeof connect>>) => Promise<T>): Promise<T> {
  const client = await connect({ rpcUrl, timeoutMs: 10_000 });
  try {
    return await work(client);
  } finally {
    await client.close();
  }
}

function expectClean(text: string, c: SweepCase, port: number, context: string): void {
  const lower = text.toLowerCase();
  for (const secret of c.secrets)
    expect(lower.includes(secret.toLowerCase()), `${c.name}: "${secret}" leaked in ${context}\n${text.slice(0, 3000)}`).to.equal(false);
  expect(RAW_CONTROL.test(text.replace(/[\n\t]/g, "")), `${c.name}: a raw control character in ${context}`).to.equal(false);
  if (c.shows) expect(text, `${c.name}: the host is shown in ${context}`).to.include(c.shows(port));
  if (c.escapes) expect(text, `${c.name}: escapes shown escaped in ${context}`).to.include("\\x1b");
  if (c.cut) {
    expect(text, `${c.name}: the long message is cut in ${context}`).to.match(/more characters\)/);
    expect(text.length, `${c.name}: output size in ${context}`).to.be.below(40_000);
  }
}

describe("secrets sweep (SPEC §7.4): no secret in any output, the host shown, node text escaped and cut", function () {
  this.timeout(300_000);
  let stub: Awaited<ReturnType<typeof startEchoStub>>;
  let dir: string;
  let deadPort: number;
  before(async () => {
    stub = await startEchoStub();
    dir = mkdtempSync(join(tmpdir(), "chaincall-secrets-"));
    deadPort = await findFreePort();
  });
  after(async () => {
    await stub?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it(`has at least 30 cases (${CASES.length})`, () => {
    expect(CASES.length).to.be.at.least(30);
  });

  for (const c of CASES.filter((x) => x.args)) {
    it(`CLI: ${c.name} (plain, --json, --verbose; error log)`, async () => {
      const port = c.dead ? deadPort : stub.port;
      const variants = [[], ["--json"], ["--verbose"]];
      const runs = await Promise.all(
        variants.map(async (extra, i) => {
          const log = join(dir, `errors-${CASES.indexOf(c)}-${i}.log`);
          const r = await runCli([...c.args!(port, dir), ...extra], {
            env: { ...(c.env?.(port) ?? {}), CHAINCALL_ERROR_LOG: log },
            timeoutMs: 60_000,
          });
          return {
            r,
            log: existsSync(log) ? readFileSync(log, "utf8") : "",
            json: extra.includes("--json"),
            verbose: extra.includes("--verbose"),
          };
        }),
      );
      for (const { r, log, json, verbose } of runs) {
        expect(r.code, show(r, 2000)).to.equal(c.code);
        // One `error:` line (after any warning), a stack trace only with --verbose.
        expect(r.stderr, show(r, 2000)).to.match(/^error: \S/m);
        if (!verbose) expect(r.stderr, `no stack trace\n${show(r, 2000)}`).not.to.match(/^\s+at /m);
        if (json) expect(parseDocument(r).error.code, show(r, 2000)).to.be.a("string");
        expectClean(
          `${r.stdout}\n${r.stderr}`,
          { ...c, shows: verbose ? (c.showsVerbose ?? c.shows) : c.shows },
          port,
          `the CLI's output\n${show(r, 2000).slice(0, 4000)}`,
        );
        expect(log, `${c.name}: the error log was written`).not.to.equal("");
        expectClean(log, { ...c, shows: undefined, escapes: false, cut: false }, port, "the error log");
      }
    });
  }

  for (const c of CASES.filter((x) => x.sdk)) {
    it(`SDK: ${c.name}`, async () => {
      let caught: unknown;
      try {
        await c.sdk!(stub.port);
      } catch (err) {
        caught = err;
      }
      expect(isChaincallError(caught), String(caught).slice(0, 500)).to.equal(true);
      const e = caught as ChaincallError;
      const text = [e.message, e.shortMessage, e.details ?? "", ...e.metaMessages].join("\n");
      expectClean(text, c, stub.port, `the error's message, details and hints`);
    });
  }

  it("a 64-hex transaction hash given to receipt is a hash, not a secret: it is named in the error", async () => {
    const hash = `0x${"cd".repeat(32)}`;
    const r = await runCli(["receipt", hash, "-r", hardhat().rpcUrl]);
    expect(expectErrorLine(r, 1), show(r)).to.include(hash);
  });
});

/** Deploys CallDemo with the CLI (in a suite's `before`, under isolateState "suite") and returns its address. */
async function deployCallDemo(book: string): Promise<string> {
  const r = await runCli(["deploy", "CallDemo", "--json", "-r", hardhat().rpcUrl, "--deployments", book, "--abi-dir", ABI_DIR], {
    env: { ETH_PRIVATE_KEY: DEV_PRIVATE_KEY },
  });
  if (r.code !== 0) throw new Error(`deploy failed\n${show(r)}`);
  return parseDocument(r).address as string;
}

describe("the journal is private (0600) however it was created", function () {
  this.timeout(120_000);
  let dir: string;
  let demo: string;
  isolateState(hardhat, "suite");
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "chaincall-journal-"));
    demo = await deployCallDemo(dir);
  });
  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  isolateState(hardhat);

  const send = (journal: string) =>
    runCli(["send", demo, "setYear(uint256)", "2030", "-r", hardhat().rpcUrl, "--json"], {
      env: { ETH_PRIVATE_KEY: DEV_PRIVATE_KEY, CHAINCALL_JOURNAL: journal },
    });

  it("an existing 0644 journal is tightened to 0600 when a send appends to it", async function () {
    if (process.platform === "win32") this.skip();
    const journal = join(dir, "journal.jsonl");
    writeFileSync(journal, "");
    chmodSync(journal, 0o644);
    const r = await send(journal);
    expect(r.code, show(r)).to.equal(0);
    expect(readFileSync(journal, "utf8"), "the send was journalled").to.match(/"hash":"0x[0-9a-f]{64}"/);
    expect((statSync(journal).mode & 0o777).toString(8)).to.equal("600");
  });

  it("a journal folder it creates is 0700 and the file 0600", async function () {
    if (process.platform === "win32") this.skip();
    const journal = join(dir, "new", "deeper", "journal.jsonl");
    const r = await send(journal);
    expect(r.code, show(r)).to.equal(0);
    expect((statSync(journal).mode & 0o777).toString(8)).to.equal("600");
    expect((statSync(join(dir, "new", "deeper")).mode & 0o777).toString(8)).to.equal("700");
  });
});

describe("--private-key-file and --private-key - (stdin) sign real transactions", function () {
  this.timeout(120_000);
  let dir: string;
  let TO: string;
  isolateState(hardhat, "suite");
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "chaincall-keys-"));
    TO = await deployCallDemo(dir);
  });
  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  isolateState(hardhat);
  const KEYS = KEY_FORMS(DEV_PRIVATE_KEY);
  const sendArgs = (...extra: string[]) => ["send", TO, "setYear(uint256)", "2031", "-r", hardhat().rpcUrl, "--json", ...extra];

  /** Checks a successful send: one JSON document, a mined transaction from the dev account, no key printed. */
  async function expectSent(r: CliResult): Promise<void> {
    expect(r.code, show(r)).to.equal(0);
    const doc = parseDocument(r);
    expect(doc.hash, show(r)).to.match(/^0x[0-9a-f]{64}$/);
    const tx = (await rpc(hardhat().rpcUrl, "eth_getTransactionByHash", [doc.hash])) as { from: string; to: string } | null;
    expect(tx?.from.toLowerCase()).to.equal(DEV_ACCOUNT.toLowerCase());
    expect(tx?.to.toLowerCase()).to.equal(TO.toLowerCase());
    for (const secret of KEYS) expect(`${r.stdout}${r.stderr}`.toLowerCase()).not.to.include(secret.toLowerCase());
  }

  it("--private-key-file (0600, with a trailing newline) sends without a warning", async () => {
    const file = join(dir, "dev.key");
    writeFileSync(file, `${DEV_PRIVATE_KEY}\n`, { mode: 0o600 });
    chmodSync(file, 0o600);
    const r = await runCli(sendArgs("--private-key-file", file));
    await expectSent(r);
    expect(r.stderr, show(r)).not.to.match(/warning/);
  });

  it("--private-key-file readable by others warns (chmod 600) and still sends", async function () {
    if (process.platform === "win32") this.skip();
    const file = join(dir, "open.key");
    writeFileSync(file, `  ${DEV_PRIVATE_KEY.slice(2)}  \n`);
    chmodSync(file, 0o644);
    const r = await runCli(sendArgs("--private-key-file", file));
    await expectSent(r);
    expect(r.stderr, show(r)).to.match(/^warning: .*open\.key.*chmod 600/m);
  });

  it("--private-key - reads the key from stdin", async () => {
    const r = await runCli(sendArgs("--private-key", "-"), { input: `${DEV_PRIVATE_KEY}\n` });
    await expectSent(r);
    expect(r.stderr, show(r)).not.to.match(/warning/);
  });

  it("a missing key file, a file of junk, empty stdin and two keys are refused (exit 2), nothing echoed or sent", async () => {
    const junk = join(dir, "junk.key");
    writeFileSync(junk, "not-a-key-but-a-secret-passphrase\n", { mode: 0o600 });
    const before = await rpc(hardhat().rpcUrl, "eth_getTransactionCount", [DEV_ACCOUNT, "pending"]);
    const runs = await Promise.all([
      runCli(sendArgs("--private-key-file", join(dir, "missing.key"))),
      runCli(sendArgs("--private-key-file", junk)),
      runCli(sendArgs("--private-key", "-"), { input: "" }),
      runCli(sendArgs("--private-key", "-"), { input: "not-a-key-but-a-secret-passphrase" }),
      runCli(sendArgs("--private-key-file", junk, "--private-key", DEV_PRIVATE_KEY)),
      runCli(["batch", "--private-key", "-", "-r", hardhat().rpcUrl], {
        input: `${JSON.stringify({ target: TO, function: "setYear(uint256)", args: [2032], send: true })}\n`,
      }),
    ]);
    for (const r of runs) {
      expectErrorLine(r, 2);
      for (const secret of [...KEYS, "not-a-key-but-a-secret-passphrase"]) expect(`${r.stdout}${r.stderr}`).not.to.include(secret);
    }
    expect(runs[0].stderr).to.match(/missing\.key.*not found/);
    expect(runs[5].stderr, show(runs[5])).to.match(/stdin/);
    expect(await rpc(hardhat().rpcUrl, "eth_getTransactionCount", [DEV_ACCOUNT, "pending"])).to.equal(before);
  });
});
