import { expect } from "chai";
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { projectRoot } from "../scripts/lib/localNode";
import { CallDemo__factory } from "../typechain-types";
import { devClient, hardhat, isolateState } from "./fixtures/nodes";

// Issue 12 item 5: watchLogs over HTTP fetched the headers of every new block at once, each request adding
// an abort listener to the watcher's one signal — more than 10 blocks between two polls printed Node's
// MaxListenersExceededWarning. The watch runs in a child process so its stderr can be read.

describe("watchLogs over HTTP: many blocks between polls (Hardhat)", function () {
  this.timeout(90_000);
  isolateState(hardhat);
  let child: ChildProcess | undefined;
  afterEach(() => {
    child?.kill("SIGKILL");
    child = undefined;
  });

  it("30 blocks with logs between two polls: every log delivered, no listener warning", async () => {
    const client = await devClient(hardhat());
    try {
      const demo = await new CallDemo__factory(client.signer).deploy();
      await demo.waitForDeployment();
      const address = await demo.getAddress();
      const script = `
        const { connect, watchLogs } = require(${JSON.stringify(join(projectRoot(), "dist/src/index.js"))});
        (async () => {
          const client = await connect({ rpcUrl: ${JSON.stringify(hardhat().rpcUrl)} });
          let seen = 0;
          const watcher = await watchLogs(client, { address: ${JSON.stringify(address)}, mode: "poll", pollIntervalMs: 6000, onLogs: async (logs) => {
            seen += logs.length;
            if (seen >= 30) { console.log("seen " + seen); await watcher.stop(); await client.close(); }
          } });
          console.log("ready");
        })().catch((e) => { console.error(e); process.exit(3); });`;
      const proc = spawn(process.execPath, ["-e", script], { cwd: projectRoot(), stdio: ["ignore", "pipe", "pipe"] });
      child = proc;
      let stdout = "";
      let stderr = "";
      proc.stderr!.on("data", (d: Buffer) => (stderr += d.toString("utf8")));
      const exited = new Promise<number | null>((resolve) => proc.on("close", resolve));
      await new Promise<void>((resolve, reject) => {
        proc.stdout!.on("data", (d: Buffer) => {
          stdout += d.toString("utf8");
          if (stdout.includes("ready")) resolve();
        });
        proc.on("close", () => reject(new Error(`watcher exited early: ${stderr}`)));
      });
      // 30 transactions, 30 blocks (automine), well inside one 6 s poll interval.
      const started = Date.now();
      for (let year = 0; year < 30; year++) await (await demo.setYear(3000 + year)).wait();
      expect(Date.now() - started, "all blocks mined between two polls").to.be.below(6000);
      const code = await exited;
      expect(code, stderr).to.equal(0);
      expect(stdout).to.include("seen 30");
      expect(stderr).not.to.match(/MaxListenersExceededWarning|memory leak/);
    } finally {
      await client.close();
    }
  });
});
