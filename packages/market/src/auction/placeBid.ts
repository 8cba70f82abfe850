import { bidTypes, tenderDomain } from '@tender/chain';
import { assertBidAcceptable, proversByAddress, requiredCollateral, TenderError } from '@tender/core';
import { recoverTypedDataSigner } from '@tender/sdk';
import { type Address, getAddress, type Hex, isAddress } from 'viem';
import { jobSnapshotOf } from '../auction/jobSnapshot.ts';
import type { MarketDeps } from '../deps/marketDeps.ts';
import { marketPolicies } from '../deps/marketPolicies.ts';
import { chainJobIdOf } from '../jobs/chainJobId.ts';
import { proverSnapshots } from '../provers/proverSnapshots.ts';
import { type BidRecord, recordBid } from './recordBid.ts';

/** A bid as the services hand it out, ready for JSON (wei as decimal strings). */
export interface BidView {
  id: string;
  auctionId: string;
  jobId: string;
  proverId: string;
  /** Lowercase 0x address of the bidder. */
  proverAddress: string;
  priceWei: string;
  etaMs: number;
  /** Collateral locked if this bid wins: core `requiredCollateral` of the job's max fee. */
  collateralWei: string;
  /** Unix seconds, as signed. */
  expiresAt: number;
  createdAt: string;
  /** The bid's score under core's scoring rule when it arrived (weighted millionths; 100 points = 1e8). */
  score: number;
}

/** A prover's signed bid, as it arrives (`POST /v1/auctions/:id/bids`). */
export interface PlaceBidInput {
  auctionId: string;
  /** The bidder (the signed-in prover). */
  proverAddress: string;
  price: bigint;
  /** Promised proving time after the award, ms. */
  etaMs: number;
  /** When the signed bid stops being valid, unix seconds. */
  expiresAt: number;
  /** EIP-712 signature over `Bid(bytes32 jobId,uint256 price,uint64 etaMs,uint64 expiresAt,address prover)`. */
  signature: Hex;
}

const MAX_ETA_MS = 2 ** 31 - 1;
const MAX_UINT64 = 2n ** 64n - 1n;

/**
 * Records a prover's sealed bid in an open auction round. Checks, in order:
 * the fields are well-formed (400); the round exists (404); the EIP-712 `Bid`
 * (Tender domain, jobId = the job's on-chain id, prover = `proverAddress`) is
 * signed by `proverAddress` (401 `TENDER_SIGNATURE_INVALID`); the prover is
 * registered (404); the round is open and before `closesAt` (409
 * `TENDER_AUCTION_CLOSED`); the prover was invited (403
 * `TENDER_PROVER_NOT_ELIGIBLE`); core `assertBidAcceptable` — still eligible,
 * price ≤ max fee and ≥ its floor, `now + eta` ≤ the job deadline, not
 * expired (422 `TENDER_BID_REJECTED` with the reason). A prover's new bid
 * replaces its earlier one in the same round.
 *
 * @example
 * const bid = await placeBid(deps, { auctionId, proverAddress, price: 10n ** 15n, etaMs: 4_000,
 *   expiresAt: Math.floor(Date.now() / 1000) + 60, signature });
 */
