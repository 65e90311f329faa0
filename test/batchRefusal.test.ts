import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { expect } from "chai";
import { connect } from "../src";
import { CallDemo__factory } from "../typechain-types";
import { deployCallDemo, devClient, ganache, isolateState } from "./fixtures/nodes";

// A node (or gateway) that takes no JSON-RPC batches: the provider learns it from the first refused batch
// and sends one by one from then on. Real local nodes all take batches, so a loopback stub in front of
// Ganache refuses them, the way some gateways do (one error with id null, HTTP 200), or with HTTP 400.

interface Refuser {
  url: string;
  /** Batches refused, and single requests forwarded. */
  batches: number;
  singles: number;
  close(): Promise<void>;
}

async function batchRefuser(target: string, how: "json" | "http400"): Promise<Refuser> {
  const refuser: Refuser = { url: "", batches: 0, singles: 0, close: async () => undefined };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      const body = Buffer.concat(chunks).toString("utf8");
      if (Array.isArray(JSON.parse(body))) {
        refuser.batches++;
        const refusal = JSON.stringify({ jsonrpc: "2.0", id: null, error: { code: -32600, message: "batch requests are not supported" } });
        res.writeHead(how === "json" ? 200 : 400, { "content-type": "application/json" }).end(refusal);
        return;
      }
      refuser.singles++;
      try {
        const answer = await fetch(target, { method: "POST", headers: { "content-type": "application/json" }, body });
        res.writeHead(answer.status, { "content-type": "application/json" }).end(await answer.text());
      } catch {
        res.writeHead(502).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  refuser.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  refuser.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return refuser;
}

describe("JSON-RPC batches refused by the node: learned once per provider", function () {
  this.timeout(60_000);
  isolateState(ganache, "suite");
  let address: string;

  before(async () => {
    const owner = await devClient(ganache());
    try {
      address = (await deployCallDemo(owner)).address;
    } finally {
      await owner.close();
    }
  });

  for (const how of ["json", "http400"] as const) {
    it(`refused as ${how === "json" ? "one error with id null" : "HTTP 400"}: every read right, one refused batch, then one request per read`, async () => {
      const refuser = await batchRefuser(ganache().rpcUrl, how);
      const client = await connect({ rpcUrl: refuser.url, batch: false, timeoutMs: 20_000 });
      try {
        const demo = CallDemo__factory.connect(address, client.runner);
        for (let round = 0; round < 2; round++) {
          const before = { batches: refuser.batches, singles: refuser.singles };
          const years = await Promise.all(Array.from({ length: 50 }, () => demo.getYear()));
          expect(years).to.deep.equal(Array.from({ length: 50 }, () => 2020n));
          expect([refuser.batches - before.batches, refuser.singles - before.singles], `round ${round}`).to.deep.equal([
            round === 0 ? 1 : 0,
            50,
          ]);
        }
      } finally {
        await client.close();
        await refuser.close();
      }
    });
  }
});
