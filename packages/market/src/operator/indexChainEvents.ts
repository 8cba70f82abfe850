import { circuitRegistryAbi, tenderMarketAbi, tenderStakingAbi } from '@tender/chain';
import type { Prisma } from '@tender/db';
import { type Address, getAddress, type Hex, type Log, parseEventLogs } from 'viem';
import type { MarketDeps } from '../deps/marketDeps.ts';

/** Tunables of {@link indexChainEvents}. */
export interface IndexerOptions {
  /** Cursor row name (default `tender-contracts`). */
  name?: string;
  /** Blocks re-read when the cursor's block hash no longer matches the chain (default 5). */
  reorgDepth?: number;
  /** Most blocks per `eth_getLogs` call (default 2 000). */
  maxRange?: number;
  /** Stay this many blocks behind the head (default 0: anvil and tests). */
  confirmations?: number;
  /** Most block ranges in one pass (default 50), so one call never runs for long. */
  maxRangesPerPass?: number;
}

/** What one pass did. */
export interface IndexPass {
  fromBlock: bigint;
  toBlock: bigint;
  /** New ChainEvent rows. */
  stored: number;
  /** Blocks rewound because of a reorg (0 when none). */
  rewound: number;
  /** Provers whose `stakeWei` was refreshed. */
  stakesRefreshed: number;
}

const allAbis = [...tenderMarketAbi, ...tenderStakingAbi, ...circuitRegistryAbi];
const stakingEvents = new Set(['Staked', 'UnstakeRequested', 'StakeWithdrawn', 'StakeSlashed']);

function plain(value: unknown): Prisma.InputJsonValue {
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) return value.map(plain);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  }
  return value as Prisma.InputJsonValue;
}

/**
 * One pass of the contract-event indexer: reads the market's, staking's and registry's events
 * from the cursor (first pass: the deployment block) up to the head in block ranges, stores
 * each as a ChainEvent (unique by tx hash + log index, so a re-read stores nothing twice) and
 * moves the ChainCursor (block number + hash) in the same transaction as the rows of each range.
 * Reorgs: when the block at the cursor no longer has the cursor's hash, the last `reorgDepth`
 * blocks of events are deleted and read again. Provers touched by staking events get their
 * `stakeWei` refreshed from `stakeOf` at the range's last block. Survives restarts (the cursor
 * is in Postgres); run it again and again (the aggregator does, every 2 s).
 */
export async function indexChainEvents(deps: MarketDeps, opts: IndexerOptions = {}): Promise<IndexPass> {
  const name = opts.name ?? 'tender-contracts';
  const reorgDepth = BigInt(opts.reorgDepth ?? 5);
  const maxRange = BigInt(opts.maxRange ?? 2_000);
  const { prisma, publicClient, deployment } = deps;
  const addresses = deployment.addresses;
  const contractName = new Map<string, string>(
    Object.entries(addresses).map(([n, a]) => [a.toLowerCase(), n] as [string, string]),
  );
  const start = deployment.blockNumber;
  const head = (await publicClient.getBlockNumber({ cacheTime: 0 })) - BigInt(opts.confirmations ?? 0);
  const cursor = await prisma.chainCursor.findUnique({ where: { name } });
  let from = cursor ? cursor.blockNumber + 1n : start;
  let rewound = 0;
  if (cursor) {
    // A cursor block that is gone (chain got shorter) or has another hash means a reorg.
    const block =
      cursor.blockNumber <= head
        ? await publicClient.getBlock({ blockNumber: cursor.blockNumber }).catch(() => null)
        : null;
    if (!block || block.hash !== cursor.blockHash) {
      const top = cursor.blockNumber < head ? cursor.blockNumber : head;
      const back = top - reorgDepth + 1n;
      from = back > start ? back : start;
      rewound = Number(cursor.blockNumber - from + 1n);
    }
  }
  let stored = 0;
  let stakesRefreshed = 0;
  const firstFrom = from;
  let ranges = 0;
  let deleteFrom: bigint | null = rewound > 0 ? from : null;
  while (from <= head && ranges < (opts.maxRangesPerPass ?? 50)) {
    const to = from + maxRange - 1n < head ? from + maxRange - 1n : head;
    const [logs, toBlock] = await Promise.all([
      publicClient.getLogs({ address: Object.values(addresses), fromBlock: from, toBlock: to }),
      publicClient.getBlock({ blockNumber: to }),
    ]);
    const events = parseEventLogs({ abi: allAbis, logs: logs as Log[] });
    const rows: Prisma.ChainEventCreateManyInput[] = events.map((e) => ({
      chainId: deployment.chainId,
      contract: e.address.toLowerCase(),
      eventName: e.eventName,
      blockNumber: e.blockNumber,
      blockHash: e.blockHash,
      txHash: e.transactionHash,
      logIndex: e.logIndex,
      args: plain({ contract: contractName.get(e.address.toLowerCase()) ?? null, ...e.args }),
    }));
    const touched = new Set<Address>();
    for (const e of events) {
      if (stakingEvents.has(e.eventName) && 'prover' in e.args) touched.add(getAddress(e.args.prover as Hex));
    }
    const stakes = await Promise.all(
      [...touched].map(async (prover) => ({
        prover,
        stake: await publicClient.readContract({
          address: addresses.staking,
          abi: tenderStakingAbi,
          functionName: 'stakeOf',
          args: [prover],
          blockNumber: to,
        }),
      })),
    );
    const deleteBelow = deleteFrom;
    const result = await prisma.$transaction(async (tx) => {
      if (deleteBelow !== null) {
        await tx.chainEvent.deleteMany({
          where: { chainId: deployment.chainId, blockNumber: { gte: deleteBelow } },
        });
      }
      const created =
        rows.length > 0 ? await tx.chainEvent.createMany({ data: rows, skipDuplicates: true }) : null;
      let refreshed = 0;
      for (const { prover, stake } of stakes) {
        const updated = await tx.prover.updateMany({
          where: {
            address: prover.toLowerCase(),
            OR: [{ stakeSeenBlock: null }, { stakeSeenBlock: { lte: to } }],
          },
          data: { stakeWei: stake.toString(), stakeSeenBlock: to },
        });
        refreshed += updated.count;
      }
      await tx.chainCursor.upsert({
        where: { name },
        create: { name, blockNumber: to, blockHash: toBlock.hash },
        update: { blockNumber: to, blockHash: toBlock.hash },
      });
      return { created: created?.count ?? 0, refreshed };
    });
    deleteFrom = null;
    stored += result.created;
    stakesRefreshed += result.refreshed;
    from = to + 1n;
    ranges += 1;
  }
  return { fromBlock: firstFrom, toBlock: from - 1n, stored, rewound, stakesRefreshed };
}
