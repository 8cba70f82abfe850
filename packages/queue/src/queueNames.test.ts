import { describe, expect, it } from 'vitest';
import { queueJobId } from './queueNames.ts';

describe('queueJobId', () => {
  it('derives the same id from the same domain ids', () => {
    expect(queueJobId('open-auction', 'job_1', 2)).toBe(queueJobId('open-auction', 'job_1', 2));
    expect(queueJobId('open-auction', 'job_1', 2)).toBe('open-auction.job_1.2');
  });

  it('refuses parts that BullMQ would reject', () => {
    expect(() => queueJobId('x', 'a:b')).toThrow(/must not contain ':'/);
  });
});
