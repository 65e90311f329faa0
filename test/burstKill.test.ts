import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { Transaction, Wallet } from "ethers";
import { findFreePort, type LocalNode, startAnvil, startHardhatNode } from "../scripts/lib/localNode";
import { type Client, checkJournal, connect, UnknownOutcomeError } from "../src";
import { rebroadcastDropped } from "../src/tx/checkJournal";
import { type JournalEntry, readJournal } from "../src/tx/journal";
import { DEV_ACCOUNT, DEV_PRIVATE_KEY, parseDocument, rpc, runCli, showCli } from "./fixtures/nodes";

// Issue 11, items 1 and 7: a node killed (SIGKILL) in the middle of a burst of concurrent sends from one key,
// more sends while it is down, the node restarted on the same port as the same chain (same genesis), then the
// journal checked and re-broadcast until settled. Every send must be accounted for exactly once: no nonce
// with two live journalled transactions, nothing the caller was told succeeded lost or executed twice,
// nothing the caller was told failed ever mined.
// These tests start (and kill) nodes of their own: the run's shared nodes are never touched.

const BURST = 120;
const WHILE_DOWN = 20;
const WARM_UP = 5;
/** Fixed fees and gas: preparing a send asks the node nothing, so every send reaches the nonce queue. */
const FEES = { gasLimit: 21_000n, maxFeePerGas: 50n * 10n ** 9n, maxPriorityFeePerGas: 10n ** 9n };
/** Anvil's genesis timestamp (its genesis hash depends on it): the restarted node is the same chain. */
const ANVIL_TIMESTAMP = "1700000000";
const HARDHAT_INITIAL_DATE = "2026-01-01T00:00:00Z";

/** What the SDK told the caller about one send. */
type Told =
  | { kind: "accepted"; hash: string; nonce: number }
  | { kind: "unknown"; hash: string; nonce: number }
  | { kind: "failed"; code: string };

interface Scenario {
  kind: "anvil" | "hardhat";
  /** How the SDK's client reaches the node. */
  transport: "http" | "ws";
  /** Run also with a send right after the restart, before the journal is settled. */
  sendFirstToo: boolean;
  /** The node is killed once it has answered this many broadcasts of the burst (groups are of 100). */
  killAfter: number;
  /** Starts the node on `port` (the same chain each time). */
  start(port: number): Promise<LocalNode>;
  /** Whether the SDK (else the CLI) re-broadcasts; the other one checks the result. */
  sdkRebroadcasts: boolean;
}

const scenarios: Scenario[] = [
  {
    kind: "anvil",
    transport: "http",
    sendFirstToo: true,
    killAfter: 40,
    // --state: loaded at start, dumped every second, so a SIGKILL loses only what came after the last dump.
    start: (port) =>
      startAnvil({ port, ipc: false, args: ["--state", statePath(), "--state-interval", "1", "--timestamp", ANVIL_TIMESTAMP] }),
    sdkRebroadcasts: true,
  },
  {
    kind: "hardhat",
    transport: "http",
    sendFirstToo: true,
    killAfter: 105,
    // Hardhat keeps nothing: the restarted node is the same chain (same genesis) with none of the old blocks.
    start: (port) => startHardhatNode({ port, initialDate: HARDHAT_INITIAL_DATE }),
    sdkRebroadcasts: false,
  },
  {
    // A dead WebSocket answers nothing (no refused connection): every request waits for its deadline.
    kind: "anvil",
    transport: "ws",
    sendFirstToo: false,
    killAfter: 60,
    start: (port) =>
      startAnvil({ port, ipc: false, args: ["--state", statePath(), "--state-interval", "1", "--timestamp", ANVIL_TIMESTAMP] }),
    sdkRebroadcasts: true,
  },
];

let folder: string | undefined;
function statePath(): string {
  return join(folder!, "anvil-state.json");
}

async function genesisOf(node: LocalNode): Promise<string> {
  return ((await rpc(node.rpcUrl, "eth_getBlockByNumber", ["0x0", false])) as { hash: string }).hash.toLowerCase();
}

