// Benchmark of concurrent sends from ONE private key, side by side (SPEC target: "concurrent sends from one
// key: 0 failures on Hardhat and Anvil; ≥ 0.5 × the raw pre-signed rate on Anvil").
//
// Each contender fires N `CallDemo.setYear` sends (default 300) from the dev key at a node of its own:
//   1. raw pre-signed       N EIP-1559 transactions with consecutive nonces, fixed gas and fees, signed
//                           before the clock starts, then posted as sequential JSON-RPC batches of
//                           eth_sendRawTransaction in nonce order: the most a client can get out of the node
//                           (the "raw limit", what "× raw" divides by);
//   2. raw, one per request the same signed transactions, one eth_sendRawTransaction request at a time: the
//                           baseline where the node refuses batched sends (Hardhat's automining node handles a
//                           batch's requests concurrently and refuses the nonces that overtake their
//                           predecessors as "nonce too high");
//   3. raw, signs in clock  what a hand-written client does with the same gas handling as the binding
//                           contenders, all inside the clock: one fee read, every send's eth_estimateGas (as
//                           JSON-RPC batches) plus 20 % headroom, each signed with ethers' Transaction and the
//                           key, posted as sequential batches in nonce order (the next batch is signed while
//                           one is in flight; on Hardhat, which refuses batched sends, one request at a time):
//                           what the first target divides by;
//   4. ethers Wallet        `Promise.all` of N binding calls through a plain ethers Wallet;
//   5. ethers NonceManager  the same through ethers' NonceManager around that Wallet;
//   6. chaincall binding    the same through a chaincall client's runner (estimates every send);
//   7. chaincall, gas given the same with the gas limit given (`{ gasLimit }`): compared with "raw pre-signed",
//                           which has its gas limit given too.
// The clock runs from the first send issued until every send has settled (accepted or refused). Both nodes
// automine, so accepted means mined; afterwards, outside the timed section, the receipt of every send that
// was reported as sent is fetched and must show status 1. tx/s counts those verified transactions only.
// The raw contenders' signing time is measured too and shown, untimed: every other contender signs inside
// its timed section.
//
// Isolation: every contender gets a freshly started node (same genesis, same cold start), a CallDemo
// deployed there by a second dev account, and a short warm-up burst from that account, so the sending
// account starts at nonce 0 with nothing of another contender's in the pool. All contenders run on Anvil
// (`--repeat K` times), then once on Hardhat's node. Nodes started here are always stopped.
//
// Targets (issue 14, on Anvil, median of the runs' ratios): chaincall binding ≥ 0.9 × "raw, signs in clock";
// chaincall with the gas given ≥ 0.45 × "raw pre-signed"; 0 chaincall failures on both nodes.
// Usage: node dist/scripts/bench/sends.js [--count N] [--repeat K] [--batch B] [--json]
// Exit code 0 when the targets are met, 1 when they are not or the benchmark could not run.
import { performance } from "node:perf_hooks";
import { type ContractRunner, HDNodeWallet, JsonRpcProvider, NonceManager, Transaction, type TransactionLike, Wallet } from "ethers";
import { type Client, connect } from "../../src";
import { loadFastSigner } from "../../src/tx/signDigest";
import { signPrepared } from "../../src/tx/signPrepared";
import { CallDemo__factory } from "../../typechain-types";
import { type LocalNode, startAnvil, startHardhatNode } from "../lib/localNode";
import { type Answer, describeFailure, jsonRpcOverFetch } from "./benchRpc";
import { median, parseBenchOptions, positiveInteger, progress } from "./benchSupport";

/** Account 0 of the dev mnemonic both nodes use ("test test … junk"): a public test key, funded on both. */
const SENDER_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
/** The public dev mnemonic behind both nodes' funded accounts. */
const DEV_MNEMONIC = "test test test test test test test test test test test junk";
/**
 * Account 1 of that mnemonic (0x70997970C51812dc3A010C7d01b50e0d17dc79C8): deploys CallDemo and warms the
 * node up, so the sender's nonce stays 0. Derived rather than pasted: a mistyped key is an unfunded account.
 */
const DEPLOYER_KEY = HDNodeWallet.fromPhrase(DEV_MNEMONIC, undefined, "m/44'/60'/0'/0/1").privateKey;