export async function placeBid(deps: MarketDeps, input: PlaceBidInput): Promise<BidView> {
  checkFields(input);
  const now = deps.now();
  const auction = await deps.prisma.auction.findUnique({
    where: { id: input.auctionId },
    include: { job: { include: { circuit: true } } },
  });
  if (auction === null) {
    throw new TenderError('TENDER_AUCTION_NOT_FOUND', 'auction not found', {
      details: { auctionId: input.auctionId },
    });
  }
  const job = auction.job;
  const prover = getAddress(input.proverAddress);
  const signer = await recoverTypedDataSigner(
    {
      domain: tenderDomain(deps.deployment.chainId, deps.deployment.addresses.market),
      types: bidTypes,
      primaryType: 'Bid',
      message: {
        jobId: chainJobIdOf(job),
        price: input.price,
        etaMs: BigInt(input.etaMs),
        expiresAt: BigInt(input.expiresAt),
        prover,
      },
    },
    input.signature,
  );
  if (signer === null || signer !== prover) {
    throw new TenderError('TENDER_SIGNATURE_INVALID', 'the bid is not signed by the prover', {
      details: { auctionId: input.auctionId, prover: prover.toLowerCase() },
    });
  }
  const [bidder] = await proverSnapshots(deps.prisma, { ids: await proverIdsOf(deps, prover) });
  if (bidder === undefined) {
    throw new TenderError('TENDER_PROVER_NOT_FOUND', 'prover is not registered', {
      details: { address: prover.toLowerCase() },
    });
  }
  if (auction.status !== 'open' || now >= auction.closesAt.getTime() || job.status !== 'auctioning') {
    throw new TenderError('TENDER_AUCTION_CLOSED', 'auction is closed', {
      details: { auctionId: auction.id, status: auction.status, closesAt: auction.closesAt.toISOString() },
    });
  }
  if (!auction.invitedProverIds.includes(bidder.row.id)) {
    throw new TenderError('TENDER_PROVER_NOT_ELIGIBLE', 'prover was not invited to this auction', {
      details: { auctionId: auction.id, prover: bidder.row.address },
    });
  }
  const policies = marketPolicies(deps);
  const snapshot = await jobSnapshotOf(deps.prisma, job);
  const collateralWei = requiredCollateral(snapshot.maxFeeWei, policies.collateral);
  const scored = assertBidAcceptable(
    {
      id: `${auction.id}/${bidder.row.id}`,
      jobId: job.id,
      prover: bidder.row.address,
      priceWei: input.price,
      etaMs: input.etaMs,
      collateralWei,
      submittedAt: now,
      expiresAt: input.expiresAt * 1000,
    },
    { job: snapshot, now, provers: proversByAddress([bidder.snapshot]), policy: policies.auction },
  );
  const record = await recordBid(deps.prisma, {
    auctionId: auction.id,
    proverId: bidder.row.id,
    priceWei: input.price,
    etaMs: input.etaMs,
    collateralWei,
    expiresAt: new Date(input.expiresAt * 1000),
    signature: input.signature,
    now: new Date(now),
  });
  return toBidView(record, job.id, bidder.row.address, scored.score);
}

/** Maps a stored bid to a {@link BidView}. */
export function toBidView(record: BidRecord, jobId: string, proverAddress: string, score: number): BidView {
  return {
    id: record.id,
    auctionId: record.auctionId,
    jobId,
    proverId: record.proverId,
    proverAddress,
    priceWei: record.priceWei.toString(),
    etaMs: record.etaMs,
    collateralWei: record.collateralWei.toString(),
    expiresAt: Math.floor(record.expiresAt.getTime() / 1000),
    createdAt: record.createdAt.toISOString(),
    score,
  };
}

async function proverIdsOf(deps: MarketDeps, address: Address): Promise<string[]> {
  const row = await deps.prisma.prover.findUnique({
    where: { address: address.toLowerCase() },
    select: { id: true },
  });
  return row === null ? [] : [row.id];
}

function checkFields(input: PlaceBidInput): void {
  const invalid = (field: string, message: string): never => {
    throw new TenderError('TENDER_VALIDATION_FAILED', `${field}: ${message}`, { details: { field } });
  };
  if (typeof input.proverAddress !== 'string' || !isAddress(input.proverAddress, { strict: false })) {
    invalid('proverAddress', 'not an Ethereum address');
  }
  if (typeof input.price !== 'bigint' || input.price < 0n || input.price >= 2n ** 256n) {
    invalid('price', 'must be a wei amount (uint256)');
  }
  if (!Number.isSafeInteger(input.etaMs) || input.etaMs < 1 || input.etaMs > MAX_ETA_MS) {
    invalid('etaMs', `must be a whole number of ms in 1..${MAX_ETA_MS}`);
  }
  if (!Number.isSafeInteger(input.expiresAt) || input.expiresAt < 0 || BigInt(input.expiresAt) > MAX_UINT64) {
    invalid('expiresAt', 'must be unix seconds');
  }
  if (typeof input.signature !== 'string' || !/^0x[0-9a-fA-F]+$/.test(input.signature)) {
    invalid('signature', 'must be 0x hex');
  }
}
