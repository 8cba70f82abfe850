import { connectChain, encodeSettlementBatch, tenderMarketAbi, tenderStakingAbi } from '@tender/chain';
import type { Hex } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSlasher } from '../slashing/runSlasher.ts';
import { createSettlementKit, type ProvenJob, type SettlementKit } from '../testing/settlementKit.ts';
import { createBatcher } from './batcher.ts';
import { claimJobsForBatch, provenBacklog } from './claimProvenJobs.ts';
import { loadSettlementCandidates, VkeyCache } from './loadSettlementCandidates.ts';
import { type BatchOutcome, settleBatchRow } from './settleBatch.ts';

let kit: SettlementKit;
let seed = 0;

beforeAll(async () => {
  kit = await createSettlementKit({ batchMaxAgeMs: 0, batchSize: 32 });
});
afterAll(() => kit?.close());

const market = () => kit.h.deployment.addresses.market;
const read = <T>(functionName: string, args: readonly unknown[], address: Hex = market()) =>
  kit.h.deps.publicClient.readContract({
    address,
    abi: [...tenderMarketAbi, ...tenderStakingAbi],
    functionName: functionName as never,
    args: args as never,
  }) as Promise<T>;

function batcher(opts: Partial<Parameters<typeof createBatcher>[1]> = {}) {
  return createBatcher(kit.h.deps, { sender: kit.sender, ...opts });
}

async function insert(n: number, opts: Partial<Parameters<SettlementKit['insertProvenJob']>[0]> = {}) {
  const jobs: ProvenJob[] = [];
  for (let i = 0; i < n; i++) {
    jobs.push(await kit.insertProvenJob({ requester: i % 2, prover: i % 2, n: seed++, ...opts }));
  }
  return jobs;
}

const confirmedOf = (outcomes: BatchOutcome[]) =>
  outcomes.flatMap((o) => (o.status === 'confirmed' ? [o.confirmed] : []));

