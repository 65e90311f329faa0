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

// Connecting
export { connect, DEFAULT_TIMEOUT_MS, type Client, type ConnectParameters } from "./client/connect.js";
export type { BoundaryConfig, ChaincallProvider } from "./client/createProvider.js";
export type { TransportKind } from "./client/parseRpcUrl.js";
export type { BatchOptions } from "./client/batch/ReadBatcher.js";
export type { ChaincallSigner } from "./signer/ChaincallSigner.js";
export type { SignerOptions } from "./signer/createSigner.js";
export { loadKeystore, type LoadKeystoreParameters } from "./signer/loadKeystore.js";

// Reading
export { readContract, type ReadContractParameters } from "./client/readContract.js";
export { installMulticall3, type RpcSender } from "./client/batch/installMulticall3.js";
export { MULTICALL3_ADDRESS } from "./client/batch/ReadBatcher.js";

// Bindings (the factories `chaincall gen` writes call these)
export { wrapContract } from "./contract/wrapContract.js";
export { wrapDeploy, type DeployingFactory } from "./contract/wrapDeploy.js";

// Sending and waiting
export { sendTransaction, type SendTransactionParameters, type TransactionOverrides } from "./tx/sendTransaction.js";
export { waitForReceipt, type WaitForReceiptParameters, type WaitSource } from "./tx/waitForReceipt.js";
export type { JournalEntry } from "./tx/journal.js";
export { checkJournal, rebroadcast, type JournalReport, type JournalStatus } from "./tx/checkJournal.js";

// Logs
export { getLogs, type BlockSpec, type GetLogsParameters, type GetLogsReturnType } from "./events/getLogs.js";
export { watchLogs, type LogReorg, type LogWatcher, type WatchLogsParameters } from "./events/watchLogs.js";
export type { ChainLog } from "./events/createLogDecoder.js";
export type { LogFilter } from "./events/resolveLogFilter.js";

// Address book
export { readAddressBook, recordDeployment, resolveDeployment, type AddressBook, type Deployment } from "./registry/addressBook.js";
export { contractAt, type BindingFactory, type ContractAtParameters } from "./registry/contractAt.js";

// ABIs and errors
export { loadContractAbi, type ContractAbi } from "./abi/loadContractAbi.js";
export { ChaincallError, isChaincallError, type ChaincallErrorOptions, type ErrorCode } from "./errors/ChaincallError.js";
export { ContractRevertedError, type DecodedRevert } from "./errors/ContractRevertedError.js";
export { ChainMismatchError } from "./errors/ChainMismatchError.js";
export { TransactionDroppedError } from "./errors/TransactionDroppedError.js";
export { TransactionReplacedError } from "./errors/TransactionReplacedError.js";
export { UnknownOutcomeError } from "./tx/UnknownOutcomeError.js";
export { decodeRevert } from "./errors/decodeRevert.js";
