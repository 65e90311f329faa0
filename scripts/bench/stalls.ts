// Stall hunt on Anvil (issue 14: "0 stalls over 20 bench runs"): Anvil's pool strands a burst now and then
// (src/tx/poolSafeBatches.ts tells how), rarely enough that a soak of 20 runs cannot tell one order of
// writing from another. This runs hundreds of bursts of 300 on fresh Anvils, side by side, under load:
//   raw, nonce order        pre-signed transfers posted as JSON-RPC batches of 60, lowest nonce first, each
//                           once the batch before is answered (what the send pump did before);
//   raw, pool-safe order    the same batches, each written in two steps: all but its lowest nonce, then,
//                           once every nonce below the batch is mined, the lowest alone (what the send pump
//                           does at Anvil);
//   chaincall               300 concurrent `CallDemo.setYear` sends through a chaincall client: with the gas
//                           limit given, and estimating each send.
// A stall is a burst not fully mined 3 s after its last answer (the raw contenders; healed by taking the
// account's transactions out of the pool and sending them again, so the node goes on) or one the stall check
// reported (chaincall). With `--load` (the default), a CPU-bound thread runs beside, and the raw contenders
// have an `eth_estimateGas` loop from another account beside them: a loaded machine is where stalls happen.
// Usage: node dist/scripts/bench/stalls.js [--nodes N] [--bursts B] [--no-load] [--only raw|chaincall]
// Exit code 0 when the pool-safe order and chaincall had no stall and no failed send, 1 otherwise.
import { Worker } from "node:worker_threads";
import { Wallet } from "ethers";
import { connect } from "../../src";
import type { StallCheck } from "../../src/tx/stallCheck";
import { CallDemo__factory } from "../../typechain-types";
import { signDevTransfer } from "../lib/devTransfer";
import { type LocalNode, startAnvil } from "../lib/localNode";
import type { Answer } from "./benchRpc";
import { median, parseBenchOptions, positiveInteger } from "./benchSupport";
import { watchNode } from "./nodeWatchdog";
import { rawHttp } from "./rawHttp";

const USAGE = "usage: node dist/scripts/bench/stalls.js [--nodes N] [--bursts B] [--no-load] [--only raw|chaincall]";
const KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
const OTHER = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
const BURST = 300;
const BATCH = 60;

