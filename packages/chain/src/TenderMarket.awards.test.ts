// Attacks on the promises of issue 10 (P1 delivered work is paid, P2 failure pays the requester),
// on anvil with real proofs; every outcome is read from on-chain balances, stake and events.
import { publicSignalsHash } from '@tender/zk';
import {
  type Address,
  createTestClient,
  type Hex,
  http,
  keccak256,
  parseEther,
  stringToHex,
  toHex,
} from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AwardedSettlement,
  claimMissedDeadline,
  type MissedDeadlineClaim,
  settleAwarded,
  signAward,
  signBid,
} from './awards.ts';
import { type Award, type Bid, type JobRequest, jobIdOf } from './eip712.ts';
import { tenderMarketAbi } from './generated/TenderMarket.ts';
import { tenderStakingAbi } from './generated/TenderStaking.ts';
import {
  buildFixtureCircuit,
  type FixtureCircuit,
  type FixtureProof,
  proveFixtures,
} from './proofFixtures.ts';
import { registerCircuit } from './registerCircuit.ts';
import { type ChainClients, sendContractTx } from './sendContractTx.ts';
import { settleBatch } from './settleBatch.ts';
import { signJobRequest } from './settlementItems.ts';
import { startTestMarket, type TestMarket } from './testing/testMarket.ts';
import { expectRevert } from './testing/testReverts.ts';

const PRICE = 1000n;
const FEE = 25n; // 2.5 %
const COLLATERAL = parseEther('0.05');
const STAKE = parseEther('1');

let t: TestMarket;
let square: FixtureCircuit;
let sq: FixtureProof[];
let nonce = 0n;

beforeAll(async () => {
  t = await startTestMarket(); // first, so afterAll stops it even if a fixture fails
  square = await buildFixtureCircuit('square', 'awards');
  sq = await proveFixtures(square, 6);
  await registerCircuit(t.deployer, t.registry, {
    circuitId: square.circuitId,
    verifyingKey: square.vk,
    metadataHash: keccak256(stringToHex('square')),
  });
  for (const p of t.provers) {
    await sendContractTx(p, {
      address: t.staking,
      abi: tenderStakingAbi,
      functionName: 'stake',
      args: [],
      value: STAKE,
    });
  }
});
afterAll(async () => {
  await t?.stop();
});

const market = () => ({ address: t.market, abi: tenderMarketAbi }) as const;
const balanceOf = (a: Address) =>
  t.deployer.publicClient.readContract({ ...market(), functionName: 'balanceOf', args: [a] });
const stakeInfo = (a: Address) =>
  t.deployer.publicClient.readContract({
    address: t.staking,
    abi: tenderStakingAbi,
    functionName: 'stakeInfo',
    args: [a],
  });
const deposit = (c: ChainClients, value: bigint) =>
  sendContractTx(c, { ...market(), functionName: 'deposit', args: [], value });
async function now(): Promise<bigint> {
  return (await t.deployer.publicClient.getBlock()).timestamp;
}
async function travel(seconds: bigint): Promise<void> {
  const test = createTestClient({ mode: 'anvil', transport: http(t.anvil.rpcUrl) });
  await test.increaseTime({ seconds: Number(seconds) });
  await test.mine({ blocks: 1 });
}

/** One awarded job: the request (deadline in 1 h), the prover's bid, the operator's award (proveBy in 10 min). */
interface AwardedJob {
  request: JobRequest;
  requestSignature: Hex;
  jobId: Hex;
  award: Award;
  awardSignature: Hex;
  bid: Bid;
  bidSignature: Hex;
  proof: FixtureProof;
}

async function awardedJob(opts: {
  requester: number;
  prover: number;
  proof: FixtureProof;
}): Promise<AwardedJob> {
  const requester = t.requesters[opts.requester]!.account;
  const prover = t.provers[opts.prover]!.account;
  const start = await now();
  const request: JobRequest = {
    requester: requester.address,
    circuitId: square.circuitId,
    inputHash: keccak256(toHex(nonce, { size: 32 })),
    maxFee: 2n * PRICE,
    deadline: start + 3600n,
    nonce: nonce++,
  };
  const jobId = jobIdOf(t.domain, request);
  const bid: Bid = { jobId, price: PRICE, etaMs: 60_000n, expiresAt: start + 60n, prover: prover.address };
  const award: Award = {
    jobId,
    prover: prover.address,
    price: PRICE,
    collateral: COLLATERAL,
    proveBy: start + 600n,
    publicSignalsHash: publicSignalsHash(opts.proof.publicSignals),
  };
  return {
    request,
    requestSignature: await signJobRequest(requester, t.domain, request),
    jobId,
    award,
    awardSignature: await signAward(t.operator.account, t.domain, award),
    bid,
    bidSignature: await signBid(prover, t.domain, bid),
    proof: opts.proof,
  };
}

