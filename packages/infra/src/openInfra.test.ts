import {
  type AnvilInstance,
  deployTender,
  devAccounts,
  startAnvil,
  type TenderDeployment,
} from '@tender/chain';
import { isTenderError } from '@tender/core';
import { createTestDatabase, type TestDatabase } from '@tender/db/testing';
import { freePort } from '@tender/queue';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Infra, openInfra } from './openInfra.ts';

let anvil: AnvilInstance;
let deployment: TenderDeployment;
let database: TestDatabase;

beforeAll(async () => {
  [anvil, database] = await Promise.all([startAnvil(), createTestDatabase({ migrate: false })]);
  deployment = await deployTender({ rpcUrl: anvil.rpcUrl, deployerKey: devAccounts.deployer.privateKey });
});
afterAll(async () => {
  await database?.drop();
  await anvil?.stop();
});

describe('openInfra', () => {
  it('migrates the database and reports every dependency healthy', async () => {
    const infra: Infra = await openInfra({
      databaseUrl: database.url,
      redisUrl: 'redis://127.0.0.1:6379',
      rpcUrl: anvil.rpcUrl,
      deployment,
    });
    try {
      expect(infra.db.migrations?.applied.length ?? 0).toBeGreaterThan(0);
      expect(await infra.checks.database()).toBe('postgres');
      await infra.checks.redis();
      expect(await infra.checks.chain()).toMatch(/^block \d+$/);
      expect(await infra.checks.contracts()).toContain(deployment.addresses.market);
    } finally {
      await infra.close();
    }
  });

  it('reports contracts missing when the deployment points at empty addresses', async () => {
    const infra = await openInfra({
      databaseUrl: database.url,
      redisUrl: 'redis://127.0.0.1:6379',
      rpcUrl: anvil.rpcUrl,
      deployment: { ...deployment, addresses: { ...deployment.addresses, market: `0x${'12'.repeat(20)}` } },
    });
    try {
      await expect(infra.checks.contracts()).rejects.toThrow(/no code at market/);
    } finally {
      await infra.close();
    }
  });

  it('fails naming REDIS_URL when Redis does not answer', async () => {
    const error = await openInfra({
      databaseUrl: database.url,
      redisUrl: `redis://127.0.0.1:${await freePort()}`,
      rpcUrl: anvil.rpcUrl,
      deployment,
    }).catch((e: unknown) => e);
    expect(isTenderError(error, 'TENDER_DEPENDENCY_UNAVAILABLE')).toBe(true);
    expect((error as Error).message).toMatch(/^REDIS_URL:/);
  });

  it('fails naming RPC_URL when the chain does not answer', async () => {
    const error = await openInfra({
      databaseUrl: database.url,
      redisUrl: 'redis://127.0.0.1:6379',
      rpcUrl: `http://127.0.0.1:${await freePort()}`,
      deployment,
    }).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/^RPC_URL: the chain does not answer/);
  });
});
