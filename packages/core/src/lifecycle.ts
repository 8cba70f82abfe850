import { TenderError } from './TenderError.ts';

/** The entities that have an explicit lifecycle (one status enum, one transition function each). */
export type LifecycleEntity = 'job' | 'auction' | 'assignment' | 'batch' | 'slash';

/**
 * An explicit lifecycle: the status values (spelled exactly like the Prisma
 * enum), the events that move an entity between them, and the pure transition
 * function. Each `*Lifecycle.ts` file exports one of these.
 */
export interface Lifecycle<S extends string, E extends string> {
  /** Which entity this lifecycle belongs to (used in error details). */
  readonly entity: LifecycleEntity;
  /** Every status, in the order of the Prisma enum. */
  readonly statuses: readonly S[];
  /** Every event, named by what happened. */
  readonly events: readonly E[];
  /** The status an entity is created in. */
  readonly initial: S;
  /** Statuses no event leaves. */
  readonly terminal: readonly S[];
  /** The status after `event` happens in `from`; throws `TENDER_ILLEGAL_TRANSITION` when it may not. */
  transition(from: S, event: E): S;
}

/**
 * Builds the `TENDER_ILLEGAL_TRANSITION` error every transition function throws,
 * with `details: { entity, from, event }`.
 *
 * @example
 * throw illegalTransition('job', 'verified', 'job_cancelled');
 */
export function illegalTransition(entity: LifecycleEntity, from: string, event: string): TenderError {
  return new TenderError(
    'TENDER_ILLEGAL_TRANSITION',
    `${entity} in status ${from} cannot take event ${event}`,
    {
      details: { entity, from, event },
    },
  );
}

/**
 * The events that are legal in `status`, in the lifecycle's event order. Handy
 * for error messages and for UIs that offer only possible actions.
 */
export function legalEvents<S extends string, E extends string>(lifecycle: Lifecycle<S, E>, status: S): E[] {
  return lifecycle.events.filter((event) => canTransition(lifecycle, status, event));
}

/** True when `event` may happen in `status` (the transition would not throw). */
export function canTransition<S extends string, E extends string>(
  lifecycle: Lifecycle<S, E>,
  status: S,
  event: E,
): boolean {
  try {
    lifecycle.transition(status, event);
    return true;
  } catch (error) {
    if (error instanceof TenderError && error.code === 'TENDER_ILLEGAL_TRANSITION') return false;
    throw error;
  }
}

/** Compile-time exhaustiveness guard for `switch` statements over a union. */
export function unreachable(value: never): never {
  throw new TenderError('TENDER_INTERNAL', `unreachable: ${String(value)}`);
}
