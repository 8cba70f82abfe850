import { tenderStakingAbi } from '@tender/chain';
import {
  activeAssignmentStatuses,
  defaultReliabilityPolicy,
  type ProverKind,
  TenderError,
} from '@tender/core';
import { type Prover, type TenderQueryable, weiFromDecimal, weiToDecimal } from '@tender/db';
import { type Address, getAddress, isAddress } from 'viem';
import type { MarketDeps } from '../deps/marketDeps.ts';
import { wakeForFreeSlots } from './wakeWaitingAuctions.ts';

/**
 * A prover as the services hand it out, ready for JSON: wei as decimal
 * strings, times as ISO strings. `collateralTotalWei` is the prover's
 * on-chain stake when it registered, adjusted by later stake changes and
 * minus collateral it forfeited (missed deadlines, abandoned or invalid work).
 */
export interface ProverView {
  id: string;
  /** Lowercase 0x address. */
  address: string;
  name: string | null;
  kind: ProverKind;
  maxConcurrency: number;
  memoryMb: number;
  maxConstraints: number;
  cachedCircuitIds: string[];
  priceFloorWei: string;
  /** 0..1, see @tender/core reliability. */
  reliability: number;
  /** Active stake last read from the staking contract. */
  stakeWei: string;
  collateralTotalWei: string;
  collateralLockedWei: string;
  /** Assignments it holds now (awarded, proving, or a proof being checked). */
  activeAssignments: number;
  lastHeartbeatAt: string | null;
  createdAt: string;
}

/** What a prover declares when it registers (or updates itself). */
export interface RegisterProverInput {
  address: string;
  kind: ProverKind;
  /** Jobs it proves at once. */
  maxConcurrency: number;
  /** Memory available for proving, MiB. */
  memoryMb: number;
  /** The largest circuit it proves (R1CS constraints). */
  maxConstraints: number;
  /** Circuits whose artifacts it already holds. */
  cachedCircuitIds: readonly string[];
  /** It never bids below this, wei. */
  priceFloorWei: bigint;
  name?: string | undefined;
}

const MAX_CACHED = 1_000;

/**
 * Registers a prover, or updates one that exists (by address). The prover must
 * hold at least the staking contract's minimum active stake (`stakeOf` ≥
 * `minimumStake`), else `TENDER_INSUFFICIENT_STAKE` (403). Its collateral
 * account starts at its stake; on re-registration the total moves by the change
 * in stake since last seen (forfeits are not undone) and never drops below
 * what is locked. Registering counts as a heartbeat. New provers start at core's
 * initial reliability (0.5).
 *
 * @throws TenderError `TENDER_VALIDATION_FAILED` for a bad field, `TENDER_INSUFFICIENT_STAKE`.
 * @example
 * const prover = await registerProver(deps, { address, kind: 'cpu', maxConcurrency: 2, memoryMb: 4096,
 *   maxConstraints: 100_000, cachedCircuitIds: [], priceFloorWei: 0n });
 */
export async function registerProver(deps: MarketDeps, input: RegisterProverInput): Promise<ProverView> {
  const fields = checkRegistration(input);
  const address = fields.address;
  const [stake, minimum, block] = await Promise.all([
    readStake(deps, address),
    deps.publicClient.readContract({
      address: deps.deployment.addresses.staking,
      abi: tenderStakingAbi,
      functionName: 'minimumStake',
    }),
    deps.publicClient.getBlockNumber(),
  ]);
  if (stake < minimum) {
    throw new TenderError('TENDER_INSUFFICIENT_STAKE', 'stake is below the minimum', {
      details: { address, stakeWei: stake.toString(), minimumStakeWei: minimum.toString() },
    });
  }
  const now = new Date(deps.now());
  const declared = {
    kind: fields.kind,
    maxConcurrency: fields.maxConcurrency,
    memoryMb: fields.memoryMb,
    maxConstraints: fields.maxConstraints,
    cachedCircuitIds: fields.cachedCircuitIds,
    priceFloorWei: weiToDecimal(fields.priceFloorWei),
    ...(fields.name === undefined ? {} : { name: fields.name }),
    lastHeartbeatAt: now,
  };
  const id = await deps.prisma.$transaction(async (tx) => {
    const [existing] = await tx.$queryRaw<{ id: string }[]>`
      SELECT id::text AS id FROM provers WHERE address = ${address} FOR UPDATE`;
    if (existing === undefined) {
      const created = await tx.prover.create({
        data: {
          address,
          ...declared,
          reliability: defaultReliabilityPolicy.initial,
          stakeWei: weiToDecimal(stake),
          stakeSeenBlock: block,
          collateralTotalWei: weiToDecimal(stake),
        },
      });
      return created.id;
    }
    await applyStake(tx, existing.id, stake, block);
    await tx.prover.update({ where: { id: existing.id }, data: declared });
    return existing.id;
  });
  return proverView(deps.prisma, id);
}

