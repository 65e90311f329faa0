import { expect } from "chai";
import { FunctionFragment, getAddress } from "ethers";
import type { LocalNode } from "../scripts/lib/localNode";
import type { Client } from "../src/client/connect";
import { getAccounts } from "../src/client/getAccounts";
import { getBalance } from "../src/client/getBalance";
import { getBlockNumber } from "../src/client/getBlockNumber";
import { getTransactionCount } from "../src/client/getTransactionCount";
import { callContract, readContract } from "../src/client/readContract";
import { getReceiptState } from "../src/tx/getReceiptState";
import { getTransaction } from "../src/tx/getTransaction";
import { CallDemo__factory } from "../typechain-types";
import { rejection } from "./fixtures/assertions";
import { anvil, DEV_ACCOUNT, devClient, hardhat, isolateState, rpc } from "./fixtures/nodes";

// The SDK actions the CLI's chain-query commands are built on, against real nodes; expected values come
// from raw JSON-RPC (rpc()), never from the actions themselves.

const UNKNOWN_HASH = `0x${"ef".repeat(32)}`;
const setYear = CallDemo__factory.createInterface();

for (const t of [
  { name: "Hardhat", node: hardhat },
  { name: "Anvil", node: anvil },
] as { name: string; node: () => LocalNode }[]) {
  describe(`SDK chain-query actions on ${t.name}`, function () {
    this.timeout(60_000);
    isolateState(t.node, "suite");
    let client: Client;
    let demo: string;

    before(async () => {
      client = await devClient(t.node());
      const contract = await new CallDemo__factory(client.signer).deploy();
      await contract.waitForDeployment();
      demo = await contract.getAddress();
    });
    after(async () => {
      await client?.close();
    });

    it("getBalance and getTransactionCount read what eth_getBalance and eth_getTransactionCount answer, at a block", async () => {
      const url = t.node().rpcUrl;
      expect(await getBalance(client, { address: DEV_ACCOUNT })).to.equal(
        BigInt((await rpc(url, "eth_getBalance", [DEV_ACCOUNT, "latest"])) as string),
      );
      expect(await getBalance(client, { address: DEV_ACCOUNT.toLowerCase(), block: 0 })).to.equal(
        BigInt((await rpc(url, "eth_getBalance", [DEV_ACCOUNT, "0x0"])) as string),
      );
      const count = Number(await rpc(url, "eth_getTransactionCount", [DEV_ACCOUNT, "latest"]));
      expect(count).to.be.greaterThan(0); // the deployment
      expect(await getTransactionCount(client, { address: DEV_ACCOUNT })).to.equal(count);
      expect(await getTransactionCount(client, { address: DEV_ACCOUNT, block: 0n })).to.equal(0);
      const genesis = (await rpc(url, "eth_getBlockByNumber", ["0x0", false])) as { hash: string };
      expect(await getTransactionCount(client, { address: DEV_ACCOUNT, block: { blockHash: genesis.hash } })).to.equal(0);
    });

    it("getBlockNumber: the height, a tag's or hash's block, and null for a block the node lacks", async () => {
      const url = t.node().rpcUrl;
      const height = Number(await rpc(url, "eth_blockNumber", []));
      expect(await getBlockNumber(client)).to.equal(height);
      expect(await getBlockNumber(client, { block: "earliest" })).to.equal(0);
      const latest = (await rpc(url, "eth_getBlockByNumber", ["latest", false])) as { hash: string };
      expect(await getBlockNumber(client, { block: { blockHash: latest.hash } })).to.equal(height);
      expect(await getBlockNumber(client, { block: { blockHash: UNKNOWN_HASH } })).to.equal(null);
      expect(await getBlockNumber(client, { block: height + 1000 })).to.equal(null);
    });

    it("getAccounts lists eth_accounts, checksummed", async () => {
      const raw = (await rpc(t.node().rpcUrl, "eth_accounts", [])) as string[];
      expect(raw.length).to.be.greaterThan(0);
      expect(await getAccounts(client)).to.deep.equal(raw.map((a) => getAddress(a)));
    });

    it("getTransaction decodes the input with the first ABI that has it; getReceiptState says mined", async () => {
      const tx = await client.signer!.sendTransaction({ to: demo, data: setYear.encodeFunctionData("setYear", [2040n]) });
      await tx.wait();
      const found = await getTransaction(client, { hash: tx.hash.toUpperCase().replace("0X", "0x"), abis: [setYear] });
      expect(found?.transaction.hash).to.equal(tx.hash);
      expect(found?.call?.name).to.equal("setYear");
      expect(found?.call?.signature).to.equal("setYear(uint256)");
      expect(found?.call?.args).to.deep.equal([2040n]);
      expect((await getTransaction(client, { hash: tx.hash }))?.call).to.equal(null); // no ABI given
      const state = await getReceiptState(client, { hash: tx.hash });
      expect(state.state).to.equal("mined");
      if (state.state === "mined") expect(state.receipt.status).to.equal(1);
      expect(await getTransaction(client, { hash: UNKNOWN_HASH, abis: [setYear] })).to.equal(null);
      expect(await getReceiptState(client, { hash: UNKNOWN_HASH })).to.deep.equal({ state: "unknown" });
    });

    it("getReceiptState says pending for a transaction in the pool", async () => {
      const url = t.node().rpcUrl;
      await rpc(url, "evm_setAutomine", [false]);
      try {
        const hash = (await rpc(url, "eth_sendTransaction", [
          { from: DEV_ACCOUNT, to: demo, data: setYear.encodeFunctionData("setYear", [2041n]) },
        ])) as string;
        const state = await getReceiptState(client, { hash });
        expect(state.state).to.equal("pending");
        if (state.state === "pending") expect(state.transaction.hash).to.equal(hash);
      } finally {
        await rpc(url, "evm_mine", []);
        await rpc(url, "evm_setAutomine", [true]);
      }
    });

    it("callContract returns the raw answer readContract decodes; arguments that do not fit are INVALID_ARGUMENT naming args", async () => {
      const fragment = FunctionFragment.from("function getYear() view returns (uint256)");
      const raw = await callContract(client, { address: demo, fragment, args: [] });
      expect(raw).to.equal(await rpc(t.node().rpcUrl, "eth_call", [{ to: demo, data: setYear.encodeFunctionData("getYear") }, "latest"]));
      expect(await readContract(client, { address: demo, fragment, args: [] })).to.deep.equal([BigInt(raw)]);
      const e = await rejection(
        readContract(client, { address: demo, fragment: FunctionFragment.from("function setYear(uint256)"), args: ["not a number"] }),
      );
      expect(e.code).to.equal("INVALID_ARGUMENT");
      expect(e.shortMessage).to.match(/^args must be arguments that fit function setYear\(uint256\) \(invalid BigNumberish string/);
    });

    it("bad parameters are INVALID_ARGUMENT before anything is sent", async () => {
      expect((await rejection(getBalance(client, { address: "0x1234" }))).code).to.equal("INVALID_ARGUMENT");
      expect((await rejection(getTransactionCount(client, { address: DEV_ACCOUNT, block: -1 }))).code).to.equal("INVALID_ARGUMENT");
      expect((await rejection(getBlockNumber(client, { block: { blockHash: "0x12" } }))).code).to.equal("INVALID_ARGUMENT");
      expect((await rejection(getTransaction(client, { hash: "0x12" }))).code).to.equal("INVALID_ARGUMENT");
      expect((await rejection(getReceiptState(client, { hash: UNKNOWN_HASH.slice(0, 40) }))).code).to.equal("INVALID_ARGUMENT");
      expect((await rejection(getAccounts({} as Client))).code).to.equal("INVALID_ARGUMENT");
    });
  });
}
