import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { ApiContext } from './context.ts';
import { registerClientAddress } from './plugins/clientAddress.ts';
import { type ApiLimits, registerLimits } from './plugins/limits.ts';
import { problemJsonServerOptions, registerProblemJson } from './plugins/problemJson.ts';
import { registerTextInputRule } from './plugins/textInput.ts';
import { type HealthCheck, registerHealthRoutes } from './routes/health.ts';
import { routeModules } from './routes/index.ts';

/** Everything the api needs from the outside, built by whoever hosts it (server.ts or the local stack). */
export interface ApiDeps {
  /** Dependency probes reported by `GET /health`, by name (database, redis, chain, contracts). */
  checks: Record<string, HealthCheck>;
  /** The market: when present, every /v1 route is registered. */
  context?: ApiContext;
}

/** Options of {@link buildApp}. */
export interface BuildAppOptions {
  logger?: FastifyServerOptions['logger'];
  /** fastify's `trustProxy` (TRUST_PROXY, parsed by parseTrustProxy); default off: the socket address is the client. */
  trustProxy?: FastifyServerOptions['trustProxy'];
  /** Security headers always; rate limit and overload answers when configured (see {@link ApiLimits}). */
  limits?: ApiLimits;
}

/**
 * Builds the api as a fastify instance with every route registered. It never
 * listens: the caller (server.ts, the local stack, or a test with `inject`)
 * owns the process.
 */
export async function buildApp(deps: ApiDeps, options: BuildAppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    ...problemJsonServerOptions,
    logger: options.logger ?? false,
    trustProxy: options.trustProxy ?? false,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: false } },
  });
  registerClientAddress(app, options.trustProxy ?? false);
  registerProblemJson(app);
  registerTextInputRule(app);
  await registerLimits(app, options.limits);
  await app.register(swagger, {
    openapi: {
      info: { title: 'Tender API', version: '0.1.0', description: 'A prover marketplace for zkML.' },
      components: {
        securitySchemes: {
          requesterApiKey: {
            type: 'http',
            scheme: 'bearer',
            description:
              'A requester API key (tnd_<prefix>_<secret>, scopes submit/read) or a requester session token from POST /v1/requesters/session',
          },
          proverSession: {
            type: 'http',
            scheme: 'bearer',
            description: 'A prover session token from POST /v1/provers/session (sign-in with Ethereum)',
          },
          operatorToken: { type: 'http', scheme: 'bearer', description: 'TENDER_OPERATOR_TOKEN' },
        },
      },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  registerHealthRoutes(app, deps.checks);
  if (deps.context) {
    for (const register of routeModules) await register(app, deps.context);
  }
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  return app;
}
