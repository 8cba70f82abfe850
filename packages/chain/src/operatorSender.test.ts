import { isTenderError } from '@tender/core';
import { encodeFunctionData, type Hex } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectChain } from './connectChain.ts';
import { deployTender, type TenderDeployment } from './deployTender.ts';
import { devAccounts } from './devAccounts.ts';
import { tenderMarketAbi } from './generated/TenderMarket.ts';
import { OperatorSender } from './operatorSender.ts';
import { type StartAnvilOptions, startAnvil } from './startAnvil.ts';

let anvil: Awaited<ReturnType<typeof startAnvil>>;
let deployment: TenderDeployment;
let operator: Awaited<ReturnType<typeof connectChain>>;

async function setup(opts: StartAnvilOptions = {}) {
  anvil = await startAnvil(opts);
  deployment = await deployTender({
    rpcUrl: anvil.rpcUrl,
    deployerKey: devAccounts.deployer.privateKey,
    params: { operators: [devAccounts.operator.address], treasury: devAccounts.treasury.address },
  });
  operator = await connectChain({
    rpcUrl: anvil.rpcUrl,
    privateKey: devAccounts.operator.privateKey,
    chainId: anvil.chainId,
  });
}

beforeAll(() => setup());
afterAll(() => anvil?.stop());

const lock = (amount: bigint) =>
  ({
    address: deployment.addresses.market,
    abi: tenderMarketAbi,
    functionName: 'setStakeLocks',
    args: [[devAccounts.provers[0]!.address], [amount]],
  }) as const;

describe('settlement sender', () => {
  it('sends concurrent calls one after another with consecutive nonces', async () => {
    const sender = new OperatorSender(operator);
    const start = await operator.publicClient.getTransactionCount({ address: operator.account.address });
    const nonces: number[] = [];
    const sent = await Promise.all(
      [1n, 2n, 3n].map((a) => sender.send(lock(a), async ({ nonce }) => void nonces.push(nonce))),
    );
    expect(nonces).toEqual([start, start + 1, start + 2]);
    expect(sent.every((s) => s.receipt.status === 'success')).toBe(true);
  });

  it('refuses a call that would revert without sending anything', async () => {
    const sender = new OperatorSender(operator);
    const before = await operator.publicClient.getTransactionCount({ address: operator.account.address });
    const broadcasts: Hex[] = [];
    const error = await sender
      .send(
        {
          address: deployment.addresses.market,
          abi: tenderMarketAbi,
          functionName: 'setStakeLocks',
          args: [[devAccounts.provers[0]!.address], []],
        },
        async ({ hash }) => void broadcasts.push(hash),
      )
      .catch((e: unknown) => e);
    expect(isTenderError(error, 'TENDER_CHAIN_REVERTED')).toBe(true);
    expect((error as { details: { errorName: string } }).details.errorName).toBe('LengthMismatch');
    expect(broadcasts).toEqual([]);
    expect(await operator.publicClient.getTransactionCount({ address: operator.account.address })).toBe(
      before,
    );
  });

  it('replaces a transaction that is not mined in time with a higher fee, keeping the nonce', async () => {
    const sender = new OperatorSender(operator, { replaceAfterMs: 300, pollMs: 50 });
    await operator.publicClient.request({ method: 'evm_setAutomine' as never, params: [false] as never });
    try {
      const broadcasts: { hash: Hex; nonce: number; replacement: number }[] = [];
      const sending = sender.send(lock(7n), async (tx) => void broadcasts.push(tx));
      await expect.poll(() => broadcasts.length, { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
      await operator.publicClient.request({ method: 'evm_mine' as never });
      const sent = await sending;
      expect(sent.replacements).toBeGreaterThanOrEqual(1);
      expect(new Set(broadcasts.map((b) => b.nonce)).size).toBe(1);
      expect(broadcasts.map((b) => b.hash)).toContain(sent.hash);
      const first = broadcasts[0]!.hash;
      const [original, mined] = await Promise.all([
        operator.publicClient.getTransaction({ hash: sent.hash }),
        sender.receiptOf(first),
      ]);
      expect(mined).toBeNull();
      expect(sent.hash).not.toBe(first);
      expect(original.maxFeePerGas).toBeGreaterThan(0n);
    } finally {
      await operator.publicClient.request({ method: 'evm_setAutomine' as never, params: [true] as never });
    }
  });

  it('takes over a transaction left in the mempool by an earlier process and replaces it when stuck', async () => {
    await operator.publicClient.request({ method: 'evm_setAutomine' as never, params: [false] as never });
    try {
      const call = lock(9n);
      const left = await operator.walletClient.sendTransaction({
        to: call.address,
        data: encodeFunctionData({ abi: call.abi, functionName: call.functionName, args: call.args }),
      });
      const sender = new OperatorSender(operator, { replaceAfterMs: 300, pollMs: 50 });
      const broadcasts: Hex[] = [];
      const resuming = sender.resume(left, async ({ hash }) => void broadcasts.push(hash));
      await expect.poll(() => broadcasts.length, { timeout: 10_000 }).toBeGreaterThanOrEqual(1);
      await operator.publicClient.request({ method: 'evm_mine' as never });
      const sent = await resuming;
      expect(sent?.hash).toBe(broadcasts.at(-1));
      expect(await sender.receiptOf(left)).toBeNull();
      expect(await sender.resume(`0x${'00'.repeat(32)}`)).toBeNull();
    } finally {
      await operator.publicClient.request({ method: 'evm_setAutomine' as never, params: [true] as never });
    }
  });
});
