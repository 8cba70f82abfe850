import {
  activeAssignmentStatuses,
  type Bid as CoreBid,
  assignmentDeadline as computeAssignmentDeadline,
  isJobExpired,
  isTenderError,
  nextAuctionRound,
  pickWinner,
  proversByAddress,
  TenderError,
  transitionAuction,
} from '@tender/core';
import { type Assignment, type Job, weiFromDecimal, weiToDecimal } from '@tender/db';
import { jobSnapshotOf } from '../auction/jobSnapshot.ts';
import type { MarketDeps } from '../deps/marketDeps.ts';
import { marketPolicies } from '../deps/marketPolicies.ts';
import { announceJob, moveJob, quietly } from '../jobs/moveJob.ts';
import { proverSnapshots } from '../provers/proverSnapshots.ts';
import { lockCollateral } from './lockCollateral.ts';
import { awardEvent } from './proverEvents.ts';

/** What {@link closeAuction} did. */
export interface CloseAuctionResult {
  /**
   * `awarded`: a winner holds an assignment. `no_bids`: no acceptable bid; the
   * next round is queued (`nextRound`) or, past the last useful moment, the job
   * expired (`expired: true`). `expired`: the job's deadline passed while the
   * round was open. `closed`: the round was already decided (or its job moved
   * on) — nothing to do. `not_due`: called before `closesAt`; call again then.
   */
  status: 'awarded' | 'no_bids' | 'expired' | 'closed' | 'not_due';
  assignmentId?: string;
  proverId?: string;
  nextRound?: number;
  /** When the next round opens (ms), for `no_bids` with a next round. */
  nextOpensAt?: number;
  /** For `not_due`: when the round closes (ms). */
  closesAt?: number;
}

interface Decision {
  result: CloseAuctionResult;
  job: Job | null;
  assignment?: Assignment;
  invited: string[];
  rejected: Record<string, string>;
}

/**
 * Decides an auction round at its closing time. In one transaction (the round
 * row locked, so no bid lands meanwhile): core `pickWinner` scores the bids;
 * the best bid whose prover still has a free slot and enough free collateral
 * wins — its collateral (core `requiredCollateral` of the max fee) is locked
 * (`lockCollateral`), an Assignment `awarded` is created with core's
 * deadline (`min(job deadline, now + 1.5 × eta)`), the round becomes `awarded`
 * and the job `assigned`. Then the winner gets an `award` (with the job's
 * input), the other invitees a `cancellation`, and the deadline check is queued.
 *
 * No acceptable bid: the round becomes `no_bids` and core `nextAuctionRound`
 * queues round + 1 with backoff, or expires the job when no useful round is
 * left (empty rounds never use up `config.maxRounds`). Idempotent: a decided
 * round is left alone.
 *
 * @throws TenderError `TENDER_AUCTION_NOT_FOUND`.
 */
