// Over 300 lines on purpose: one class owns the operator's nonce, fee-bumped replacement and receipt waiting; split, the nonce invariants would span files.
import { TenderError } from '@tender/core';
import {
  type Abi,
  type Account,
  type Address,
  type Chain,
  type ContractFunctionArgs,
  type ContractFunctionName,
  encodeFunctionData,
  type Hex,
  keccak256,
  type PublicClient,
  type TransactionReceipt,
  type Transport,
  type WalletClient,
} from 'viem';
import { toChainError } from './chainError.ts';

/** Tunables of {@link OperatorSender}; each has a working local default. */
export interface OperatorSenderOptions {
  /** A transaction not mined after this long is replaced with a higher fee (ms, default 30 s). */
  replaceAfterMs?: number;
  /** How much each replacement raises both fee caps, in percent (default 25; nodes want ≥ 10). */
  feeBumpPercent?: number;
  /** Most replacements of one transaction (default 5). */
  maxReplacements?: number;
  /** Give up waiting (the caller retries later) after this long (ms, default 10 min). */
  maxWaitMs?: number;
  /** Receipt polling interval (ms, default 250). */
  pollMs?: number;
  /** Gas limit = estimate × (100 + headroom) / 100 (default 20). */
  gasHeadroomPercent?: number;
}

/** A contract call the operator sends. */
export interface OperatorCall<abi extends Abi, functionName extends ContractFunctionName<abi, 'nonpayable'>> {
  address: Address;
  abi: abi;
  functionName: functionName;
  args: ContractFunctionArgs<abi, 'nonpayable', functionName>;
}

/** Called with each signed transaction's hash before it is broadcast (persist it: crash safety). */
export type OnBroadcast = (tx: { hash: Hex; nonce: number; replacement: number }) => Promise<void>;

/** A mined, successful transaction. */
export interface SentTransaction {
  hash: Hex;
  receipt: TransactionReceipt;
  /** How many times it was replaced before one version was mined. */
  replacements: number;
}

interface TxTemplate {
  to: Address;
  data: Hex;
  gas: bigint;
  nonce: number;
  fees: { maxFeePerGas: bigint; maxPriorityFeePerGas: bigint };
}

/** How long a spent nonce without a receipt of ours is given before it counts as taken by another tx. */
const NONCE_SPENT_GRACE_MS = 5_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The operator's only way to send transactions in one process: calls are serialized through one
 * nonce manager (the next nonce is kept locally and re-read from the node after any send error),
 * each is simulated first (a revert surfaces as `TENDER_CHAIN_REVERTED` with the custom error name
 * and nothing is sent), signed locally, announced through `onBroadcast` BEFORE it is broadcast (so
 * a crash never loses a hash that may be mined), then awaited. A transaction not mined within
 * `replaceAfterMs` is re-signed with the same nonce and fee caps raised by `feeBumpPercent`; the
 * first version mined wins. A mined revert throws `TENDER_CHAIN_REVERTED` (errorName `unknown`).
 *
 * @example
 * const sender = new OperatorSender({ publicClient, walletClient });
 * const { receipt } = await sender.send({ address: market, abi: tenderMarketAbi, functionName: 'settleBatch', args: [data] });
 */