const selfSettlement = (j: AwardedJob, proof: FixtureProof = j.proof): AwardedSettlement => ({
  request: j.request,
  requestSignature: j.requestSignature,
  award: j.award,
  awardSignature: j.awardSignature,
  proof: proof.proof,
  publicSignals: proof.publicSignals,
  verifyingKey: square.vk,
});
const claim = (j: AwardedJob): MissedDeadlineClaim => ({
  request: j.request,
  award: j.award,
  awardSignature: j.awardSignature,
  bid: j.bid,
  bidSignature: j.bidSignature,
});
const batchItem = (j: AwardedJob) => ({
  request: j.request,
  requestSignature: j.requestSignature,
  prover: j.award.prover,
  price: j.award.price,
  proof: j.proof.proof,
  publicSignals: j.proof.publicSignals,
  verifyingKey: square.vk,
});

describe('P1: delivered work is paid', () => {
  it('escrow drain: the requester asks to withdraw everything after the award; the honest prover is still paid', async () => {
    const requester = t.requesters[1]!;
    const who = requester.account.address;
    await deposit(requester, PRICE + FEE);
    const j = await awardedJob({ requester: 1, prover: 0, proof: sq[0]! });
    await sendContractTx(requester, { ...market(), functionName: 'requestWithdrawal', args: [PRICE + FEE] });
    await expectRevert(
      sendContractTx(requester, { ...market(), functionName: 'completeWithdrawal', args: [] }),
      'WithdrawalNotReady',
    );
    const prover = j.award.prover;
    const [p0, t0] = await Promise.all([balanceOf(prover), balanceOf(t.treasury.account.address)]);
    const settled = await settleBatch(t.operator, t.market, [batchItem(j)]);
    expect([settled.charged, settled.fee]).toEqual([PRICE + FEE, FEE]);
    expect(await balanceOf(prover)).toBe(p0 + PRICE);
    expect(await balanceOf(t.treasury.account.address)).toBe(t0 + FEE);
    expect(await balanceOf(who)).toBe(0n);
    // The withdrawal completes with what is left: nothing.
    await travel(8n * 24n * 3600n);
    const ethBefore = await t.deployer.publicClient.getBalance({ address: t.market });
    await sendContractTx(requester, { ...market(), functionName: 'completeWithdrawal', args: [] });
    expect(await t.deployer.publicClient.getBalance({ address: t.market })).toBe(ethBefore);
  });

  it('operator stalls: after proveBy the prover settles its own job with the request, the award and its proof', async () => {
    const requester = t.requesters[0]!;
    await deposit(requester, 10n * PRICE);
    const j = await awardedJob({ requester: 0, prover: 1, proof: sq[1]! });
    const prover = t.provers[1]!;
    await expectRevert(settleAwarded(prover, t.market, selfSettlement(j)), 'OutsideWindow', [
      j.jobId,
      j.award.proveBy,
      j.request.deadline,
    ]);
    await travel(601n);
    const [p0, r0] = await Promise.all([balanceOf(j.award.prover), balanceOf(requester.account.address)]);
    const s = await settleAwarded(prover, t.market, selfSettlement(j));
    expect([s.price, s.fee]).toEqual([PRICE, FEE]);
    expect(await balanceOf(j.award.prover)).toBe(p0 + PRICE);
    expect(await balanceOf(requester.account.address)).toBe(r0 - PRICE - FEE);
    const leaf = await t.deployer.publicClient.readContract({
      ...market(),
      functionName: 'resultLeaf',
      args: [j.jobId, square.circuitId, j.award.publicSignalsHash],
    });
    expect(
      await t.deployer.publicClient.readContract({
        ...market(),
        functionName: 'batchRoot',
        args: [s.batchId],
      }),
    ).toBe(leaf);
    // Paid once: neither the prover again nor a late operator batch can settle it a second time.
    await expectRevert(settleAwarded(prover, t.market, selfSettlement(j)), 'NonceAlreadyUsed');
    await expectRevert(settleBatch(t.operator, t.market, [batchItem(j)]), 'NonceAlreadyUsed');
  });

  it('a cancellation after the award does not stop the prover from settling, and cancels only once', async () => {
    const requester = t.requesters[0]!;
    const j = await awardedJob({ requester: 0, prover: 1, proof: sq[2]! });
    const n = j.request.nonce;
    await sendContractTx(requester, {
      ...market(),
      functionName: 'invalidateNonces',
      args: [n >> 8n, 1n << (n & 255n)],
    });
    await expectRevert(settleBatch(t.operator, t.market, [batchItem(j)]), 'NonceAlreadyUsed');
    await travel(601n);
    const p0 = await balanceOf(j.award.prover);
    await settleAwarded(t.provers[1]!, t.market, selfSettlement(j));
    expect(await balanceOf(j.award.prover)).toBe(p0 + PRICE);
    await expectRevert(settleAwarded(t.provers[1]!, t.market, selfSettlement(j)), 'NonceAlreadyUsed');
  });

  it('refuses a self-settlement with a forged award, a proof of other signals, or after the deadline', async () => {
    const j = await awardedJob({ requester: 0, prover: 1, proof: sq[3]! });
    await travel(601n);
    const forged = {
      ...selfSettlement(j),
      awardSignature: await signAward(t.provers[1]!.account, t.domain, j.award),
    };
    await expectRevert(settleAwarded(t.provers[1]!, t.market, forged), 'InvalidAward', [j.jobId]);
    // A valid proof, but of another statement than the award's.
    await expectRevert(
      settleAwarded(t.provers[1]!, t.market, selfSettlement(j, sq[4]!)),
      'ProofNotAccepted',
      [j.jobId],
    );
    await travel(3600n);
    await expectRevert(settleAwarded(t.provers[1]!, t.market, selfSettlement(j)), 'OutsideWindow');
  });
});

