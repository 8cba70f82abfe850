import { devAccounts } from '@tender/chain';
import { ConfigError, ceremonyPtau, dataDir } from '@tender/config';
import { infraFromEnv, runMain } from '@tender/infra';
import { buildApp } from './app.ts';
import { apiContextFromInfra } from './contextFromInfra.ts';
import { loadApiEnv } from './env.ts';
import { parseTrustProxy } from './plugins/clientAddress.ts';

// The api as its own process: `npm run start -w apps/api`.
runMain('api', async () => {
  const env = loadApiEnv();
  const registrarKey =
    env.REGISTRAR_PRIVATE_KEY ?? (env.TENDER_DEV ? devAccounts.deployer.privateKey : undefined);
  if (!registrarKey) {
    throw new ConfigError(
      'REGISTRAR_PRIVATE_KEY',
      'REGISTRAR_PRIVATE_KEY: required (or TENDER_DEV=1 for anvil keys)',
    );
  }
  const infra = await infraFromEnv(env);
  const { context, close } = await apiContextFromInfra(infra, {
    dataDir: dataDir(env.TENDER_DATA_DIR),
    registrarKey,
    sessionSecret: env.TENDER_SESSION_SECRET,
    publicUrl: env.TENDER_PUBLIC_URL ?? `http://localhost:${env.PORT}`,
    operatorToken: env.TENDER_OPERATOR_TOKEN,
    ptau: ceremonyPtau(env.TENDER_PTAU_FILE, env.TENDER_PTAU_SHA256),
    // Jobs the requester's escrow cannot back are refused (402) rather than proven unpaid.
    config: {
      circuitRegistrationsPerDay: env.CIRCUIT_REGISTRATIONS_PER_DAY,
      escrowAdmission: true,
      webhookAllow: env.TENDER_WEBHOOK_ALLOW,
    },
  });
  const app = await buildApp(
    { checks: infra.checks, context },
    {
      logger: { level: env.LOG_LEVEL },
      trustProxy: parseTrustProxy(env.TRUST_PROXY),
      limits: {
        maxEventLoopDelayMs: env.MAX_EVENT_LOOP_DELAY_MS,
        ...(env.RATE_LIMIT_MAX > 0
          ? {
              rateLimit: {
                redis: infra.redis,
                prefix: infra.redisPrefix,
                max: env.RATE_LIMIT_MAX,
                windowMs: env.RATE_LIMIT_WINDOW_MS,
                sessionSecret: context.sessionSecret,
              },
            }
          : {}),
      },
    },
  );
  await app.listen({ port: env.PORT, host: env.HOST });
  return {
    async close() {
      await app.close();
      await close();
      await infra.close();
    },
  };
});