/** Sends the deployer makes (one at a time) before the clock starts, so a JIT-compiled node is warm. */
const WARMUP_SENDS = 20;
/** The raw contender's fixed gas limit; checked against an estimate before signing. */
const RAW_GAS_LIMIT = 60_000n;
/** The raw contender's priority fee: 2 gwei (max fee = 2 × base fee + tip). */
const RAW_TIP = 2_000_000_000n;
/** Verification ends when this long passes without a new receipt turning up. */
const RECEIPT_PATIENCE_MS = 5_000;
/** Bound of each of the benchmark's own JSON-RPC requests. */
const REQUEST_TIMEOUT_MS = 60_000;
const { rpcBatch, rpcOne, rpc } = jsonRpcOverFetch(REQUEST_TIMEOUT_MS);
/** Issue 14's targets on Anvil: the binding against the in-clock raw, the binding with gas given against pre-signed. */
const TARGET_IN_CLOCK = 0.9;
const TARGET_PRE_SIGNED = 0.45;
/** The first year value sent; send i sets FIRST_YEAR + i (so every SSTORE changes a non-zero value). */
const FIRST_YEAR = 3000;

type NodeKind = Exclude<LocalNode["kind"], "ganache">;
type ContenderName =
  | "raw pre-signed"
  | "raw, one per request"
  | "raw, signs in clock"
  | "ethers Wallet"
  | "ethers NonceManager"
  | "chaincall binding"
  | "chaincall, gas given";
/** The contenders "× raw" may divide by, in order of preference (the first that ran without a failure). */
const BASELINES: readonly ContenderName[] = ["raw pre-signed", "raw, one per request"];

interface Options {
  count: number;
  repeat: number;
  batchSize: number;
  json: boolean;
  /** Soak mode: only the chaincall contenders, this many runs on each node, judged on failures and stalls. */
  soak: number;
}

/** What a contender gets: a fresh node with a fresh CallDemo on it. */
interface Setup {
  kind: NodeKind;
  rpcUrl: string;
  chainId: bigint;
  /** The CallDemo deployment this contender sends to. */
  address: string;
  count: number;
  batchSize: number;
}

/** What a contender reports from its timed section. */
interface Attempt {
  /** Hashes of the sends reported as sent (accepted by the node). */
  hashes: string[];
  /** One description per send reported as failed. */
  failures: string[];
  seconds: number;
  /** Raw contenders: the time signing took, before the clock started. */
  signSeconds?: number;
  /** chaincall: closes the client, once the sends are verified (its stall check works while it is open). */
  close?: () => Promise<void>;
  /** chaincall: transactions its stall check re-broadcast, per stall (set while the client is open). */
  stalls?: number[];
}

/** One contender's line of the table. */
interface Outcome {
  contender: ContenderName;
  /** Sends reported as sent. */
  sent: number;
  /** Sends reported as failed. */
  failed: number;
  /** Sent, then found mined with status 1 (the verified successes). */
  minedOk: number;
  /** Sent and mined, but reverted. */
  reverted: number;
  /** Sent, but no receipt turned up (e.g. queued behind a nonce gap). */
  notMined: number;
  /** What the node says of the sends that were never mined. */
  notMinedDetail?: string;
  seconds: number;
  /** minedOk / seconds. */
  txPerSecond: number;
  /** txPerSecond / the run's baseline's txPerSecond (see `Run.baseline`), when there is one. */
  ratio?: number;
  /** Raw contenders: the time signing took, before the clock started (not in `seconds`). */
  signSeconds?: number;
  /** chaincall: transactions its stall check re-broadcast, per stall, until verified. */
  stalls?: number[];
  /** Failure descriptions (numbers and hex folded) with their counts, most frequent first. */
  reasons: { reason: string; count: number }[];
  /** Set when the contender could not run at all (setup failed); the other fields are then zero. */
  error?: string;
}

/** All contenders on one kind of node, once. */
interface Run {
  node: NodeKind;
  /** `web3_clientVersion` of the node. */
  version: string;
  run: number;
  /** The contender "× raw" divides by: the first of BASELINES with no failure; none when both failed. */
  baseline: ContenderName | null;
  outcomes: Outcome[];
}

/** One target: a chaincall contender's rate over a raw one's, per Anvil run (null where the raw one failed). */
interface RatioVerdict {
  contender: ContenderName;
  versus: ContenderName;
  ratios: (number | null)[];
  /** The median of the runs' ratios: what the target is judged on. */
  median: number | null;
  target: number;
}

interface Verdict {
  /** chaincall failures (refused, reverted or never mined) per node, over all runs and both chaincall contenders; target 0. */
  chaincallFailures: Record<NodeKind, number>;
  targets: RatioVerdict[];
  pass: boolean;
}

const CONTENDERS: readonly { name: ContenderName; run: (setup: Setup) => Promise<Attempt> }[] = [
  { name: "raw pre-signed", run: (setup) => viaRaw(setup, "batches") },
  { name: "raw, one per request", run: (setup) => viaRaw(setup, "one at a time") },
  { name: "raw, signs in clock", run: viaRawInClock },
  { name: "ethers Wallet", run: (setup) => viaEthers(setup, (wallet) => wallet) },
  { name: "ethers NonceManager", run: (setup) => viaEthers(setup, (wallet) => new NonceManager(wallet)) },
  { name: "chaincall binding", run: (setup) => viaChaincall(setup, undefined) },
  { name: "chaincall, gas given", run: (setup) => viaChaincall(setup, RAW_GAS_LIMIT) },
];

