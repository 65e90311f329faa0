import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "chai";
import * as ts from "typescript";
import { projectRoot } from "../scripts/lib/localNode";
import * as sdk from "../src";
import {
  type Client,
  type ConnectParameters,
  checkJournal,
  connect,
  contractAt,
  decodeRevert,
  type ErrorCode,
  getLogs,
  installMulticall3,
  isChaincallError,
  type JournalEntry,
  loadContractAbi,
  loadKeystore,
  readAddressBook,
  readContract,
  rebroadcast,
  recordDeployment,
  resolveDeployment,
  sendTransaction,
  waitForReceipt,
  watchLogs,
  wrapContract,
  wrapDeploy,
} from "../src";
import * as codegen from "../src/codegen";
import { generateBindings } from "../src/codegen";
import { CallDemo__factory, Oracle__factory } from "../typechain-types";
import { type CountingProxy, countingProxy } from "./fixtures/countingProxy";
import { DEV_ACCOUNT, DEV_PRIVATE_KEY, deployCallDemo, devClient, hardhat, isolateState, tempDir } from "./fixtures/nodes";

// SPEC §7.18 and issue 10: the package exports the public SDK and nothing else, every misuse of it is a
// ChaincallError with a code (sending nothing), and every export is documented.

/** The values `chaincall` exports: adding one (an internal helper, say) must be a decision, made here. */
const ROOT_VALUES = [
  "ChainMismatchError",
  "ChaincallError",
  "ContractRevertedError",
  "DEFAULT_TIMEOUT_MS",
  "MULTICALL3_ADDRESS",
  "TransactionDroppedError",
  "TransactionReplacedError",
  "UnknownOutcomeError",
  "checkJournal",
  "connect",
  "contractAt",
  "decodeRevert",
  "getLogs",
  "installMulticall3",
  "isChaincallError",
  "loadContractAbi",
  "loadKeystore",
  "readAddressBook",
  "readContract",
  "rebroadcast",
  "recordDeployment",
  "resolveDeployment",
  "sendTransaction",
  "waitForReceipt",
  "watchLogs",
  "wrapContract",
  "wrapDeploy",
];
/** The values `chaincall/codegen` exports. */
const CODEGEN_VALUES = ["MANIFEST_FILE", "generateBindings"];

describe("the public surface", () => {
  it("chaincall exports exactly the public SDK values, at most 30", () => {
    expect(Object.keys(sdk).sort()).to.deep.equal(ROOT_VALUES);
    expect(Object.keys(sdk).length).to.be.at.most(30);
  });

  it("chaincall/codegen exports exactly generateBindings and MANIFEST_FILE", () => {
    expect(Object.keys(codegen).sort()).to.deep.equal(CODEGEN_VALUES);
  });
});

/** What a call ended with: the thrown (or rejected) error, or `{ value }` when it did not fail. */
async function outcome(run: () => unknown): Promise<{ error: unknown } | { value: unknown }> {
  try {
    return { value: await run() };
  } catch (error) {
    return { error };
  }
}

// Something a misuse case returned by mistake: released, so a failing case leaves nothing running.
async function release(value: unknown): Promise<void> {
  const v = value as { close?: () => Promise<void>; stop?: () => Promise<void> } | null;
  if (typeof v?.close === "function") await v.close();
  else if (typeof v?.stop === "function") await v.stop();
}

interface Misuse {
  /** The exported function (or client method) misused. */
  fn: string;
  title: string;
  code: ErrorCode;
  run: () => unknown;
}

