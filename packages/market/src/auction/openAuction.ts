import {
  attemptsExhausted,
  auctionClosesAt,
  isJobExpired,
  rankInvitees,
  TenderError,
  transitionAuction,
} from '@tender/core';
import type { Circuit, Job } from '@tender/db';
import { jobSnapshotOf } from '../auction/jobSnapshot.ts';
import type { MarketDeps } from '../deps/marketDeps.ts';
import { marketPolicies } from '../deps/marketPolicies.ts';
import { announceJob, moveJob, quietly } from '../jobs/moveJob.ts';
import { proverSnapshots } from '../provers/proverSnapshots.ts';
import { invitationEvent } from './proverEvents.ts';

/** What {@link openAuction} did. */
export interface OpenAuctionResult {
  /**
   * `opened`: a new round is open. `exists`: the round was opened before (its
   * close is re-queued if still open). `stale`: the job is not waiting for this
   * round (already assigned, proven, cancelled, or another round). `expired`:
   * the job's deadline passed or it ran out of rounds, so it is now `expired`.
   */
  status: 'opened' | 'exists' | 'stale' | 'expired';
  auctionId?: string;
  /** Provers invited to the new round. */
  invited?: number;
  closesAt?: number;
}

class StaleRound extends Error {}

/**
 * Opens round `round` of a job's sealed-bid auction. Idempotent: a round is
 * one Auction row (unique job + round), so a repeated or late call changes
 * nothing. Round 1 needs the job `submitted` (it becomes `auctioning`); a
 * later round needs the job `auctioning` at that round (after an empty round or
 * a failed assignment).
 *
 * A job past its deadline, or whose `config.maxRounds` awards all failed (core
 * `attemptsExhausted`; empty rounds don't count), becomes `expired`.
 * Otherwise the invitees are the provers core `rankInvitees` finds eligible
 * (fresh heartbeat, stake ≥ minimum, free capacity and collateral, fits the
 * circuit, never failed this job), cache-holders first; the round stores them,
 * each gets an `invitation` event, and the round's close is queued at
 * `min(now + auctionWindowMs, job deadline)`.
 *
 * No eligible prover: the round still opens, empty, for the usual window; its
 * close finds no bid and schedules the next round with core's backoff
 * (1 s, 2 s, 4 s … 60 s) until the job's deadline — provers that come online
 * meanwhile are invited to the next round. (Every round lasting a full window
 * is what makes core's re-auction schedule end.)
 *
 * @throws TenderError `TENDER_JOB_NOT_FOUND`, `TENDER_VALIDATION_FAILED` (bad round, job without on-chain id).
 */
