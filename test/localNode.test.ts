import { existsSync, readdirSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { Wallet } from "ethers";
import { signDevTransfer } from "../scripts/lib/devTransfer";
import { startAnvil } from "../scripts/lib/localNode";
import { DEV_PRIVATE_KEY } from "./fixtures/nodes";

// The local nodes the tests, the demo and the benchmarks start (scripts/lib/localNode.ts) leave nothing
// behind: Anvil, left to itself, writes old blocks' states under ~/.foundry/anvil/tmp and never removes them.

const HOME_STATES = join(homedir(), ".foundry", "anvil", "tmp");
const listed = (dir: string) => (existsSync(dir) ? readdirSync(dir) : []);

describe("local nodes leave nothing behind", function () {
  this.timeout(120_000);

  it("Anvil writes the states it persists into its own temp folder, which stop() removes; the home folder gets none", async () => {
    const before = new Set(listed(HOME_STATES));
    const node = await startAnvil({ ipc: false });
    let cachePath: string | undefined;
    try {
      const args = readFileSync(`/proc/${node.pid}/cmdline`, "utf8").split("\0");
      cachePath = args[args.indexOf("--cache-path") + 1];
      expect(cachePath, "a cache path of its own").to.match(/chaincall-anvil-/);
      // More blocks with state changes than Anvil keeps in memory (500): the oldest go to disk.
      const wallet = new Wallet(DEV_PRIVATE_KEY);
      const post = (method: string, params: unknown[]) =>
        fetch(node.rpcUrl, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
        });
      for (let nonce = 0; nonce < 600; nonce++) {
        const raw = await signDevTransfer(wallet, nonce);
        await post("eth_sendRawTransaction", [raw]);
      }
      // Written in the background: given a moment.
      for (let i = 0; i < 40 && listed(cachePath).length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(listed(cachePath).length, "states persisted in its own folder").to.be.greaterThan(0);
      expect(listed(HOME_STATES).filter((entry) => !before.has(entry))).to.deep.equal([]);
    } finally {
      await node.stop();
    }
    expect(existsSync(join(cachePath!, "..")), "its temp folder is gone").to.equal(false);
  });
});