describe("misuse of the exported functions: a ChaincallError with a code, nothing sent", () => {
  isolateState(hardhat, "suite");
  const tmp = tempDir("surface");
  let proxy: CountingProxy;
  let reader: Client;
  let sender: Client;
  let demoAddress: string;
  const savedPassword = process.env.ETH_PASSWORD;

  const iface = CallDemo__factory.createInterface();
  const getYear = iface.getFunction("getYear");
  const setYear = iface.getFunction("setYear");
  const someHash = `0x${"ab".repeat(32)}`;
  const badChecksum = "0xF39Fd6e51aad88F6F4ce6aB8827279cffFb92266"; // DEV_ACCOUNT with one letter's case flipped
  const entry = (): JournalEntry => ({
    v: 1,
    hash: someHash,
    chainId: "31337",
    from: DEV_ACCOUNT,
    nonce: 0,
    to: DEV_ACCOUNT,
    raw: "0x02f8",
    time: new Date().toISOString(),
  });

  before(async () => {
    // The keystore cases must not find a password in the developer's environment.
    delete process.env.ETH_PASSWORD;
    proxy = await countingProxy(hardhat().rpcUrl);
    reader = await connect({ rpcUrl: proxy.url, journal: false });
    sender = await connect({ rpcUrl: proxy.url, signer: { privateKey: DEV_PRIVATE_KEY }, journal: false });
    const deployer = await devClient(hardhat());
    try {
      demoAddress = (await deployCallDemo(deployer)).address;
    } finally {
      await deployer.close();
    }
    mkdirSync(join(tmp(), "books", "31337.json"), { recursive: true }); // a "book" that is a folder
    mkdirSync(join(tmp(), "empty"), { recursive: true });
    writeFileSync(join(tmp(), "journal.jsonl"), "");
    recordDeployment(join(tmp(), "named"), 31337n, "CallDemo", { address: demoAddress });
  });

  after(async () => {
    if (savedPassword !== undefined) process.env.ETH_PASSWORD = savedPassword;
    await reader?.close();
    await sender?.close();
    await proxy?.close();
  });

  // Connects through the counting proxy unless the case says otherwise.
  const connectVia = (parameters: unknown) => connect({ rpcUrl: proxy.url, journal: false, ...(parameters as ConnectParameters) });
  const read = (overrides: Record<string, unknown>) =>
    readContract(reader, { address: demoAddress, fragment: getYear, args: [], ...overrides } as never);
  const send = (parameters: Record<string, unknown>) => sendTransaction(sender, parameters as never);
  const logs = (parameters: Record<string, unknown>) => getLogs(reader, { address: demoAddress, fromBlock: 0, ...parameters } as never);
  const watch = (parameters: Record<string, unknown>) =>
    watchLogs(reader, { address: demoAddress, onLogs: () => undefined, ...parameters } as never);
  const gen = (parameters: Record<string, unknown>) =>
    generateBindings({ inputs: ["abi"], outDir: join(tmp(), "gen"), cwd: projectRoot(), ...parameters } as never);
  const book = () => join(tmp(), "book");

  const cases: Misuse[] = [
    // connect: every parameter is checked before the node is contacted
    {
      fn: "connect",
      title: "a URL string instead of the parameters object",
      code: "INVALID_ARGUMENT",
      run: () => connect("http://127.0.0.1:8545" as never),
    },
    { fn: "connect", title: "rpcUrl: 123", code: "INVALID_ARGUMENT", run: () => connect({ rpcUrl: 123 } as never) },
    { fn: "connect", title: 'rpcUrl: ""', code: "INVALID_ARGUMENT", run: () => connect({ rpcUrl: "" }) },
    { fn: "connect", title: "an unsupported URL scheme", code: "INVALID_ARGUMENT", run: () => connect({ rpcUrl: "ftp://127.0.0.1:8545" }) },
    { fn: "connect", title: 'chainId: "abc"', code: "INVALID_ARGUMENT", run: () => connectVia({ chainId: "abc" }) },
    { fn: "connect", title: "chainId: -1", code: "INVALID_ARGUMENT", run: () => connectVia({ chainId: -1 }) },
    { fn: "connect", title: "chainId: 1.5", code: "INVALID_ARGUMENT", run: () => connectVia({ chainId: 1.5 }) },
    { fn: "connect", title: "timeoutMs: -1", code: "INVALID_ARGUMENT", run: () => connectVia({ timeoutMs: -1 }) },
    { fn: "connect", title: "timeoutMs: NaN", code: "INVALID_ARGUMENT", run: () => connectVia({ timeoutMs: NaN }) },
    {
      fn: "connect",
      title: "timeoutMs: Infinity (every wait has a bound)",
      code: "INVALID_ARGUMENT",
      run: () => connectVia({ timeoutMs: Infinity }),
    },
    { fn: "connect", title: 'timeoutMs: "5000"', code: "INVALID_ARGUMENT", run: () => connectVia({ timeoutMs: "5000" }) },
    { fn: "connect", title: "signal: {} (not an AbortSignal)", code: "INVALID_ARGUMENT", run: () => connectVia({ signal: {} }) },
    { fn: "connect", title: "abis: a name instead of a list", code: "INVALID_ARGUMENT", run: () => connectVia({ abis: "CallDemo" }) },
    {
      fn: "connect",
      title: "abis: a malformed fragment",
      code: "INVALID_ARGUMENT",
      run: () => connectVia({ abis: [[{ type: "function", name: "f", inputs: "none" }]] }),
    },
    { fn: "connect", title: "journal: 42", code: "INVALID_ARGUMENT", run: () => connectVia({ journal: 42 }) },
    { fn: "connect", title: 'batch: "yes"', code: "INVALID_ARGUMENT", run: () => connectVia({ batch: "yes" }) },
    { fn: "connect", title: "batch: { maxCalls: 0 }", code: "INVALID_ARGUMENT", run: () => connectVia({ batch: { maxCalls: 0 } }) },
    {
      fn: "connect",
      title: "signer: { privateKey: undefined } (an unset environment variable)",
      code: "INVALID_ARGUMENT",
      run: () => connectVia({ signer: { privateKey: undefined } }),
    },
    { fn: "connect", title: "signer: { privateKey: 42 }", code: "INVALID_ARGUMENT", run: () => connectVia({ signer: { privateKey: 42 } }) },
    {
      fn: "connect",
      title: "a private key that is not 32 bytes of hex",
      code: "SIGNER_ERROR",
      run: () => connectVia({ signer: { privateKey: "0x1234" } }),
    },
    {
      fn: "connect",
      title: "signer: a key string instead of an object",
      code: "INVALID_ARGUMENT",
      run: () => connectVia({ signer: DEV_PRIVATE_KEY }),
    },
    { fn: "connect", title: "signer: {}", code: "INVALID_ARGUMENT", run: () => connectVia({ signer: {} }) },
    {
      fn: "connect",
      title: "two signer kinds at once",
      code: "INVALID_ARGUMENT",
      run: () => connectVia({ signer: { privateKey: DEV_PRIVATE_KEY, from: DEV_ACCOUNT } }),
    },
    { fn: "connect", title: "signer.from not an address", code: "INVALID_ARGUMENT", run: () => connectVia({ signer: { from: "0x1234" } }) },
    {
      fn: "connect",
      title: "signer.from with a bad checksum",
      code: "INVALID_ARGUMENT",
      run: () => connectVia({ signer: { from: badChecksum } }),
    },
    {
      fn: "connect",
      title: "a keystore with no password source",
      code: "SIGNER_ERROR",
      run: () => connectVia({ signer: { keystore: join(tmp(), "key.json"), prompt: false } }),
    },
    {
      fn: "connect",
      title: "signer.keystore: 42",
      code: "INVALID_ARGUMENT",
      run: () => connectVia({ signer: { keystore: 42, password: "pw-123456" } }),
    },
    {
      fn: "connect",
      title: "signer.password: 42",
      code: "INVALID_ARGUMENT",
      run: () => connectVia({ signer: { keystore: join(tmp(), "key.json"), password: 42 } }),
    },

    // the client's methods
    { fn: "client.wait", title: "a malformed hash", code: "INVALID_ARGUMENT", run: () => reader.wait("0x1234") },
    { fn: "client.wait", title: "no transaction at all", code: "INVALID_ARGUMENT", run: () => reader.wait(undefined as never) },
    { fn: "client.addAbi", title: "a number instead of an ABI", code: "INVALID_ARGUMENT", run: () => reader.addAbi(42 as never) },

    // readContract
    {
      fn: "readContract",
      title: "no client",
      code: "INVALID_ARGUMENT",
      run: () => readContract(undefined as never, { address: demoAddress, fragment: getYear, args: [] }),
    },
    { fn: "readContract", title: "no parameters", code: "INVALID_ARGUMENT", run: () => readContract(reader, undefined as never) },
    { fn: "readContract", title: 'address: "0x1234"', code: "INVALID_ARGUMENT", run: () => read({ address: "0x1234" }) },
    { fn: "readContract", title: "an address with a bad checksum", code: "INVALID_ARGUMENT", run: () => read({ address: badChecksum }) },
    {
      fn: "readContract",
      title: "a function name instead of a fragment",
      code: "INVALID_ARGUMENT",
      run: () => read({ fragment: "getYear" }),
    },
    { fn: "readContract", title: "args not an array", code: "INVALID_ARGUMENT", run: () => read({ fragment: setYear, args: 2021 }) },
    { fn: "readContract", title: "too few args", code: "INVALID_ARGUMENT", run: () => read({ fragment: setYear, args: [] }) },
    {
      fn: "readContract",
      title: 'an arg of the wrong type ("abc" for uint256)',
      code: "INVALID_ARGUMENT",
      run: () => read({ fragment: setYear, args: ["abc"] }),
    },
    { fn: "readContract", title: 'from: "me"', code: "INVALID_ARGUMENT", run: () => read({ from: "me" }) },
    { fn: "readContract", title: 'blockTag: "yesterday"', code: "INVALID_ARGUMENT", run: () => read({ blockTag: "yesterday" }) },

    // sendTransaction: nothing is signed or sent
    {
      fn: "sendTransaction",
      title: "a client without a signer",
      code: "SIGNER_ERROR",
      run: () => sendTransaction(reader, { to: DEV_ACCOUNT, value: 1n }),
    },
    {
      fn: "sendTransaction",
      title: "parameters not an object",
      code: "INVALID_ARGUMENT",
      run: () => sendTransaction(sender, DEV_ACCOUNT as never),
    },
    { fn: "sendTransaction", title: 'to: "0x1234"', code: "INVALID_ARGUMENT", run: () => send({ to: "0x1234", value: 1n }) },
    { fn: "sendTransaction", title: "neither to nor data", code: "INVALID_ARGUMENT", run: () => send({ value: 1n }) },
    {
      fn: "sendTransaction",
      title: "data that is not hex",
      code: "INVALID_ARGUMENT",
      run: () => send({ to: demoAddress, data: "setYear(2021)" }),
    },
    { fn: "sendTransaction", title: "value: -1n", code: "INVALID_ARGUMENT", run: () => send({ to: DEV_ACCOUNT, value: -1n }) },
    { fn: "sendTransaction", title: "value: 1.5", code: "INVALID_ARGUMENT", run: () => send({ to: DEV_ACCOUNT, value: 1.5 }) },
    { fn: "sendTransaction", title: 'gasLimit: "lots"', code: "INVALID_ARGUMENT", run: () => send({ to: DEV_ACCOUNT, gasLimit: "lots" }) },
    { fn: "sendTransaction", title: "nonce: -1", code: "INVALID_ARGUMENT", run: () => send({ to: DEV_ACCOUNT, nonce: -1 }) },
    { fn: "sendTransaction", title: "type: 7", code: "INVALID_ARGUMENT", run: () => send({ to: DEV_ACCOUNT, type: 7 }) },
    {
      fn: "sendTransaction",
      title: "a misspelt field (gas instead of gasLimit)",
      code: "INVALID_ARGUMENT",
      run: () => send({ to: DEV_ACCOUNT, gas: 21_000n }),
    },
    {
      fn: "sendTransaction",
      title: "legacy and EIP-1559 fees together",
      code: "INVALID_ARGUMENT",
      run: () => send({ to: DEV_ACCOUNT, gasPrice: 1n, maxFeePerGas: 2n }),
    },

    // waitForReceipt: the node is not asked
    { fn: "waitForReceipt", title: "a malformed hash", code: "INVALID_ARGUMENT", run: () => waitForReceipt(reader, "0x1234") },
    { fn: "waitForReceipt", title: "a number as the hash", code: "INVALID_ARGUMENT", run: () => waitForReceipt(reader, 42 as never) },
    { fn: "waitForReceipt", title: "no client", code: "INVALID_ARGUMENT", run: () => waitForReceipt(undefined as never, someHash) },
    {
      fn: "waitForReceipt",
      title: "confirmations: -1",
      code: "INVALID_ARGUMENT",
      run: () => waitForReceipt(reader, someHash, { confirmations: -1 }),
    },
    {
      fn: "waitForReceipt",
      title: "timeoutMs: 0 (every wait has a bound)",
      code: "INVALID_ARGUMENT",
      run: () => waitForReceipt(reader, someHash, { timeoutMs: 0 }),
    },
    {
      fn: "waitForReceipt",
      title: "pollIntervalMs: NaN",
      code: "INVALID_ARGUMENT",
      run: () => waitForReceipt(reader, someHash, { pollIntervalMs: NaN }),
    },
    {
      fn: "waitForReceipt",
      title: "onProgress not a function",
      code: "INVALID_ARGUMENT",
      run: () => waitForReceipt(reader, someHash, { onProgress: "log" as never }),
    },

    // the journal
    { fn: "checkJournal", title: "path: 42", code: "INVALID_ARGUMENT", run: () => checkJournal(reader, 42 as never) },
    { fn: "checkJournal", title: "a folder as the path", code: "INVALID_ARGUMENT", run: () => checkJournal(reader, tmp()) },
    {
      fn: "checkJournal",
      title: "last: -1",
      code: "INVALID_ARGUMENT",
      run: () => checkJournal(reader, join(tmp(), "journal.jsonl"), { last: -1 }),
    },
    { fn: "rebroadcast", title: "no entry", code: "INVALID_ARGUMENT", run: () => rebroadcast(reader, undefined as never) },
    {
      fn: "rebroadcast",
      title: "raw bytes that are not hex",
      code: "INVALID_ARGUMENT",
      run: () => rebroadcast(reader, { ...entry(), raw: "zz" }),
    },
    {
      fn: "rebroadcast",
      title: "an entry of another chain",
      code: "CHAIN_MISMATCH",
      run: () => rebroadcast(reader, { ...entry(), chainId: "1" }),
    },

    // getLogs
    { fn: "getLogs", title: "no parameters", code: "INVALID_ARGUMENT", run: () => getLogs(reader, undefined as never) },
    { fn: "getLogs", title: "fromBlock after toBlock", code: "INVALID_ARGUMENT", run: () => logs({ fromBlock: 10, toBlock: 5 }) },
    { fn: "getLogs", title: 'address: "0x1234"', code: "INVALID_ARGUMENT", run: () => logs({ address: "0x1234" }) },
    { fn: "getLogs", title: "address: 42", code: "INVALID_ARGUMENT", run: () => logs({ address: 42 }) },
    { fn: "getLogs", title: "no fromBlock", code: "INVALID_ARGUMENT", run: () => getLogs(reader, { address: demoAddress } as never) },
    {
      fn: "getLogs",
      title: 'toBlock: "yesterday" (with a tag fromBlock)',
      code: "INVALID_ARGUMENT",
      run: () => logs({ fromBlock: "latest", toBlock: "yesterday" }),
    },
    { fn: "getLogs", title: "a topic that is not 32 bytes of hex", code: "INVALID_ARGUMENT", run: () => logs({ topics: [42] }) },
    { fn: "getLogs", title: "abis: [42]", code: "INVALID_ARGUMENT", run: () => logs({ abis: [42] }) },
    { fn: "getLogs", title: "an event no ABI knows", code: "INVALID_ARGUMENT", run: () => logs({ event: "Nope" }) },
    { fn: "getLogs", title: "args without an event", code: "INVALID_ARGUMENT", run: () => logs({ args: [1] }) },
    { fn: "getLogs", title: "pageSize: 0", code: "INVALID_ARGUMENT", run: () => logs({ pageSize: 0 }) },

    // watchLogs
    {
      fn: "watchLogs",
      title: "no client",
      code: "INVALID_ARGUMENT",
      run: () => watchLogs(undefined as never, { onLogs: () => undefined }),
    },
    { fn: "watchLogs", title: "no onLogs", code: "INVALID_ARGUMENT", run: () => watch({ onLogs: undefined }) },
    { fn: "watchLogs", title: 'onError: "stderr"', code: "INVALID_ARGUMENT", run: () => watch({ onError: "stderr" }) },
    { fn: "watchLogs", title: 'mode: "push"', code: "INVALID_ARGUMENT", run: () => watch({ mode: "push" }) },
    { fn: "watchLogs", title: "fromBlock: -1", code: "INVALID_ARGUMENT", run: () => watch({ fromBlock: -1 }) },
    { fn: "watchLogs", title: "pollIntervalMs: 0", code: "INVALID_ARGUMENT", run: () => watch({ pollIntervalMs: 0 }) },
    { fn: "watchLogs", title: "subscribing over HTTP", code: "INVALID_ARGUMENT", run: () => watch({ mode: "subscribe" }) },

    // loadKeystore
    { fn: "loadKeystore", title: "no parameters", code: "INVALID_ARGUMENT", run: () => loadKeystore(undefined as never) },
    {
      fn: "loadKeystore",
      title: "no password",
      code: "INVALID_ARGUMENT",
      run: () => loadKeystore({ path: join(tmp(), "key.json") } as never),
    },
    { fn: "loadKeystore", title: "an empty path", code: "INVALID_ARGUMENT", run: () => loadKeystore({ path: "", password: "pw-123456" }) },
    {
      fn: "loadKeystore",
      title: "a missing keystore",
      code: "NOT_FOUND",
      run: () => loadKeystore({ path: join(tmp(), "no-such-key.json"), password: "pw-123456" }),
    },
    {
      fn: "loadKeystore",
      title: 'address: "0x1234"',
      code: "INVALID_ARGUMENT",
      run: () => loadKeystore({ path: tmp(), address: "0x1234", password: "pw-123456" }),
    },

    // installMulticall3
    { fn: "installMulticall3", title: "no provider", code: "INVALID_ARGUMENT", run: () => installMulticall3(undefined as never) },
    { fn: "installMulticall3", title: "an object that cannot send", code: "INVALID_ARGUMENT", run: () => installMulticall3({} as never) },

    // contractAt
    { fn: "contractAt", title: "no client", code: "INVALID_ARGUMENT", run: () => contractAt(undefined as never, CallDemo__factory) },
    { fn: "contractAt", title: "no factory", code: "INVALID_ARGUMENT", run: () => contractAt(reader, undefined as never) },
    {
      fn: "contractAt",
      title: "deployments: 42",
      code: "INVALID_ARGUMENT",
      run: () => contractAt(reader, CallDemo__factory, { deployments: 42 as never }),
    },
    {
      fn: "contractAt",
      title: "a name the book does not have",
      code: "NOT_FOUND",
      run: () => contractAt(reader, CallDemo__factory, { deployments: join(tmp(), "empty") }),
    },

    // the address book
    { fn: "readAddressBook", title: "dir: 42", code: "INVALID_ARGUMENT", run: () => readAddressBook(42 as never, 31337n) },
    { fn: "readAddressBook", title: 'chainId: "abc"', code: "INVALID_ARGUMENT", run: () => readAddressBook(book(), "abc" as never) },
    {
      fn: "readAddressBook",
      title: "a book file that is a folder",
      code: "INVALID_ARGUMENT",
      run: () => readAddressBook(join(tmp(), "books"), 31337n),
    },
    {
      fn: "recordDeployment",
      title: 'address: "0x1234"',
      code: "INVALID_ARGUMENT",
      run: () => recordDeployment(book(), 31337n, "CallDemo", { address: "0x1234" }),
    },
    {
      fn: "recordDeployment",
      title: "no deployment",
      code: "INVALID_ARGUMENT",
      run: () => recordDeployment(book(), 31337n, "CallDemo", undefined as never),
    },
    {
      fn: "recordDeployment",
      title: "an empty name",
      code: "INVALID_ARGUMENT",
      run: () => recordDeployment(book(), 31337n, "", { address: DEV_ACCOUNT }),
    },
    {
      fn: "recordDeployment",
      title: 'a name with "@" (a CLI target would split it)',
      code: "INVALID_ARGUMENT",
      run: () => recordDeployment(book(), 31337n, "Call@Demo", { address: DEV_ACCOUNT }),
    },
    {
      fn: "recordDeployment",
      title: "blockNumber: -1",
      code: "INVALID_ARGUMENT",
      run: () => recordDeployment(book(), 31337n, "CallDemo", { address: DEV_ACCOUNT, blockNumber: -1 }),
    },
    {
      fn: "recordDeployment",
      title: "a txHash that is not a hash",
      code: "INVALID_ARGUMENT",
      run: () => recordDeployment(book(), 31337n, "CallDemo", { address: DEV_ACCOUNT, txHash: "0x12" }),
    },
    {
      fn: "resolveDeployment",
      title: "no name",
      code: "INVALID_ARGUMENT",
      run: () => resolveDeployment(book(), 31337n, undefined as never),
    },
    {
      fn: "resolveDeployment",
      title: 'the name "toString" (not an entry, whatever Object has)',
      code: "NOT_FOUND",
      run: () => resolveDeployment(join(tmp(), "named"), 31337n, "toString"),
    },

    // loadContractAbi
    {
      fn: "loadContractAbi",
      title: "a contract that has no ABI file",
      code: "NOT_FOUND",
      run: () => loadContractAbi("Nope", join(projectRoot(), "abi")),
    },
    {
      fn: "loadContractAbi",
      title: "nameOrFile: 42",
      code: "INVALID_ARGUMENT",
      run: () => loadContractAbi(42 as never, join(projectRoot(), "abi")),
    },
    { fn: "loadContractAbi", title: "no abiDir", code: "INVALID_ARGUMENT", run: () => loadContractAbi("CallDemo", undefined as never) },

    // decodeRevert
    { fn: "decodeRevert", title: "text instead of hex", code: "INVALID_ARGUMENT", run: () => decodeRevert("not owner") },
    { fn: "decodeRevert", title: "odd-length hex", code: "INVALID_ARGUMENT", run: () => decodeRevert("0x123") },
    { fn: "decodeRevert", title: "a number", code: "INVALID_ARGUMENT", run: () => decodeRevert(42 as never) },
    { fn: "decodeRevert", title: "interfaces not a list", code: "INVALID_ARGUMENT", run: () => decodeRevert("0x08c379a0", "abi" as never) },

    // wrapContract and wrapDeploy (what generated factories call); the bindings' own misuses are test/bindings.test.ts
    { fn: "wrapContract", title: "no contract", code: "INVALID_ARGUMENT", run: () => wrapContract(undefined as never) },
    {
      fn: "wrapContract",
      title: "an address instead of a contract",
      code: "INVALID_ARGUMENT",
      run: () => wrapContract(demoAddress as never),
    },
    {
      fn: "wrapContract",
      title: "a binding method through a wrapped contract with a bad argument",
      code: "INVALID_ARGUMENT",
      run: () => CallDemo__factory.connect(demoAddress, sender.runner).setYear("abc"),
    },
    {
      fn: "wrapContract",
      title: "a binding's setYear(-1)",
      code: "INVALID_ARGUMENT",
      run: () => CallDemo__factory.connect(demoAddress, sender.runner).setYear(-1),
    },
    {
      fn: "wrapContract",
      title: "a binding's setYear(2^256)",
      code: "INVALID_ARGUMENT",
      run: () => CallDemo__factory.connect(demoAddress, sender.runner).setYear(2n ** 256n),
    },
    {
      fn: "wrapContract",
      title: "a binding's setYear() without its argument",
      code: "INVALID_ARGUMENT",
      run: () => (CallDemo__factory.connect(demoAddress, sender.runner).setYear as unknown as () => Promise<unknown>)(),
    },
    {
      fn: "wrapContract",
      title: "a binding's setYear with junk overrides",
      code: "INVALID_ARGUMENT",
      run: () => CallDemo__factory.connect(demoAddress, sender.runner).setYear(1n, { gasLimit: "lots" as never }),
    },
    {
      fn: "wrapDeploy",
      title: "a generated factory's deploy with a bad constructor argument",
      code: "INVALID_ARGUMENT",
      run: () => new Oracle__factory(sender.signer!).deploy("abc", 1n),
    },
    {
      fn: "wrapDeploy",
      title: "no factory",
      code: "INVALID_ARGUMENT",
      run: () => wrapDeploy(undefined as never, [], async () => undefined),
    },
    {
      fn: "wrapDeploy",
      title: "args not an array",
      code: "INVALID_ARGUMENT",
      run: () => wrapDeploy(new CallDemo__factory(), {} as never, async () => undefined),
    },
    {
      fn: "wrapDeploy",
      title: "a bad constructor argument",
      code: "INVALID_ARGUMENT",
      run: () => wrapDeploy(new Oracle__factory(), [-1, 1, {}], async () => undefined),
    },

    // generateBindings (chaincall/codegen)
    { fn: "generateBindings", title: "no parameters", code: "INVALID_ARGUMENT", run: () => generateBindings(undefined as never) },
    { fn: "generateBindings", title: "inputs: a string", code: "INVALID_ARGUMENT", run: () => gen({ inputs: "abi" }) },
    { fn: "generateBindings", title: "an empty input", code: "INVALID_ARGUMENT", run: () => gen({ inputs: [""] }) },
    { fn: "generateBindings", title: "no outDir", code: "INVALID_ARGUMENT", run: () => gen({ outDir: undefined }) },
    { fn: "generateBindings", title: "cwd: 42", code: "INVALID_ARGUMENT", run: () => gen({ cwd: 42 }) },
    { fn: "generateBindings", title: 'force: "yes"', code: "INVALID_ARGUMENT", run: () => gen({ force: "yes" }) },
    { fn: "generateBindings", title: "a path with a NUL character", code: "INVALID_ARGUMENT", run: () => gen({ inputs: ["abi\0x"] }) },
    { fn: "generateBindings", title: "a missing input", code: "NOT_FOUND", run: () => gen({ inputs: ["no-such-dir"] }) },
  ];

  it(`has at least 40 cases (${cases.length}), covering every exported function`, () => {
    expect(cases.length).to.be.at.least(40);
    const functions = [...ROOT_VALUES.filter((name) => typeof (sdk as Record<string, unknown>)[name] === "function"), "generateBindings"];
    const covered = new Set(cases.map((c) => c.fn));
    // Classes and the predicate take anything: there is nothing to misuse.
    const untestable = [
      "ChainMismatchError",
      "ChaincallError",
      "ContractRevertedError",
      "TransactionDroppedError",
      "TransactionReplacedError",
      "UnknownOutcomeError",
      "isChaincallError",
    ];
    expect(functions.filter((name) => !covered.has(name) && !untestable.includes(name))).to.deep.equal([]);
  });

  for (const c of cases) {
    it(`${c.fn}: ${c.title} → ${c.code}`, async () => {
      const sentBefore = proxy.requests;
      const result = await outcome(c.run);
      if ("value" in result) {
        await release(result.value);
        expect.fail(`expected ${c.code}, but the call succeeded`);
      }
      const { error } = result;
      expect(isChaincallError(error), `not a ChaincallError: ${String((error as Error)?.stack ?? error)}`).to.equal(true);
      expect((error as sdk.ChaincallError).code, (error as Error).message).to.equal(c.code);
      expect(proxy.requests - sentBefore, "requests that reached the node").to.equal(0);
    });
  }

  it("a refused recordDeployment writes nothing", () => {
    expect(existsSync(join(book(), "31337.json"))).to.equal(false);
  });

  it("a private key is never echoed in the misuse errors", async () => {
    const key = `0x${"7".repeat(63)}`;
    const result = await outcome(() => connectVia({ signer: { privateKey: key } }));
    expect("error" in result && (result.error as Error).message)
      .to.be.a("string")
      .and.not.include(key);
  });
});

