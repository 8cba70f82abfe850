import { type MetricFamily, operatorMetrics } from '@tender/market';
import type { FastifyInstance } from 'fastify';
import type { ApiContext } from '../context.ts';
import { prometheusContentType, renderPrometheus } from '../metrics/prometheusText.ts';
import { OperatorRequestMetrics } from '../metrics/requestMetrics.ts';
import { operatorAuth, operatorQuerySchema } from './operator.ts';

/** Metrics of the api process itself: uptime, resident memory, heap. */
function processFamilies(startedAtMs: number): MetricFamily[] {
  const memory = process.memoryUsage();
  return [
    {
      name: 'tender_process_uptime_seconds',
      help: 'Seconds since this api process built its app.',
      type: 'gauge',
      samples: [{ value: Math.round((Date.now() - startedAtMs) / 10) / 100 }],
    },
    {
      name: 'tender_process_resident_memory_bytes',
      help: 'Resident set size of this api process.',
      type: 'gauge',
      samples: [{ value: memory.rss }],
    },
    {
      name: 'tender_process_heap_used_bytes',
      help: 'V8 heap used by this api process.',
      type: 'gauge',
      samples: [{ value: memory.heapUsed }],
    },
  ];
}

/**
 * `GET /metrics`: Prometheus text (version 0.0.4). The market's state from
 * Postgres (jobs/batches/slashes by status, provers alive, open auctions,
 * settled proofs and gas, wei settled/earned/slashed), this process's HTTP
 * request counts and latency histogram (recorded by an `onResponse` hook,
 * labelled by route template; server-sent event streams are left out), and
 * process gauges. Guarded like the operator API (`operatorAuth`).
 */
export async function metricsRoutes(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  const startedAtMs = Date.now();
  const requests = new OperatorRequestMetrics();
  app.addHook('onResponse', async (request, reply) => {
    // an event stream's "latency" is how long the client stayed: not a request time
    if (String(reply.raw.getHeader('content-type') ?? '').startsWith('text/event-stream')) return;
    requests.observe({
      method: request.method,
      route: request.routeOptions.url ?? 'unmatched',
      statusCode: reply.statusCode,
      seconds: reply.elapsedTime / 1000,
    });
  });
  app.get(
    '/metrics',
    {
      preHandler: operatorAuth(ctx),
      schema: {
        tags: ['operations'],
        summary: 'Prometheus metrics (text exposition format 0.0.4)',
        description: 'Auth: Bearer TENDER_OPERATOR_TOKEN (or loopback when unset).',
        querystring: operatorQuerySchema,
        produces: ['text/plain'],
        response: {
          200: { type: 'string', description: 'text/plain; version=0.0.4' },
          401: { $ref: 'Problem#' },
          403: { $ref: 'Problem#' },
        },
      },
    },
    async (_request, reply) => {
      const families = [
        ...(await operatorMetrics(ctx.market)),
        ...requests.families(),
        ...processFamilies(startedAtMs),
      ];
      return reply.type(prometheusContentType).send(renderPrometheus(families));
    },
  );
}
