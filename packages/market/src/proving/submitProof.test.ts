import type { DevAccount } from '@tender/chain';
import { isTenderError, requiredCollateral, type TenderError } from '@tender/core';
import type { Circuit, Job } from '@tender/db';
import { type Groth16Proof, Prover, terminateCurves } from '@tender/zk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeAuction } from '../auction/closeAuction.ts';
import { openAuction } from '../auction/openAuction.ts';
import { placeBid } from '../auction/placeBid.ts';
import type { ProverView } from '../provers/registerProver.ts';
import {
  insertJob,
  insertTinyCircuit,
  proverKeys,
  registerDevProver,
  signBid,
  signSubmission,
  testClock,
} from '../testing/auctionKit.ts';
import { createMarketHarness, type MarketHarness } from '../testing/marketHarness.ts';
import { submitProof } from './submitProof.ts';

const clock = testClock();
const maxFee = 10n ** 16n;
let h: MarketHarness;
let tiny: Awaited<ReturnType<typeof insertTinyCircuit>>;
let circuit: Circuit;
let prover: Prover;
let alice: ProverView;
let bob: ProverView;
const [aliceKey, bobKey] = proverKeys as [DevAccount, DevAccount];

beforeAll(async () => {
  h = await createMarketHarness({ now: clock.now });
  tiny = await insertTinyCircuit(h.deps.prisma);
  circuit = tiny.row;
  prover = new Prover({ threads: 1 });
  alice = await registerDevProver(h, aliceKey);
  bob = await registerDevProver(h, bobKey);
});
afterAll(async () => {
  await prover?.close();
  await terminateCurves();
  await h?.close();
});

/** A job on the tiny circuit (input seeded by `n`), auctioned and awarded to `winner`. */
async function awardedJob(n: number, winner: DevAccount) {
  const { input, expected } = await tiny.inputFor(n);
  const job = await insertJob(h.deps.prisma, circuit, {
    deadline: new Date(clock.now() + 600_000),
    maxFeeWei: maxFee,
    input,
    expectedPublicSignals: expected,
  });
  const { auctionId } = await openAuction(h.deps, job.id, 1);
  const bid = { price: maxFee / 2n, etaMs: 60_000, expiresAt: Math.floor(clock.now() / 1000) + 600 };
  await placeBid(h.deps, {
    auctionId: auctionId!,
    proverAddress: winner.address,
    ...bid,
    signature: await signBid(h, winner, { chainJobId: job.chainJobId!, ...bid }),
  });
  clock.advance(1_000);
  const closed = await closeAuction(h.deps, auctionId!);
  expect(closed.status).toBe('awarded');
  return { job, input, assignmentId: closed.assignmentId! };
}

async function prove(input: unknown) {
  return prover.prove({ wasmPath: tiny.built.wasmPath, zkeyPath: tiny.built.zkeyPath }, input as never);
}

async function submission(job: Job, signer: DevAccount, proof: Groth16Proof, publicSignals: string[]) {
  return {
    jobId: job.id,
    proverAddress: signer.address,
    proof,
    publicSignals,
    signature: await signSubmission(h, signer, {
      chainJobId: job.chainJobId!,
      circuitId: job.circuitId,
      proof,
      publicSignals,
    }),
  };
}

async function refusal(promise: Promise<unknown>): Promise<TenderError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!isTenderError(error)) throw new Error(`expected a TenderError, got ${String(error)}`);
  return error;
}

const proverRow = (id: string) => h.deps.prisma.prover.findUniqueOrThrow({ where: { id } });