describe("TSDoc on the public surface (dist/src/*.d.ts)", () => {
  let checker: ts.TypeChecker;
  let program: ts.Program;
  const entries = {
    chaincall: join(projectRoot(), "dist", "src", "index.d.ts"),
    "chaincall/codegen": join(projectRoot(), "dist", "src", "codegen", "index.d.ts"),
  };

  before(function () {
    this.timeout(60_000);
    for (const file of Object.values(entries)) if (!existsSync(file)) expect.fail(`${file} is missing: run npm run build`);
    program = ts.createProgram(Object.values(entries), { noEmit: true, skipLibCheck: true, types: [] });
    checker = program.getTypeChecker();
  });

  // Our own declaration files (members inherited from ethers are documented by ethers).
  const ours = (decl: ts.Declaration) => decl.getSourceFile().fileName.startsWith(`${projectRoot().split("\\").join("/")}/dist/src/`);

  function exportsOf(file: string): { name: string; symbol: ts.Symbol }[] {
    const source = program.getSourceFile(file)!;
    const moduleSymbol = checker.getSymbolAtLocation(source)!;
    return checker.getExportsOfModule(moduleSymbol).map((exported) => ({
      name: exported.name,
      symbol: exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported,
    }));
  }

  const summary = (symbol: ts.Symbol) => ts.displayPartsToString(symbol.getDocumentationComment(checker)).trim();
  const tags = (symbol: ts.Symbol) => symbol.getJsDocTags(checker).map((tag) => tag.name);

  for (const [entry, file] of Object.entries(entries)) {
    it(`every export of ${entry} has a summary; functions and classes an @example, functions a @throws`, () => {
      const missing: string[] = [];
      for (const { name, symbol } of exportsOf(file)) {
        if (!summary(symbol)) missing.push(`${name}: no summary`);
        if (symbol.flags & (ts.SymbolFlags.Function | ts.SymbolFlags.Class) && !tags(symbol).includes("example"))
          missing.push(`${name}: no @example`);
        if (symbol.flags & ts.SymbolFlags.Function && !tags(symbol).includes("throws")) missing.push(`${name}: no @throws`);
      }
      expect(missing).to.deep.equal([]);
    });

    it(`every member of the interfaces and classes ${entry} exports has a summary`, () => {
      const missing: string[] = [];
      for (const { name, symbol } of exportsOf(file)) {
        if (!(symbol.flags & (ts.SymbolFlags.Interface | ts.SymbolFlags.Class))) continue;
        for (const member of checker.getPropertiesOfType(checker.getDeclaredTypeOfSymbol(symbol))) {
          const decls = member.getDeclarations() ?? [];
          if (!decls.some(ours)) continue;
          const hidden = decls.some((d) => ts.getCombinedModifierFlags(d) & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected));
          if (!hidden && !summary(member)) missing.push(`${name}.${member.name}`);
        }
      }
      expect(missing).to.deep.equal([]);
    });
  }

  it("the d.ts files are the ones the package points at", () => {
    const pkg = JSON.parse(readFileSync(join(projectRoot(), "package.json"), "utf8")) as { types: string };
    expect(join(projectRoot(), pkg.types)).to.equal(entries.chaincall);
  });
});
