import {
  AbstractSigner,
  getAddress,
  keccak256,
  resolveAddress,
  Transaction,
  TransactionResponse,
  type JsonRpcSigner,
  type Provider,
  type TransactionLike,
  type TransactionRequest,
  type TypedDataDomain,
  type TypedDataField,
  type Wallet,
} from "ethers";
import type { ChaincallProvider } from "../client/createProvider.js";
import { ChaincallError } from "../errors/ChaincallError.js";
import { ChainMismatchError } from "../errors/ChainMismatchError.js";
import { minedDespiteError, toChaincallError } from "../errors/toChaincallError.js";
import { accountQueue, type AccountQueue, type QueueJob } from "../tx/AccountQueue.js";
import { isAlreadyKnown } from "../tx/checkJournal.js";
import { estimateFees } from "../tx/estimateFees.js";
import { findTransactionByNonce } from "../tx/findTransactionByNonce.js";
import { intrinsicGas } from "../tx/intrinsicGas.js";
import { classifyBroadcastFailure } from "../tx/classifyBroadcastFailure.js";
import { appendJournal, appendJournalOutcome, appendJournalRefusal, readNodeJournal, type JournalOutcome } from "../tx/journal.js";
import { standingTransactions, type StandingTransactions } from "../tx/standingTransactions.js";
import { UnknownOutcomeError } from "../tx/UnknownOutcomeError.js";

// Errors a send ends with after the chain was asked (the transaction is provably not there): journalled
// `gone`, never as a refusal.
const settledErrors = new WeakSet<object>();
function settled<E>(err: E): E {
  if (err && typeof err === "object") settledErrors.add(err);
  return err;
}

// Whether a transaction found at a node-managed send's nonce is that send (the node signed it, so the hash
// cannot tell): same recipient, value and calldata.
function isSameSend(found: TransactionResponse, tx: TransactionLike<string>): boolean {
  const to = tx.to ? getAddress(tx.to) : null;
  return (found.to ? getAddress(found.to) : null) === to && found.value === BigInt(tx.value ?? 0) && found.data.toLowerCase() === String(tx.data ?? "0x").toLowerCase();
}