async function receiptOf(node: LocalNode, hash: string): Promise<{ status: string; blockNumber: string } | null> {
  return (await rpc(node.rpcUrl, "eth_getTransactionReceipt", [hash])) as { status: string; blockNumber: string } | null;
}

/** A journal entry that still stands for its nonce: not refused, not never-delivered, not proven gone. */
function isLive(entry: JournalEntry): boolean {
  return !entry.refused && entry.outcome !== "unsent" && entry.outcome !== "gone";
}

/** The value a journalled transaction transfers: each send of the test has its own, so it names the send. */
function valueOfEntry(entry: JournalEntry): bigint {
  return Transaction.from(entry.raw!).value;
}

/** Fails when a nonce has two live journalled transactions. */
function expectOneLivePerNonce(entries: JournalEntry[]): void {
  const live = new Map<number, string>();
  for (const e of entries.filter(isLive)) {
    expect(live.get(e.nonce), `nonce ${e.nonce} has two live transactions: ${live.get(e.nonce)} and ${e.hash}`).to.equal(undefined);
    live.set(e.nonce, e.hash);
  }
}

function tell(result: PromiseSettledResult<{ hash: string; nonce: number }>): Told {
  if (result.status === "fulfilled") return { kind: "accepted", hash: result.value.hash, nonce: result.value.nonce };
  const err = result.reason as { code?: string };
  if (err instanceof UnknownOutcomeError) return { kind: "unknown", hash: String(err.hash), nonce: err.nonce };
  return { kind: "failed", code: String(err.code) };
}

