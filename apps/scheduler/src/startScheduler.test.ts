import type { DevAccount } from '@tender/chain';
import { closeAuction, openAuction, type ProverEvent, placeBid, submitProof } from '@tender/market';
import {
  createMarketHarness,
  insertJob,
  insertTinyCircuit,
  listen,
  type MarketHarness,
  proverKeys,
  registerDevProver,
  signBid,
  signSubmission,
} from '@tender/market/testing';
import { channels, createRedisConnection } from '@tender/queue';
import { Prover, terminateCurves } from '@tender/zk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Scheduler, startScheduler } from './startScheduler.ts';

let h: MarketHarness;
let tiny: Awaited<ReturnType<typeof insertTinyCircuit>>;
const [aliceKey, bobKey] = proverKeys as [DevAccount, DevAccount];
const running: Scheduler[] = [];
const bots: { close(): Promise<void> }[] = [];

beforeAll(async () => {
  h = await createMarketHarness({ config: { auctionWindowMs: 1_000 } });
  tiny = await insertTinyCircuit(h.deps.prisma);
});
afterAll(async () => {
  await Promise.all(bots.map((b) => b.close()));
  await Promise.all(running.map((s) => s.close()));
  await terminateCurves();
  await h?.close();
});

async function scheduler(): Promise<Scheduler> {
  const started = await startScheduler({
    market: h.deps,
    connection: () => createRedisConnection('redis://127.0.0.1:6379'),
    prefix: h.redisPrefix,
    reconcileIntervalMs: 500,
  });
  running.push(started);
  return started;
}

/** A prover that bids on every invitation it gets (`etaMs` can change), keeping its heartbeat fresh. */
async function bidder(key: DevAccount, etaMs: number) {
  const declared = { maxConcurrency: 16 };
  const prover = await registerDevProver(h, key, declared);
  const inbox = await listen<ProverEvent>(h, channels.prover(h.redisPrefix, prover.id));
  const seen = new Set<string>();
  let busy = false;
  const bidLoop = setInterval(async () => {
    if (busy) return;
    busy = true;
    const fresh = inbox.received.filter(
      (e): e is Extract<ProverEvent, { type: 'invitation' }> =>
        e.type === 'invitation' && !seen.has(e.auctionId),
    );
    await Promise.all(
      fresh.map(async (event) => {
        seen.add(event.auctionId);
        const bid = {
          price: BigInt(event.maxFee) / 2n,
          etaMs: bot.etaMs,
          expiresAt: Math.floor(Date.now() / 1000) + 600,
        };
        await placeBid(h.deps, {
          auctionId: event.auctionId,
          proverAddress: key.address,
          ...bid,
          signature: await signBid(h, key, { chainJobId: event.chainJobId, ...bid }),
        }).catch(() => {});
      }),
    );
    busy = false;
  }, 25);
  const heartbeat = setInterval(() => void registerDevProver(h, key, declared).catch(() => {}), 2_000);
  const bot = {
    prover,
    inbox,
    etaMs,
    closed: false,
    async close() {
      if (bot.closed) return;
      bot.closed = true;
      clearInterval(bidLoop);
      clearInterval(heartbeat);
      await inbox.close();
    },
  };
  bots.push(bot);
  return bot;
}

