import {
  AbstractSigner,
  type JsonRpcSigner,
  type Provider,
  type TransactionRequest,
  type TransactionResponse,
  type TypedDataDomain,
  type TypedDataField,
  type Wallet,
} from "ethers";
import type { ChaincallProvider } from "../client/createProvider.js";
import { ChaincallError } from "../errors/ChaincallError.js";
import { toChaincallError } from "../errors/toChaincallError.js";
import { createSender } from "../tx/createSender.js";
import type { Sender } from "../tx/Sender.js";
import { submitTransaction } from "../tx/sendTransaction.js";

export interface ChaincallSignerOptions {
  chainId: bigint;
  /** Journal file for signed transactions; `null` turns the journal off. */
  journal: string | null;
  /** The node's genesis block hash (dev chains), recorded in journal entries as part of the node's identity. */
  genesis?: string;
  /** Gas estimate headroom in percent. Default 20. */
  gasHeadroomPercent?: number;
}

/**
 * The signer behind `client.signer` and every binding's sends: the ethers `AbstractSigner` adapter over the
 * send pipeline in `tx/` (`submitTransaction`). It wraps a key (`Wallet`) or a node-managed account
 * (`JsonRpcSigner`), and its sends get what ethers leaves out:
 * - nonces from a per-account queue: any number of concurrent sends get consecutive nonces, submitted in
 *   order (Hardhat refuses queued nonces while automining), and a send refused before broadcast leaves no gap;
 * - fees (EIP-1559, or legacy where the chain has no base fee) and gas (estimated + headroom), with explicit
 *   overrides honoured and a gas limit below intrinsic gas refused before signing;
 * - the chain id checked before signing; a journal entry written before the broadcast; an answer that
 *   proves nothing settled by asking the chain (by hash, or by nonce for node-managed accounts); a journalled
 *   transaction the node no longer has (restarted without it) journalled gone before its nonce is reused;
 * - errors translated once, with reverts decoded and no secret or signed bytes in any message.
 *
 * @example const tx = await CallDemo__factory.connect(address, client.signer).setYear(2021);
 */
export class ChaincallSigner extends AbstractSigner<ChaincallProvider> {
  /** The account as the send pipeline (`tx/`) sees it: its nonce queue, journal and signing job. Internal. */
  readonly sender: Sender;

  /**
   * Made by `connect()`, not by applications.
   * @param inner the key (`Wallet`) or the node-managed account (`JsonRpcSigner`)
   * @param address the account's address, checksummed
   * @param provider the client's provider
   * @param options chain id, journal file, gas headroom
   */
  constructor(
    private readonly inner: Wallet | JsonRpcSigner,
    /** The account's address, checksummed. */
    readonly address: string,
    provider: ChaincallProvider,
    options: ChaincallSignerOptions,
  ) {
    super(provider);
    this.sender = createSender(provider, { ...options, address, key: "signingKey" in inner ? inner.signingKey : undefined });
  }

  /** True when this signer holds the key (it can sign offline); false for node-managed accounts. */
  get holdsKey(): boolean {
    return "signingKey" in this.inner;
  }

  /** The account's address (known without asking the node). */
  override async getAddress(): Promise<string> {
    return this.address;
  }

  /** Returns this signer for its own provider; refuses any other (`INVALID_ARGUMENT`): nonces are kept per client. */
  override connect(provider: Provider | null): ChaincallSigner {
    if (provider !== this.provider)
      throw new ChaincallError("INVALID_ARGUMENT", "a chaincall signer stays with its client: connect() a new client instead");
    return this;
  }

  /** Signs without sending (held keys only; a node-managed account is `SIGNER_ERROR`). */
  override async signTransaction(tx: TransactionRequest): Promise<string> {
    if (!this.holdsKey) throw new ChaincallError("SIGNER_ERROR", `${this.address} is managed by the node: it signs only when sending`);
    return this.translated((this.inner as Wallet).signTransaction(tx));
  }

  /** Signs an EIP-191 personal message. */
  override async signMessage(message: string | Uint8Array): Promise<string> {
    return this.translated(this.inner.signMessage(message));
  }

  /** Signs EIP-712 typed data. */
  override async signTypedData(
    domain: TypedDataDomain,
    types: Record<string, TypedDataField[]>,
    value: Record<string, unknown>,
  ): Promise<string> {
    return this.translated(this.inner.signTypedData(domain, types, value));
  }

  // ethers' own errors (a malformed message or typed data, a node refusing to sign) become chaincall errors.
  private async translated<T>(work: Promise<T>): Promise<T> {
    try {
      return await work;
    } catch (err) {
      throw toChaincallError(err, this.provider.boundary);
    }
  }

  /**
   * Prepares, signs and broadcasts through the send pipeline (`submitTransaction`); resolves as soon as the
   * node accepted the transaction (its hash is known then). Wait with `tx.wait()` or
   * `client.wait(tx, { confirmations, timeoutMs, signal })`: both are bounded.
   */
  override async sendTransaction(request: TransactionRequest): Promise<TransactionResponse> {
    return submitTransaction(this.sender, request);
  }
}