/**
 * Records that the prover is alive (its heartbeat), and optionally the circuits
 * it caches now. Also re-reads its stake from the chain so a prover slashed or
 * unstaked on-chain stops being invited; a chain that does not answer keeps the
 * last stake seen (the heartbeat still counts).
 *
 * @throws TenderError `TENDER_PROVER_NOT_FOUND`, `TENDER_VALIDATION_FAILED` (bad circuit ids).
 */
export async function recordHeartbeat(
  deps: MarketDeps,
  proverId: string,
  update: { cachedCircuitIds?: readonly string[] | undefined } = {},
): Promise<void> {
  const cached = update.cachedCircuitIds === undefined ? undefined : checkCircuitIds(update.cachedCircuitIds);
  const updated = await deps.prisma.prover.updateMany({
    where: { id: proverId },
    data: {
      lastHeartbeatAt: new Date(deps.now()),
      ...(cached === undefined ? {} : { cachedCircuitIds: cached }),
    },
  });
  if (updated.count === 0) {
    throw new TenderError('TENDER_PROVER_NOT_FOUND', 'prover not found', { details: { proverId } });
  }
  // A prover with free slots can take jobs now: wake those waiting out a no-bid backoff.
  await wakeForFreeSlots(deps, proverId, { onlyIfFree: true });
  const prover = await deps.prisma.prover.findUniqueOrThrow({ where: { id: proverId } });
  let stake: bigint;
  let block: bigint;
  try {
    [stake, block] = await Promise.all([
      readStake(deps, prover.address as Address),
      deps.publicClient.getBlockNumber(),
    ]);
  } catch {
    return;
  }
  if (stake === weiFromDecimal(prover.stakeWei)) return;
  await deps.prisma.$transaction(async (tx) => {
    await tx.$queryRaw`SELECT 1 FROM provers WHERE id = ${proverId}::uuid FOR UPDATE`;
    await applyStake(tx, proverId, stake, block);
  });
}

/** The prover registered with this address (any case), or null. */
export async function proverByAddress(deps: MarketDeps, address: string): Promise<ProverView | null> {
  if (!isAddress(address, { strict: false })) return null;
  const row = await deps.prisma.prover.findUnique({ where: { address: address.toLowerCase() } });
  return row === null ? null : toProverView(row, await activeCount(deps.prisma, row.id));
}

/**
 * The {@link ProverView} of prover `proverId`.
 *
 * @throws TenderError `TENDER_PROVER_NOT_FOUND`.
 */
export async function proverView(db: TenderQueryable, proverId: string): Promise<ProverView> {
  const row = await db.prover.findUnique({ where: { id: proverId } });
  if (row === null) {
    throw new TenderError('TENDER_PROVER_NOT_FOUND', 'prover not found', { details: { proverId } });
  }
  return toProverView(row, await activeCount(db, proverId));
}