// ---------------------------------------------------------------------------------------------------------
// Contenders. Each does its own untimed preparation, then times only the sends.

/**
 * 1 and 2. Pre-signed transactions in nonce order: posted as JSON-RPC batches of `setup.batchSize`, one
 * batch after the other, or as single requests, each awaited before the next.
 */
async function viaRaw(setup: Setup, mode: "batches" | "one at a time"): Promise<Attempt> {
  const wallet = new Wallet(SENDER_KEY);
  const demo = CallDemo__factory.createInterface();
  const firstNonce = Number(await rpc(setup.rpcUrl, "eth_getTransactionCount", [wallet.address, "pending"]));
  const latest = (await rpc(setup.rpcUrl, "eth_getBlockByNumber", ["latest", false])) as { baseFeePerGas?: string };
  const maxFeePerGas = BigInt(latest.baseFeePerGas ?? 0) * 2n + RAW_TIP;
  const data = (i: number) => demo.encodeFunctionData("setYear", [FIRST_YEAR + i]);

  // The fixed gas limit must be enough, or every send would revert and the "limit" would be meaningless.
  const estimate = BigInt(
    (await rpc(setup.rpcUrl, "eth_estimateGas", [{ from: wallet.address, to: setup.address, data: data(setup.count) }])) as string,
  );
  if (estimate > RAW_GAS_LIMIT) throw new Error(`setYear needs ${estimate} gas, more than the fixed ${RAW_GAS_LIMIT}`);

  const signStarted = performance.now();
  const signed: string[] = [];
  for (let i = 0; i < setup.count; i++) {
    signed.push(
      await wallet.signTransaction({
        type: 2,
        chainId: setup.chainId,
        nonce: firstNonce + i,
        to: setup.address,
        data: data(i),
        value: 0n,
        gasLimit: RAW_GAS_LIMIT,
        maxFeePerGas,
        maxPriorityFeePerGas: RAW_TIP,
      }),
    );
  }
  const signSeconds = (performance.now() - signStarted) / 1000;

  const hashes: string[] = [];
  const failures: string[] = [];
  const record = (answer: Answer) => (answer.ok ? hashes.push(answer.result as string) : failures.push(answer.error));
  const send = (raw: string) => ({ method: "eth_sendRawTransaction", params: [raw] });
  const started = performance.now();
  if (mode === "batches") {
    for (let from = 0; from < signed.length; from += setup.batchSize) {
      (await rpcBatch(setup.rpcUrl, signed.slice(from, from + setup.batchSize).map(send))).forEach(record);
    }
  } else {
    for (const raw of signed) record(await rpcOne(setup.rpcUrl, send(raw)));
  }
  return { hashes, failures, seconds: (performance.now() - started) / 1000, signSeconds };
}

/**
 * 3. Estimates, fees and signing inside the clock, the way a hand-written client would do it: fees once,
 * estimates as batches, then batches of signed sends in nonce order, the next batch signed while one is in
 * flight.
 */
