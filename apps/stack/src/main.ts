import { join } from 'node:path';
import { buildApp } from '@tender/api';
import { devAccounts, startAnvil } from '@tender/chain';
import { ConfigError, dataDir as resolveDataDir } from '@tender/config';
import { isTenderError } from '@tender/core';
import { openInfra } from '@tender/infra';
import { freePort, resolveRedis } from '@tender/queue';
import { ensureDeployment } from './ensureDeployment.ts';
import { loadStackEnv } from './env.ts';
import { Supervisor } from './supervisor.ts';

const started = performance.now();
const log = (line: string) => console.log(`[tender] ${line}`);
const supervisor = new Supervisor(log);
let shuttingDown = false;

async function shutdown(code: number, announce = true): Promise<never> {
  if (!shuttingDown) {
    shuttingDown = true;
    if (announce) log('stopping…');
    await supervisor.stop();
  }
  process.exit(code);
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => void shutdown(0));
}

async function portIsFree(port: number): Promise<boolean> {
  const { createServer } = await import('node:net');
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

async function main(): Promise<void> {
  const env = loadStackEnv();
  const dataDir = resolveDataDir(env.TENDER_DATA_DIR);
  const deploymentFile = env.TENDER_DEPLOYMENT_FILE ?? join(dataDir, 'deployment.json');

  // Chain: the configured RPC, else a local anvil whose state persists in the data folder.
  let rpcUrl = env.RPC_URL;
  let localChain = false;
  if (!rpcUrl) {
    const port = (await portIsFree(env.ANVIL_PORT)) ? env.ANVIL_PORT : await freePort();
    const anvil = await startAnvil({
      port,
      extraArgs: ['--state', join(dataDir, 'anvil-state.json'), '--state-interval', '30'],
    });
    supervisor.add('anvil', anvil, (a) => a.stop());
    rpcUrl = anvil.rpcUrl;
    localChain = true;
    log(`local chain (anvil) on ${rpcUrl}`);
  }
  const { deployment, deployed } = await ensureDeployment({
    rpcUrl,
    file: deploymentFile,
    deployerKey: env.DEPLOYER_PRIVATE_KEY ?? (localChain ? devAccounts.deployer.privateKey : undefined),
    params: localChain
      ? {
          operators: [devAccounts.deployer.address, devAccounts.operator.address],
          treasury: devAccounts.treasury.address,
        }
      : {},
  });
  log(`${deployed ? 'deployed' : 'found'} contracts on chain ${deployment.chainId}`);

  const redis = await resolveRedis(env.REDIS_URL);
  supervisor.add('redis', redis, (r) => r.stop());
  log(`redis ${redis.url} (${redis.source})`);

  const infra = await openInfra({
    databaseUrl: env.DATABASE_URL,
    pgliteDir: join(dataDir, 'pglite'),
    redisUrl: redis.url,
    rpcUrl,
    deployment,
  });
  supervisor.add('database and connections', infra, (i) => i.close());
  log(
    `database ${infra.db.kind === 'pglite' ? `embedded PGlite in ${join(dataDir, 'pglite')}` : 'Postgres'}`,
  );

  const app = await buildApp({ checks: infra.checks }, { logger: { level: env.LOG_LEVEL } });
  supervisor.add('api', app, (a) => a.close());
  await app.listen({ port: env.PORT, host: env.HOST });
  const apiUrl = `http://${env.HOST === '0.0.0.0' ? 'localhost' : env.HOST}:${env.PORT}`;

  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(
    [
      '',
      `Tender is up (${seconds} s). Ctrl-C stops everything.`,
      `  api        ${apiUrl}`,
      `  health     ${apiUrl}/health`,
      `  api docs   ${apiUrl}/openapi.json`,
      `  chain RPC  ${rpcUrl} (chain id ${deployment.chainId})`,
      `  contracts  market ${deployment.addresses.market}`,
      `             registry ${deployment.addresses.registry}`,
      `             staking ${deployment.addresses.staking}`,
      '',
    ].join('\n'),
  );
}

main().catch(async (error: unknown) => {
  const message =
    error instanceof ConfigError ||
    isTenderError(error) ||
    (error instanceof Error && /^[A-Z_]+: /.test(error.message))
      ? (error as Error).message
      : `start failed: ${(error as Error)?.stack ?? String(error)}`;
  console.error(`[tender] ${message}`);
  await shutdown(1, false);
});
