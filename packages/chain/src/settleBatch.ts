import { TenderError } from '@tender/core';
import { type Address, type Hex, parseEventLogs } from 'viem';
import { tenderDomain } from './eip712.ts';
import { tenderMarketAbi } from './generated/TenderMarket.ts';
import type { BatchResult } from './resultTree.ts';
import { type ChainClients, sendContractTx } from './sendContractTx.ts';
import { encodeSettlementBatch, type SettlementItem } from './settlementEncoding.ts';

/** What a settled batch left on-chain. */
export interface SettledBatch {
  batchId: bigint;
  root: Hex;
  txHash: Hex;
  gasUsed: bigint;
  /** Wei charged to requesters (prices plus the market fee) and the fee part, which went to the treasury. */
  charged: bigint;
  fee: bigint;
  /** Results in leaf order: `merkleProofFor(results, k)` proves `results[k]`. */
  results: BatchResult[];
  /** `order[k]` = index in `items` of `results[k]`. */
  order: number[];
}

/**
 * Settles a batch on the market with the operator's wallet: encodes the items, simulates (a revert
 * surfaces as `TENDER_CHAIN_REVERTED` with the custom error name), sends, waits for the receipt.
 *
 * @example
 * const settled = await settleBatch({ publicClient, walletClient }, market, items);
 * const proof = merkleProofFor(settled.results, 0);
 */
export async function settleBatch(
  clients: ChainClients,
  market: Address,
  items: readonly SettlementItem[],
  opts: { gas?: bigint } = {},
): Promise<SettledBatch> {
  const domain = tenderDomain(clients.publicClient.chain.id, market);
  const encoded = encodeSettlementBatch(items, domain);
  const { receipt, hash } = await sendContractTx(clients, {
    address: market,
    abi: tenderMarketAbi,
    functionName: 'settleBatch',
    args: [encoded.data],
    ...(opts.gas === undefined ? {} : { gas: opts.gas }),
  });
  const [event] = parseEventLogs({ abi: tenderMarketAbi, eventName: 'BatchSettled', logs: receipt.logs });
  if (!event) {
    throw new TenderError('TENDER_INTERNAL', 'BatchSettled event missing from the receipt', {
      details: { txHash: hash },
    });
  }
  return {
    batchId: event.args.batchId,
    root: event.args.root,
    charged: event.args.charged,
    fee: event.args.fee,
    txHash: hash,
    gasUsed: receipt.gasUsed,
    results: encoded.results,
    order: encoded.order,
  };
}