async function viaRawInClock(setup: Setup): Promise<Attempt> {
  const wallet = new Wallet(SENDER_KEY);
  const demo = CallDemo__factory.createInterface();
  const data = (i: number) => demo.encodeFunctionData("setYear", [FIRST_YEAR + i]);
  const hashes: string[] = [];
  const failures: string[] = [];
  const record = (answer: Answer) => (answer.ok ? hashes.push(answer.result as string) : failures.push(answer.error));
  // The connection is opened before the clock, as for the other contenders.
  await rpc(setup.rpcUrl, "eth_chainId", []);
  const started = performance.now();
  const [nonceHex, latest] = (await rpcBatch(setup.rpcUrl, [
    { method: "eth_getTransactionCount", params: [wallet.address, "pending"] },
    { method: "eth_getBlockByNumber", params: ["latest", false] },
  ]).then((answers) =>
    answers.map((a) => {
      if (!a.ok) throw new Error(a.error);
      return a.result;
    }),
  )) as [string, { baseFeePerGas?: string }];
  const firstNonce = Number(nonceHex);
  const maxFeePerGas = BigInt(latest.baseFeePerGas ?? 0) * 2n + RAW_TIP;
  const sign = async (from: number): Promise<{ method: string; params: unknown[] }[]> => {
    const to = Math.min(from + setup.batchSize, setup.count);
    const estimates = await rpcBatch(
      setup.rpcUrl,
      Array.from({ length: to - from }, (_, k) => ({
        method: "eth_estimateGas",
        params: [{ from: wallet.address, to: setup.address, data: data(from + k) }],
      })),
    );
    return estimates.map((estimate, k) => {
      if (!estimate.ok) throw new Error(estimate.error);
      const tx: TransactionLike<string> = {
        type: 2,
        chainId: setup.chainId,
        nonce: firstNonce + from + k,
        to: setup.address,
        data: data(from + k),
        value: 0n,
        gasLimit: (BigInt(estimate.result as string) * 120n) / 100n,
        maxFeePerGas,
        maxPriorityFeePerGas: RAW_TIP,
      };
      const signed = Transaction.from(tx);
      signed.signature = wallet.signingKey.sign(signed.unsignedHash);
      return { method: "eth_sendRawTransaction", params: [signed.serialized] };
    });
  };
  let next = sign(0);
  for (let from = 0; from < setup.count; from += setup.batchSize) {
    const batch = await next;
    const inFlight =
      setup.kind === "hardhat"
        ? (async () => {
            const answers: Answer[] = [];
            for (const request of batch) answers.push(await rpcOne(setup.rpcUrl, request));
            return answers;
          })()
        : rpcBatch(setup.rpcUrl, batch);
    if (from + setup.batchSize < setup.count) next = sign(from + setup.batchSize);
    (await inFlight).forEach(record);
  }
  return { hashes, failures, seconds: (performance.now() - started) / 1000 };
}

/** 4 and 5. `Promise.all` of binding calls through a plain ethers Wallet, or a signer wrapping it. */
async function viaEthers(setup: Setup, wrap: (wallet: Wallet) => ContractRunner): Promise<Attempt> {
  const provider = new JsonRpcProvider(setup.rpcUrl, undefined, { staticNetwork: true });
  try {
    const demo = CallDemo__factory.connect(setup.address, wrap(new Wallet(SENDER_KEY, provider)));
    // One request before the clock starts, so the HTTP connection is open (chaincall's connect does the same).
    await provider.getBlockNumber();
    return await timedBurst(setup.count, (i) => demo.setYear(FIRST_YEAR + i));
  } finally {
    provider.destroy();
  }
}

/** 6 and 7. The same burst through a chaincall client (its runner is the chaincall signer), with the gas estimated or given. */
async function viaChaincall(setup: Setup, gasLimit: bigint | undefined): Promise<Attempt> {
  const client: Client = await connect({ rpcUrl: setup.rpcUrl, signer: { privateKey: SENDER_KEY }, journal: false, timeoutMs: 30_000 });
  try {
    // What the stall check does is reported: a stall it healed is no failure, but it is not hidden either.
    const stalls: number[] = [];
    const check = client.signer!.sender.stall!;
    const afterBurst = check.afterBurst.bind(check);
    check.afterBurst = async () => {
      const stall = await afterBurst();
      if (stall) stalls.push(stall.rebroadcast.length);
      return stall;
    };
    const demo = CallDemo__factory.connect(setup.address, client.runner);
    const attempt = await timedBurst(setup.count, (i) =>
      gasLimit === undefined ? demo.setYear(FIRST_YEAR + i) : demo.setYear(FIRST_YEAR + i, { gasLimit }),
    );
    // Closed once verified, as an application waiting for its receipts would keep it open.
    return { ...attempt, stalls, close: () => client.close() };
  } catch (err) {
    await client.close();
    throw err;
  }
}

/** Issues `count` sends at once and times them until all have settled. */
async function timedBurst(count: number, send: (i: number) => Promise<{ hash: string }>): Promise<Attempt> {
  const started = performance.now();
  const settled = await Promise.allSettled(Array.from({ length: count }, (_, i) => send(i)));
  const seconds = (performance.now() - started) / 1000;
  const hashes: string[] = [];
  const failures: string[] = [];
  for (const result of settled) {
    if (result.status === "fulfilled") hashes.push(result.value.hash);
    else failures.push(describeFailure(result.reason));
  }
  return { hashes, failures, seconds };
}

// ---------------------------------------------------------------------------------------------------------
// Running: a fresh node per contender, the untimed setup, the timed burst, the untimed verification.