// What signing produced: the nonce, and for a held key the signed bytes and their hash.
interface Signed {
  nonce: number;
  hash?: string;
  raw?: string;
  /** The signed transaction (held key only): its fields make the response without recovering `from`. */
  signed?: Transaction;
}

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
 * The signer behind `client.signer` and every binding's sends. It wraps a key (`Wallet`) or a node-managed
 * account (`JsonRpcSigner`) and adds what ethers leaves out:
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
  private readonly queue: AccountQueue;

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
    private readonly options: ChaincallSignerOptions,
  ) {
    super(provider);
    this.queue = accountQueue(provider.boundary.endpoint, options.chainId, address);
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
    if (provider !== this.provider) throw new ChaincallError("INVALID_ARGUMENT", "a chaincall signer stays with its client: connect() a new client instead");
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
  override async signTypedData(domain: TypedDataDomain, types: Record<string, TypedDataField[]>, value: Record<string, any>): Promise<string> {
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
   * Prepares, signs and broadcasts; resolves as soon as the node accepted the transaction (its hash is
   * known then). Wait with `client.wait(tx, { confirmations, timeoutMs, signal })`.
   */
  override async sendTransaction(request: TransactionRequest): Promise<TransactionResponse> {
    try {
      const prepared = await this.prepare(request);
      const explicitNonce = request.nonce ?? undefined;
      try {
        return await this.queue.submit(this.account, this.job(prepared), explicitNonce);
      } catch (err) {
        // Someone else used the nonce (another process, a wallet): re-read the count and try once more.
        if (explicitNonce !== undefined || toChaincallError(err, this.provider.boundary).code !== "NONCE_ERROR") throw err;
        return await this.queue.submit(this.account, this.job(prepared));
      }
    } catch (err) {
      throw toChaincallError(err, this.provider.boundary);
    }
  }

  // Everything but the nonce: resolved addresses, chain id, fees, gas. Runs concurrently across sends.
  private async prepare(request: TransactionRequest): Promise<TransactionLike<string>> {
    const provider = this.provider;
    const { chainId } = this.options;
    // Before anything is asked of the node: a negative amount (a binding's overrides, say) is the caller's mistake.
    for (const field of ["value", "gasLimit", "gasPrice", "maxFeePerGas", "maxPriorityFeePerGas", "nonce"] as const) {
      const amount = request[field];
      if (amount !== undefined && amount !== null && BigInt(amount) < 0n) {
        throw new ChaincallError("INVALID_ARGUMENT", `the transaction's ${field} must be ≥ 0, got ${amount}`);
      }
    }
    if (request.chainId !== undefined && request.chainId !== null && BigInt(request.chainId) !== chainId) {
      throw new ChainMismatchError(BigInt(request.chainId), chainId, provider.boundary.endpoint);
    }
    if (request.from) {
      const from = await resolveAddress(request.from, provider);
      if (getAddress(from) !== this.address) throw new ChaincallError("INVALID_ARGUMENT", `the transaction's from (${from}) is not this signer (${this.address})`);
    }
    const to = request.to ? await resolveAddress(request.to, provider) : null;
    const data = request.data ?? "0x";
    const value = request.value === undefined || request.value === null ? 0n : BigInt(request.value);
    const tx: TransactionLike<string> = { chainId, from: this.address, to, data, value, accessList: request.accessList ?? undefined };

    const legacy = request.type === 0 || (request.gasPrice !== undefined && request.gasPrice !== null);
    if (legacy) {
      tx.type = 0;
      tx.gasPrice = request.gasPrice !== undefined && request.gasPrice !== null ? BigInt(request.gasPrice) : BigInt((await provider.send("eth_gasPrice", [])) as string);
    } else if (request.maxFeePerGas != null && request.maxPriorityFeePerGas != null) {
      Object.assign(tx, { type: 2, maxFeePerGas: BigInt(request.maxFeePerGas), maxPriorityFeePerGas: BigInt(request.maxPriorityFeePerGas) });
    } else {
      const fees = await estimateFees(provider, chainId);
      if (fees.type === 0) Object.assign(tx, fees);
      else {
        const tip = request.maxPriorityFeePerGas != null ? BigInt(request.maxPriorityFeePerGas) : fees.maxPriorityFeePerGas;
        const max = request.maxFeePerGas != null ? BigInt(request.maxFeePerGas) : fees.maxFeePerGas - fees.maxPriorityFeePerGas + tip;
        Object.assign(tx, { type: 2, maxFeePerGas: max, maxPriorityFeePerGas: tip > max ? max : tip });
      }
    }

    const floor = intrinsicGas({ to, data, accessList: tx.accessList as { storageKeys: string[] }[] | undefined });
    if (request.gasLimit !== undefined && request.gasLimit !== null) {
      tx.gasLimit = BigInt(request.gasLimit);
      if (tx.gasLimit < floor) {
        throw new ChaincallError("INVALID_ARGUMENT", `gas limit ${tx.gasLimit} is below the intrinsic gas of this transaction (${floor}): it could never be mined`);
      }
    } else {
      const estimate = await provider.estimateGas({ from: this.address, to, data, value, accessList: tx.accessList });
      const withHeadroom = (estimate * BigInt(100 + (this.options.gasHeadroomPercent ?? 20))) / 100n;
      tx.gasLimit = withHeadroom > floor ? withHeadroom : floor;
    }
    return tx;
  }

  // The queue's view of this account: its node-side count, and how to use up a nonce with a no-op.
  private readonly account = {
    fetchNonce: async (): Promise<number> => {
      const count = await this.provider.getTransactionCount(this.address, "pending");
      this.journalLost(count);
      return count;
    },
    recover: (): UnknownOutcomeError[] => this.unsettledFromJournal(),
    // A node-signed one (no hash) is asked about through the client that sent it: it knows what was sent.
    settle: (pending: UnknownOutcomeError): Promise<boolean> => (pending.hash ? this.unknownOutcome(pending.hash, pending.nonce, pending).settle() : pending.settle()),
    fill: async (nonce: number): Promise<void> => {
      const fees = await estimateFees(this.provider, this.options.chainId);
      const tx: TransactionLike<string> = { chainId: this.options.chainId, from: this.address, to: this.address, value: 0n, data: "0x", gasLimit: 21_000n, ...fees };
      const job = this.job(tx);
      await job.send(await job.sign(nonce));
    },
  };

  // How the queue signs and broadcasts one prepared transaction, once its nonce is fixed.
  private job(tx: TransactionLike<string>): QueueJob<Signed, TransactionResponse> {
    const provider = this.provider;
    if (this.holdsKey) {
      return {
        sign: async (nonce) => {
          // Signed here rather than through Wallet.signTransaction: the fields are already resolved and
          // checked, and this skips a second address check per transaction.
          const signed = Transaction.from({ ...tx, from: undefined, nonce });
          signed.signature = (this.inner as Wallet).signingKey.sign(signed.unsignedHash);
          const raw = signed.serialized;
          const hash = keccak256(raw);
          // On disk before it leaves the process: a crash right after the broadcast loses nothing.
          this.journal({ hash, nonce, to: tx.to ?? null, raw });
          return { nonce, hash, raw, signed };
        },
        send: async ({ hash, raw, signed }) => {
          // Asked alongside the broadcast; its failure is not the broadcast's (what the broadcast's own error
          // proves decides the outcome), and the replacement search can start anywhere before the broadcast.
          const recentBlock = this.recentBlockNumber().catch(() => this.provider.getBlockNumber().catch(() => 0));
          try {
            // eth_sendRawTransaction directly: ethers' broadcastTransaction re-parses the raw bytes and
            // recovers the sender's public key from the signature, which costs three signatures' worth of
            // CPU per send; the sender is known here.
            const accepted = await provider.sendNow("eth_sendRawTransaction", [raw]);
            if (typeof accepted === "string" && accepted.toLowerCase() !== hash) {
              throw new ChaincallError("RPC_ERROR", `the node answered hash ${accepted} for transaction ${hash}`);
            }
            return this.response(signed!, hash!).replaceableTransaction(await recentBlock);
          } catch (err) {
            // A retry after a lost answer, or a re-broadcast: the node has exactly this transaction. Or Hardhat
            // mined it and reverted (it answers with an error then): the wait reports the decoded revert.
            if (isAlreadyKnown(err) || minedDespiteError(err) === hash) {
              const known = await provider.getTransaction(hash!);
              if (known) return known;
              throw err;
            }
            const failure = classifyBroadcastFailure(err);
            if (failure === "refused") throw err;
            const code = toChaincallError(err, provider.boundary).code;
            if (failure === "unsent") {
              // Never delivered: nobody has it, and its nonce goes to the next send.
              this.journalOutcome(hash!, "unsent", code);
              throw err;
            }
            // The answer proves nothing: the send resolves only once the chain has been asked.
            this.journalOutcome(hash!, "unknown", code);
            return this.settleUnknown(signed!, hash!, err);
          }
        },
        refused: ({ hash }, err) => this.journalRefusal(hash!, err),
        unsent: ({ hash }) => this.journalOutcome(hash!, "unsent", "RPC_ERROR"),
      };
    }
    // Node-managed account: the node signs, so the hash is known only once it answered.
    return {
      sign: async (nonce) => ({ nonce }),
      send: async ({ nonce }) => {
        const rpcTx = provider.getRpcTransaction({ ...tx, nonce } as TransactionRequest);
        // Where a search by nonce starts, should the answer be lost: any block at or before the send.
        const recentBlock = this.recentBlockNumber().catch(() => 0);
        let hash: string;
        try {
          // On its own, not in ethers' next batch: as for raw sends, each leaves once the one before was answered.
          hash = (await provider.sendNow("eth_sendTransaction", [{ ...rpcTx, from: this.address }])) as string;
        } catch (err) {
          const mined = minedDespiteError(err);
          if (mined) hash = mined;
          else if (classifyBroadcastFailure(err) === "unknown") return this.settleNodeSigned(tx, nonce, err, await recentBlock);
          else throw err;
        }
        this.journal({ hash, nonce, to: tx.to ?? null });
        for (let attempt = 0; attempt < 50; attempt++) {
          const response = await provider.getTransaction(hash);
          if (response) return response;
          await new Promise((resolve) => setTimeout(resolve, 20 * (attempt + 1)));
        }
        throw new ChaincallError("RPC_ERROR", `the node accepted ${hash} but does not return it from eth_getTransactionByHash`);
      },
    };
  }

  /**
   * A node-managed send whose answer proves nothing (a 5xx, -32603, a timeout, a reset after the request was
   * written): the node may have signed and taken it, and only it knows the hash. The chain is asked by the
   * account's nonce: a transaction there with that nonce and this send's recipient, value and calldata is
   * this send's (journalled, and the send succeeds); another one there means another send took the nonce
   * (`NONCE_ERROR`); none (the pending count is not above it) proves it is not there, and its nonce is free
   * again. While the
   * chain cannot be asked, or the nonce is used but the transaction not found, the outcome stays unknown and
   * the queue keeps the nonce.
   */
  private async settleNodeSigned(tx: TransactionLike<string>, nonce: number, err: unknown, fromBlock: number): Promise<TransactionResponse> {
    const to = tx.to ?? null;
    let journalled = false;
    const lookUp = async (): Promise<TransactionResponse | null | undefined> => {
      const found = await findTransactionByNonce(this.provider, this.address, nonce, fromBlock);
      if (found && !isSameSend(found, tx)) {
        throw settled(new ChaincallError("NONCE_ERROR", `the node has another transaction (${found.hash}) with nonce ${nonce}: this send is not there`, { cause: err }));
      }
      // Asked again by the queue and by the caller's settle(): journalled once.
      if (found && !journalled) {
        journalled = true;
        // The same history as a raw send's: the entry, the answer that proved nothing, what the chain said.
        this.journal({ hash: found.hash, nonce, to });
        this.journalOutcome(found.hash, "unknown", toChaincallError(err, this.provider.boundary).code);
        this.journalOutcome(found.hash, "sent");
      }
      return found;
    };
    let found: TransactionResponse | null | undefined;
    const settle = async (): Promise<boolean> => {
      try {
        return (await lookUp()) !== null;
      } catch (again) {
        // Another transaction has the nonce: it is used.
        if (settledErrors.has(again as object)) return true;
        throw again;
      }
    };
    try {
      found = await lookUp();
    } catch (lookupErr) {
      if (settledErrors.has(lookupErr as object)) throw lookupErr;
      throw new UnknownOutcomeError(undefined, nonce, settle, err);
    }
    if (found) return found;
    if (found === null) throw settled(err);
    // Its nonce is used (by this send, most likely), but the transaction was not found: nothing more to ask.
    throw new UnknownOutcomeError(undefined, nonce, async () => true, err);
  }

  private blockNumberAsked?: { at: number; value: Promise<number> };

  // The block a response's replacement search starts from: any block at or before the broadcast will do, so
  // one answer serves a whole burst (ethers' broadcastTransaction asked once per transaction).
  private recentBlockNumber(): Promise<number> {
    const now = Date.now();
    if (!this.blockNumberAsked || now - this.blockNumberAsked.at > 1_000) {
      const value = this.provider.getBlockNumber();
      this.blockNumberAsked = { at: now, value };
      value.catch(() => {
        if (this.blockNumberAsked?.value === value) this.blockNumberAsked = undefined;
      });
    }
    return this.blockNumberAsked.value;
  }

  // What ethers' broadcastTransaction would return, built from the signed fields and the known sender.
  private response(signed: Transaction, hash: string): TransactionResponse {
    return new TransactionResponse(
      {
        blockNumber: null,
        blockHash: null,
        hash,
        index: 0,
        type: signed.type ?? 0,
        to: signed.to,
        from: this.address,
        nonce: signed.nonce,
        gasLimit: signed.gasLimit,
        gasPrice: signed.gasPrice ?? signed.maxFeePerGas ?? 0n,
        maxPriorityFeePerGas: signed.maxPriorityFeePerGas,
        maxFeePerGas: signed.maxFeePerGas,
        maxFeePerBlobGas: null,
        data: signed.data,
        value: signed.value,
        chainId: signed.chainId,
        signature: signed.signature!,
        accessList: signed.accessList,
        blobVersionedHashes: null,
        authorizationList: null,
      },
      this.provider,
    );
  }

  private journalRefusal(hash: string, err: unknown): void {
    if (!this.options.journal) return;
    // Only a node's own refusal is one: an unsent, unknown or settled broadcast has its own journal line.
    if (err instanceof UnknownOutcomeError || settledErrors.has(err as object) || classifyBroadcastFailure(err) !== "refused") return;
    appendJournalRefusal(this.options.journal, hash, toChaincallError(err, this.provider.boundary).code);
    this.standing()?.remove(hash);
  }

  private journalOutcome(hash: string, outcome: JournalOutcome, code?: string): void {
    if (!this.options.journal) return;
    appendJournalOutcome(this.options.journal, hash, outcome, code);
    if (outcome === "unsent" || outcome === "gone") this.standing()?.remove(hash);
  }

  // This account's journalled transactions that stand for their nonces (see StandingTransactions).
  private standing(): StandingTransactions | undefined {
    const { journal, chainId, genesis } = this.options;
    return journal ? standingTransactions(journal, { chainId, genesis }, this.address) : undefined;
  }

  // The node's next nonce is `count`: a journalled transaction at or above it is one the node no longer has
  // (restarted without it, reverted, dropped from its pool). Its nonce is about to be handed out again, so
  // it is journalled gone first: one live transaction per nonce, and the lost one is never re-broadcast
  // over the new one (a wait for it ends replaced or dropped, never in success).
  private journalLost(count: number): void {
    for (const { hash } of this.standing()?.takeLost(count) ?? []) this.journalOutcome(hash, "gone");
  }

  /**
   * After an answer that proves nothing, asks the chain: the transaction by hash (mined or pending: the send
   * succeeded), then the account's mined nonce (not used: the transaction is provably not there, and the
   * nonce is free again; used by another: this one can never be mined). While the chain cannot be asked, the
   * outcome stays unknown (`UnknownOutcomeError`) and the queue keeps the nonce.
   */
  private async settleUnknown(signed: Transaction, hash: string, err: unknown): Promise<TransactionResponse> {
    const nonce = signed.nonce;
    let found: TransactionResponse | null;
    try {
      found = await this.lookUp(hash, nonce);
    } catch (lookupErr) {
      if (settledErrors.has(lookupErr as object)) throw lookupErr;
      throw this.unknownOutcome(hash, nonce, err);
    }
    if (found) return found;
    throw settled(err);
  }

  // The queue asks `settle` again before it signs another transaction: true once the nonce is used.
  private unknownOutcome(hash: string, nonce: number, cause: unknown): UnknownOutcomeError {
    const settle = async (): Promise<boolean> => {
      try {
        return (await this.lookUp(hash, nonce)) !== null;
      } catch (again) {
        if (settledErrors.has(again as object)) return true;
        throw again;
      }
    };
    return new UnknownOutcomeError(hash, nonce, settle, cause);
  }

  // This account's journal entries on this node whose outcome is still unknown (an earlier run ended before
  // the chain could be asked): their nonces stay reserved until the chain tells. An unreadable journal has none.
  private unsettledFromJournal(): UnknownOutcomeError[] {
    if (!this.options.journal || !this.holdsKey) return [];
    try {
      const { entries } = readNodeJournal(this.options.journal, { chainId: this.options.chainId, genesis: this.options.genesis });
      return entries
        .filter((e) => e.outcome === "unknown" && !e.refused && e.from.toLowerCase() === this.address.toLowerCase())
        .map((e) => this.unknownOutcome(e.hash, e.nonce, new ChaincallError("RPC_ERROR", `transaction ${e.hash} was journalled with an unknown outcome`)));
    } catch {
      return [];
    }
  }

  // The transaction when the chain has it; null when it provably has not (journalled `gone`); a NONCE_ERROR
  // when its nonce was used by another.
  private async lookUp(hash: string, nonce: number): Promise<TransactionResponse | null> {
    let found = await this.provider.getTransaction(hash);
    if (!found && (await this.nonceUsed(nonce))) {
      // Mined between the two questions, or replaced by another transaction.
      found = await this.provider.getTransaction(hash);
      if (!found) {
        this.journalOutcome(hash, "gone");
        throw settled(new ChaincallError("NONCE_ERROR", `transaction ${hash} is not on the chain and its nonce ${nonce} was used by another transaction`));
      }
    }
    if (found) {
      this.journalOutcome(hash, "sent");
      return found;
    }
    this.journalOutcome(hash, "gone");
    return null;
  }

  private async nonceUsed(nonce: number): Promise<boolean> {
    return (await this.provider.getTransactionCount(this.address, "latest")) > nonce;
  }

  private journal(entry: { hash: string; nonce: number; to: string | null; raw?: string }): void {
    if (!this.options.journal) return;
    const { chainId, genesis } = this.options;
    // Read before the append: the record starts from what the journal held before this transaction.
    const standing = this.standing()!;
    appendJournal(this.options.journal, { v: 1, chainId: chainId.toString(), ...(genesis ? { genesis } : {}), from: this.address, time: new Date().toISOString(), ...entry });
    standing.add(entry.nonce, entry.hash);
  }
}
