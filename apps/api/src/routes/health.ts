import type { FastifyInstance } from 'fastify';

/** A dependency probe: resolves when the dependency answers, throws otherwise. */
export type HealthCheck = () => Promise<unknown>;

/** The result of one probe. */
export interface DependencyHealth {
  ok: boolean;
  latencyMs: number;
  detail?: string;
}

const dependencySchema = {
  type: 'object',
  required: ['ok', 'latencyMs'],
  properties: { ok: { type: 'boolean' }, latencyMs: { type: 'number' }, detail: { type: 'string' } },
} as const;

const healthSchema = {
  type: 'object',
  required: ['status', 'dependencies'],
  properties: {
    status: { type: 'string', enum: ['ok', 'degraded'] },
    dependencies: { type: 'object', additionalProperties: dependencySchema },
  },
} as const;

async function probe(check: HealthCheck, timeoutMs: number): Promise<DependencyHealth> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    const value = await Promise.race([
      check(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    const result: DependencyHealth = { ok: true, latencyMs: round(performance.now() - started) };
    if (typeof value === 'string') result.detail = value;
    return result;
  } catch (error) {
    return { ok: false, latencyMs: round(performance.now() - started), detail: (error as Error).message };
  } finally {
    clearTimeout(timer);
  }
}

const round = (ms: number) => Math.round(ms * 100) / 100;

/**
 * `GET /health`: probes every dependency concurrently and answers 200 when all
 * are OK, 503 otherwise, with each dependency's latency.
 */
export function registerHealthRoutes(
  app: FastifyInstance,
  checks: Record<string, HealthCheck>,
  timeoutMs = 2_000,
): void {
  app.get(
    '/health',
    {
      schema: {
        tags: ['operations'],
        summary: 'Health of the api and each dependency (database, redis, chain, contracts)',
        response: { 200: healthSchema, 503: healthSchema },
      },
    },
    async (_request, reply) => {
      const names = Object.keys(checks);
      const results = await Promise.all(names.map((name) => probe(checks[name]!, timeoutMs)));
      const dependencies = Object.fromEntries(names.map((name, i) => [name, results[i]!]));
      const ok = results.every((r) => r.ok);
      return reply.code(ok ? 200 : 503).send({ status: ok ? 'ok' : 'degraded', dependencies });
    },
  );
}