async function runAll(
  kind: NodeKind,
  run: number,
  options: Options,
  stopOnSignal: StopRegistry,
  contenders: readonly (typeof CONTENDERS)[number][] = CONTENDERS,
): Promise<Run> {
  const outcomes: Outcome[] = [];
  let version = "";
  for (const contender of contenders) {
    progress(options, `${kind} run ${run}: ${contender.name} …`);
    const node = await (kind === "anvil" ? startAnvil({ ipc: false }) : startHardhatNode());
    const forget = stopOnSignal.add(node);
    try {
      version ||= String(await rpc(node.rpcUrl, "web3_clientVersion", []));
      const address = await prepareNode(node);
      const setup: Setup = {
        kind,
        rpcUrl: node.rpcUrl,
        chainId: node.chainId,
        address,
        count: options.count,
        batchSize: options.batchSize,
      };
      const attempt = await contender.run(setup);
      try {
        outcomes.push(await verify(contender.name, node.rpcUrl, attempt));
      } finally {
        await attempt.close?.();
      }
    } catch (err) {
      outcomes.push(notRun(contender.name, err));
    } finally {
      await node.stop();
      forget();
    }
  }
  // A raw contender with failures measured how fast a node refuses, not the limit: the next one is the base.
  const baseline = BASELINES.map((name) => outcomes.find((o) => o.contender === name)).find(
    (o) => o && failuresOf(o, options.count) === 0 && o.txPerSecond > 0,
  );
  for (const outcome of outcomes) if (baseline && !outcome.error) outcome.ratio = outcome.txPerSecond / baseline.txPerSecond;
  return { node: kind, version, run, baseline: baseline?.contender ?? null, outcomes };
}

/** Deploys CallDemo from the deployer account and makes a few sends there; returns the address. */
async function prepareNode(node: LocalNode): Promise<string> {
  const provider = new JsonRpcProvider(node.rpcUrl, undefined, { staticNetwork: true });
  try {
    const deployer = new Wallet(DEPLOYER_KEY, provider);
    // Explicit nonces: ethers shares identical requests made within 250 ms, so even one-at-a-time sends
    // through a plain Wallet can be given the same "pending" count.
    let nonce = await deployer.getNonce("pending");
    const demo = await new CallDemo__factory(deployer).deploy({ nonce: nonce++ });
    const hashes = [demo.deploymentTransaction()!.hash];
    for (let i = 0; i < WARMUP_SENDS; i++) hashes.push((await demo.setYear(1000 + i, { nonce: nonce++ })).hash);
    const check = await fetchReceipts(node.rpcUrl, hashes);
    if (check.minedOk !== hashes.length)
      throw new Error(`setup: ${hashes.length - check.minedOk} of ${hashes.length} deploy/warm-up transactions not mined ok`);
    return await demo.getAddress();
  } finally {
    provider.destroy();
  }
}

/** Checks every send reported as sent against its receipt, and builds the contender's line. */
async function verify(contender: ContenderName, rpcUrl: string, attempt: Attempt): Promise<Outcome> {
  const receipts = await fetchReceipts(rpcUrl, attempt.hashes);
  const counts = new Map<string, number>();
  for (const failure of attempt.failures) counts.set(failure, (counts.get(failure) ?? 0) + 1);
  return {
    contender,
    sent: attempt.hashes.length,
    failed: attempt.failures.length,
    minedOk: receipts.minedOk,
    reverted: receipts.reverted,
    notMined: receipts.notMined,
    notMinedDetail: receipts.notMinedDetail,
    seconds: attempt.seconds,
    signSeconds: attempt.signSeconds,
    stalls: attempt.stalls,
    txPerSecond: attempt.seconds > 0 ? receipts.minedOk / attempt.seconds : 0,
    reasons: [...counts].map(([reason, count]) => ({ reason, count })).sort((a, b) => b.count - a.count),
  };
}

function notRun(contender: ContenderName, err: unknown): Outcome {
  return {
    contender,
    sent: 0,
    failed: 0,
    minedOk: 0,
    reverted: 0,
    notMined: 0,
    seconds: 0,
    txPerSecond: 0,
    reasons: [],
    error: describeFailure(err, false),
  };
}

/** A contender's failures in the SPEC's sense: every send that did not end mined with status 1. */
function failuresOf(outcome: Outcome, count: number): number {
  return outcome.error ? count : count - outcome.minedOk;
}

function judge(runs: Run[], options: Options): Verdict {
  const chaincallFailures: Record<NodeKind, number> = { anvil: 0, hardhat: 0 };
  for (const run of runs)
    for (const o of run.outcomes) if (o.contender.startsWith("chaincall")) chaincallFailures[run.node] += failuresOf(o, options.count);
  const anvil = runs.filter((run) => run.node === "anvil");
  // Each target divides by its own raw contender's rate in the same run, and only where that one had no failure.
  const target = (contender: ContenderName, versus: ContenderName, goal: number): RatioVerdict => {
    const ratios = anvil.map((run) => {
      const ours = run.outcomes.find((o) => o.contender === contender)!;
      const raw = run.outcomes.find((o) => o.contender === versus)!;
      return failuresOf(raw, options.count) === 0 && raw.txPerSecond > 0 && !ours.error ? ours.txPerSecond / raw.txPerSecond : null;
    });
    return { contender, versus, ratios, median: median(ratios.filter((r): r is number => r !== null)) ?? null, target: goal };
  };
  const targets = [
    target("chaincall binding", "raw, signs in clock", TARGET_IN_CLOCK),
    target("chaincall, gas given", "raw pre-signed", TARGET_PRE_SIGNED),
  ];
  const pass =
    chaincallFailures.anvil === 0 && chaincallFailures.hardhat === 0 && targets.every((t) => t.median !== null && t.median >= t.target);
  return { chaincallFailures, targets, pass };
}