describe("burst-kill: a node killed mid-burst, restarted, the journal checked and re-broadcast", function () {
  this.timeout(60_000);
  const nodes: LocalNode[] = [];
  const clients: Client[] = [];
  // A test that timed out keeps running in the background: from then on it may start nothing (no node, client
  // or CLI process outlives the cleanup, and no journal re-creates the removed folder).
  let running = false;
  const stillRunning = () => {
    if (!running) throw new Error("the test is over (timed out): nothing more is started");
  };
  // Sends and CLI runs not yet settled: the cleanup waits for them (bounded), so none journals into a
  // removed folder.
  const inFlight = new Set<Promise<unknown>>();
  const track = <T>(work: Promise<T>): Promise<T> => {
    inFlight.add(work);
    const done = () => void inFlight.delete(work);
    work.then(done, done);
    return work;
  };
  const keep = async (node: LocalNode) => {
    if (!running) await node.kill();
    stillRunning();
    nodes.push(node);
    return node;
  };

  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), "chaincall-burst-"));
    running = true;
  });
  afterEach(async function () {
    this.timeout(30_000);
    running = false;
    await Promise.all(nodes.splice(0).map((n) => n.kill()));
    // With the node gone every send ends within a few deadlines.
    await Promise.race([Promise.allSettled([...inFlight]), new Promise((resolve) => setTimeout(resolve, 20_000).unref())]);
    await Promise.all(clients.splice(0).map((c) => c.close()));
    if (folder) rmSync(folder, { recursive: true, force: true });
    folder = undefined;
  });

  for (const scenario of scenarios)
    for (const sendFirst of scenario.sendFirstToo ? [false, true] : [false]) {
      const over = scenario.transport === "ws" ? " over WebSocket" : "";
      const title = sendFirst
        ? `${scenario.kind}: the same, but a send right after the restart, before the journal is settled: what the node lost is journalled gone before its nonce is reused`
        : `${scenario.kind}${over}: ${BURST} concurrent sends, SIGKILL after ${scenario.killAfter} accepted, ${WHILE_DOWN} more while down, restart, settle: every send accounted for exactly once`;
      it(title, async () => {
        const journal = join(folder!, "journal.jsonl");
        const recipient = Wallet.createRandom().address;
        const port = await findFreePort();
        const first = await keep(await scenario.start(port));
        const genesis = await genesisOf(first);
        const timeoutMs = scenario.transport === "ws" ? 2_000 : 5_000;
        const open = async (node: LocalNode) => {
          const opened = await connect({
            rpcUrl: scenario.transport === "ws" ? node.wsUrl : node.rpcUrl,
            signer: { privateKey: DEV_PRIVATE_KEY },
            journal,
            timeoutMs,
          });
          clients.push(opened);
          if (!running) await opened.close();
          stillRunning();
          return opened;
        };
        let client = await open(first);
        const send = (value: bigint) => {
          stillRunning();
          return track(client.signer!.sendTransaction({ to: recipient, value, ...FEES }));
        };
        const told = new Map<bigint, Told>();

        // A few mined before the burst: on Anvil, the next state dump keeps them across the kill.
        for (let i = 0; i < WARM_UP; i++) told.set(100n + BigInt(i), tell({ status: "fulfilled", value: await send(100n + BigInt(i)) }));
        if (scenario.kind === "anvil") await new Promise((resolve) => setTimeout(resolve, 1_300));

        // The burst; the node dies (no chance to save anything) right after it answered its n-th
        // broadcast of the burst (the send pump writes them in ordered batches: the count is taken where the
        // node answers, so the kill falls after the batch that reaches n), while the next request may be on
        // its way: that one's size is how many more the node may have taken.
        let answered = 0;
        let answeredAtKill = 0;
        let writtenAfterKill: number | undefined;
        let killed: Promise<void> | undefined;
        const provider = client.provider;
        const countAnswers = (method: string, count: number) => {
          if (method !== "eth_sendRawTransaction") return;
          if (killed) {
            writtenAfterKill ??= count;
            return;
          }
          answered += count;
          if (answered >= scenario.killAfter) {
            answeredAtKill = answered;
            killed = first.kill();
          }
        };
        const sendNow = provider.sendNow.bind(provider);
        provider.sendNow = async (method, params) => {
          if (killed && method === "eth_sendRawTransaction") countAnswers(method, 1);
          const result = await sendNow(method, params);
          if (!killed) countAnswers(method, 1);
          return result;
        };
        const sendInOrder = provider.sendInOrder.bind(provider);
        provider.sendInOrder = async (requests) => {
          const method = requests[0]?.method ?? "";
          if (killed) countAnswers(method, requests.length);
          const outcomes = await sendInOrder(requests);
          if (!killed) countAnswers(method, outcomes.filter((o) => "result" in o).length);
          return outcomes;
        };
        const values = Array.from({ length: BURST }, (_, i) => 1_000n + BigInt(i));
        const started = Date.now();
        const burst = await Promise.allSettled(values.map((value) => send(value)));
        // Bounded even when the node answers nothing: the in-flight send's deadline, the chain asked once
        // (another deadline), the next group's question (a third); the rest of the group is not sent.
        const burstMs = Date.now() - started;
        expect(burstMs, "the burst ends within a few deadlines").to.be.below(5 * timeoutMs);
        await killed;
        expect(killed, "the node was killed mid-burst").not.to.equal(undefined);
        expect(answeredAtKill, "killed mid-burst").to.be.below(BURST);
        for (const [i, result] of burst.entries()) told.set(values[i], tell(result));
        const counts = { accepted: 0, unknown: 0, failed: 0 };
        for (const t of told.values()) counts[t.kind]++;
        const detail = JSON.stringify({ ...counts, answeredAtKill, writtenAfterKill });
        expect(counts.accepted, detail).to.be.within(WARM_UP + answeredAtKill, WARM_UP + answeredAtKill + (writtenAfterKill ?? 0));
        expect(counts.failed, JSON.stringify(counts)).to.be.greaterThan(0);

        // While the node is down: every send fails, and none takes a nonce a transaction of unknown fate holds.
        const journalledBefore = readJournal(journal).length;
        const downValues = Array.from({ length: WHILE_DOWN }, (_, i) => 5_000n + BigInt(i));
        const down = await Promise.allSettled(downValues.map((value) => send(value)));
        for (const [i, result] of down.entries()) told.set(downValues[i], tell(result));
        expect(down.map((r) => r.status)).to.deep.equal(downValues.map(() => "rejected"));
        const whileDown = readJournal(journal).slice(journalledBefore);
        expect(whileDown.filter(isLive), "nothing signed while down stands for a nonce").to.deep.equal([]);
        expectOneLivePerNonce(readJournal(journal));

        // The same node again: same port, same chain id, same genesis.
        const second = await keep(await scenario.start(port));
        if (scenario.transport === "ws") {
          // ethers' WebSocketProvider does not reconnect: a new client of the same node, in the same process.
          // It shares the account's nonce queue (the unknown outcome included), and asks through its own socket.
          await client.close();
          client = await open(second);
        }
        expect(await genesisOf(second)).to.equal(genesis);
        const survived = Number(await rpc(second.rpcUrl, "eth_getTransactionCount", [DEV_ACCOUNT, "latest"]));
        if (scenario.kind === "hardhat") expect(survived).to.equal(0);
        else expect(survived).to.be.at.least(WARM_UP);

        // A send before anyone looked at the journal: it takes the node's next nonce (what the node lost is
        // gone from this chain), and the journal records the lost ones as gone first, so that no nonce has two
        // live transactions and nothing lost is re-broadcast over it.
        // On Hardhat the send is another process (the CLI), which knows the lost ones from the journal only.
        if (sendFirst && scenario.kind === "anvil") {
          const early = await send(7_777n);
          told.set(7_777n, { kind: "accepted", hash: early.hash, nonce: early.nonce });
          expect(early.nonce, "the node's next nonce").to.equal(survived);
        } else if (sendFirst) {
          stillRunning();
          const r = await track(
            runCli(["send", recipient, "ping()", "-r", second.rpcUrl, "--json"], {
              env: { ETH_PRIVATE_KEY: DEV_PRIVATE_KEY, CHAINCALL_JOURNAL: journal },
            }),
          );
          expect(r.code, showCli(r)).to.equal(0);
          const doc = parseDocument(r);
          told.set(0n, { kind: "accepted", hash: doc.hash, nonce: doc.nonce });
          expect(doc.nonce, "the node's next nonce").to.equal(survived);
        }
        if (sendFirst) expectOneLivePerNonce(readJournal(journal));

        // Settle: one re-broadcasts, the other checks that nothing is left to do.
        const cli = async (rebroadcast: boolean) => {
          stillRunning();
          const r = await track(
            runCli(["journal", "--journal", journal, "-r", second.rpcUrl, "--json", ...(rebroadcast ? ["--rebroadcast"] : [])], {
              timeoutMs: 30_000,
            }),
          );
          expect(r.code, showCli(r)).to.equal(0);
          return parseDocument(r).transactions as { hash: string; nonce: number; status: string }[];
        };
        let rebroadcastHashes: string[];
        if (scenario.sdkRebroadcasts) {
          const reports = await checkJournal(client, journal);
          const done = await rebroadcastDropped(client, reports, { timeoutMs: 10_000 });
          rebroadcastHashes = [...done].filter(([, action]) => action === "rebroadcast").map(([r]) => r.entry.hash);
          const again = await cli(true);
          expect(
            again.filter((t) => t.status === "rebroadcast" || t.status === "dropped" || t.status === "pending"),
            "settled after one pass",
          ).to.deep.equal([]);
        } else {
          const rows = await cli(true);
          rebroadcastHashes = rows.filter((t) => t.status === "rebroadcast").map((t) => t.hash);
          const reports = await checkJournal(client, journal);
          expect(
            reports.filter((r) => r.status === "dropped" || r.status === "pending").map((r) => r.entry.nonce),
            "settled after one pass",
          ).to.deep.equal([]);
        }
        if (sendFirst) expect(rebroadcastHashes, "nothing to re-broadcast: the lost ones were journalled gone").to.deep.equal([]);
        else expect(rebroadcastHashes.length, "something was lost and re-broadcast").to.be.greaterThan(0);

        // Re-broadcast one per nonce, in nonce order: mined in that order (on Hardhat, one per block).
        const entries = readJournal(journal);
        const byHash = new Map(entries.map((e) => [e.hash, e]));
        const rebroadcastNonces = rebroadcastHashes.map((h) => byHash.get(h)!.nonce);
        expect(new Set(rebroadcastNonces).size, "one per nonce").to.equal(rebroadcastNonces.length);
        const blocks = await Promise.all(rebroadcastHashes.map(async (h) => Number((await receiptOf(second, h))?.blockNumber)));
        const inNonceOrder = rebroadcastHashes
          .map((_, i) => i)
          .sort((a, b) => rebroadcastNonces[a] - rebroadcastNonces[b])
          .map((i) => blocks[i]);
        for (let i = 1; i < inNonceOrder.length; i++) {
          if (scenario.kind === "hardhat") expect(inNonceOrder[i], "one per block, in nonce order").to.equal(inNonceOrder[i - 1] + 1);
          else expect(inNonceOrder[i], "mined in nonce order").to.be.at.least(inNonceOrder[i - 1]);
        }

        // The client that lived through it all sends on, after the last nonce it ever handed out.
        const after = await send(9_999n);
        await client.wait(after, { timeoutMs: 10_000 });
        told.set(9_999n, { kind: "accepted", hash: after.hash, nonce: after.nonce });

        const final = readJournal(journal);
        expect(statSync(journal).mode & 0o777, "journal 0600").to.equal(0o600);
        expectOneLivePerNonce(final);
        const live = final.filter(isLive);
        const latest = Number(await rpc(second.rpcUrl, "eth_getTransactionCount", [DEV_ACCOUNT, "latest"]));
        expect(latest, "nonce on chain = distinct live journalled nonces").to.equal(new Set(live.map((e) => e.nonce)).size);
        expect(after.nonce).to.equal(latest - 1);

        // Every journalled transaction accounted for exactly once: a live one is mined; any other never is.
        const mined = new Map<bigint, number>();
        for (const e of final) {
          const receipt = await receiptOf(second, e.hash);
          expect(receipt !== null, `${e.hash} (nonce ${e.nonce}, ${e.outcome ?? e.refused ?? "live"}) mined iff live`).to.equal(isLive(e));
          if (receipt) {
            expect(receipt.status).to.equal("0x1");
            mined.set(valueOfEntry(e), (mined.get(valueOfEntry(e)) ?? 0) + 1);
          }
        }
        // Every send: told it succeeded → mined exactly once; told it failed → never mined; unknown → at most once.
        for (const [value, t] of told) {
          const times = mined.get(value) ?? 0;
          // (After a send that came first, an accepted one the node lost is journalled gone, and its wait says
          // replaced: it is never mined.)
          const lost = sendFirst && t.kind === "accepted" && final.find((e) => e.hash === t.hash)?.outcome === "gone";
          if (t.kind === "accepted") expect(times, `send of ${value} (accepted, nonce ${t.nonce})`).to.equal(lost ? 0 : 1);
          else if (t.kind === "failed") expect(times, `send of ${value} (failed ${t.code})`).to.equal(0);
          else expect(times, `send of ${value} (unknown, nonce ${t.nonce})`).to.be.at.most(1);
        }
        const total = [...mined.keys()].reduce((a, b) => a + b, 0n);
        expect(
          BigInt((await rpc(second.rpcUrl, "eth_getBalance", [recipient, "latest"])) as string),
          "nothing but journalled sends executed",
        ).to.equal(total);
        console.log(
          `      ${scenario.kind}${over}: burst over in ${burstMs} ms, ${JSON.stringify(counts)}, ${WHILE_DOWN} refused while down, ${survived} survived the kill, ${rebroadcastHashes.length} re-broadcast, ${latest} mined in all`,
        );
      });
    }
});
