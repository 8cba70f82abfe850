import { connectChain, devAccounts, SettlementSender, sendContractTx, tenderStakingAbi } from '@tender/chain';
import { weiToDecimal } from '@tender/db';
import { insertProver } from '@tender/db/testing';
import { parseEther } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMarketHarness, type MarketHarness } from '../testing/marketHarness.ts';
import { stakeLockUpdates, syncStakeLocks } from './stakeLocks.ts';

let h: MarketHarness;
beforeAll(async () => {
  h = await createMarketHarness();
});
afterAll(() => h?.close());

describe('stake locks on-chain (issue 10, P2)', () => {
  it('locks the collateral of open assignments in one operator tx, so the prover cannot unstake it', async () => {
    const account = devAccounts.provers[0]!;
    const connect = (privateKey: `0x${string}`) =>
      connectChain({ rpcUrl: h.anvil.rpcUrl, privateKey, chainId: h.deployment.chainId });
    const [prover, operator] = await Promise.all([
      connect(account.privateKey),
      connect(devAccounts.operator.privateKey),
    ]);
    const staking = { address: h.deployment.addresses.staking, abi: tenderStakingAbi } as const;
    await sendContractTx(prover, { ...staking, functionName: 'stake', args: [], value: parseEther('1') });
    const inserted = await insertProver(h.deps.prisma);
    const row = await h.deps.prisma.prover.update({
      where: { id: inserted.id },
      data: { address: account.address.toLowerCase(), collateralLockedWei: weiToDecimal(parseEther('0.3')) },
    });
    const sender = new SettlementSender(operator);
    expect(await syncStakeLocks(h.deps, sender)).toBe(1);
    const [, , locked] = await prover.publicClient.readContract({
      ...staking,
      functionName: 'stakeInfo',
      args: [account.address],
    });
    expect(locked).toBe(parseEther('0.3'));
    // The unstake-while-assigned attack: asking for all of it is refused on-chain.
    await expect(
      sendContractTx(prover, { ...staking, functionName: 'requestUnstake', args: [parseEther('1')] }),
    ).rejects.toMatchObject({ details: { errorName: 'UnstakeExceedsAvailable' } });
    // Nothing changed: nothing to send. The assignment ends: the lock is released.
    expect(await stakeLockUpdates(h.deps)).toEqual({ provers: [], amounts: [] });
    await h.deps.prisma.prover.update({
      where: { id: row.id },
      data: { collateralLockedWei: weiToDecimal(0n) },
    });
    expect(await syncStakeLocks(h.deps, sender)).toBe(1);
    await sendContractTx(prover, { ...staking, functionName: 'requestUnstake', args: [parseEther('1')] });
  });
});