// ---------------------------------------------------------------------------------------------------------
// Receipts, for verification.

/**
 * Fetches the receipts of `hashes` (batches of 100), asking again for missing ones until all turned up or
 * none turned up for RECEIPT_PATIENCE_MS.
 */
async function fetchReceipts(
  rpcUrl: string,
  hashes: readonly string[],
): Promise<{ minedOk: number; reverted: number; notMined: number; notMinedDetail: string }> {
  let missing = [...new Set(hashes)];
  let minedOk = 0;
  let reverted = 0;
  let lastProgress = Date.now();
  while (missing.length > 0 && Date.now() - lastProgress < RECEIPT_PATIENCE_MS) {
    const stillMissing: string[] = [];
    for (let from = 0; from < missing.length; from += 100) {
      const chunk = missing.slice(from, from + 100);
      const answers = await rpcBatch(
        rpcUrl,
        chunk.map((hash) => ({ method: "eth_getTransactionReceipt", params: [hash] })),
      );
      answers.forEach((answer, i) => {
        const receipt = answer.ok ? (answer.result as { status?: string } | null) : null;
        if (!receipt) stillMissing.push(chunk[i]);
        else if (receipt.status === "0x1") minedOk++;
        else reverted++;
      });
    }
    if (stillMissing.length < missing.length) lastProgress = Date.now();
    missing = stillMissing;
    if (missing.length > 0) await new Promise((resolve) => setTimeout(resolve, 200));
  }
  // A hash reported twice (never expected) would count once: the rest is "not mined". What became of those
  // is asked of the node, so the report says whether they wait in its pool or it no longer knows them.
  let notMinedDetail = "";
  const duplicates = hashes.length - new Set(hashes).size;
  if (missing.length > 0 || duplicates > 0) {
    const known = await rpcBatch(
      rpcUrl,
      missing.map((hash) => ({ method: "eth_getTransactionByHash", params: [hash] })),
    );
    const inPool = known.filter((answer) => answer.ok && answer.result).length;
    notMinedDetail = `${duplicates} hashes reported twice, ${inPool} still in the node's pool, ${missing.length - inPool} unknown to the node`;
  }
  return { minedOk, reverted, notMined: hashes.length - minedOk - reverted, notMinedDetail };
}

// ---------------------------------------------------------------------------------------------------------
// Reporting.

function printRun(run: Run, options: Options): void {
  const title = run.node === "anvil" ? "Anvil" : "Hardhat";
  const runs = run.node === "anvil" && options.repeat > 1 ? ` (run ${run.run} of ${options.repeat})` : "";
  console.log(`\n${title} (${run.version}): ${options.count} concurrent setYear sends from one key${runs}`);
  const header = ["contender", "sent ok", "failed", "mined ok", "seconds", "tx/s", "× raw"];
  const rows = run.outcomes.map((o) =>
    o.error
      ? [o.contender, "—", "—", "—", "—", "—", "—"]
      : [
          o.contender,
          String(o.sent),
          String(o.failed),
          String(o.minedOk),
          o.seconds.toFixed(3),
          o.txPerSecond.toFixed(1),
          o.ratio === undefined ? "—" : o.ratio.toFixed(2),
        ],
  );
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (cells: string[]) => cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join("  ");
  console.log(line(header));
  for (const row of rows) console.log(line(row));
  if (run.baseline !== "raw pre-signed") {
    console.log(
      run.baseline
        ? `  × raw is relative to "${run.baseline}": "raw pre-signed" had failures on this node`
        : "  × raw: no raw contender ran without failures",
    );
  }
  for (const o of run.outcomes) {
    if (o.stalls?.length) console.log(`  ${o.contender}: the stall check re-broadcast ${o.stalls.join(" + ")} unmined transactions`);
    if (o.signSeconds !== undefined)
      console.log(`  ${o.contender}: signing the ${options.count} took ${o.signSeconds.toFixed(3)} s before the clock started`);
    if (o.error) console.log(`  ${o.contender}: did not run: ${o.error}`);
    if (o.reverted || o.notMined)
      console.log(
        `  ${o.contender}: of ${o.sent} sent, ${o.reverted} reverted and ${o.notMined} never mined (no receipt)${o.notMinedDetail ? `: ${o.notMinedDetail}` : ""}`,
      );
    for (const { reason, count } of o.reasons.slice(0, 3)) console.log(`  ${o.contender}: ${count} × ${reason}`);
    if (o.reasons.length > 3) console.log(`  ${o.contender}: … ${o.reasons.length - 3} other reasons`);
  }
}

