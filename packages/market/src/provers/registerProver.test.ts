import { type DevAccount, devAccounts } from '@tender/chain';
import { isTenderError } from '@tender/core';
import type { Circuit } from '@tender/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeAuction } from '../auction/closeAuction.ts';
import { openAuction } from '../auction/openAuction.ts';
import { placeBid } from '../auction/placeBid.ts';
import { pendingProverEvents } from '../auction/proverEvents.ts';
import {
  ETH,
  insertJob,
  insertTinyCircuit,
  proverKeys,
  registerDevProver,
  requestUnstake,
  signBid,
  stake,
  testClock,
} from '../testing/auctionKit.ts';
import { createMarketHarness, type MarketHarness } from '../testing/marketHarness.ts';
import { proverByAddress, recordHeartbeat, registerProver } from './registerProver.ts';

const clock = testClock();
let h: MarketHarness;
let circuit: Circuit;
const [aliceKey, bobKey, carolKey] = proverKeys as [DevAccount, DevAccount, DevAccount];

beforeAll(async () => {
  h = await createMarketHarness({ now: clock.now });
  circuit = (await insertTinyCircuit(h.deps.prisma)).row;
});
afterAll(() => h?.close());

const declaration = (account: DevAccount) => ({
  address: account.address,
  kind: 'gpu' as const,
  maxConcurrency: 4,
  memoryMb: 16_384,
  maxConstraints: 1_000_000,
  cachedCircuitIds: [circuit.id],
  priceFloorWei: 123n,
  name: 'rig',
});

describe('registerProver', () => {
  it('refuses an address without the minimum stake on-chain', async () => {
    const error = await registerProver(h.deps, declaration(devAccounts.challenger)).catch((e: unknown) => e);
    expect(isTenderError(error, 'TENDER_INSUFFICIENT_STAKE')).toBe(true);
    expect((error as { details: Record<string, unknown> }).details).toMatchObject({
      stakeWei: '0',
      minimumStakeWei: (10n ** 17n).toString(),
    });
    expect(await h.deps.prisma.prover.count()).toBe(0);
  });

  it('registers a staked prover with its stake as collateral, and updates it on re-registration', async () => {
    await stake(h, aliceKey, 2n * ETH);
    const first = await registerProver(h.deps, declaration(aliceKey));
    expect(first).toMatchObject({
      address: aliceKey.address.toLowerCase(),
      kind: 'gpu',
      maxConcurrency: 4,
      cachedCircuitIds: [circuit.id],
      priceFloorWei: '123',
      stakeWei: (2n * ETH).toString(),
      collateralTotalWei: (2n * ETH).toString(),
      collateralLockedWei: '0',
      reliability: 0.5,
      activeAssignments: 0,
      lastHeartbeatAt: new Date(clock.now()).toISOString(),
    });
    await stake(h, aliceKey, ETH);
    const second = await registerProver(h.deps, {
      ...declaration(aliceKey),
      maxConcurrency: 1,
      cachedCircuitIds: [],
    });
    expect(second).toMatchObject({
      id: first.id,
      maxConcurrency: 1,
      cachedCircuitIds: [],
      stakeWei: (3n * ETH).toString(),
      collateralTotalWei: (3n * ETH).toString(),
    });
    expect(await proverByAddress(h.deps, aliceKey.address.toUpperCase().replace('0X', '0x'))).toMatchObject({
      id: first.id,
    });
    expect(await proverByAddress(h.deps, devAccounts.challenger.address)).toBeNull();
  });

  it('refuses malformed declarations', async () => {
    for (const bad of [
      { kind: 'tpu' },
      { maxConcurrency: 0 },
      { cachedCircuitIds: ['nope'] },
      { priceFloorWei: -1n },
    ]) {
      const error = await registerProver(h.deps, { ...declaration(aliceKey), ...bad } as never).catch(
        (e: unknown) => e,
      );
      expect(isTenderError(error, 'TENDER_VALIDATION_FAILED')).toBe(true);
    }
  });
});

describe('recordHeartbeat', () => {
  it('marks the prover alive, updates its cache list and picks up an unstake', async () => {
    const bob = await registerDevProver(h, bobKey);
    clock.advance(5_000);
    await recordHeartbeat(h.deps, bob.id, { cachedCircuitIds: [circuit.id] });
    expect(await proverByAddress(h.deps, bobKey.address)).toMatchObject({
      lastHeartbeatAt: new Date(clock.now()).toISOString(),
      cachedCircuitIds: [circuit.id],
      stakeWei: ETH.toString(),
    });
    await requestUnstake(h, bobKey, ETH);
    await recordHeartbeat(h.deps, bob.id);
    expect(await proverByAddress(h.deps, bobKey.address)).toMatchObject({
      stakeWei: '0',
      collateralTotalWei: '0',
    });
    const missing = await recordHeartbeat(h.deps, '00000000-0000-7000-8000-000000000000').catch(
      (e: unknown) => e,
    );
    expect(isTenderError(missing, 'TENDER_PROVER_NOT_FOUND')).toBe(true);
  });
});

describe('pendingProverEvents', () => {
  it('replays open invitations and held awards from Postgres', async () => {
    const carol = await registerDevProver(h, carolKey);
    const deadline = new Date(clock.now() + 600_000);
    const first = await insertJob(h.deps.prisma, circuit, { deadline, input: { pixels: [7] } });
    const second = await insertJob(h.deps.prisma, circuit, { deadline });
    const a1 = await openAuction(h.deps, first.id, 1);
    const a2 = await openAuction(h.deps, second.id, 1);
    const bid = { price: 1_000n, etaMs: 5_000, expiresAt: Math.floor(clock.now() / 1000) + 600 };
    await placeBid(h.deps, {
      auctionId: a1.auctionId!,
      proverAddress: carolKey.address,
      ...bid,
      signature: await signBid(h, carolKey, { chainJobId: first.chainJobId!, ...bid }),
    });
    expect((await pendingProverEvents(h.deps, carol.id)).map((e) => e.type)).toEqual([
      'invitation',
      'invitation',
    ]);

    clock.advance(1_000);
    await closeAuction(h.deps, a1.auctionId!);
    await closeAuction(h.deps, a2.auctionId!);
    await openAuction(h.deps, second.id, 2); // a new round: an invitation again
    const events = await pendingProverEvents(h.deps, carol.id);
    expect(events).toMatchObject([
      { type: 'invitation', jobId: second.id, round: 2 },
      { type: 'award', jobId: first.id, input: { pixels: [7] }, price: '1000' },
    ]);
  });
});
