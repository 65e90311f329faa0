// What wrapping a binding (wrapContract, which `chaincall gen` factories apply) costs per read, measured as
// this process's CPU time (the node's work is not in it), wrapped vs ethers' plain Contract in alternating
// rounds so load drifts hit both alike: with no node at all (a runner that answers at once, so only the
// dispatch differs), one read at a time and concurrently; then 2,000 concurrent `getYear()` reads through a
// chaincall client (batched) on a real Anvil.
//
//   node dist/scripts/bench/wrapOverhead.js [--reads 2000] [--rounds 5]
import { AbiCoder, Contract, type ContractRunner, type TransactionRequest } from "ethers";
import { connect, wrapContract } from "../../src";
import { type CallDemo, CallDemo__factory } from "../../typechain-types";
import { type LocalNode, startAnvil } from "../lib/localNode";

const argv = process.argv.slice(2);
const option = (name: string, fallback: number): number => {
  const at = argv.indexOf(`--${name}`);
  return at === -1 ? fallback : Number(argv[at + 1]);
};
const READS = option("reads", 2_000);
const ROUNDS = option("rounds", 5);
const ADDRESS = "0x5FbDB2315678afecb367f032d93F642f64180aa3";

/** A runner that answers every call at once with `2020`: the client's own CPU is all that is measured. */
const instantRunner: ContractRunner = {
  provider: null,
  call: async (_tx: TransactionRequest) => AbiCoder.defaultAbiCoder().encode(["uint256"], [2020n]),
};

/** Client CPU (user + system) in ms for `reads` reads: concurrent (one Promise.all) or one after another. */
async function timeReads(demo: CallDemo, reads: number, sequential: boolean): Promise<number> {
  const started = process.cpuUsage();
  if (sequential) {
    for (let i = 0; i < reads; i++) if ((await demo.getYear()) !== 2020n) throw new Error("a read returned something else");
  } else {
    const results = await Promise.all(Array.from({ length: reads }, () => demo.getYear()));
    if (results.some((r) => r !== 2020n)) throw new Error("a read returned something else");
  }
  const used = process.cpuUsage(started);
  return (used.user + used.system) / 1000;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function compare(label: string, make: (wrapped: boolean) => CallDemo, reads: number, sequential: boolean): Promise<void> {
  const times: Record<"wrapped" | "plain", number[]> = { wrapped: [], plain: [] };
  await timeReads(make(true), 200, sequential); // warm-up: JIT, batcher mode probe
  await timeReads(make(false), 200, sequential);
  for (let round = 0; round < ROUNDS; round++) {
    for (const kind of round % 2 === 0 ? (["wrapped", "plain"] as const) : (["plain", "wrapped"] as const)) {
      times[kind].push(await timeReads(make(kind === "wrapped"), reads, sequential));
    }
  }
  const [w, p] = [median(times.wrapped), median(times.plain)];
  const perRead = ((w - p) * 1000) / reads;
  console.log(
    `${label}: ${reads} reads, client CPU, median of ${ROUNDS}: wrapped ${w.toFixed(1)} ms (${((w * 1000) / reads).toFixed(1)} µs/read), ` +
      `plain ${p.toFixed(1)} ms (${((p * 1000) / reads).toFixed(1)} µs/read); wrapping costs ${perRead.toFixed(1)} µs/read (${(w / p).toFixed(2)}×)`,
  );
}

async function main(): Promise<void> {
  const plainOf = (runner: ContractRunner | null, address: string) =>
    new Contract(address, CallDemo__factory.abi, runner) as unknown as CallDemo;
  // The same contract object across a round, as a user keeps a binding: the wrapper's per-name cache counts.
  const instant = (wrapped: boolean) => (wrapped ? wrapContract(plainOf(instantRunner, ADDRESS)) : plainOf(instantRunner, ADDRESS));
  await compare("no node, one read at a time", instant, READS * 5, true);
  await compare("no node, concurrent", instant, READS * 5, false);

  let node: LocalNode | undefined;
  const client = { close: async () => undefined } as { close(): Promise<void> };
  try {
    node = await startAnvil({ ipc: false });
    const deployer = await connect({
      rpcUrl: node.rpcUrl,
      signer: { privateKey: "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80" },
      journal: false,
    });
    const address = await (await new CallDemo__factory(deployer.signer!).deploy()).getAddress();
    await deployer.close();
    const reader = await connect({ rpcUrl: node.rpcUrl, journal: false });
    client.close = () => reader.close();
    await compare(
      "anvil, chaincall client (batched), concurrent",
      (wrapped) => (wrapped ? CallDemo__factory.connect(address, reader.runner) : plainOf(reader.runner, address)),
      READS,
      false,
    );
  } finally {
    await client.close();
    await node?.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