interface Row {
  contender: string;
  bursts: number;
  stalls: number;
  failed: number;
  ms: number[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function withAnvil<T>(work: (node: LocalNode) => Promise<T>): Promise<T> {
  const node = await startAnvil({ ipc: false });
  const unwatch = watchNode(node.pid);
  try {
    return await work(node);
  } finally {
    await node.stop();
    unwatch();
  }
}

// Pre-signed bursts of transfers, written in `order`; stalls healed so the node goes on.
async function rawBursts(node: LocalNode, bursts: number, order: "nonce" | "pool-safe", load: boolean, row: Row): Promise<void> {
  const http = rawHttp(node.rpcUrl, 30_000);
  const side = rawHttp(node.rpcUrl, 30_000);
  const wallet = new Wallet(KEY);
  const count = async () => {
    const answer = await http.one({ method: "eth_getTransactionCount", params: [wallet.address, "latest"] });
    return answer.ok ? Number(answer.result) : -1;
  };
  let stop = false;
  const noise = load
    ? (async () => {
        while (!stop) await side.one({ method: "eth_estimateGas", params: [{ from: OTHER, to: wallet.address, value: "0x1" }] });
      })()
    : undefined;
  try {
    let nonce = 0;
    for (let b = 0; b < bursts; b++) {
      const raws: string[] = [];
      for (let i = 0; i < BURST; i++) raws.push(await signDevTransfer(wallet, nonce + i));
      const started = performance.now();
      for (let s = 0; s < BURST; s += BATCH) {
        const calls = raws.slice(s, s + BATCH).map((raw) => ({ method: "eth_sendRawTransaction", params: [raw] }));
        let answers: Answer[];
        if (order === "pool-safe") {
          answers = await http.batch(calls.slice(1));
          for (let polls = 0; polls < 20_000 && (await count()) < nonce + s; polls++) await new Promise((resolve) => setImmediate(resolve));
          answers.push(await http.one(calls[0]));
        } else answers = await http.batch(calls);
        row.failed += answers.filter((a) => !a.ok).length;
      }
      let mined = await count();
      for (let t = 0; t < 300 && mined < nonce + BURST; t++) {
        await sleep(10);
        mined = await count();
      }
      row.ms.push(performance.now() - started);
      row.bursts++;
      if (mined < nonce + BURST) {
        row.stalls++;
        await http.one({ method: "anvil_removePoolTransactions", params: [wallet.address] });
        await http.batch(raws.slice(mined - nonce).map((raw) => ({ method: "eth_sendRawTransaction", params: [raw] })));
        for (let t = 0; t < 300 && (await count()) < nonce + BURST; t++) await sleep(10);
      }
      nonce += BURST;
    }
  } finally {
    stop = true;
    await noise;
    http.close();
    side.close();
  }
}

// Bursts of binding sends through a chaincall client; stalls as its stall check reports them.
async function chaincallBursts(node: LocalNode, bursts: number, gasGiven: boolean, row: Row): Promise<void> {
  const client = await connect({ rpcUrl: node.rpcUrl, signer: { privateKey: KEY }, journal: false, timeoutMs: 30_000 });
  try {
    const deployed = await new CallDemo__factory(client.signer!).deploy();
    await deployed.waitForDeployment();
    const demo = CallDemo__factory.connect(await deployed.getAddress(), client.runner);
    const check = client.signer!.sender.stall as StallCheck;
    for (let b = 0; b < bursts; b++) {
      const started = performance.now();
      const sent = await Promise.all(
        Array.from({ length: BURST }, (_, i) => (gasGiven ? demo.setYear(3_000 + i, { gasLimit: 60_000n }) : demo.setYear(3_000 + i))),
      );
      const receipts = await Promise.all(sent.map((tx) => tx.wait().catch(() => null)));
      row.ms.push(performance.now() - started);
      row.failed += receipts.filter((r) => r?.status !== 1).length;
      row.bursts++;
      if (await check.afterBurst()) row.stalls++;
    }
  } finally {
    await client.close();
  }
}

async function main(): Promise<number> {
  const values = parseBenchOptions(process.argv.slice(2), USAGE, {
    nodes: { type: "string", default: "5" },
    bursts: { type: "string", default: "30" },
    "no-load": { type: "boolean", default: false },
    only: { type: "string", default: "" },
  });
  const nodes = positiveInteger("nodes", values.nodes);
  const bursts = positiveInteger("bursts", values.bursts);
  const load = !values["no-load"];
  const only = String(values.only);
  if (only && only !== "raw" && only !== "chaincall") throw new Error(`--only takes raw or chaincall, got ${JSON.stringify(only)}`);
  const burner = load ? new Worker("for (;;) {}", { eval: true }) : undefined;
  burner?.unref();
  const rows: Row[] = [];
  const row = (contender: string) => {
    const made: Row = { contender, bursts: 0, stalls: 0, failed: 0, ms: [] };
    rows.push(made);
    return made;
  };
  try {
    if (only !== "chaincall") {
      const inOrder = row("raw, nonce order");
      const poolSafe = row("raw, pool-safe order");
      for (let n = 0; n < nodes; n++) {
        process.stderr.write(`raw contenders, node ${n + 1} of ${nodes}\n`);
        await withAnvil((node) => rawBursts(node, bursts, "nonce", load, inOrder));
        await withAnvil((node) => rawBursts(node, bursts, "pool-safe", load, poolSafe));
      }
    }
    if (only !== "raw") {
      const gas = row("chaincall, gas given");
      const estimating = row("chaincall, estimating");
      for (let n = 0; n < nodes; n++) {
        process.stderr.write(`chaincall contenders, node ${n + 1} of ${nodes}\n`);
        await withAnvil((node) => chaincallBursts(node, bursts, true, gas));
        await withAnvil((node) => chaincallBursts(node, bursts, false, estimating));
      }
    }
  } finally {
    await burner?.terminate();
  }
  console.log(`Anvil, bursts of ${BURST}${load ? ", under load (a CPU-bound thread beside; estimates beside the raw ones)" : ""}:`);
  console.log("contender               bursts  stalls  failed sends  ms a burst (median)");
  for (const r of rows)
    console.log(
      `${r.contender.padEnd(22)}  ${String(r.bursts).padStart(6)}  ${String(r.stalls).padStart(6)}  ${String(r.failed).padStart(12)}  ${(median(r.ms) ?? 0).toFixed(0).padStart(6)}`,
    );
  const judged = rows.filter((r) => r.contender !== "raw, nonce order");
  const met = judged.every((r) => r.stalls === 0 && r.failed === 0);
  console.log(met ? "pool-safe order and chaincall: 0 stalls, 0 failed sends" : "stalls or failed sends where none should be");
  return met ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
