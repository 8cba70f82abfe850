import { TenderError } from '@tender/core';
import type { MarketDeps } from '../deps/marketDeps.ts';

/**
 * Reserves the requester's next JobRequest nonce: one atomic increment of
 * `Requester.nextNonce`, so concurrent callers always get distinct, sequential
 * nonces (sequential nonces keep the market contract's nonce bitmaps cheap).
 * A reserved nonce that is never used just leaves a gap.
 *
 * @example
 * const nonce = await reserveNonce(deps, requesterId); // 0n, then 1n, …
 */
export async function reserveNonce(deps: Pick<MarketDeps, 'prisma'>, requesterId: string): Promise<bigint> {
  const [row] = await deps.prisma.requester.updateManyAndReturn({
    where: { id: requesterId },
    data: { nextNonce: { increment: 1 } },
    select: { nextNonce: true },
  });
  if (row === undefined) {
    throw new TenderError('TENDER_NOT_FOUND', 'requester not found', { details: { requesterId } });
  }
  return row.nextNonce - 1n;
}
