import type { Prisma, TenderPrisma, TenderTx } from '@tender/db';
import type { MarketDeps } from '../deps/marketDeps.ts';

/** A webhook to create: one event of one job, POSTed to the job's `webhookUrl`. */
export interface NewWebhook {
  jobId: string;
  url: string;
  /** Event type, e.g. `job.verified`. */
  event: string;
  /** The JSON body (the job's status payload). */
  payload: Prisma.InputJsonValue;
}

/**
 * Stores a `pending` WebhookDelivery row inside the caller's transaction (so the notification
 * exists exactly when the state change does) and returns its id; enqueue it after the commit
 * with `deps.queues.deliverWebhook(id)`.
 */
export async function createWebhookDelivery(tx: TenderTx | TenderPrisma, hook: NewWebhook): Promise<string> {
  const row = await tx.webhookDelivery.create({
    data: { jobId: hook.jobId, url: hook.url, event: hook.event, payload: hook.payload },
    select: { id: true },
  });
  return row.id;
}

/**
 * Stores a webhook delivery for a job that has a `webhookUrl` and queues it (no-op when the job
 * has none). Returns the delivery id, or null. For callers outside a transaction.
 */
export async function enqueueWebhook(
  deps: MarketDeps,
  hook: { jobId: string; event: string; payload: Prisma.InputJsonValue },
): Promise<string | null> {
  const job = await deps.prisma.job.findUnique({ where: { id: hook.jobId }, select: { webhookUrl: true } });
  if (!job?.webhookUrl) return null;
  const id = await createWebhookDelivery(deps.prisma, { ...hook, url: job.webhookUrl });
  await deps.queues.deliverWebhook(id);
  return id;
}