export class OperatorSender {
  readonly #publicClient: PublicClient<Transport, Chain>;
  readonly #walletClient: WalletClient<Transport, Chain, Account>;
  readonly #opts: Required<OperatorSenderOptions>;
  #nextNonce: number | undefined;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(
    clients: {
      publicClient: PublicClient<Transport, Chain>;
      walletClient: WalletClient<Transport, Chain, Account>;
    },
    opts: OperatorSenderOptions = {},
  ) {
    if (clients.walletClient.account.type !== 'local') {
      throw new TenderError(
        'TENDER_CONFIG_INVALID',
        'the operator account must be a local (private-key) account',
      );
    }
    this.#publicClient = clients.publicClient;
    this.#walletClient = clients.walletClient;
    this.#opts = {
      replaceAfterMs: opts.replaceAfterMs ?? 30_000,
      feeBumpPercent: opts.feeBumpPercent ?? 25,
      maxReplacements: opts.maxReplacements ?? 5,
      maxWaitMs: opts.maxWaitMs ?? 600_000,
      pollMs: opts.pollMs ?? 250,
      gasHeadroomPercent: opts.gasHeadroomPercent ?? 20,
    };
  }

  /** The operator's address. */
  get address(): Address {
    return this.#walletClient.account.address;
  }

  /**
   * Simulates, signs, broadcasts and awaits one contract call (serialized with every other call
   * of this sender). See the class comment for replacement and errors.
   */
  send<const abi extends Abi, functionName extends ContractFunctionName<abi, 'nonpayable'>>(
    call: OperatorCall<abi, functionName>,
    onBroadcast?: OnBroadcast,
  ): Promise<SentTransaction> {
    const run = this.#queue.then(() => this.#send(call, onBroadcast));
    this.#queue = run.catch(() => {});
    return run;
  }

  /**
   * Checks a call without sending it: resolves when it would succeed now, throws
   * `TENDER_CHAIN_REVERTED` (with the custom error name) when it would revert.
   */
  async simulate<const abi extends Abi, functionName extends ContractFunctionName<abi, 'nonpayable'>>(
    call: OperatorCall<abi, functionName>,
  ): Promise<void> {
    try {
      await this.#publicClient.simulateContract({
        ...(call as OperatorCall<Abi, string>),
        account: this.#walletClient.account,
      } as never);
    } catch (error) {
      throw toChainError(error, String(call.functionName));
    }
  }

  /** The receipt of `hash`, or null when the node knows no mined transaction with it. */
  async receiptOf(hash: Hex): Promise<TransactionReceipt | null> {
    try {
      return await this.#publicClient.getTransactionReceipt({ hash });
    } catch (error) {
      if ((error as Error).name === 'TransactionReceiptNotFoundError') return null;
      throw toChainError(error, 'getTransactionReceipt');
    }
  }

  /** Whether the node still holds `hash` unmined in its mempool. */
  async isPending(hash: Hex): Promise<boolean> {
    try {
      const tx = await this.#publicClient.getTransaction({ hash });
      return tx.blockNumber === null;
    } catch (error) {
      if ((error as Error).name === 'TransactionNotFoundError') return false;
      throw toChainError(error, 'getTransaction');
    }
  }

  /**
   * Takes over a transaction of this operator sent earlier (e.g. by a process that stopped) and
   * still in the node's mempool: waits for it and replaces it with a higher fee when it stays
   * unmined, like {@link send}. Resolves null when the node does not know `hash` or its nonce was
   * used by another transaction (the caller decides whether to send again).
   */
  resume(hash: Hex, onBroadcast?: OnBroadcast): Promise<SentTransaction | null> {
    const run = this.#queue.then(async () => {
      const receipt = await this.receiptOf(hash);
      if (receipt) return this.#settled(hash, receipt, 0, 'resumed transaction');
      let tx: Awaited<ReturnType<PublicClient['getTransaction']>>;
      try {
        tx = await this.#publicClient.getTransaction({ hash });
      } catch (error) {
        if ((error as Error).name === 'TransactionNotFoundError') return null;
        throw toChainError(error, 'getTransaction');
      }
      if (tx.from.toLowerCase() !== this.address.toLowerCase() || !tx.to) return null;
      const template: TxTemplate = {
        to: tx.to,
        data: tx.input,
        gas: tx.gas,
        nonce: tx.nonce,
        fees: {
          maxFeePerGas: tx.maxFeePerGas ?? tx.gasPrice ?? 0n,
          maxPriorityFeePerGas: tx.maxPriorityFeePerGas ?? tx.gasPrice ?? 0n,
        },
      };
      return this.#broadcastAndWait('resumed transaction', template, onBroadcast, [hash]);
    });
    this.#queue = run.catch(() => {});
    return run;
  }

  async #send<abi extends Abi, functionName extends ContractFunctionName<abi, 'nonpayable'>>(
    call: OperatorCall<abi, functionName>,
    onBroadcast: OnBroadcast | undefined,
  ): Promise<SentTransaction> {
    const action = String(call.functionName);
    await this.simulate(call);
    const data = encodeFunctionData({
      abi: call.abi,
      functionName: call.functionName,
      args: call.args,
    } as never);
    let template: TxTemplate;
    try {
      const estimate = await this.#publicClient.estimateGas({
        account: this.#walletClient.account,
        to: call.address,
        data,
      });
      template = {
        to: call.address,
        data,
        gas: (estimate * BigInt(100 + this.#opts.gasHeadroomPercent)) / 100n,
        fees: await this.#fees(),
        nonce: await this.#nonce(),
      };
    } catch (error) {
      throw toChainError(error, action);
    }
    const sent = await this.#broadcastAndWait(action, template, onBroadcast, []);
    if (!sent) {
      throw new TenderError(
        'TENDER_SETTLEMENT_FAILED',
        `${action}: its nonce was used by another transaction`,
        {
          details: { nonce: template.nonce },
        },
      );
    }
    return sent;
  }

  /**
   * Broadcasts `template` (unless `known` hashes of it are already out), then polls for a receipt
   * of any version, re-signing with bumped fees every `replaceAfterMs`. Null when the nonce was
   * consumed by a transaction that is none of ours.
   */
  async #broadcastAndWait(
    action: string,
    template: TxTemplate,
    onBroadcast: OnBroadcast | undefined,
    known: Hex[],
  ): Promise<SentTransaction | null> {
    const account = this.#walletClient.account;
    const hashes = [...known];
    let fees = template.fees;
    const broadcast = async (replacement: number) => {
      const serialized = await account.signTransaction!({
        chainId: this.#publicClient.chain.id,
        type: 'eip1559',
        to: template.to,
        data: template.data,
        gas: template.gas,
        nonce: template.nonce,
        ...fees,
      });
      const hash = keccak256(serialized);
      await onBroadcast?.({ hash, nonce: template.nonce, replacement });
      hashes.push(hash);
      try {
        await this.#publicClient.sendRawTransaction({ serializedTransaction: serialized });
      } catch (error) {
        // "nonce too low" / "already known": an earlier version may have been mined meanwhile;
        // the receipt loop below finds out. Anything else on the first send is a real failure.
        if (replacement === 0) {
          this.#nextNonce = undefined;
          throw toChainError(error, action);
        }
      }
    };
    if (hashes.length === 0) {
      await broadcast(0);
      this.#nextNonce = template.nonce + 1;
    }
    const started = Date.now();
    let lastSent = started;
    let replacements = 0;
    let spentSince: number | undefined;
    for (;;) {
      for (const hash of hashes) {
        const receipt = await this.receiptOf(hash);
        if (receipt) return this.#settled(hash, receipt, replacements, action);
      }
      const mined = await this.#publicClient
        .getTransactionCount({ address: account.address, blockTag: 'latest' })
        .catch(() => 0);
      if (mined > template.nonce) {
        // The nonce is spent. A node may count it a moment before our receipt is readable, so
        // give our versions a grace period; after it, another transaction took the nonce.
        spentSince ??= Date.now();
        if (Date.now() - spentSince >= NONCE_SPENT_GRACE_MS) return null;
      }
      const now = Date.now();
      if (now - started > this.#opts.maxWaitMs) {
        throw new TenderError('TENDER_DEPENDENCY_UNAVAILABLE', `${action} not mined in time`, {
          details: { hashes, nonce: template.nonce },
        });
      }
      if (
        spentSince === undefined &&
        now - lastSent >= this.#opts.replaceAfterMs &&
        replacements < this.#opts.maxReplacements
      ) {
        replacements += 1;
        const current = await this.#fees().catch(() => fees);
        const bump = (v: bigint) => (v * BigInt(100 + this.#opts.feeBumpPercent) + 99n) / 100n;
        fees = {
          maxFeePerGas: max(bump(fees.maxFeePerGas), current.maxFeePerGas),
          maxPriorityFeePerGas: max(bump(fees.maxPriorityFeePerGas), current.maxPriorityFeePerGas),
        };
        await broadcast(replacements);
        lastSent = Date.now();
      }
      await sleep(this.#opts.pollMs);
    }
  }

  #settled(hash: Hex, receipt: TransactionReceipt, replacements: number, action: string): SentTransaction {
    if (receipt.status !== 'success') {
      throw new TenderError('TENDER_CHAIN_REVERTED', `${action} reverted on-chain`, {
        details: { txHash: hash, errorName: 'unknown' },
      });
    }
    return { hash, receipt, replacements };
  }

  async #nonce(): Promise<number> {
    const onChain = await this.#publicClient.getTransactionCount({
      address: this.#walletClient.account.address,
      blockTag: 'pending',
    });
    this.#nextNonce = Math.max(this.#nextNonce ?? 0, onChain);
    return this.#nextNonce;
  }

  async #fees(): Promise<{ maxFeePerGas: bigint; maxPriorityFeePerGas: bigint }> {
    const { maxFeePerGas, maxPriorityFeePerGas } = await this.#publicClient.estimateFeesPerGas();
    return { maxFeePerGas, maxPriorityFeePerGas };
  }
}

function max(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}

/** @deprecated The operator sender sends every operator transaction, not only settlements: use {@link OperatorSender}. */
export const SettlementSender = OperatorSender;
/** @deprecated Use {@link OperatorSender}. */
export type SettlementSender = OperatorSender;
/** @deprecated Use {@link OperatorSenderOptions}. */
export type SettlementSenderOptions = OperatorSenderOptions;
