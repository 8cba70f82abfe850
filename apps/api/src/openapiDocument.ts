import { defaultMarketConfig } from '@tender/market';
import { buildApp } from './app.ts';
import type { ApiContext } from './context.ts';

/**
 * The api's OpenAPI document as the routes generate it, without any
 * infrastructure: the route modules are registered over a context whose
 * services are never called (registering a route only reads its schema).
 * `docs/openapi.json` is this, written by `npm run openapi`; a test keeps them equal.
 *
 * @example
 * const spec = await openapiDocument();
 */
export async function openapiDocument(): Promise<Record<string, unknown>> {
  const unused = new Proxy(
    {},
    {
      get(_target, key) {
        throw new Error(`openapiDocument: route registration read ctx.${String(key)}`);
      },
    },
  );
  const context = {
    market: { config: defaultMarketConfig },
    redis: unused,
    redisPrefix: 'openapi',
    artifactsDir: '/nonexistent',
    operator: unused,
    sessionSecret: 'openapi',
    publicUrl: 'http://localhost:8080',
  } as unknown as ApiContext;
  const app = await buildApp({ checks: {}, context });
  try {
    await app.ready();
    return app.swagger() as unknown as Record<string, unknown>;
  } finally {
    await app.close();
  }
}