/** Maps a Prover row (and its count of active assignments) to a {@link ProverView}. */
export function toProverView(row: Prover, activeAssignments: number): ProverView {
  return {
    id: row.id,
    address: row.address,
    name: row.name,
    kind: row.kind,
    maxConcurrency: row.maxConcurrency,
    memoryMb: row.memoryMb,
    maxConstraints: row.maxConstraints,
    cachedCircuitIds: row.cachedCircuitIds,
    priceFloorWei: weiFromDecimal(row.priceFloorWei).toString(),
    reliability: row.reliability,
    stakeWei: weiFromDecimal(row.stakeWei).toString(),
    collateralTotalWei: weiFromDecimal(row.collateralTotalWei).toString(),
    collateralLockedWei: weiFromDecimal(row.collateralLockedWei).toString(),
    activeAssignments,
    lastHeartbeatAt: row.lastHeartbeatAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
  };
}

/** The prover's active stake in the staking contract (`stakeOf`: total minus pending unstakes). */
export function readStake(deps: Pick<MarketDeps, 'publicClient' | 'deployment'>, address: Address) {
  return deps.publicClient.readContract({
    address: deps.deployment.addresses.staking,
    abi: tenderStakingAbi,
    functionName: 'stakeOf',
    args: [address],
  });
}

async function activeCount(db: TenderQueryable, proverId: string): Promise<number> {
  return db.assignment.count({ where: { proverId, status: { in: [...activeAssignmentStatuses] } } });
}

/** Stores a newly read stake and moves the collateral total by the same change (row locked by the caller). */
async function applyStake(
  db: TenderQueryable,
  proverId: string,
  stake: bigint,
  block: bigint,
): Promise<void> {
  const stakeText = weiToDecimal(stake);
  await db.$executeRaw`
    UPDATE provers SET
      collateral_total_wei = GREATEST(collateral_locked_wei,
        collateral_total_wei + (${stakeText}::numeric - stake_wei), 0),
      stake_wei = ${stakeText}::numeric,
      stake_seen_block = ${block},
      updated_at = now()
    WHERE id = ${proverId}::uuid`;
}

function checkRegistration(input: RegisterProverInput) {
  const invalid = (field: string, message: string): never => {
    throw new TenderError('TENDER_VALIDATION_FAILED', `${field}: ${message}`, { details: { field } });
  };
  if (typeof input.address !== 'string' || !isAddress(input.address, { strict: false })) {
    invalid('address', 'not an Ethereum address');
  }
  if (input.kind !== 'gpu' && input.kind !== 'cpu') invalid('kind', 'must be gpu or cpu');
  const whole = (field: string, value: number, max: number) => {
    if (!Number.isSafeInteger(value) || value < 1 || value > max)
      invalid(field, `must be a whole number in 1..${max}`);
  };
  whole('maxConcurrency', input.maxConcurrency, 1_024);
  whole('memoryMb', input.memoryMb, 2 ** 31 - 1);
  whole('maxConstraints', input.maxConstraints, 2 ** 31 - 1);
  if (typeof input.priceFloorWei !== 'bigint' || input.priceFloorWei < 0n) {
    invalid('priceFloorWei', 'must be a wei amount ≥ 0');
  }
  if (input.name !== undefined && (typeof input.name !== 'string' || input.name.length > 100)) {
    invalid('name', 'at most 100 characters');
  }
  return {
    address: getAddress(input.address).toLowerCase() as Address,
    kind: input.kind,
    maxConcurrency: input.maxConcurrency,
    memoryMb: input.memoryMb,
    maxConstraints: input.maxConstraints,
    cachedCircuitIds: checkCircuitIds(input.cachedCircuitIds),
    priceFloorWei: input.priceFloorWei,
    name: input.name,
  };
}

function checkCircuitIds(ids: readonly string[]): string[] {
  if (!Array.isArray(ids) || ids.length > MAX_CACHED || !ids.every((id) => /^0x[0-9a-fA-F]{64}$/.test(id))) {
    throw new TenderError(
      'TENDER_VALIDATION_FAILED',
      `cachedCircuitIds: at most ${MAX_CACHED} circuit ids (0x + 64 hex)`,
      { details: { field: 'cachedCircuitIds' } },
    );
  }
  return [...new Set(ids.map((id) => id.toLowerCase()))];
}
