import { createPublicClient, http, keccak256, stringToHex } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultDeployParams, deployTender, predictTenderAddresses } from './deployTender.ts';
import { devAccounts } from './devAccounts.ts';
import { type AnvilInstance, startAnvil } from './startAnvil.ts';
import { tenderAbis } from './tenderAbis.ts';

let anvil: AnvilInstance;

beforeAll(async () => {
  anvil = await startAnvil();
});
afterAll(async () => {
  await anvil?.stop();
});

describe('deployTender', () => {
  it('deploys registry, market and staking at the predicted CREATE2 addresses, wired together', async () => {
    const d = await deployTender({
      rpcUrl: anvil.rpcUrl,
      deployerKey: devAccounts.deployer.privateKey,
      params: { operators: [devAccounts.operator.address], treasury: devAccounts.treasury.address },
    });
    const predicted = predictTenderAddresses(d.params);
    expect(d.addresses.registry).toBe(predicted.registry);
    expect(d.addresses.market).toBe(predicted.market);
    expect(d.chainId).toBe(31337);
    expect(d.blockNumber).toBeGreaterThan(0n);

    const client = createPublicClient({ transport: http(anvil.rpcUrl) });
    const market = { address: d.addresses.market, abi: tenderAbis.market } as const;
    expect(await client.readContract({ ...market, functionName: 'registry' })).toBe(d.addresses.registry);
    expect(await client.readContract({ ...market, functionName: 'staking' })).toBe(d.addresses.staking);
    expect(await client.readContract({ ...market, functionName: 'owner' })).toBe(
      devAccounts.deployer.address,
    );
    expect(
      await client.readContract({
        ...market,
        functionName: 'isOperator',
        args: [devAccounts.operator.address],
      }),
    ).toBe(true);
    const staking = { address: d.addresses.staking, abi: tenderAbis.staking } as const;
    expect(await client.readContract({ ...staking, functionName: 'market' })).toBe(d.addresses.market);
    expect(await client.readContract({ ...staking, functionName: 'minimumStake' })).toBe(10n ** 17n);
  });

  it('is idempotent: a second run with the same params sends nothing and returns the same addresses', async () => {
    const params = { operators: [devAccounts.operator.address], treasury: devAccounts.treasury.address };
    const first = await deployTender({
      rpcUrl: anvil.rpcUrl,
      deployerKey: devAccounts.deployer.privateKey,
      params,
    });
    const client = createPublicClient({ transport: http(anvil.rpcUrl) });
    const nonceBefore = await client.getTransactionCount({ address: devAccounts.deployer.address });
    const second = await deployTender({
      rpcUrl: anvil.rpcUrl,
      deployerKey: devAccounts.deployer.privateKey,
      params,
    });
    expect(second.addresses).toEqual(first.addresses);
    expect(second.blockNumber).toBe(first.blockNumber);
    expect(await client.getTransactionCount({ address: devAccounts.deployer.address })).toBe(nonceBefore);
  });

  it('deploys an independent market for another salt', async () => {
    const salt = keccak256(stringToHex('tender.other'));
    const d = await deployTender({
      rpcUrl: anvil.rpcUrl,
      deployerKey: devAccounts.deployer.privateKey,
      params: { salt },
    });
    const defaults = predictTenderAddresses(defaultDeployParams(devAccounts.deployer.address));
    expect(d.addresses.market).not.toBe(defaults.market);
  });
});
