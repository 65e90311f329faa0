import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { expect } from "chai";
import { projectRoot } from "../scripts/lib/localNode";
import { isRunning } from "./fixtures/nodes";

// Issue 12 item 5: SIGTERM (kill) and SIGHUP (a closed terminal) to the demo stopped the demo but left its
// Hardhat node running; only SIGINT was handled.

describe("the demo stops its node on SIGTERM and SIGHUP", function () {
  this.timeout(120_000);
  let demo: ChildProcess | undefined;
  let nodePid: number | undefined;
  afterEach(() => {
    // Whatever the outcome, nothing this test started keeps running.
    if (demo?.exitCode === null) demo.kill("SIGKILL");
    if (nodePid !== undefined && isRunning(nodePid)) process.kill(nodePid, "SIGKILL");
    demo = undefined;
    nodePid = undefined;
  });

  for (const [signal, code] of [
    ["SIGTERM", 143],
    ["SIGHUP", 129],
  ] as const) {
    it(`${signal}: the node's pid is gone, exit ${code}`, async () => {
      const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("ETH_")));
      const child = spawn(process.execPath, [join(projectRoot(), "dist", "scripts", "demo.js")], {
        cwd: projectRoot(),
        env,
        stdio: ["ignore", "pipe", "pipe"],
      });
      demo = child;
      let stdout = "";
      const exited = new Promise<number | null>((resolve) => child.on("close", (c) => resolve(c)));
      nodePid = await new Promise<number>((resolve, reject) => {
        child.stdout!.on("data", (d: Buffer) => {
          stdout += d.toString("utf8");
          const pid = /started for this demo, pid (\d+)\)/.exec(stdout)?.[1];
          if (pid) resolve(Number(pid));
        });
        child.on("close", () => reject(new Error(`demo exited before its node started:\n${stdout}`)));
      });
      expect(isRunning(nodePid), "the node runs").to.equal(true);
      child.kill(signal);
      expect(await exited).to.equal(code);
      expect(stdout).to.include(`stopped   the local node (pid ${nodePid})`);
      expect(isRunning(nodePid), `node ${nodePid} still running`).to.equal(false);
    });
  }
});