describe('P2: failure pays the requester', () => {
  it('withhold: the prover wins and stays silent; after the deadline the requester is credited from its stake', async () => {
    const j = await awardedJob({ requester: 0, prover: 2, proof: sq[5]! });
    const who = t.requesters[0]!.account.address;
    await expectRevert(claimMissedDeadline(t.challenger, t.market, claim(j)), 'OutsideWindow');
    await travel(3601n);
    const [[s0], r0] = await Promise.all([stakeInfo(j.award.prover), balanceOf(who)]);
    const c = await claimMissedDeadline(t.challenger, t.market, claim(j));
    expect(c.credited).toBe(COLLATERAL);
    expect((await stakeInfo(j.award.prover))[0]).toBe(s0 - COLLATERAL);
    expect(await balanceOf(who)).toBe(r0 + COLLATERAL); // and it paid nothing for the job
    await expectRevert(claimMissedDeadline(t.challenger, t.market, claim(j)), 'AlreadySlashed', [
      j.jobId,
      j.award.prover,
    ]);
  });

  it('wrong statement: a valid proof of other public signals is no delivery; the requester is credited', async () => {
    const j = await awardedJob({ requester: 0, prover: 2, proof: sq[0]! });
    await travel(601n);
    await expectRevert(settleAwarded(t.provers[2]!, t.market, selfSettlement(j, sq[1]!)), 'ProofNotAccepted');
    await travel(3000n);
    const [s0] = await stakeInfo(j.award.prover);
    const c = await claimMissedDeadline(t.requesters[0]!, t.market, claim(j));
    expect(c.credited).toBe(COLLATERAL);
    expect((await stakeInfo(j.award.prover))[0]).toBe(s0 - COLLATERAL);
  });

  it('false accusation: a delivered job, a forged award or a bid the prover never signed takes nothing', async () => {
    const j = await awardedJob({ requester: 0, prover: 0, proof: sq[2]! });
    await settleBatch(t.operator, t.market, [batchItem(j)]);
    const unbid = await awardedJob({ requester: 0, prover: 0, proof: sq[3]! });
    await travel(3601n);
    const [s0] = await stakeInfo(t.provers[0]!.account.address);
    await expectRevert(claimMissedDeadline(t.requesters[0]!, t.market, claim(j)), 'JobSettled', [j.jobId]);
    const forgedAward = {
      ...claim(unbid),
      awardSignature: await signAward(t.requesters[0]!.account, t.domain, unbid.award),
    };
    await expectRevert(claimMissedDeadline(t.requesters[0]!, t.market, forgedAward), 'InvalidAward');
    const forgedBid = {
      ...claim(unbid),
      bidSignature: await signBid(t.requesters[0]!.account, t.domain, unbid.bid),
    };
    await expectRevert(claimMissedDeadline(t.requesters[0]!, t.market, forgedBid), 'InvalidBid');
    const cheaper = { ...unbid.bid, price: PRICE - 1n };
    const underBid = {
      ...claim(unbid),
      bid: cheaper,
      bidSignature: await signBid(t.provers[0]!.account, t.domain, cheaper),
    };
    await expectRevert(claimMissedDeadline(t.requesters[0]!, t.market, underBid), 'InvalidBid');
    expect((await stakeInfo(t.provers[0]!.account.address))[0]).toBe(s0);
  });

  it('unstake while assigned: stake locked in bulk for open awards cannot be unstaked, and a claim still finds it', async () => {
    const prover = t.provers[2]!;
    const who = prover.account.address;
    const j = await awardedJob({ requester: 0, prover: 2, proof: sq[4]! });
    // One operator transaction locks the collateral of every prover with open awards.
    await sendContractTx(t.operator, {
      ...market(),
      functionName: 'setStakeLocks',
      args: [[who], [COLLATERAL]],
    });
    const [total] = await stakeInfo(who);
    await expectRevert(
      sendContractTx(prover, {
        address: t.staking,
        abi: tenderStakingAbi,
        functionName: 'requestUnstake',
        args: [total],
      }),
      'UnstakeExceedsAvailable',
      [who, total, total - COLLATERAL],
    );
    await travel(3601n);
    const c = await claimMissedDeadline(t.challenger, t.market, claim(j));
    expect(c.credited).toBe(COLLATERAL);
    expect((await stakeInfo(who))[0]).toBe(total - COLLATERAL);
  });
});