export async function openAuction(
  deps: MarketDeps,
  jobId: string,
  round: number,
): Promise<OpenAuctionResult> {
  if (!Number.isSafeInteger(round) || round < 1) {
    throw new TenderError('TENDER_VALIDATION_FAILED', 'round must be a whole number ≥ 1', {
      details: { round },
    });
  }
  const now = deps.now();
  const job = await deps.prisma.job.findUnique({ where: { id: jobId }, include: { circuit: true } });
  if (job === null) throw new TenderError('TENDER_JOB_NOT_FOUND', 'job not found', { details: { jobId } });

  const existing = await deps.prisma.auction.findUnique({ where: { jobId_round: { jobId, round } } });
  if (existing !== null) {
    if (existing.status === 'open') await deps.queues.closeAuction(existing.id, existing.closesAt.getTime());
    return { status: 'exists', auctionId: existing.id, closesAt: existing.closesAt.getTime() };
  }
  const waiting =
    round === 1 ? job.status === 'submitted' : job.status === 'auctioning' && job.round === round;
  if (!waiting) return { status: 'stale' };

  const policies = marketPolicies(deps);
  const exhausted =
    round > 1 &&
    attemptsExhausted(await deps.prisma.assignment.count({ where: { jobId } }), deps.config.maxRounds);
  if (isJobExpired(job.deadline.getTime(), now) || exhausted) {
    // The reason keeps its published name; it now means "maxRounds failed awards".
    const reason = exhausted ? 'max_rounds_reached' : 'deadline_passed';
    return (await expireJob(deps, job, now, reason)) ? { status: 'expired' } : { status: 'stale' };
  }

  const snapshot = await jobSnapshotOf(deps.prisma, job);
  const pool = await proverSnapshots(deps.prisma, {
    aliveSince: new Date(now - policies.eligibility.heartbeatTtlMs),
  });
  const ranked = rankInvitees(
    pool.map((p) => p.snapshot),
    snapshot,
    now,
    { policy: policies.eligibility },
  );
  const idByAddress = new Map(pool.map((p) => [p.row.address, p.row.id]));
  const invitedProverIds = ranked.map((p) => idByAddress.get(p.address.toLowerCase()) as string);
  const closesAt = auctionClosesAt(now, job.deadline.getTime(), policies.deadlines);
  const at = new Date(now);

  let opened: { auctionId: string; job: Job };
  try {
    opened = await deps.prisma.$transaction(
      async (tx) => {
        const [auction] = await tx.auction.createManyAndReturn({
          data: [{ jobId, round, opensAt: at, closesAt: new Date(closesAt), invitedProverIds }],
          skipDuplicates: true,
        });
        if (auction === undefined) throw new StaleRound();
        const data = { auctionId: auction.id, invited: invitedProverIds.length };
        if (round === 1) {
          const moved = await moveJob(tx, {
            jobId,
            from: 'submitted',
            event: 'auction_opened',
            now: at,
            data,
          });
          if (moved === null) throw new StaleRound();
          return { auctionId: auction.id, job: moved };
        }
        const [still] = await tx.job.updateManyAndReturn({
          where: { id: jobId, status: 'auctioning', round },
          data: { updatedAt: at },
        });
        if (still === undefined) throw new StaleRound();
        await tx.jobEvent.create({
          data: {
            jobId,
            fromStatus: 'auctioning',
            toStatus: 'auctioning',
            round,
            reason: 'round_opened',
            data,
            createdAt: at,
          },
        });
        return { auctionId: auction.id, job: still };
      },
      { timeout: 20_000, maxWait: 10_000 },
    );
  } catch (error) {
    if (error instanceof StaleRound) return { status: 'exists' };
    throw error;
  }

  await deps.queues.closeAuction(opened.auctionId, closesAt);
  const invitation = invitationEvent(
    deps,
    { id: opened.auctionId, round, closesAt: new Date(closesAt) },
    { ...opened.job, circuit: job.circuit },
  );
  await Promise.all([
    ...invitedProverIds.map((proverId) => quietly(() => deps.events.toProver(proverId, invitation))),
    announceJob(deps, opened.job, now, `round ${round} opened, ${invitedProverIds.length} invited`),
    quietly(() =>
      deps.events.operator({
        type: 'auction',
        at: now,
        id: opened.auctionId,
        status: 'open',
        detail: { jobId, round, invited: invitedProverIds.length, closesAt },
      }),
    ),
  ]);
  return { status: 'opened', auctionId: opened.auctionId, invited: invitedProverIds.length, closesAt };
}

/**
 * Moves a job that is waiting for an auction round (`submitted` or
 * `auctioning`) to `expired`, cancelling its open round if any. Returns false
 * when the job had moved on meanwhile.
 */
export async function expireJob(
  deps: MarketDeps,
  job: Job & { circuit?: Circuit },
  now: number,
  reason: string,
): Promise<boolean> {
  if (job.status !== 'submitted' && job.status !== 'auctioning') return false;
  const at = new Date(now);
  const expired = await deps.prisma.$transaction(async (tx) => {
    await tx.auction.updateMany({
      where: { jobId: job.id, status: 'open' },
      data: { status: transitionAuction('open', 'job_expired'), closedAt: at },
    });
    return moveJob(tx, { jobId: job.id, from: job.status, event: 'job_expired', now: at, reason });
  });
  if (expired === null) return false;
  await announceJob(deps, expired, now, reason);
  return true;
}
