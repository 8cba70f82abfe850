import { describe, expect, it } from 'vitest';
import {
  checkEligibility,
  defaultEligibilityPolicy,
  isEligible,
  type JobSnapshot,
  type ProverSnapshot,
  rankInvitees,
} from './eligibility.ts';

const ETH = 10n ** 18n;
const NOW = 1_700_000_000_000;

function prover(overrides: Partial<ProverSnapshot> = {}): ProverSnapshot {
  return {
    address: '0x00000000000000000000000000000000000000a1',
    kind: 'gpu',
    stakeWei: ETH,
    lastHeartbeatAt: NOW - 1_000,
    activeAssignments: 0,
    concurrency: 2,
    collateral: { totalWei: ETH, lockedWei: 0n },
    maxConstraints: 1_000_000,
    memoryMb: 16_384,
    reliability: 0.9,
    priceFloorWei: 0n,
    cachedCircuitIds: [],
    ...overrides,
  };
}

const job: JobSnapshot = {
  id: 'job-1',
  circuitId: 'circuit-mnist',
  constraints: 9_500,
  memoryMb: 512,
  maxFeeWei: ETH / 100n,
  deadlineAt: NOW + 60_000,
  excludedProvers: [],
};

describe('checkEligibility', () => {
  it('accepts a staked, alive prover with room, collateral and a big enough machine', () => {
    expect(checkEligibility(prover(), job, NOW)).toEqual({ eligible: true });
    expect(isEligible(prover(), job, NOW)).toBe(true);
  });

  it('never lets a prover that failed this job bid again, whatever its case of address', () => {
    const excluded = { ...job, excludedProvers: ['0x00000000000000000000000000000000000000A1'] };
    expect(checkEligibility(prover(), excluded, NOW)).toEqual({ eligible: false, reason: 'excluded' });
  });

  it.each<[string, Partial<ProverSnapshot>, string]>([
    [
      'stake below the minimum',
      { stakeWei: defaultEligibilityPolicy.minStakeWei - 1n },
      'insufficient_stake',
    ],
    ['a heartbeat older than the TTL', { lastHeartbeatAt: NOW - 30_001 }, 'heartbeat_stale'],
    ['every slot busy', { activeAssignments: 2, concurrency: 2 }, 'no_free_capacity'],
    [
      'free collateral below the requirement',
      { collateral: { totalWei: ETH, lockedWei: ETH - 10n ** 15n + 1n } },
      'insufficient_free_collateral',
    ],
    ['a circuit larger than it proves', { maxConstraints: 9_499 }, 'circuit_too_large'],
    ['too little memory', { memoryMb: 511 }, 'insufficient_memory'],
  ])('refuses a prover with %s', (_what, overrides, reason) => {
    expect(checkEligibility(prover(overrides), job, NOW)).toEqual({ eligible: false, reason });
  });

  it('accepts a heartbeat exactly at the TTL and a circuit exactly at the limit', () => {
    expect(
      isEligible(prover({ lastHeartbeatAt: NOW - 30_000, maxConstraints: 9_500, memoryMb: 512 }), job, NOW),
    ).toBe(true);
  });

  it('refuses a CPU prover for a job that asks for a GPU', () => {
    expect(checkEligibility(prover({ kind: 'cpu' }), { ...job, proverKind: 'gpu' }, NOW)).toEqual({
      eligible: false,
      reason: 'wrong_prover_kind',
    });
  });

  it('requires collateral for the max fee (1.5×) once that is above the minimum', () => {
    const pricey = { ...job, maxFeeWei: ETH }; // needs 1.5 ETH
    expect(checkEligibility(prover(), pricey, NOW)).toEqual({
      eligible: false,
      reason: 'insufficient_free_collateral',
    });
    expect(isEligible(prover({ collateral: { totalWei: 3n * ETH, lockedWei: ETH } }), pricey, NOW)).toBe(
      true,
    );
  });
});

describe('rankInvitees', () => {
  const a = prover({ address: '0xaa', reliability: 0.6 });
  const b = prover({ address: '0xbb', reliability: 0.9 });
  const cached = prover({ address: '0xcc', reliability: 0.5, cachedCircuitIds: ['circuit-mnist'] });
  const dead = prover({ address: '0xdd', lastHeartbeatAt: 0 });

  it('prefers provers that already cache the circuit, then reliability, and drops the ineligible', () => {
    expect(rankInvitees([a, dead, b, cached], job, NOW).map((p) => p.address)).toEqual([
      '0xcc',
      '0xbb',
      '0xaa',
    ]);
  });

  it('breaks ties by free capacity, then address', () => {
    const busy = prover({ address: '0x01', activeAssignments: 1 });
    const idle = prover({ address: '0x02' });
    const idle2 = prover({ address: '0x03' });
    expect(rankInvitees([idle2, busy, idle], job, NOW).map((p) => p.address)).toEqual([
      '0x02',
      '0x03',
      '0x01',
    ]);
  });

  it('caps the list at the limit', () => {
    expect(rankInvitees([a, b, cached], job, NOW, { limit: 1 })).toEqual([cached]);
  });
});
