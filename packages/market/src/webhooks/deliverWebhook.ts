import { createHmac } from 'node:crypto';
import { TenderError } from '@tender/core';
import type { MarketDeps } from '../deps/marketDeps.ts';
import { postWebhook } from '../jobs/webhookTarget.ts';

/** `sha256=<hex HMAC-SHA256 of the raw body>`: the `X-Tender-Signature` header value. */
export function webhookSignature(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** How {@link deliverWebhook} delivers. */
export interface WebhookDeliveryOptions {
  /** HMAC key of `X-Tender-Signature` (TENDER_WEBHOOK_SECRET). */
  secret: string;
  /** Per-request timeout (ms, default 5 000). */
  timeoutMs?: number;
  /** When true, a failure marks the delivery `failed` for good (the queue's last attempt). */
  finalAttempt?: boolean;
  /** Non-public targets the operator allows (TENDER_WEBHOOK_ALLOW); see webhookTarget.ts. */
  allow?: readonly string[];
  /** Most response bytes read (default 64 KiB). */
  maxResponseBytes?: number;
  /** HTTP client for tests that bypass the SSRF guard; default: the guarded {@link postWebhook}. */
  fetch?: typeof fetch;
}

/** What one delivery attempt did. */
export type WebhookOutcome = 'delivered' | 'already_delivered' | 'gone';

/**
 * One delivery attempt of a stored webhook (through the SSRF guard of webhookTarget.ts: public
 * addresses or the operator's allow list only, no redirects, bounded time and answer): POSTs the payload as JSON with headers
 * `X-Tender-Signature: sha256=<hex HMAC of the raw body>`, `X-Tender-Delivery: <id>` and
 * `X-Tender-Event: <event>`; a 2xx answer within the timeout marks it `delivered`. Anything
 * else counts the attempt (attempts, last status code, last error) and throws
 * `TENDER_DEPENDENCY_UNAVAILABLE` so the queue retries with backoff; on the final attempt the
 * row becomes `failed`. Idempotent: a delivered (or deleted) row is not sent again.
 *
 * @example
 * await deliverWebhook(deps, deliveryId, { secret: env.TENDER_WEBHOOK_SECRET, finalAttempt: job.attemptsMade + 1 >= 8 });
 */
export async function deliverWebhook(
  deps: Pick<MarketDeps, 'prisma' | 'now'>,
  deliveryId: string,
  opts: WebhookDeliveryOptions,
): Promise<WebhookOutcome> {
  const row = await deps.prisma.webhookDelivery.findUnique({ where: { id: deliveryId } });
  if (!row) return 'gone';
  if (row.status === 'delivered') return 'already_delivered';
  const body = JSON.stringify(row.payload);
  let statusCode: number | null = null;
  let failure: string | null = null;
  try {
    const headers = {
      'content-type': 'application/json',
      'user-agent': 'tender-webhooks/1',
      'x-tender-signature': webhookSignature(opts.secret, body),
      'x-tender-delivery': row.id,
      'x-tender-event': row.event,
    };
    const timeoutMs = opts.timeoutMs ?? 5_000;
    if (opts.fetch) {
      const response = await opts.fetch(row.url, {
        method: 'POST',
        headers,
        body,
        signal: AbortSignal.timeout(timeoutMs),
        redirect: 'manual',
      });
      statusCode = response.status;
      await response.body?.cancel().catch(() => {});
    } else {
      statusCode = await postWebhook(row.url, {
        headers,
        body,
        allow: opts.allow ?? [],
        timeoutMs,
        ...(opts.maxResponseBytes === undefined ? {} : { maxResponseBytes: opts.maxResponseBytes }),
      });
    }
    if (statusCode < 200 || statusCode >= 300) failure = `HTTP ${statusCode}`;
  } catch (error) {
    const e = error as Error;
    failure = e.name === 'TimeoutError' ? 'timed out' : e.message || String(error);
  }
  const now = new Date(deps.now());
  if (failure === null) {
    await deps.prisma.webhookDelivery.update({
      where: { id: row.id },
      data: {
        status: 'delivered',
        attempts: { increment: 1 },
        lastStatusCode: statusCode,
        lastError: null,
        deliveredAt: now,
      },
    });
    return 'delivered';
  }
  await deps.prisma.webhookDelivery.update({
    where: { id: row.id },
    data: {
      status: opts.finalAttempt ? 'failed' : 'pending',
      attempts: { increment: 1 },
      lastStatusCode: statusCode,
      lastError: failure.slice(0, 500),
    },
  });
  throw new TenderError('TENDER_WEBHOOK_FAILED', `webhook delivery failed: ${failure}`, {
    details: { deliveryId: row.id, statusCode, final: opts.finalAttempt ?? false },
  });
}

/**
 * Re-queues every `pending` delivery (ids are deterministic, so queued ones are not doubled):
 * what a lost Redis or a crash between commit and enqueue left behind. Returns how many.
 */
export async function requeuePendingWebhooks(deps: MarketDeps): Promise<number> {
  const pending = await deps.prisma.webhookDelivery.findMany({
    where: { status: 'pending' },
    select: { id: true },
    orderBy: { createdAt: 'asc' },
    take: 10_000,
  });
  for (const { id } of pending) await deps.queues.deliverWebhook(id);
  return pending.length;
}
