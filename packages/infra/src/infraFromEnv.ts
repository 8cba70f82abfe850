import { join } from 'node:path';
import { dataDir as resolveDataDir } from '@tender/config';
import { TenderError } from '@tender/core';
import { readDeploymentFile } from './deploymentFile.ts';
import { type Infra, openInfra } from './openInfra.ts';

/** The shared infrastructure variables (see `infraEnv` in @tender/config), parsed. */
export interface InfraEnv {
  DATABASE_URL?: string | undefined;
  REDIS_URL?: string | undefined;
  TENDER_REDIS_PREFIX?: string | undefined;
  RPC_URL?: string | undefined;
  TENDER_DATA_DIR?: string | undefined;
  TENDER_DEPLOYMENT_FILE?: string | undefined;
}

/**
 * Opens the infrastructure of a standalone app (`npm run start -w apps/<app>`)
 * from its parsed environment: defaults are the local stack's (Redis on
 * 127.0.0.1:6379, anvil on 127.0.0.1:8545, the deployment file in the data
 * folder, embedded PGlite when DATABASE_URL is unset).
 */
export async function infraFromEnv(env: InfraEnv): Promise<Infra> {
  const dataDir = resolveDataDir(env.TENDER_DATA_DIR);
  const deploymentFile = env.TENDER_DEPLOYMENT_FILE ?? join(dataDir, 'deployment.json');
  const deployment = await readDeploymentFile(deploymentFile);
  if (!deployment) {
    throw new TenderError(
      'TENDER_CONFIG_INVALID',
      `TENDER_DEPLOYMENT_FILE: no deployment at ${deploymentFile}; run \`npm run deploy\` (or \`npm start\`) first`,
      { details: { variable: 'TENDER_DEPLOYMENT_FILE' } },
    );
  }
  return openInfra({
    databaseUrl: env.DATABASE_URL,
    pgliteDir: join(dataDir, 'pglite'),
    redisUrl: env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    ...(env.TENDER_REDIS_PREFIX === undefined ? {} : { redisPrefix: env.TENDER_REDIS_PREFIX }),
    rpcUrl: env.RPC_URL ?? 'http://127.0.0.1:8545',
    deployment,
  });
}