describe('batch settlement', () => {
  it('waits while gas is above the ceiling', async () => {
    await insert(1);
    const tick = await batcher({ gasPriceCeilingWei: 1n }).tick();
    expect(tick.decision).toMatchObject({ cut: false, reason: 'gas_too_high' });
    expect(await kit.h.deps.prisma.batch.count()).toBe(0);
  });

  it('settles proven jobs of two requesters and two provers in one transaction, each provably included', async () => {
    const jobs = [
      ...(await kit.h.deps.prisma.job.findMany({ where: { status: 'proven' } })).map((j) => j.id),
      ...(await insert(3, { webhookUrl: 'http://127.0.0.1:9/hook' })).map((j) => j.jobId),
    ];
    const parties = [...kit.requesters.slice(0, 2), ...kit.provers.slice(0, 2)].map((p) => p.account.address);
    const treasury = kit.h.deployment.params.treasury;
    const before = await Promise.all([...parties, treasury].map((a) => kit.balanceOf(a)));
    const batchesBefore = await read<bigint>('batchCount', []);

    const tick = await batcher().tick();
    const [confirmed, ...more] = confirmedOf(tick.settled);
    expect(more).toEqual([]);
    expect(confirmed?.jobIds.sort()).toEqual([...jobs].sort());
    expect(await read<bigint>('batchCount', [])).toBe(batchesBefore + 1n);

    const batch = await kit.h.deps.prisma.batch.findUniqueOrThrow({
      where: { id: confirmed!.batchId },
      include: { items: { include: { job: { include: { proofs: true } } } } },
    });
    expect(batch).toMatchObject({ status: 'confirmed', size: 4, chainBatchId: confirmed!.chainBatchId });
    expect(batch.txHash).toMatch(/^0x[0-9a-f]{64}$/);
    expect(batch.gasUsed).toBeGreaterThan(0n);
    expect(batch.merkleRoot).toBe(await read<Hex>('batchRoot', [confirmed!.chainBatchId]));
    for (const item of batch.items) {
      expect(item.job.status).toBe('verified');
      expect(item.job.verifiedAt).not.toBeNull();
      const included = await read<boolean>('verifyInclusion', [
        confirmed!.chainBatchId,
        item.job.chainJobId,
        item.job.circuitId,
        item.job.proofs[0]!.publicSignalsHash,
        item.merkleProof,
      ]);
      expect(included).toBe(true);
    }
    // A proof for another leaf must not pass.
    const [a, b] = batch.items;
    expect(
      await read<boolean>('verifyInclusion', [
        confirmed!.chainBatchId,
        a!.job.chainJobId,
        a!.job.circuitId,
        a!.job.proofs[0]!.publicSignalsHash,
        b!.merkleProof,
      ]),
    ).toBe(false);

    // Money: provers earn their prices in full; each requester pays its prices plus the market fee
    // on their sum in the batch (floor(sum × 250 / 10 000)), which goes to the treasury.
    // Jobs at 1e15 wei each: (requester 0, prover 0) ×3 and (requester 1, prover 1) ×1.
    expect(kit.h.deployment.params.feeBps).toBe(250);
    const after = await Promise.all([...parties, treasury].map((a) => kit.balanceOf(a)));
    expect(after.map((v, i) => v - before[i]!)).toEqual([
      -3_075_000_000_000_000n,
      -1_025_000_000_000_000n,
      3_000_000_000_000_000n,
      1_000_000_000_000_000n,
      100_000_000_000_000n,
    ]);

    const events = await kit.h.deps.prisma.jobEvent.count({
      where: { jobId: { in: jobs }, fromStatus: 'batched', toStatus: 'verified' },
    });
    expect(events).toBe(4);
    const hooks = await kit.h.deps.prisma.webhookDelivery.findMany({ where: { jobId: { in: jobs } } });
    expect(hooks).toHaveLength(3);
    expect(hooks[0]!.payload).toMatchObject({ event: 'job.verified', status: 'verified' });
  });

  it('takes a corrupted proof out before submission, slashes its prover on-chain once and re-auctions the job', async () => {
    const good = await insert(2);
    const [bad] = await insert(1, { requester: 0, prover: 2, corrupt: true });
    const tick = await batcher().tick();
    const [confirmed] = confirmedOf(tick.settled);
    expect(confirmed?.jobIds.sort()).toEqual(good.map((j) => j.jobId).sort());

    const job = await kit.h.deps.prisma.job.findUniqueOrThrow({
      where: { id: bad!.jobId },
      include: { proofs: true, assignments: true, slashes: true },
    });
    expect(job).toMatchObject({ status: 'auctioning', round: 2 });
    expect(job.proofs[0]!.status).toBe('invalid');
    expect(job.assignments[0]!.status).toBe('failed_invalid');
    expect(job.slashes).toHaveLength(1);
    expect(job.slashes[0]!.status).toBe('pending');
    expect(await kit.h.queues.queues.auctions.getJob(`open-auction.${bad!.jobId}.2`)).toBeDefined();

    const prover = kit.provers[2]!.account.address;
    const stakeBefore = await read<bigint>('stakeOf', [prover], kit.h.deployment.addresses.staking);
    const ctx = { sender: kit.sender, vkeys: new VkeyCache(), domain: kit.domain };
    const pass = await runSlasher(kit.h.deps, ctx);
    expect(pass.confirmed).toEqual([job.slashes[0]!.id]);
    const slash = await kit.h.deps.prisma.slash.findUniqueOrThrow({ where: { id: job.slashes[0]!.id } });
    expect(slash.status).toBe('confirmed');
    const slashed = BigInt(slash.slashedWei!.toFixed());
    expect(slashed).toBeGreaterThan(0n);
    const stakeAfter = await read<bigint>('stakeOf', [prover], kit.h.deployment.addresses.staking);
    expect(stakeBefore - stakeAfter).toBe(slashed);
    expect(await read<boolean>('isSlashed', [bad!.chainJobId, prover])).toBe(true);

    // The same evidence again (another row) confirms the earlier slash instead of slashing twice.
    const copy = await kit.h.deps.prisma.slash.create({
      data: {
        proverId: slash.proverId,
        jobId: slash.jobId,
        proofId: slash.proofId,
        evidence: slash.evidence as object,
        evidenceHash: `0x${'ab'.repeat(32)}`,
      },
    });
    const again = await runSlasher(kit.h.deps, ctx);
    expect(again.confirmed).toEqual([copy.id]);
    const copied = await kit.h.deps.prisma.slash.findUniqueOrThrow({ where: { id: copy.id } });
    expect(copied).toMatchObject({ txHash: slash.txHash, error: 'already slashed (by us)' });
    expect(await read<bigint>('stakeOf', [prover], kit.h.deployment.addresses.staking)).toBe(stakeAfter);
  });

  it('bisects a reverting batch: the job whose requester cannot pay the price plus the fee is held back, the rest settles', async () => {
    const r = await connectChain({
      rpcUrl: kit.h.anvil.rpcUrl,
      privateKey: kit.requesters[2]!.account.privateKey,
      chainId: kit.h.anvil.chainId,
    });
    const deposit = async (value: bigint) => {
      const hash = await r.walletClient.writeContract({
        address: market(),
        abi: tenderMarketAbi,
        functionName: 'deposit',
        value,
      });
      await r.publicClient.waitForTransactionReceipt({ hash });
    };
    const broker = r.account.address;
    expect(await kit.balanceOf(broker)).toBe(0n);
    // Escrow that covers the job's price (1e15 wei) but not the 2.5 % fee on top.
    await deposit(10n ** 15n);
    const good = await insert(3);
    const [broke] = await insert(1, { requester: 2, prover: 0 });
    const tick = await batcher().tick();
    expect(tick.settled.map((o) => o.status)).toEqual(['split', 'failed', 'confirmed']);
    expect(tick.settled[0]).toMatchObject({ error: expect.stringContaining('InsufficientBalance') });
    const [confirmed] = confirmedOf(tick.settled);
    expect(confirmed?.jobIds.sort()).toEqual(good.map((j) => j.jobId).sort());

    const job = await kit.h.deps.prisma.job.findUniqueOrThrow({ where: { id: broke!.jobId } });
    expect(job.status).toBe('proven');
    expect(job.statusReason).toContain('InsufficientBalance');
    // Held: not offered to the next batch until the retry hold passes.
    expect(await provenBacklog(kit.h.deps.prisma, { holdMs: 60_000, now: new Date() })).toMatchObject({
      count: 0,
    });
    const quiet = await batcher().tick();
    expect(quiet.settled).toEqual([]);
    // Once the requester can pay the fee too and the hold is over, it settles, to the last wei.
    await kit.h.deps.prisma
      .$executeRaw`UPDATE batches SET updated_at = now() - interval '1 hour' WHERE status = 'failed'`;
    await deposit(25_000_000_000_000n);
    const retry = await batcher().tick();
    expect(confirmedOf(retry.settled)[0]?.jobIds).toEqual([broke!.jobId]);
    expect(await kit.balanceOf(broker)).toBe(0n);
  });

  it('parks a job that cannot be settled (unsigned request) without sending anything for it', async () => {
    const [good, unsigned] = await insert(2);
    await kit.h.deps.prisma.job.update({ where: { id: unsigned!.jobId }, data: { requestSignature: null } });
    const tick = await batcher().tick();
    expect(confirmedOf(tick.settled)[0]?.jobIds).toEqual([good!.jobId]);
    const job = await kit.h.deps.prisma.job.findUniqueOrThrow({
      where: { id: unsigned!.jobId },
      include: { batchItems: { include: { batch: true } } },
    });
    expect(job.status).toBe('proven');
    expect(job.statusReason).toContain('no signed on-chain request');
    expect(job.batchItems.map((i) => [i.batch.status, i.batch.size])).toEqual([['failed', 1]]);
    expect(await read<boolean>('isNonceUsed', [unsigned!.request.requester, unsigned!.request.nonce])).toBe(
      false,
    );
  });

  it('resumes a batch whose transaction was mined before a crash, without sending it again', async () => {
    const jobs = await insert(2);
    const claimed = await claimJobsForBatch(kit.h.deps.prisma, {
      jobIds: jobs.map((j) => j.jobId),
      now: new Date(),
    });
    // A first process verifies, sends and sees the tx mined, then dies before recording it:
    // emulate with a sender whose broadcast hook records the hash and then throws away the result.
    const first = batcher();
    const candidates = await loadSettlementCandidates(
      kit.h.deps.prisma,
      claimed!.batchId,
      kit.domain,
      first.context.vkeys,
    );
    const encoded = encodeSettlementBatch(
      candidates.map((c) => c.item!),
      kit.domain,
    );
    await kit.sender.send(
      { address: market(), abi: tenderMarketAbi, functionName: 'settleBatch', args: [encoded.data] },
      async ({ hash }) => {
        await kit.h.deps.prisma.batch.update({
          where: { id: claimed!.batchId },
          data: { status: 'submitted', txHash: hash, submittedAt: new Date() },
        });
      },
    );
    const count = await read<bigint>('batchCount', []);
    const nonce = await kit.h.deps.publicClient.getTransactionCount({ address: kit.sender.address });

    const outcomes = await settleBatchRow(kit.h.deps, batcher().context, claimed!.batchId);
    expect(outcomes.map((o) => o.status)).toEqual(['confirmed']);
    expect(await read<bigint>('batchCount', [])).toBe(count);
    expect(await kit.h.deps.publicClient.getTransactionCount({ address: kit.sender.address })).toBe(nonce);
    const rows = await kit.h.deps.prisma.job.findMany({ where: { id: { in: jobs.map((j) => j.jobId) } } });
    expect(rows.map((j) => j.status)).toEqual(['verified', 'verified']);
  });
});
