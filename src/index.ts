/**
 * chaincall — call Ethereum contracts from backend TypeScript.
 *
 * The public SDK: what a backend needs to connect, read, send, wait, read and watch logs, keep an address
 * book and recover after a crash. Bindings come from `chaincall gen` (TypeChain, ethers v6); codegen as a
 * function is the separate entry `chaincall/codegen`, so an application that only calls contracts never
 * loads TypeChain. Everything else under `src/` is internal and may change without notice.
 *
 * @example
 * import { connect } from "chaincall";
 * import { CallDemo__factory } from "./typechain-types/index.js";
 * const client = await connect({ rpcUrl: "http://127.0.0.1:8545" });
 * const demo = CallDemo__factory.connect("0x5FbDB2315678afecb367f032d93F642f64180aa3", client.runner);
 * console.log(await demo.getYear()); // 2020n
 * await client.close();
 */

// ABIs and errors
export { type ContractAbi, loadContractAbi } from "./abi/loadContractAbi.js";
export { installMulticall3, type RpcSender } from "./client/batch/installMulticall3.js";
export type { BatchOptions } from "./client/batch/ReadBatcher.js";
export { MULTICALL3_ADDRESS } from "./client/batch/ReadBatcher.js";
// Connecting
export { type Client, type ConnectParameters, connect, DEFAULT_TIMEOUT_MS } from "./client/connect.js";
export type { BoundaryConfig, ChaincallProvider } from "./client/createProvider.js";
export type { TransportKind } from "./client/parseRpcUrl.js";

// Reading
export { type ReadContractParameters, readContract } from "./client/readContract.js";
// Bindings (the factories `chaincall gen` writes call these)
export { wrapContract } from "./contract/wrapContract.js";
export { type DeployingFactory, wrapDeploy } from "./contract/wrapDeploy.js";
export { ChaincallError, type ChaincallErrorOptions, type ErrorCode, isChaincallError } from "./errors/ChaincallError.js";
export { ChainMismatchError } from "./errors/ChainMismatchError.js";
export { ContractRevertedError, type DecodedRevert } from "./errors/ContractRevertedError.js";
export { decodeRevert } from "./errors/decodeRevert.js";
export { TransactionDroppedError } from "./errors/TransactionDroppedError.js";
export { TransactionReplacedError } from "./errors/TransactionReplacedError.js";
export type { ChainLog } from "./events/createLogDecoder.js";
// Logs
export { type BlockSpec, type GetLogsParameters, type GetLogsReturnType, getLogs } from "./events/getLogs.js";
export type { LogFilter } from "./events/resolveLogFilter.js";
export { type LogReorg, type LogWatcher, type WatchLogsParameters, watchLogs } from "./events/watchLogs.js";

// Address book
export { type AddressBook, type Deployment, readAddressBook, recordDeployment, resolveDeployment } from "./registry/addressBook.js";
export { type BindingFactory, type ContractAtParameters, contractAt } from "./registry/contractAt.js";
export type { ChaincallSigner } from "./signer/ChaincallSigner.js";
export type { SignerOptions } from "./signer/createSigner.js";
export { type LoadKeystoreParameters, loadKeystore } from "./signer/loadKeystore.js";
export { checkJournal, type JournalReport, type JournalStatus, rebroadcast } from "./tx/checkJournal.js";
export type { JournalEntry } from "./tx/journal.js";
// Sending and waiting
export { type SendTransactionParameters, sendTransaction, type TransactionOverrides } from "./tx/sendTransaction.js";
export { UnknownOutcomeError } from "./tx/UnknownOutcomeError.js";
export { type WaitForReceiptParameters, type WaitSource, waitForReceipt } from "./tx/waitForReceipt.js";
