import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { startAggregator } from '@tender/aggregator';
import { apiContextFromInfra, buildApp } from '@tender/api';
import { devAccounts, startAnvil } from '@tender/chain';
import { ConfigError, ceremonyPtau, repoRoot, dataDir as resolveDataDir } from '@tender/config';
import { isTenderError } from '@tender/core';
import { ensureDeployment, openInfra } from '@tender/infra';
import { registerBuiltinCircuit } from '@tender/market';
import { createRedisConnection, freePort, resolveRedis } from '@tender/queue';
import { startScheduler } from '@tender/scheduler';
import { createWalletClient, type Hex, http } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { startDemoRequester } from './demoRequester.ts';
import { ensureDevRequesterReady } from './devRequester.ts';
import { loadStackEnv } from './env.ts';
import { startLocalProvers } from './localProvers.ts';
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
    // Local stacks with different data folders share the Redis on 6379: give each its own key prefix so that
    // one never sees another's queue jobs (unless TENDER_REDIS_PREFIX names one).
    redisPrefix:
      env.TENDER_REDIS_PREFIX ?? `tender-${createHash('sha256').update(dataDir).digest('hex').slice(0, 8)}`,
    rpcUrl,
    deployment,
  });
  supervisor.add('database and connections', infra, (i) => i.close());
  log(
    `database ${infra.db.kind === 'pglite' ? `embedded PGlite in ${join(dataDir, 'pglite')}` : 'Postgres'}`,
  );

  const devKey = (configured: Hex | undefined, dev: Hex, variable: string): Hex => {
    if (configured) return configured;
    if (localChain) return dev;
    throw new ConfigError(variable, `${variable}: required when RPC_URL points at a real chain`);
  };
  const registrarKey = devKey(
    env.REGISTRAR_PRIVATE_KEY,
    devAccounts.deployer.privateKey,
    'REGISTRAR_PRIVATE_KEY',
  );
  const operatorKey = devKey(
    env.OPERATOR_PRIVATE_KEY,
    devAccounts.operator.privateKey,
    'OPERATOR_PRIVATE_KEY',
  );
  const apiUrl = `http://127.0.0.1:${env.PORT}`;
  const ptau = ceremonyPtau(env.TENDER_PTAU_FILE, env.TENDER_PTAU_SHA256);
  const api = await apiContextFromInfra(infra, {
    dataDir,
    registrarKey,
    publicUrl: apiUrl,
    operatorToken: env.TENDER_OPERATOR_TOKEN,
    ptau,
    config: {
      batchSize: env.BATCH_SIZE,
      batchMaxAgeMs: env.BATCH_MAX_AGE_MS,
      webhookAllow: env.TENDER_WEBHOOK_ALLOW,
    },
  });
  supervisor.add('queues', api, (a) => a.close());
  const { market } = api.context;

  log('building the MNIST circuit (first start: about a minute; cached after)…');
  const mnist = await registerBuiltinCircuit(
    market,
    api.context.operator,
    api.context.artifactsDir,
    'mnist',
    ptau === undefined ? {} : { ptau },
  );
  log(`circuit mnist ${mnist.circuit.id} (${mnist.circuit.constraints} constraints) registered on-chain`);

  const requester = localChain
    ? await ensureDevRequesterReady({
        deps: market,
        rpcUrl,
        dataDir,
        account: devAccounts.requesters[0],
        apiKey: env.TENDER_DEV_API_KEY,
      })
    : undefined;

  const quiet = env.LOG_LEVEL !== 'debug' && env.LOG_LEVEL !== 'trace';
  const appLogger = (name: string) => ({
    info: (message: string, data?: Record<string, unknown>) => {
      if (!quiet) log(`${name}: ${message}${data ? ` ${JSON.stringify(data)}` : ''}`);
    },
    warn: (message: string, data?: Record<string, unknown>) =>
      log(`${name} warning: ${message}${data ? ` ${JSON.stringify(data)}` : ''}`),
    error: (message: string, data?: Record<string, unknown>) =>
      log(`${name} error: ${message}${data ? ` ${JSON.stringify(data)}` : ''}`),
  });
  const connection = () => createRedisConnection(redis.url);
  const scheduler = await startScheduler({
    market,
    connection,
    prefix: infra.redisPrefix,
    logger: appLogger('scheduler'),
  });
  supervisor.add('scheduler', scheduler, (s) => s.close());
  const aggregator = await startAggregator({
    market,
    connection,
    prefix: infra.redisPrefix,
    operator: createWalletClient({
      account: privateKeyToAccount(operatorKey),
      chain: infra.publicClient.chain,
      transport: http(rpcUrl),
    }),
    webhookSecret: env.TENDER_WEBHOOK_SECRET ?? 'tender-development-webhook-secret',
    artifactsDir: api.context.artifactsDir,
    logger: appLogger('aggregator'),
  });
  supervisor.add('aggregator', aggregator, (a) => a.close());

  const app = await buildApp(
    { checks: infra.checks, context: api.context },
    { logger: { level: env.LOG_LEVEL === 'info' ? 'warn' : env.LOG_LEVEL } },
  );
  supervisor.add('api', app, (a) => a.close());
  await app.listen({ port: env.PORT, host: env.HOST });
  const shownUrl = `http://${env.HOST === '0.0.0.0' || env.HOST === '127.0.0.1' ? 'localhost' : env.HOST}:${env.PORT}`;

  if (env.TENDER_PROVERS > 0) {
    const provers = startLocalProvers({
      root: repoRoot(),
      count: env.TENDER_PROVERS,
      apiUrl,
      rpcUrl,
      dataDir,
      logLevel: env.LOG_LEVEL === 'info' ? 'warn' : env.LOG_LEVEL,
      log: (line) => console.log(line),
    });
    supervisor.add('provers', provers, (p) => p.stop());
  }
  if (requester && env.TENDER_DEMO) {
    const demo = startDemoRequester({
      apiUrl,
      apiKey: requester.apiKey,
      account: devAccounts.requesters[0],
      circuitId: mnist.circuit.id,
      intervalMs: env.TENDER_DEMO_INTERVAL_MS,
      maxInFlight: env.TENDER_DEMO_MAX_IN_FLIGHT,
      log: (line) => console.log(`[demo] ${line}`),
    });
    supervisor.add('demo requester', demo, (d) => d.stop());
  }

  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(
    [
      '',
      `Tender is up (${seconds} s). Ctrl-C stops everything.`,
      `  api          ${shownUrl}`,
      `  dashboard    ${shownUrl}/dashboard/`,
      `  health       ${shownUrl}/health`,
      `  api docs     ${shownUrl}/openapi.json`,
      `  chain RPC    ${rpcUrl} (chain id ${deployment.chainId})`,
      `  contracts    market   ${deployment.addresses.market}`,
      `               registry ${deployment.addresses.registry}`,
      `               staking  ${deployment.addresses.staking}`,
      `  circuit      mnist ${mnist.circuit.id}`,
      ...(requester
        ? [
            `  dev API key  ${requester.apiKey}   (requester ${devAccounts.requesters[0].address}, escrow ${Number(requester.escrowWei) / 1e18} ETH)`,
            `  try          curl -H 'Authorization: Bearer ${requester.apiKey}' ${shownUrl}/v1/jobs`,
          ]
        : []),
      `  provers      ${env.TENDER_PROVERS} local worker(s)${env.TENDER_DEMO && requester ? '; the demo requester submits an MNIST job every ' + env.TENDER_DEMO_INTERVAL_MS / 1000 + ' s' : ''}`,
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