/** Client CPU of signing alone, µs per transaction: ethers' Transaction against chaincall's signPrepared, alternated in one run. */
interface SigningFigures {
  /** The signer signPrepared used: libsecp256k1 in WebAssembly, or noble where that could not load. */
  signer: "wasm" | "noble";
  ethersMicros: number;
  leanMicros: number;
}

/**
 * Signs `count` setYear transactions both ways, five alternating rounds after a warm-up, and takes each
 * one's median (no node involved): the part of a send's client CPU the lean signer replaces.
 */
function compareSigners(count: number, signer: "wasm" | "noble"): SigningFigures {
  const wallet = new Wallet(SENDER_KEY);
  const demo = CallDemo__factory.createInterface();
  const tx = (i: number): TransactionLike<string> => ({
    type: 2,
    chainId: 31337n,
    to: wallet.address,
    data: demo.encodeFunctionData("setYear", [FIRST_YEAR + i]),
    value: 0n,
    gasLimit: RAW_GAS_LIMIT,
    maxFeePerGas: 3n * RAW_TIP,
    maxPriorityFeePerGas: RAW_TIP,
  });
  const viaEthersTransaction = (i: number) => {
    const signed = Transaction.from({ ...tx(i), nonce: i });
    signed.signature = wallet.signingKey.sign(signed.unsignedHash);
    return signed.serialized;
  };
  const viaLean = (i: number) => signPrepared(wallet.signingKey, tx(i), i).raw;
  const time = (sign: (i: number) => string) => {
    const started = performance.now();
    for (let i = 0; i < count; i++) sign(i);
    return ((performance.now() - started) * 1000) / count;
  };
  time(viaEthersTransaction);
  time(viaLean);
  const ethers: number[] = [];
  const lean: number[] = [];
  for (let round = 0; round < 5; round++) {
    ethers.push(time(viaEthersTransaction));
    lean.push(time(viaLean));
  }
  return { signer, ethersMicros: median(ethers)!, leanMicros: median(lean)! };
}

function printSigning(figures: SigningFigures): void {
  console.log(
    `\nSigning alone (no node, median of 5 alternating rounds): ethers' Transaction ${figures.ethersMicros.toFixed(0)} µs, ` +
      `chaincall's signPrepared (${figures.signer === "wasm" ? "libsecp256k1 in WebAssembly" : "noble"}) ${figures.leanMicros.toFixed(0)} µs per transaction (${(figures.leanMicros / figures.ethersMicros).toFixed(2)}× the time)`,
  );
}

function printVerdict(verdict: Verdict): void {
  const f = verdict.chaincallFailures;
  console.log(`\nchaincall failures: Hardhat ${f.hardhat}, Anvil ${f.anvil} (target 0)`);
  for (const t of verdict.targets) {
    const ratios = t.ratios.map((r) => (r === null ? "—" : r.toFixed(2))).join(", ");
    const median = t.median === null ? "—" : t.median.toFixed(2);
    const met = t.median !== null && t.median >= t.target;
    console.log(
      `"${t.contender}" / "${t.versus}" on Anvil: median ${median} (runs: ${ratios}), target ≥ ${t.target}: ${met ? "met" : "NOT met"}`,
    );
  }
  console.log(verdict.pass ? "targets MET" : "targets NOT MET");
}

// ---------------------------------------------------------------------------------------------------------
// Command line and lifecycle.

function parseOptions(argv: string[]): Options {
  const values = parseBenchOptions(
    argv,
    "usage: node dist/scripts/bench/sends.js [--count N (300)] [--repeat K (5, Anvil runs)] [--batch B (100, raw batch size)] [--soak R] [--json]",
    {
      count: { type: "string", default: "300" },
      repeat: { type: "string", default: "5" },
      batch: { type: "string", default: "100" },
      soak: { type: "string", default: "0" },
      json: { type: "boolean", default: false },
    },
  );
  return {
    count: positiveInteger("count", values.count),
    repeat: positiveInteger("repeat", values.repeat),
    batchSize: positiveInteger("batch", values.batch),
    soak: values.soak === "0" ? 0 : positiveInteger("soak", values.soak),
    json: values.json === true,
  };
}

