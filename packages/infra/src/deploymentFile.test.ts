import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultDeployParams, type TenderDeployment } from '@tender/chain';
import { isTenderError } from '@tender/core';
import { afterAll, describe, expect, it } from 'vitest';
import { readDeploymentFile, writeDeploymentFile } from './deploymentFile.ts';

const dir = await mkdtemp(join(tmpdir(), 'tender-deployment-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('deployment file', () => {
  it('round-trips a deployment with its bigints intact', async () => {
    const deployer = '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266';
    const deployment: TenderDeployment = {
      chainId: 31337,
      blockNumber: 12n,
      deployer,
      params: defaultDeployParams(deployer),
      addresses: {
        registry: '0x0000000000000000000000000000000000000001',
        market: '0x0000000000000000000000000000000000000002',
        staking: '0x0000000000000000000000000000000000000003',
      },
    };
    const path = join(dir, 'nested', 'deployment.json');
    await writeDeploymentFile(path, deployment);
    expect(await readDeploymentFile(path)).toEqual(deployment);
  });

  it('returns null when there is no file yet', async () => {
    expect(await readDeploymentFile(join(dir, 'missing.json'))).toBeNull();
  });

  it('names the variable when the file is not a deployment', async () => {
    const path = join(dir, 'broken.json');
    await writeFile(path, '{nope');
    const error = await readDeploymentFile(path).catch((e: unknown) => e);
    expect(isTenderError(error, 'TENDER_CONFIG_INVALID')).toBe(true);
    expect((error as Error).message).toMatch(/^TENDER_DEPLOYMENT_FILE:/);
  });
});
