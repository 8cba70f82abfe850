import { proofHash, publicSignalsHash, type SolidityProof, type SolidityVerifyingKey } from '@tender/zk';
import fc from 'fast-check';
import { type Account, type Hex, keccak256, parseEther, stringToHex, toHex } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type JobRequest, jobIdOf, type ProofSubmission, proofSubmissionTypes } from './eip712.ts';
import { tenderMarketAbi } from './generated/TenderMarket.ts';
import { tenderStakingAbi } from './generated/TenderStaking.ts';
import {
  buildFixtureCircuit,
  type FixtureCircuit,
  type FixtureProof,
  proveFixtures,
} from './proofFixtures.ts';
import { registerCircuit } from './registerCircuit.ts';
import { sendContractTx } from './sendContractTx.ts';
import { type SlashEvidence, slash } from './slash.ts';
import { startTestMarket, type TestMarket } from './testing/testMarket.ts';
import { expectRevert } from './testing/testReverts.ts';

const P = 21888242871839275222246405745257275088696311157297823662689037894645226208583n;
const Q = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;

let t: TestMarket;
let square: FixtureCircuit;
let product: FixtureCircuit;
let sq: FixtureProof[];
let pr: FixtureProof[];
let nonce = 0n;

beforeAll(async () => {
  t = await startTestMarket(); // first, so afterAll stops it even if a fixture fails
  [square, product] = await Promise.all([
    buildFixtureCircuit('square', 'slash'),
    buildFixtureCircuit('product', 'slash'),
  ]);
  sq = await proveFixtures(square, 4);
  pr = await proveFixtures(product, 2);
  for (const c of [square, product]) {
    await registerCircuit(t.deployer, t.registry, {
      circuitId: c.circuitId,
      verifyingKey: c.vk,
      metadataHash: keccak256(stringToHex(c.name)),
    });
  }
  for (const p of t.provers.slice(0, 2)) {
    await sendContractTx(p, {
      address: t.staking,
      abi: tenderStakingAbi,
      functionName: 'stake',
      args: [],
      value: parseEther('8'),
    });
  }
});
afterAll(async () => {
  await t?.stop();
});

async function signSubmission(account: Account, submission: ProofSubmission): Promise<Hex> {
  if (!account.signTypedData) throw new Error('cannot sign');
  return account.signTypedData({
    domain: t.domain,
    types: proofSubmissionTypes,
    primaryType: 'ProofSubmission',
    message: submission,
  });
}

/** Evidence as a prover would sign it: the submitted proof and signals, hashed and signed. */
async function evidence(
  opts: { proof: SolidityProof; publicSignals: bigint[]; circuit?: FixtureCircuit; prover?: number } = {
    ...sq[0]!,
  },
): Promise<SlashEvidence> {
  const circuit = opts.circuit ?? square;
  const prover = t.provers[opts.prover ?? 0]!.account;
  const request: JobRequest = {
    requester: t.requesters[0]!.account.address,
    circuitId: circuit.circuitId,
    inputHash: keccak256(toHex(nonce)),
    maxFee: 1000n,
    deadline: 4_000_000_000n,
    nonce: nonce++,
  };
  const submission: ProofSubmission = {
    jobId: jobIdOf(t.domain, request),
    circuitId: circuit.circuitId,
    proofHash: proofHash(opts.proof),
    publicSignalsHash: publicSignalsHash(opts.publicSignals),
    prover: prover.address,
  };
  return {
    request,
    submission,
    proverSignature: await signSubmission(prover, submission),
    proof: opts.proof,
    publicSignals: opts.publicSignals,
    verifyingKey: circuit.vk,
  };
}

const wrongSignal = (p: FixtureProof) => ({ proof: p.proof, publicSignals: [p.publicSignals[0]! + 1n] });
const stakeTotal = async (i: number) =>
  (
    await t.deployer.publicClient.readContract({
      address: t.staking,
      abi: tenderStakingAbi,
      functionName: 'stakeInfo',
      args: [t.provers[i]!.account.address],
    })
  )[0];
const balanceOf = (a: `0x${string}`) =>
  t.deployer.publicClient.readContract({
    address: t.market,
    abi: tenderMarketAbi,
    functionName: 'balanceOf',
    args: [a],
  });