export async function closeAuction(deps: MarketDeps, auctionId: string): Promise<CloseAuctionResult> {
  const now = deps.now();
  const at = new Date(now);
  const auction = await deps.prisma.auction.findUnique({ where: { id: auctionId } });
  if (auction === null) {
    throw new TenderError('TENDER_AUCTION_NOT_FOUND', 'auction not found', { details: { auctionId } });
  }
  if (auction.status !== 'open') return { status: 'closed' };
  if (now < auction.closesAt.getTime()) return { status: 'not_due', closesAt: auction.closesAt.getTime() };
  const policies = marketPolicies(deps);

  const decision = await deps.prisma.$transaction(
    async (tx): Promise<Decision> => {
      const [locked] = await tx.$queryRaw<{ status: string }[]>`
        SELECT status::text AS status FROM auctions WHERE id = ${auctionId}::uuid FOR UPDATE`;
      const invited = auction.invitedProverIds;
      const none: Decision = { result: { status: 'closed' }, job: null, invited, rejected: {} };
      if (locked?.status !== 'open') return none;
      const job = await tx.job.findUniqueOrThrow({
        where: { id: auction.jobId },
        include: { circuit: true },
      });
      const closeRound = (event: 'bid_awarded' | 'no_bids_received' | 'job_cancelled' | 'job_expired') =>
        tx.auction.update({
          where: { id: auctionId },
          data: { status: transitionAuction('open', event), closedAt: at },
        });

      if (job.status !== 'auctioning' || job.round !== auction.round) {
        await closeRound('job_cancelled');
        return none;
      }
      const jobDeadlineAt = job.deadline.getTime();
      if (isJobExpired(jobDeadlineAt, now)) {
        await closeRound('job_expired');
        const expired = await moveJob(tx, {
          jobId: job.id,
          from: 'auctioning',
          event: 'job_expired',
          now: at,
          reason: 'deadline_passed',
        });
        return { result: { status: 'expired' }, job: expired, invited, rejected: {} };
      }

      const bids = await tx.bid.findMany({ where: { auctionId } });
      const bidders = await proverSnapshots(tx, { ids: bids.map((b) => b.proverId) });
      const proverIdByAddress = new Map(bidders.map((b) => [b.row.address, b.row.id]));
      const addressById = new Map(bidders.map((b) => [b.row.id, b.row.address]));
      const coreBids: CoreBid[] = bids.map((b) => ({
        id: b.id,
        jobId: job.id,
        prover: addressById.get(b.proverId) ?? '',
        priceWei: weiFromDecimal(b.priceWei),
        etaMs: b.etaMs,
        collateralWei: weiFromDecimal(b.collateralWei),
        submittedAt: b.createdAt.getTime(),
        expiresAt: b.expiresAt.getTime(),
      }));
      const decided = pickWinner(coreBids, {
        job: await jobSnapshotOf(tx, job),
        now,
        provers: proversByAddress(bidders.map((b) => b.snapshot)),
        policy: policies.auction,
      });
      const rejected = Object.fromEntries(
        decided.rejected.map((r) => [r.bid.prover, r.ineligibility ?? r.reason]),
      );

      for (const candidate of decided.ranked) {
        const proverId = proverIdByAddress.get(candidate.bid.prover.toLowerCase()) as string;
        // Lock the prover so two rounds closing at once cannot both take its last slot.
        const [prover] = await tx.$queryRaw<{ max_concurrency: number }[]>`
          SELECT max_concurrency FROM provers WHERE id = ${proverId}::uuid FOR UPDATE`;
        const active = await tx.assignment.count({
          where: { proverId, status: { in: [...activeAssignmentStatuses] } },
        });
        if (prover === undefined || active >= prover.max_concurrency) {
          rejected[candidate.bid.prover] = 'no_free_capacity';
          continue;
        }
        try {
          await lockCollateral(tx, proverId, candidate.bid.collateralWei);
        } catch (error) {
          if (!isTenderError(error, 'TENDER_INSUFFICIENT_COLLATERAL')) throw error;
          rejected[candidate.bid.prover] = 'insufficient_free_collateral';
          continue;
        }
        const deadline = computeAssignmentDeadline(
          { now, etaMs: candidate.bid.etaMs, jobDeadlineAt },
          policies.deadlines,
        );
        const assignment = await tx.assignment.create({
          data: {
            jobId: job.id,
            auctionId,
            bidId: candidate.bid.id,
            proverId,
            round: auction.round,
            priceWei: weiToDecimal(candidate.bid.priceWei),
            collateralLockedWei: weiToDecimal(candidate.bid.collateralWei),
            deadline: new Date(deadline),
            createdAt: at,
          },
        });
        await closeRound('bid_awarded');
        const assigned = await moveJob(tx, {
          jobId: job.id,
          from: 'auctioning',
          event: 'bid_awarded',
          now: at,
          data: {
            assignmentId: assignment.id,
            proverId,
            priceWei: candidate.bid.priceWei.toString(),
            score: candidate.score,
          },
        });
        return {
          result: { status: 'awarded', assignmentId: assignment.id, proverId },
          job: assigned,
          assignment,
          invited,
          rejected,
        };
      }

      await closeRound('no_bids_received');
      const next = nextAuctionRound({ now, round: auction.round, jobDeadlineAt }, policies.deadlines);
      // An empty round never uses up an attempt (core `attemptsExhausted`): the deadline ends them.
      if (next.action === 'expire') {
        const reason = 'no_bids_before_deadline';
        const expired = await moveJob(tx, {
          jobId: job.id,
          from: 'auctioning',
          event: 'job_expired',
          now: at,
          reason,
          data: { auctionId, bids: bids.length },
        });
        return { result: { status: 'no_bids' }, job: expired, invited, rejected };
      }
      const waiting = await moveJob(tx, {
        jobId: job.id,
        from: 'auctioning',
        event: 'no_bids_received',
        now: at,
        reason: bids.length === 0 ? 'no_bids' : 'no_acceptable_bid',
        data: { auctionId, bids: bids.length, rejected, nextOpensAt: next.opensAt },
      });
      return {
        result: { status: 'no_bids', nextRound: next.round, nextOpensAt: next.opensAt },
        job: waiting,
        invited,
        rejected,
      };
    },
    { timeout: 20_000, maxWait: 10_000 },
  );

  await announce(deps, auctionId, decision, now);
  return decision.result;
}

async function announce(deps: MarketDeps, auctionId: string, decision: Decision, now: number): Promise<void> {
  const { result, job, assignment } = decision;
  if (job === null) return;
  const winner = result.proverId;
  if (assignment !== undefined) {
    await deps.queues.assignmentDeadline(assignment.id, assignment.deadline.getTime());
    const award = awardEvent(assignment, job);
    await quietly(() => deps.events.toProver(assignment.proverId, award));
  }
  if (result.nextRound !== undefined && result.nextOpensAt !== undefined) {
    await deps.queues.openAuction(job.id, result.nextRound, Math.max(0, result.nextOpensAt - now));
  }
  const losers = decision.invited.filter((id) => id !== winner);
  const reason = winner === undefined ? 'no_winner' : 'lost';
  await Promise.all([
    ...losers.map((proverId) =>
      quietly(() =>
        deps.events.toProver(proverId, { type: 'cancellation', jobId: job.id, auctionId, reason }),
      ),
    ),
    announceJob(deps, job, now, result.status),
    quietly(() =>
      deps.events.operator({
        type: 'auction',
        at: now,
        id: auctionId,
        status:
          result.status === 'awarded' ? 'awarded' : result.status === 'no_bids' ? 'no_bids' : 'cancelled',
        detail: {
          jobId: job.id,
          ...(winner === undefined ? {} : { proverId: winner }),
          rejected: decision.rejected,
        },
      }),
    ),
  ]);
}
