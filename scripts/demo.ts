// The go-ethereum "call a contract" tutorial, in TypeScript: deploy CallDemo, call getYear() through the
// TypeChain binding (2020), send setYear(2021), read 2021 back, and show the same from the CLI.
// With ETH_RPC_URL set it uses that node; otherwise it starts a Hardhat node on a free port and stops it.
// Its journal and address book go to a temp folder, removed at exit: a demo never writes to the user's home,
// and leaves nothing in the tree (on a dev chain each node has its own book file, and the demo's node, or one
// it did not start, is not the user's to record).
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { CallDemo__factory } from "../typechain-types";
import {
  type Client,
  connect,
  installMulticall3,
  MULTICALL3_ADDRESS,
  recordDeployment,
  reportDemoError,
  type SignerOptions,
} from "./lib/demoSupport";
import { type LocalNode, projectRoot, startHardhatNode } from "./lib/localNode";

const run = promisify(execFile);

async function main(): Promise<void> {
  const root = projectRoot();
  let node: LocalNode | undefined;
  let client: Client | undefined;
  const scratch = mkdtempSync(join(tmpdir(), "chaincall-demo-"));
  const journal = join(scratch, "journal.jsonl");
  const stop = async () => {
    await client?.close();
    rmSync(scratch, { recursive: true, force: true });
    if (node) {
      await node.stop();
      console.log(`stopped   the local node (pid ${node.pid})`);
      node = undefined;
    }
  };
  // Ctrl-C, `kill` and a closed terminal all stop the node this demo started (exit 128 + signal number).
  for (const [signal, code] of [
    ["SIGINT", 130],
    ["SIGTERM", 143],
    ["SIGHUP", 129],
  ] as const) {
    process.once(signal, () => void stop().finally(() => process.exit(code)));
  }
  try {
    let rpcUrl = process.env.ETH_RPC_URL;
    if (!rpcUrl) {
      node = await startHardhatNode();
      rpcUrl = node.rpcUrl;
      console.log(`node      ${rpcUrl} (Hardhat, started for this demo, pid ${node.pid})`);
    } else {
      console.log(`node      ${rpcUrl} (from ETH_RPC_URL)`);
    }
    client = await connect({ rpcUrl, journal, timeoutMs: 30_000 });
    const signer = await pickSigner(client);
    await client.close();
    client = await connect({ rpcUrl, signer, journal, timeoutMs: 30_000 });
    console.log(`chain     ${client.chainId}, sending from ${await client.signer!.getAddress()}`);

    // abigen's DeployCallDemo, as a typed factory generated from abi/CallDemo.abi + abi/CallDemo.bin.
    const deployed = await new CallDemo__factory(client.signer).deploy();
    const deployTx = deployed.deploymentTransaction()!;
    await deployTx.wait();
    const address = await deployed.getAddress();
    const deployments = join(scratch, "deployments");
    recordDeployment(deployments, client, "CallDemo", { address, txHash: deployTx.hash, deployedAt: new Date().toISOString() });
    console.log(`deployed  CallDemo at ${address} (recorded in a temp address book, --deployments ${deployments})`);

    // abigen's NewCallDemo(address, client) + GetYear(&bind.CallOpts{}).
    const demo = CallDemo__factory.connect(address, client.runner);
    console.log(`getYear() ${await demo.getYear()}`);

    // Concurrent reads are aggregated under the binding: through Multicall3 where the chain has it (installed
    // here on the demo's own node), deploylessly where it does not. Reads through a signer carry its address
    // as msg.sender, so they go out as JSON-RPC batches instead: a read-only binding is the fast one.
    if (node && (await installMulticall3(client.provider))) console.log(`installed Multicall3 at ${MULTICALL3_ADDRESS} on the local node`);
    const reader = CallDemo__factory.connect(address, client.provider);
    const started = performance.now();
    const years = await Promise.all(Array.from({ length: 1_000 }, () => reader.getYear()));
    const same = years.every((year) => year === years[0]);
    console.log(
      `1000 concurrent getYear() reads: ${same ? `all ${years[0]}` : "DIFFERENT RESULTS"} in ${Math.round(performance.now() - started)} ms`,
    );

    // Transact, wait for the receipt, read back.
    const tx = await demo.setYear(2021);
    const receipt = await tx.wait();
    console.log(
      `setYear(2021) tx ${tx.hash} mined in block ${receipt!.blockNumber}, status ${receipt!.status === 1 ? "success" : "reverted"}`,
    );
    console.log(`getYear() ${await demo.getYear()}`);

    console.log("\nThe same from a shell:");
    const cli = join(root, "dist", "src", "cli", "main.js");
    for (const args of [
      ["call", "CallDemo", "getYear"],
      ["call", address, "getYear()(uint256)"],
    ]) {
      const shown = args.map((a) => (/[()]/.test(a) ? `"${a}"` : a)).join(" ");
      console.log(`$ npx chaincall ${shown} -r ${rpcUrl}${args[1] === "CallDemo" ? " --deployments <temp>" : ""}`);
      const { stdout } = await run(process.execPath, [cli, ...args, "-r", rpcUrl, "--deployments", deployments], {
        cwd: root,
        timeout: 30_000,
      });
      process.stdout.write(stdout);
    }
  } finally {
    await stop();
  }
}

// A dev node's first unlocked account, unless ETH_PRIVATE_KEY says otherwise.
async function pickSigner(client: Client): Promise<SignerOptions> {
  if (process.env.ETH_PRIVATE_KEY) return { privateKey: process.env.ETH_PRIVATE_KEY };
  const accounts = (await client.provider.send("eth_accounts", [])) as string[];
  if (!accounts.length) throw new Error("the node has no unlocked accounts: set ETH_PRIVATE_KEY");
  return { from: accounts[0] };
}

main().catch((err) => {
  process.exitCode = reportDemoError(err);
});