describe('slash', () => {
  it('takes half the stake of a prover who signed an invalid proof and splits it 25/25/50', async () => {
    const e = await evidence(wrongSignal(sq[0]!));
    const before = await stakeTotal(0);
    const [c0, r0, t0] = await Promise.all(
      [t.challenger, t.requesters[0]!, t.treasury].map((c) => balanceOf(c.account.address)),
    );
    const result = await slash(t.challenger, t.market, e);
    expect(result.slashed).toBe(before / 2n);
    expect(await stakeTotal(0)).toBe(before - before / 2n);
    const [c1, r1, t1] = await Promise.all(
      [t.challenger, t.requesters[0]!, t.treasury].map((c) => balanceOf(c.account.address)),
    );
    expect([c1! - c0!, r1! - r0!, t1! - t0!]).toEqual([before / 8n, before / 8n, before / 4n]);
    expect(
      await t.deployer.publicClient.readContract({
        address: t.market,
        abi: tenderMarketAbi,
        functionName: 'isSlashed',
        args: [e.submission.jobId, e.submission.prover],
      }),
    ).toBe(true);
    // The same evidence, or another invalid proof for the same job, cannot be used again.
    await expectRevert(slash(t.challenger, t.market, e), 'AlreadySlashed', [
      e.submission.jobId,
      e.submission.prover,
    ]);
  });

  it('never slashes a valid proof (fuzzed over real proofs of two circuits)', async () => {
    const before = await stakeTotal(1);
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: 5 }), async (k) => {
        const circuit = k < 4 ? square : product;
        const p = k < 4 ? sq[k]! : pr[k - 4]!;
        const e = await evidence({ ...p, circuit, prover: 1 });
        await expectRevert(slash(t.challenger, t.market, e), 'ProofIsValid', [e.submission.jobId]);
      }),
      { numRuns: 6 },
    );
    expect(await stakeTotal(1)).toBe(before);
  });

  it('counts malformed points, out-of-range signals and a wrong signal count as invalid', async () => {
    const p = sq[1]!;
    const cases: { proof: SolidityProof; publicSignals: bigint[] }[] = [
      { proof: { ...p.proof, a: [p.proof.a[0] + 1n, p.proof.a[1]] }, publicSignals: p.publicSignals }, // off-curve A
      { proof: { ...p.proof, c: [p.proof.c[0], p.proof.c[1] + P] }, publicSignals: p.publicSignals }, // coordinate ≥ p
      {
        proof: { ...p.proof, b: [p.proof.b[0], [p.proof.b[1][0], p.proof.b[1][1] + 1n]] },
        publicSignals: p.publicSignals,
      }, // off-twist B
      { proof: p.proof, publicSignals: [p.publicSignals[0]! + Q] }, // same value mod q, out of range
      { proof: p.proof, publicSignals: [...p.publicSignals, 1n] }, // one signal too many
    ];
    for (const c of cases) {
      const e = await evidence(c);
      const r = await slash(t.challenger, t.market, e);
      expect(r.slashed).toBeGreaterThan(0n);
    }
  });

  it('checks the evidence: job, circuit, key, hashes and the prover signature', async () => {
    const e = await evidence(wrongSignal(sq[2]!));
    const otherJob = { ...e.submission, jobId: keccak256(e.submission.jobId) };
    await expectRevert(
      slash(t.challenger, t.market, {
        ...e,
        submission: otherJob,
        proverSignature: await signSubmission(t.provers[0]!.account, otherJob),
      }),
      'JobMismatch',
      [otherJob.jobId, e.submission.jobId],
    );
    const otherCircuit = { ...e.submission, circuitId: product.circuitId };
    await expectRevert(
      slash(t.challenger, t.market, {
        ...e,
        submission: otherCircuit,
        proverSignature: await signSubmission(t.provers[0]!.account, otherCircuit),
      }),
      'CircuitMismatch',
      [square.circuitId, product.circuitId],
    );
    await expectRevert(
      slash(t.challenger, t.market, { ...e, verifyingKey: product.vk }),
      'VerificationKeyMismatch',
    );
    const ghost = await evidence({
      ...wrongSignal(sq[2]!),
      circuit: { ...square, circuitId: keccak256('0x01') },
    });
    await expectRevert(slash(t.challenger, t.market, ghost), 'CircuitNotRegistered', [keccak256('0x01')]);
    await expectRevert(slash(t.challenger, t.market, { ...e, proof: sq[3]!.proof }), 'ProofHashMismatch', [
      e.submission.proofHash,
      proofHash(sq[3]!.proof),
    ]);
    await expectRevert(
      slash(t.challenger, t.market, { ...e, publicSignals: [5n] }),
      'PublicSignalsHashMismatch',
      [e.submission.publicSignalsHash, publicSignalsHash([5n])],
    );
    await expectRevert(
      slash(t.challenger, t.market, {
        ...e,
        proverSignature: await signSubmission(t.provers[1]!.account, e.submission),
      }),
      'InvalidProverSignature',
      [e.submission.prover],
    );
    await expectRevert(
      slash(t.challenger, t.market, { ...e, proverSignature: '0x1234' }),
      'InvalidProverSignature',
      [e.submission.prover],
    );
  });

  it('refuses to slash an unstaked prover, and to decide with too little gas', async () => {
    const unstaked = await evidence({ ...wrongSignal(sq[0]!), prover: 2 });
    await expectRevert(slash(t.challenger, t.market, unstaked), 'NothingToSlash', [
      t.provers[2]!.account.address,
    ]);
    const e = await evidence(wrongSignal(sq[0]!));
    const vk: SolidityVerifyingKey = e.verifyingKey;
    await expectRevert(
      t.challenger.publicClient.simulateContract({
        account: t.challenger.account,
        address: t.market,
        abi: tenderMarketAbi,
        functionName: 'slash',
        args: [e.request, e.submission, e.proverSignature, e.proof, e.publicSignals, vk],
        gas: 200_000n,
      }),
      'InsufficientGas',
    );
  });
});