/** The nodes currently running, so Ctrl-C stops them too. */
class StopRegistry {
  private readonly nodes = new Set<LocalNode>();
  add(node: LocalNode): () => void {
    this.nodes.add(node);
    return () => this.nodes.delete(node);
  }
  async stopAll(): Promise<void> {
    await Promise.all([...this.nodes].map((node) => node.stop()));
  }
}

/**
 * Soak mode (issue 14: "0 failures and 0 stalls over 20 bench runs on both nodes"): the two chaincall
 * contenders only, `runs` times on a fresh Anvil each, then `runs` times on a fresh Hardhat node each. A
 * failure is a send not mined with status 1; a stall is the stall check finding a burst's transactions left
 * unmined for STALL_MS (it re-broadcasts them: healed, but counted).
 */
async function soak(options: Options, nodes: StopRegistry): Promise<boolean> {
  const chaincall = CONTENDERS.filter((c) => c.name.startsWith("chaincall"));
  const table: { node: NodeKind; runs: number; bursts: number; failures: number; stalls: number; rate: number[] }[] = [];
  const all: Run[] = [];
  for (const kind of ["anvil", "hardhat"] as const) {
    const row = { node: kind, runs: 0, bursts: 0, failures: 0, stalls: 0, rate: [] as number[] };
    for (let run = 1; run <= options.soak; run++) {
      const result = await runAll(kind, run, options, nodes, chaincall);
      all.push(result);
      row.runs++;
      for (const o of result.outcomes) {
        row.bursts++;
        row.failures += failuresOf(o, options.count);
        row.stalls += o.stalls?.length ?? 0;
        if (!o.error) row.rate.push(o.txPerSecond);
      }
    }
    table.push(row);
  }
  const pass = table.every((row) => row.failures === 0 && row.stalls === 0);
  if (options.json) {
    console.log(JSON.stringify({ count: options.count, soak: options.soak, table, runs: all, pass }, null, 2));
    return pass;
  }
  console.log(
    `Soak: ${options.count} concurrent setYear sends from one key, chaincall binding and gas given, ${options.soak} runs per node`,
  );
  console.log("node      runs  bursts  failed sends  stalls  tx/s median (min–max)");
  for (const row of table) {
    const rates = `${(median(row.rate) ?? 0).toFixed(0)} (${Math.min(...row.rate).toFixed(0)}–${Math.max(...row.rate).toFixed(0)})`;
    console.log(
      `${row.node.padEnd(8)}  ${String(row.runs).padStart(4)}  ${String(row.bursts).padStart(6)}  ${String(row.failures).padStart(12)}  ${String(row.stalls).padStart(6)}  ${rates}`,
    );
  }
  for (const run of all)
    for (const o of run.outcomes) {
      if (o.stalls?.length)
        console.log(
          `  ${run.node} run ${run.run}, ${o.contender}: the stall check re-broadcast ${o.stalls.join(" + ")} unmined transactions`,
        );
      for (const { reason, count } of o.reasons) console.log(`  ${run.node} run ${run.run}, ${o.contender}: ${count} × ${reason}`);
      if (o.error) console.log(`  ${run.node} run ${run.run}, ${o.contender}: could not run: ${o.error}`);
    }
  console.log(pass ? "0 failures and 0 stalls on both nodes: met" : "failures or stalls: NOT met");
  return pass;
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const nodes = new StopRegistry();
  process.once("SIGINT", () => void nodes.stopAll().finally(() => process.exit(130)));
  if (options.soak > 0) {
    try {
      process.exitCode = (await soak(options, nodes)) ? 0 : 1;
    } finally {
      await nodes.stopAll();
    }
    return;
  }
  try {
    const runs: Run[] = [];
    // Anvil first, Hardhat last: chaincall keeps one nonce queue per (endpoint, chain, account) in the
    // process, and a port of a stopped Hardhat node reused by a later Anvil would inherit its queue's
    // one-at-a-time mode (learnt from Hardhat's "nonce too high").
    for (let run = 1; run <= options.repeat; run++) runs.push(await runAll("anvil", run, options, nodes));
    runs.push(await runAll("hardhat", 1, options, nodes));
    const verdict = judge(runs, options);
    const signing = compareSigners(options.count, await loadFastSigner());
    if (options.json) {
      console.log(
        JSON.stringify({ count: options.count, repeat: options.repeat, batchSize: options.batchSize, runs, verdict, signing }, null, 2),
      );
    } else {
      for (const run of runs) printRun(run, options);
      printSigning(signing);
      printVerdict(verdict);
    }
    process.exitCode = verdict.pass ? 0 : 1;
  } finally {
    await nodes.stopAll();
  }
}

main().catch((err) => {
  console.error(`error: ${describeFailure(err, false)}`);
  process.exitCode = 1;
});