async function until<T>(
  what: string,
  probe: () => Promise<T | undefined | false>,
  timeoutMs = 20_000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const jobRow = (id: string) =>
  h.deps.prisma.job.findUniqueOrThrow({
    where: { id },
    include: { assignments: { orderBy: { round: 'asc' } } },
  });

describe('startScheduler', () => {
  it('runs auctions and deadlines on real BullMQ: award, proof, and a silent winner re-auctioned', async () => {
    const alice = await bidder(aliceKey, 30_000);
    const bob = await bidder(bobKey, 60_000);
    const sched = await scheduler();

    const { input, expected } = await tiny.inputFor(1);
    const job = await insertJob(h.deps.prisma, tiny.row, {
      deadline: new Date(Date.now() + 120_000),
      input,
      expectedPublicSignals: expected,
    });
    await h.queues.openAuction(job.id, 1);
    const award = await until('the award', async () =>
      alice.inbox.received.find((e) => e.type === 'award' && e.jobId === job.id),
    );
    const prover = new Prover({ threads: 1 });
    try {
      const { proof, publicSignals } = await prover.prove(
        { wasmPath: tiny.built.wasmPath, zkeyPath: tiny.built.zkeyPath },
        (award as { input: unknown }).input as never,
      );
      const signature = await signSubmission(h, aliceKey, {
        chainJobId: job.chainJobId!,
        circuitId: job.circuitId,
        proof,
        publicSignals,
      });
      await submitProof(h.deps, {
        jobId: job.id,
        proverAddress: aliceKey.address,
        proof,
        publicSignals,
        signature,
      });
    } finally {
      await prover.close();
    }
    expect(await jobRow(job.id)).toMatchObject({ status: 'proven', assignments: [{ status: 'accepted' }] });

    // Alice now promises 500 ms (deadline 750 ms), wins, and goes silent.
    alice.etaMs = 500;
    const silent = await insertJob(h.deps.prisma, tiny.row, { deadline: new Date(Date.now() + 120_000) });
    await h.queues.openAuction(silent.id, 1);
    const reassigned = await until('the re-auction to bob', async () => {
      const row = await jobRow(silent.id);
      return row.assignments.length === 2 && row.status === 'assigned' ? row : undefined;
    });
    expect(reassigned.assignments.map((a) => [a.proverId, a.status, a.round])).toEqual([
      [alice.prover.id, 'failed_deadline', 1],
      [bob.prover.id, 'awarded', 2],
    ]);
    const round2 = await h.deps.prisma.auction.findFirstOrThrow({ where: { jobId: silent.id, round: 2 } });
    expect(round2.invitedProverIds).toEqual([bob.prover.id]);
    await sched.close();
    running.splice(running.indexOf(sched), 1);
    await alice.close();
  });

  it('rebuilds its queues from Postgres after a Redis flush and does no job twice', async () => {
    // Work left in Postgres by a scheduler that is gone, with its queue jobs lost.
    const deadline = new Date(Date.now() + 120_000);
    const waiting = await Promise.all(
      [0, 1, 2, 3].map(() => insertJob(h.deps.prisma, tiny.row, { deadline })),
    );
    // A round in flight (bob bids; nobody closes it), and an award to alice that she will never prove.
    const alice = await registerDevProver(h, aliceKey, { maxConcurrency: 16 });
    const inFlight = await insertJob(h.deps.prisma, tiny.row, { deadline });
    await openAuction(h.deps, inFlight.id, 1);
    const late = await insertJob(h.deps.prisma, tiny.row, { deadline });
    const lateRound = await openAuction(h.deps, late.id, 1);
    const bid = { price: 10n ** 15n, etaMs: 500, expiresAt: Math.floor(Date.now() / 1000) + 600 };
    await placeBid(h.deps, {
      auctionId: lateRound.auctionId!,
      proverAddress: aliceKey.address,
      ...bid,
      signature: await signBid(h, aliceKey, { chainJobId: late.chainJobId!, ...bid }),
    });
    await until(
      'bob to bid in both rounds',
      async () =>
        (await h.deps.prisma.bid.count({ where: { auction: { jobId: { in: [inFlight.id, late.id] } } } })) ===
        3,
    );
    await new Promise((resolve) => setTimeout(resolve, lateRound.closesAt! - Date.now() + 10));
    expect(await closeAuction(h.deps, lateRound.auctionId!)).toMatchObject({
      status: 'awarded',
      proverId: alice.id,
    });

    const keys = await h.redis.keys(`${h.redisPrefix}:*`);
    if (keys.length > 0) await h.redis.del(...keys);
    expect(await h.queues.queues.auctions.count()).toBe(0);

    // Two schedulers at once (like two replicas) over the flushed prefix; bob (still bidding) takes every job.
    await Promise.all([scheduler(), scheduler()]);
    await until('every job to be assigned', async () => {
      const jobs = await h.deps.prisma.job.findMany({ where: { id: { in: waiting.map((j) => j.id) } } });
      return jobs.every((j) => j.status === 'assigned');
    });
    const settled = await until('the in-flight round and the late award to be decided again', async () => {
      const [a, b] = await Promise.all([jobRow(inFlight.id), jobRow(late.id)]);
      return a.status === 'assigned' && b.status === 'assigned' && b.assignments.length === 2
        ? ([a, b] as const)
        : undefined;
    });
    const bobId = settled[0].assignments[0]!.proverId;
    expect(settled[0].assignments.map((a) => [a.status, a.round])).toEqual([['awarded', 1]]);
    expect(settled[1].assignments.map((a) => [a.proverId, a.status, a.round])).toEqual([
      [alice.id, 'failed_deadline', 1],
      [bobId, 'awarded', 2],
    ]);
    for (const s of running) await s.reconcile();
    await new Promise((resolve) => setTimeout(resolve, 1_000));

    for (const job of waiting) {
      const row = await h.deps.prisma.job.findUniqueOrThrow({
        where: { id: job.id },
        include: { auctions: true, assignments: true, events: true },
      });
      expect(row.status).toBe('assigned');
      // Rounds 1..n, each opened once; all but the last closed empty (a slow bid is a legal outcome).
      const rounds = row.auctions.sort((a, b) => a.round - b.round);
      expect(rounds.map((a) => a.round)).toEqual(rounds.map((_, i) => i + 1));
      expect(rounds.map((a) => a.status)).toEqual([...rounds.slice(1).map(() => 'no_bids'), 'awarded']);
      expect(row.assignments).toHaveLength(1);
      const moves = row.events.map((e) => `${e.fromStatus}->${e.toStatus}`);
      expect(moves.filter((m) => m === 'submitted->auctioning')).toHaveLength(1);
      expect(moves.filter((m) => m === 'auctioning->assigned')).toHaveLength(1);
      expect(moves.filter((m) => m === 'auctioning->auctioning')).toHaveLength(2 * (rounds.length - 1));
    }
  });
});
