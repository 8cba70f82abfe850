import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AnvilInstance, devAccounts, startAnvil } from '@tender/chain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDeploymentFile } from './deploymentFile.ts';
import { ensureDeployment } from './ensureDeployment.ts';

let anvil: AnvilInstance;
let dir: string;
beforeAll(async () => {
  [anvil, dir] = await Promise.all([startAnvil(), mkdtemp(join(tmpdir(), 'tender-deploy-'))]);
});
afterAll(async () => {
  await anvil?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('ensureDeployment', () => {
  it('deploys once, records the deployment, and reuses it on the next run', async () => {
    const file = join(dir, 'deployment.json');
    const first = await ensureDeployment({
      rpcUrl: anvil.rpcUrl,
      file,
      deployerKey: devAccounts.deployer.privateKey,
    });
    expect(first.deployed).toBe(true);
    expect(await readDeploymentFile(file)).toEqual(first.deployment);
    const second = await ensureDeployment({ rpcUrl: anvil.rpcUrl, file, deployerKey: undefined });
    expect(second).toEqual({ deployment: first.deployment, deployed: false });
  });

  it('asks for DEPLOYER_PRIVATE_KEY when nothing is deployed and no key is given', async () => {
    await expect(
      ensureDeployment({
        rpcUrl: anvil.rpcUrl,
        file: join(dir, 'other.json'),
        deployerKey: undefined,
        params: {},
      }),
    ).rejects.toThrow(/^DEPLOYER_PRIVATE_KEY: no Tender contracts recorded/);
  });
});
