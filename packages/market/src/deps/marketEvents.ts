/**
 * Live events of the market. Postgres stays the truth: every event describes
 * a change already committed there, so a client that misses one loses
 * nothing (it reads the current state when it reconnects). Amounts are wei as
 * decimal strings, times are ms since epoch.
 */

/** Sent to one prover on its event stream: the wire type the prover's SDK reads (one definition). */
import type { LiveEvents } from '@tender/queue';
import type { ProverEvent } from '@tender/sdk';

export type { ProverEvent };

/** Sent to whoever follows one job (`GET /v1/jobs/:id/events`). */
export interface JobEvent {
  type: 'status';
  jobId: string;
  status: string;
  at: number;
  round?: number;
  detail?: string;
}

/** Sent to the operator dashboard. */
export interface OperatorEvent {
  type: 'job' | 'auction' | 'assignment' | 'proof' | 'batch' | 'slash' | 'prover';
  at: number;
  id: string;
  status?: string;
  detail?: Record<string, unknown>;
}

/** The port services publish live events through (Redis pub/sub adapter: `@tender/queue` `redisMarketEvents`). */
export type MarketEvents = LiveEvents<ProverEvent, JobEvent, OperatorEvent>;
