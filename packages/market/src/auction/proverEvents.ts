import { activeAssignmentStatuses, requiredCollateral } from '@tender/core';
import { type Assignment, type Auction, type Circuit, type Job, weiFromDecimal } from '@tender/db';
import type { MarketDeps } from '../deps/marketDeps.ts';
import type { ProverEvent } from '../deps/marketEvents.ts';
import { marketPolicies } from '../deps/marketPolicies.ts';
import { chainJobIdOf } from '../jobs/chainJobId.ts';

type InvitationEvent = Extract<ProverEvent, { type: 'invitation' }>;
type AwardEvent = Extract<ProverEvent, { type: 'award' }>;

/**
 * The `invitation` a prover receives for an auction round: what the job pays at
 * most, the collateral it would lock if it wins (core `requiredCollateral` of
 * the max fee), the job deadline and the round's closing time (ms), and the
 * circuit's size.
 */
export function invitationEvent(
  deps: Pick<MarketDeps, 'config' | 'deployment'>,
  auction: Pick<Auction, 'id' | 'round' | 'closesAt'>,
  job: Job & { circuit: Pick<Circuit, 'constraints'> },
): InvitationEvent {
  const maxFee = weiFromDecimal(job.maxFeeWei);
  return {
    type: 'invitation',
    auctionId: auction.id,
    jobId: job.id,
    chainJobId: chainJobIdOf(job),
    circuitId: job.circuitId,
    round: auction.round,
    maxFee: maxFee.toString(),
    collateral: requiredCollateral(maxFee, marketPolicies(deps).collateral).toString(),
    jobDeadline: job.deadline.getTime(),
    closesAt: auction.closesAt.getTime(),
    constraints: job.circuit.constraints,
  };
}

/** The `award` the winner receives: the assignment, its price and deadline (ms), and the job's input to prove. */
export function awardEvent(
  assignment: Pick<Assignment, 'id' | 'auctionId' | 'priceWei' | 'deadline'>,
  job: Job,
): AwardEvent {
  return {
    type: 'award',
    assignmentId: assignment.id,
    auctionId: assignment.auctionId,
    jobId: job.id,
    chainJobId: chainJobIdOf(job),
    circuitId: job.circuitId,
    price: weiFromDecimal(assignment.priceWei).toString(),
    deadline: assignment.deadline.getTime(),
    input: job.input,
  };
}

/**
 * What a (re)connecting prover must know before live events: an `invitation`
 * for every open auction round it was invited to that still takes bids, then an
 * `award` for every assignment it still holds (awarded or proving), oldest
 * first. Invitations and awards live in Postgres, so a prover that was offline
 * for a moment loses nothing.
 */
export async function pendingProverEvents(deps: MarketDeps, proverId: string): Promise<ProverEvent[]> {
  const now = new Date(deps.now());
  const [auctions, assignments] = await Promise.all([
    deps.prisma.auction.findMany({
      where: { status: 'open', closesAt: { gt: now }, invitedProverIds: { has: proverId } },
      include: { job: { include: { circuit: true } } },
      orderBy: { opensAt: 'asc' },
    }),
    deps.prisma.assignment.findMany({
      where: {
        proverId,
        status: { in: activeAssignmentStatuses.filter((s) => s !== 'submitted') },
      },
      include: { job: true },
      orderBy: { createdAt: 'asc' },
    }),
  ]);
  return [
    ...auctions.filter((a) => a.job.status === 'auctioning').map((a) => invitationEvent(deps, a, a.job)),
    ...assignments.map((a) => awardEvent(a, a.job)),
  ];
}
