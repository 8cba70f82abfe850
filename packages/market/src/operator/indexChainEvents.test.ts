import { connectChain, devAccounts, tenderMarketAbi, tenderStakingAbi } from '@tender/chain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMarketHarness, type MarketHarness } from '../testing/marketHarness.ts';
import { indexChainEvents } from './indexChainEvents.ts';

let h: MarketHarness;
let prover: Awaited<ReturnType<typeof connectChain>>;
let requester: Awaited<ReturnType<typeof connectChain>>;

beforeAll(async () => {
  h = await createMarketHarness();
  const connect = (privateKey: `0x${string}`) =>
    connectChain({ rpcUrl: h.anvil.rpcUrl, privateKey, chainId: h.anvil.chainId });
  [prover, requester] = await Promise.all([
    connect(devAccounts.provers[0]!.privateKey),
    connect(devAccounts.requesters[0]!.privateKey),
  ]);
});
afterAll(() => h?.close());

async function stake(value: bigint) {
  const hash = await prover.walletClient.writeContract({
    address: h.deployment.addresses.staking,
    abi: tenderStakingAbi,
    functionName: 'stake',
    value,
  });
  await prover.publicClient.waitForTransactionReceipt({ hash });
}

async function deposit(value: bigint) {
  const hash = await requester.walletClient.writeContract({
    address: h.deployment.addresses.market,
    abi: tenderMarketAbi,
    functionName: 'deposit',
    value,
  });
  await requester.publicClient.waitForTransactionReceipt({ hash });
}

const rpc = (method: string, params: unknown[] = []) =>
  h.deps.publicClient.request({ method: method as never, params: params as never });

describe('chain event indexer', () => {
  it('stores the deployment events and each later event once, resuming from its cursor', async () => {
    const first = await indexChainEvents(h.deps);
    expect(first.fromBlock).toBe(h.deployment.blockNumber);
    const deployEvents = await h.deps.prisma.chainEvent.count();
    expect(deployEvents).toBeGreaterThan(0);

    await deposit(10n ** 17n);
    const second = await indexChainEvents(h.deps);
    expect(second.fromBlock).toBe(first.toBlock + 1n);
    expect(second.stored).toBe(1);
    const [event] = await h.deps.prisma.chainEvent.findMany({ where: { eventName: 'Deposited' } });
    expect(event?.args).toMatchObject({
      contract: 'market',
      account: devAccounts.requesters[0]!.address,
      amount: (10n ** 17n).toString(),
    });

    // A restart: the cursor row is all that carries over; nothing is stored twice.
    const again = await indexChainEvents(h.deps);
    expect(again.stored).toBe(0);
    expect(await h.deps.prisma.chainEvent.count()).toBe(deployEvents + 1);
  });

  it('refreshes a known prover stake from staking events', async () => {
    await h.deps.prisma.prover.create({
      data: {
        address: devAccounts.provers[0]!.address.toLowerCase(),
        kind: 'cpu',
        memoryMb: 1024,
        maxConstraints: 100_000,
      },
    });
    const minimum = h.deployment.params.minimumStake;
    await stake(minimum);
    const pass = await indexChainEvents(h.deps);
    expect(pass.stakesRefreshed).toBe(1);
    const row = await h.deps.prisma.prover.findUniqueOrThrow({
      where: { address: devAccounts.provers[0]!.address.toLowerCase() },
    });
    expect(BigInt(row.stakeWei.toFixed())).toBe(minimum);
    expect(row.stakeSeenBlock).toBe(pass.toBlock);
  });

  it('drops the events of blocks that a reorg replaced and reads the new ones', async () => {
    const snapshot = await rpc('evm_snapshot');
    await stake(10n ** 15n);
    await stake(10n ** 15n);
    await indexChainEvents(h.deps);
    const stakedBefore = await h.deps.prisma.chainEvent.count({ where: { eventName: 'Staked' } });

    await rpc('evm_revert', [snapshot]);
    await deposit(10n ** 16n);
    const pass = await indexChainEvents(h.deps);
    expect(pass.rewound).toBeGreaterThan(0);
    expect(await h.deps.prisma.chainEvent.count({ where: { eventName: 'Staked' } })).toBe(stakedBefore - 2);
    expect(await h.deps.prisma.chainEvent.count({ where: { eventName: 'Deposited' } })).toBe(2);
    const cursor = await h.deps.prisma.chainCursor.findUniqueOrThrow({ where: { name: 'tender-contracts' } });
    const head = await h.deps.publicClient.getBlock();
    expect(cursor.blockNumber).toBe(head.number);
    expect(cursor.blockHash).toBe(head.hash);
  });
});
