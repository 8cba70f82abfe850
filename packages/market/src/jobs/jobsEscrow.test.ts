import { connectChain, devAccounts, sendContractTx, tenderMarketAbi } from '@tender/chain';
import { isTenderError } from '@tender/core';
import { weiToDecimal } from '@tender/db';
import { insertCircuit, insertRequester } from '@tender/db/testing';
import { parseEther } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMarketHarness, type MarketHarness } from '../testing/marketHarness.ts';
import { assertEscrowCovers } from './jobsEscrow.ts';

let h: MarketHarness;
beforeAll(async () => {
  h = await createMarketHarness();
});
afterAll(() => h?.close());

async function refusal(p: Promise<unknown>): Promise<Record<string, unknown>> {
  const error = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isTenderError(error, 'TENDER_INSUFFICIENT_ESCROW'), String(error)).toBe(true);
  return (error as { details: Record<string, unknown> }).details;
}

describe('escrow admission (issue 10, P1)', () => {
  it('admits a job only while escrow − pending withdrawal − open jobs covers its maxFee plus the fee', async () => {
    const account = devAccounts.requesters[0]!;
    const chain = await connectChain({
      rpcUrl: h.anvil.rpcUrl,
      privateKey: account.privateKey,
      chainId: h.deployment.chainId,
    });
    const market = { address: h.deployment.addresses.market, abi: tenderMarketAbi } as const;
    const row = await insertRequester(h.deps.prisma, 'escrow');
    const requester = await h.deps.prisma.requester.update({
      where: { id: row.id },
      data: { address: account.address },
    });
    const who = { id: requester.id, address: account.address };
    // No escrow: a 1000 ETH job is refused, with the figures.
    expect(await refusal(assertEscrowCovers(h.deps, who, parseEther('1000')))).toMatchObject({
      balanceWei: '0',
      neededWei: parseEther('1025').toString(),
    });
    await sendContractTx(chain, { ...market, functionName: 'deposit', args: [], value: parseEther('10') });
    // 10 ETH backs a 9.75 ETH job (9.75 + 2.5 % ≤ 10) but not a 9.8 ETH one.
    await assertEscrowCovers(h.deps, who, parseEther('9.75'));
    await refusal(assertEscrowCovers(h.deps, who, parseEther('9.8')));
    // Open jobs reserve their maxFee + fee: after 9 open 1 ETH jobs, a 10th 1 ETH job is refused
    // (12 × 1 ETH against 10 ETH of escrow was admitted before).
    const circuit = await insertCircuit(h.deps.prisma);
    const job = (i: number, status: 'submitted' | 'proven' | 'verified') => ({
      requesterId: requester.id,
      circuitId: circuit.id,
      input: {},
      inputHash: `0x${i.toString(16).padStart(64, '0')}`,
      maxFeeWei: weiToDecimal(parseEther('1')),
      deadline: new Date(Date.now() + 3_600_000),
      status,
    });
    await h.deps.prisma.job.createMany({
      data: [
        ...Array.from({ length: 8 }, (_, i) => job(i, 'submitted')),
        job(8, 'proven'),
        job(9, 'verified'),
      ],
    });
    await assertEscrowCovers(h.deps, who, parseEther('0.7')); // 10 − 9 × 1.025 = 0.775 ≥ 0.7175
    expect(await refusal(assertEscrowCovers(h.deps, who, parseEther('1')))).toMatchObject({
      reservedWei: parseEther('9.225').toString(),
    });
    // A pending withdrawal counts as gone for admission.
    await sendContractTx(chain, { ...market, functionName: 'requestWithdrawal', args: [parseEther('0.5')] });
    expect(await refusal(assertEscrowCovers(h.deps, who, parseEther('0.7')))).toMatchObject({
      pendingWithdrawalWei: parseEther('0.5').toString(),
    });
  });
});
