import { infraFromEnv, runMain } from '@tender/infra';
import { buildApp } from './app.ts';
import { loadApiEnv } from './env.ts';

// The api as its own process: `npm run start -w apps/api`.
runMain('api', async () => {
  const env = loadApiEnv();
  const infra = await infraFromEnv(env);
  const app = await buildApp({ checks: infra.checks }, { logger: { level: env.LOG_LEVEL } });
  await app.listen({ port: env.PORT, host: env.HOST });
  return {
    async close() {
      await app.close();
      await infra.close();
    },
  };
});
