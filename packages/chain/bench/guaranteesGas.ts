/**
 * Gas of the paths behind issue 10's promises, from real transaction receipts on the bench's anvil:
 * a withdrawal request and its completion, a bulk collateral lock (`setStakeLocks` for 32
 * assignments), a prover's self-settlement (`settleAwarded`) and a missed-deadline claim
 * (`claimMissedDeadline`). None of them is on the happy path of a job.
 */
import { publicSignalsHash } from '@tender/zk';
import { createTestClient, http, keccak256, stringToHex, toHex } from 'viem';
import { claimMissedDeadline, settleAwarded, signAward, signBid } from '../src/awards.ts';
import { type Award, type Bid, type JobRequest, jobIdOf } from '../src/eip712.ts';
import { tenderMarketAbi } from '../src/generated/TenderMarket.ts';
import { tenderStakingAbi } from '../src/generated/TenderStaking.ts';
import type { FixtureCircuit, FixtureProof } from '../src/proofFixtures.ts';
import { sendContractTx } from '../src/sendContractTx.ts';
import { signJobRequest } from '../src/settlementItems.ts';
import type { TestMarket } from '../src/testing/testMarket.ts';

/** Gas per path (whole transaction, 21k base included). */
export interface GuaranteeGas {
  requestWithdrawal: number;
  completeWithdrawal: number;
  bulkLock32: number;
  bulkLockPerAssignment: number;
  settleAwarded: number;
  claimMissedDeadline: number;
}

/** Measures the guarantee paths. Uses requester 0's escrow and prover 1's stake; moves anvil's clock. */
export async function measureGuaranteeGas(
  t: TestMarket,
  circuit: FixtureCircuit,
  proof: FixtureProof,
  nonceOf: (requester: string) => bigint,
): Promise<GuaranteeGas> {
  const market = { address: t.market, abi: tenderMarketAbi } as const;
  const testClient = createTestClient({ mode: 'anvil', transport: http(t.anvil.rpcUrl) });
  const travel = async (seconds: bigint) => {
    await testClient.increaseTime({ seconds: Number(seconds) });
    await testClient.mine({ blocks: 1 });
  };
  const now = async () => (await t.deployer.publicClient.getBlock()).timestamp;
  const gas = (r: { receipt: { gasUsed: bigint } }) => Number(r.receipt.gasUsed);
  const requester = t.requesters[0]!;
  const prover = t.provers[1]!;
  await sendContractTx(prover, {
    address: t.staking,
    abi: tenderStakingAbi,
    functionName: 'stake',
    args: [],
    value: 10n ** 18n,
  });

  // Withdrawal: request, wait out the delay, complete.
  const requested = await sendContractTx(requester, {
    ...market,
    functionName: 'requestWithdrawal',
    args: [10n ** 15n],
  });
  await travel(await t.deployer.publicClient.readContract({ ...market, functionName: 'withdrawalDelay' }));
  const completed = await sendContractTx(requester, {
    ...market,
    functionName: 'completeWithdrawal',
    args: [],
  });

  // Bulk lock: one operator transaction for 32 provers' open assignments.
  const provers = Array.from({ length: 32 }, (_, i) => keccak256(toHex(i)).slice(0, 42) as `0x${string}`);
  const locked = await sendContractTx(t.operator, {
    ...market,
    functionName: 'setStakeLocks',
    args: [provers, provers.map(() => 10n ** 16n)],
  });

  const awarded = async () => {
    const start = await now();
    const request: JobRequest = {
      requester: requester.account.address,
      circuitId: circuit.circuitId,
      inputHash: keccak256(stringToHex(`guarantee-${start}`)),
      maxFee: 10n ** 15n,
      deadline: start + 3600n,
      nonce: nonceOf(requester.account.address),
    };
    const jobId = jobIdOf(t.domain, request);
    const award: Award = {
      jobId,
      prover: prover.account.address,
      price: 9n * 10n ** 14n,
      collateral: 10n ** 16n,
      proveBy: start + 600n,
      publicSignalsHash: publicSignalsHash(proof.publicSignals),
    };
    const bid: Bid = {
      jobId,
      price: award.price,
      etaMs: 60_000n,
      expiresAt: start + 60n,
      prover: prover.account.address,
    };
    return {
      request,
      requestSignature: await signJobRequest(requester.account, t.domain, request),
      award,
      awardSignature: await signAward(t.operator.account, t.domain, award),
      bid,
      bidSignature: await signBid(prover.account, t.domain, bid),
    };
  };

  // Self-settlement after the operator's window, and a claim after a missed deadline.
  const own = await awarded();
  const missed = await awarded();
  await travel(601n);
  const selfSettled = await settleAwarded(prover, t.market, {
    ...own,
    proof: proof.proof,
    publicSignals: proof.publicSignals,
    verifyingKey: circuit.vk,
  });
  await travel(3600n);
  const claimed = await claimMissedDeadline(t.challenger, t.market, missed);
  return {
    requestWithdrawal: gas(requested),
    completeWithdrawal: gas(completed),
    bulkLock32: gas(locked),
    bulkLockPerAssignment: Math.round(gas(locked) / 32),
    settleAwarded: Number(selfSettled.gasUsed),
    claimMissedDeadline: Number(claimed.gasUsed),
  };
}