describe('submitProof', () => {
  it('accepts a valid proof: job proven, assignment accepted, collateral released, reliability up', async () => {
    const { job, input, assignmentId } = await awardedJob(1, aliceKey);
    const { proof, publicSignals } = await prove(input);
    const before = await proverRow(alice.id);
    expect(BigInt(before.collateralLockedWei.toFixed())).toBe(requiredCollateral(maxFee));

    // Signed by another key: 401, nothing changes.
    const forged = { ...(await submission(job, bobKey, proof, publicSignals)), proverAddress: alice.address };
    expect((await refusal(submitProof(h.deps, forged))).code).toBe('TENDER_SIGNATURE_INVALID');
    // Properly signed, but by a prover that does not hold the job.
    const stranger = await submission(job, bobKey, proof, publicSignals);
    expect((await refusal(submitProof(h.deps, stranger))).code).toBe('TENDER_NOT_ASSIGNED_PROVER');
    expect(await h.deps.prisma.assignment.findUniqueOrThrow({ where: { id: assignmentId } })).toMatchObject({
      status: 'awarded',
    });
    expect(await h.deps.prisma.proof.count()).toBe(0);

    await expect(submitProof(h.deps, await submission(job, aliceKey, proof, publicSignals))).resolves.toEqual(
      {
        status: 'valid',
      },
    );
    const stored = await h.deps.prisma.job.findUniqueOrThrow({
      where: { id: job.id },
      include: { proofs: true },
    });
    expect(stored).toMatchObject({ status: 'proven' });
    expect(stored.provenAt?.getTime()).toBe(clock.now());
    expect(stored.proofs).toMatchObject([{ status: 'valid', publicSignals, proverId: alice.id }]);
    expect(await h.deps.prisma.assignment.findUniqueOrThrow({ where: { id: assignmentId } })).toMatchObject({
      status: 'accepted',
    });
    const after = await proverRow(alice.id);
    expect(after.collateralLockedWei.toFixed()).toBe('0');
    expect(after.collateralTotalWei.toFixed()).toBe(before.collateralTotalWei.toFixed());
    expect(after.reliability).toBeCloseTo(0.525, 10);

    const again = await refusal(submitProof(h.deps, await submission(job, aliceKey, proof, publicSignals)));
    expect(again.code).toBe('TENDER_ASSIGNMENT_NOT_ACTIVE');
  });

  it('fails a tampered proof: evidence kept for slashing, collateral forfeited, job re-auctioned without the prover', async () => {
    const { job, input, assignmentId } = await awardedJob(2, bobKey);
    const honest = await prove(input);
    const other = await prove((await tiny.inputFor(3)).input);
    const tampered: Groth16Proof = { ...honest.proof, pi_a: other.proof.pi_a };
    const before = await proverRow(bob.id);
    const sent = await submission(job, bobKey, tampered, honest.publicSignals);

    const error = await refusal(submitProof(h.deps, sent));
    expect(error.code).toBe('TENDER_PROOF_INVALID');
    expect(error.status).toBe(422);
    expect(error.details).toMatchObject({ kind: 'invalid_proof', reason: 'pairing check failed' });

    expect(await h.deps.prisma.assignment.findUniqueOrThrow({ where: { id: assignmentId } })).toMatchObject({
      status: 'failed_invalid',
    });
    const proofRow = await h.deps.prisma.proof.findFirstOrThrow({ where: { assignmentId } });
    expect(proofRow).toMatchObject({ status: 'invalid', verifyError: 'invalid_proof: pairing check failed' });
    const slash = await h.deps.prisma.slash.findFirstOrThrow({ where: { jobId: job.id } });
    expect(slash).toMatchObject({ status: 'pending', proverId: bob.id, assignmentId, proofId: proofRow.id });
    expect(slash.evidenceHash).toMatch(/^0x[0-9a-f]{64}$/);
    expect(slash.evidence).toMatchObject({
      kind: 'invalid_proof',
      proverSignature: sent.signature,
      proof: tampered,
      publicSignals: honest.publicSignals,
      submission: { jobId: job.chainJobId, circuitId: job.circuitId, proofHash: proofRow.proofHash },
      request: { circuitId: job.circuitId, inputHash: job.inputHash, maxFee: maxFee.toString() },
    });

    const after = await proverRow(bob.id);
    expect(after.collateralLockedWei.toFixed()).toBe('0');
    expect(BigInt(before.collateralTotalWei.toFixed()) - BigInt(after.collateralTotalWei.toFixed())).toBe(
      requiredCollateral(maxFee),
    );
    expect(after.reliability).toBeCloseTo(before.reliability * 0.5, 10);

    const reopened = await h.deps.prisma.job.findUniqueOrThrow({ where: { id: job.id } });
    expect(reopened).toMatchObject({ status: 'auctioning', round: 2 });
    expect(await h.queues.queues.auctions.getJob(`open-auction.${job.id}.2`)).toBeDefined();
    const round2 = await openAuction(h.deps, job.id, 2);
    const auction = await h.deps.prisma.auction.findUniqueOrThrow({ where: { id: round2.auctionId! } });
    expect(auction.invitedProverIds).toEqual([alice.id]);
  });

  it('fails a valid proof of another input: its public signals are not the job’s', async () => {
    const { job, assignmentId } = await awardedJob(4, aliceKey);
    const elsewhere = await prove((await tiny.inputFor(5)).input);
    const error = await refusal(
      submitProof(h.deps, await submission(job, aliceKey, elsewhere.proof, elsewhere.publicSignals)),
    );
    expect(error.code).toBe('TENDER_PROOF_INVALID');
    expect(error.details['kind']).toBe('public_signals_mismatch');
    expect(await h.deps.prisma.assignment.findUniqueOrThrow({ where: { id: assignmentId } })).toMatchObject({
      status: 'failed_invalid',
    });
    expect(await h.deps.prisma.slash.count({ where: { jobId: job.id } })).toBe(1);
  });

  it('refuses a malformed proof with a 400 and changes nothing', async () => {
    const { job, assignmentId } = await awardedJob(6, aliceKey);
    const broken = { pi_a: ['1'], pi_b: [], pi_c: [] } as unknown as Groth16Proof;
    const error = await refusal(
      submitProof(h.deps, {
        jobId: job.id,
        proverAddress: alice.address,
        proof: broken,
        publicSignals: [],
        signature: '0x00',
      }),
    );
    expect(error.code).toBe('TENDER_VALIDATION_FAILED');
    expect(await h.deps.prisma.assignment.findUniqueOrThrow({ where: { id: assignmentId } })).toMatchObject({
      status: 'awarded',
    });
  });
});
