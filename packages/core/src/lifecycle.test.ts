import { describe, expect, it } from 'vitest';
import { batchLifecycle } from './batchLifecycle.ts';
import { canTransition, illegalTransition, type Lifecycle, legalEvents } from './lifecycle.ts';
import { TenderError } from './TenderError.ts';

describe('lifecycle helpers', () => {
  it('builds an illegal-transition error with a stable code, 409 and the entity, status and event', () => {
    const error = illegalTransition('job', 'verified', 'job_cancelled');
    expect(error.code).toBe('TENDER_ILLEGAL_TRANSITION');
    expect(error.status).toBe(409);
    expect(error.details).toEqual({ entity: 'job', from: 'verified', event: 'job_cancelled' });
  });

  it('lists the events legal in a status, in the lifecycle order', () => {
    expect(legalEvents(batchLifecycle, 'submitted')).toEqual([
      'batch_resubmitted',
      'batch_confirmed',
      'batch_failed',
    ]);
    expect(legalEvents(batchLifecycle, 'confirmed')).toEqual([]);
  });

  it('passes on errors other than an illegal transition instead of answering false', () => {
    const broken: Lifecycle<'a', 'e'> = {
      entity: 'job',
      statuses: ['a'],
      events: ['e'],
      initial: 'a',
      terminal: [],
      transition: () => {
        throw new TenderError('TENDER_INTERNAL', 'boom');
      },
    };
    expect(() => canTransition(broken, 'a', 'e')).toThrowError('boom');
  });
});
