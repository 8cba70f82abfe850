import { canTransition, type Lifecycle } from './lifecycle.ts';

/**
 * A lifecycle written out as a table: for each status, the events that are
 * legal there and the status each leads to. Anything not in the table is
 * illegal. Tests compare a transition function against such a table.
 */
export type LifecycleTable<S extends string, E extends string> = {
  readonly [status in S]: Readonly<Partial<Record<E, S>>>;
};

/** One (status, event) pair and the status it leads to, or `null` when it is illegal. */
export interface LifecyclePair<S extends string, E extends string> {
  readonly from: S;
  readonly event: E;
  readonly to: S | null;
}

/**
 * Every (status, event) pair of `lifecycle` — statuses × events, nothing left
 * out — with the outcome `table` expects. Used by the lifecycle tests to walk
 * every legal and illegal transition.
 *
 * @example
 * for (const { from, event, to } of lifecyclePairs(jobLifecycle, table)) { ... }
 */
export function lifecyclePairs<S extends string, E extends string>(
  lifecycle: Lifecycle<S, E>,
  table: LifecycleTable<S, E>,
): LifecyclePair<S, E>[] {
  const pairs: LifecyclePair<S, E>[] = [];
  for (const from of lifecycle.statuses) {
    const row: Readonly<Partial<Record<E, S>>> = table[from];
    for (const event of lifecycle.events) {
      pairs.push({ from, event, to: row[event] ?? null });
    }
  }
  return pairs;
}

/**
 * The statuses reachable from the lifecycle's initial status by legal events,
 * in breadth-first order.
 */
export function reachableStatuses<S extends string, E extends string>(lifecycle: Lifecycle<S, E>): S[] {
  const seen = new Set<S>([lifecycle.initial]);
  const queue: S[] = [lifecycle.initial];
  for (let status = queue.shift(); status !== undefined; status = queue.shift()) {
    for (const event of lifecycle.events) {
      if (!canTransition(lifecycle, status, event)) continue;
      const next = lifecycle.transition(status, event);
      if (!seen.has(next)) {
        seen.add(next);
        queue.push(next);
      }
    }
  }
  return [...seen];
}
