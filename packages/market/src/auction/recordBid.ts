import { TenderError } from '@tender/core';
import { type Bid, type TenderPrisma, weiFromDecimal, weiToDecimal } from '@tender/db';

/** A signed bid, already checked by the auction rules of @tender/core. */
export interface NewBid {
  readonly auctionId: string;
  readonly proverId: string;
  readonly priceWei: bigint;
  /** Promised proving time, milliseconds. */
  readonly etaMs: number;
  readonly collateralWei: bigint;
  readonly expiresAt: Date;
  /** EIP-712 signature of the prover. */
  readonly signature: string;
  /** Clock (default: now). */
  readonly now?: Date;
}

/** A bid as repositories hand it out: money as bigint wei. */
export interface BidRecord {
  readonly id: string;
  readonly auctionId: string;
  readonly proverId: string;
  readonly priceWei: bigint;
  readonly etaMs: number;
  readonly collateralWei: bigint;
  readonly expiresAt: Date;
  readonly signature: string;
  readonly createdAt: Date;
}

/**
 * Records a prover's bid in an open auction. One bid per prover per
 * auction: bidding again while the auction is open replaces the earlier bid.
 * The auction row is share-locked while the bid is written, so a bid either
 * lands before the auction closes (and the closer sees it) or is refused.
 *
 * Throws `TENDER_AUCTION_NOT_FOUND`, or `TENDER_AUCTION_CLOSED` when the
 * auction is no longer open or its window has passed.
 *
 * @example
 * const bid = await recordBid(prisma, { auctionId, proverId, priceWei, etaMs: 4000,
 *   collateralWei, expiresAt, signature });
 */
export async function recordBid(prisma: TenderPrisma, bid: NewBid): Promise<BidRecord> {
  const now = bid.now ?? new Date();
  const values = {
    priceWei: weiToDecimal(bid.priceWei),
    etaMs: bid.etaMs,
    collateralWei: weiToDecimal(bid.collateralWei),
    expiresAt: bid.expiresAt,
    signature: bid.signature,
  };
  return prisma.$transaction(async (tx) => {
    const [auction] = await tx.$queryRaw<{ status: string; closes_at: Date }[]>`
      SELECT status::text AS status, closes_at FROM auctions WHERE id = ${bid.auctionId}::uuid FOR SHARE`;
    if (auction === undefined) {
      throw new TenderError('TENDER_AUCTION_NOT_FOUND', 'auction not found', {
        details: { auctionId: bid.auctionId },
      });
    }
    if (auction.status !== 'open' || auction.closes_at.getTime() <= now.getTime()) {
      throw new TenderError('TENDER_AUCTION_CLOSED', 'auction is closed', {
        details: {
          auctionId: bid.auctionId,
          status: auction.status,
          closesAt: auction.closes_at.toISOString(),
        },
      });
    }
    const row = await tx.bid.upsert({
      where: { auctionId_proverId: { auctionId: bid.auctionId, proverId: bid.proverId } },
      create: { auctionId: bid.auctionId, proverId: bid.proverId, ...values, createdAt: now },
      update: { ...values, createdAt: now },
    });
    return toBidRecord(row);
  });
}

/** Maps a Prisma `Bid` row to a {@link BidRecord}. */
export function toBidRecord(row: Bid): BidRecord {
  return {
    id: row.id,
    auctionId: row.auctionId,
    proverId: row.proverId,
    priceWei: weiFromDecimal(row.priceWei),
    etaMs: row.etaMs,
    collateralWei: weiFromDecimal(row.collateralWei),
    expiresAt: row.expiresAt,
    signature: row.signature,
    createdAt: row.createdAt,
  };
}
