import { describe, expect, it } from 'vitest';
import { isTenderError, TenderError } from './TenderError.ts';

describe('TenderError', () => {
  it('carries its code, HTTP status, details and cause', () => {
    const cause = new Error('db down');
    const error = new TenderError('TENDER_JOB_NOT_FOUND', 'job not found', {
      details: { jobId: 'j1' },
      cause,
    });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('TenderError');
    expect(error.status).toBe(404);
    expect(error.details).toEqual({ jobId: 'j1' });
    expect(error.cause).toBe(cause);
  });

  it('defaults details to an empty object and leaves cause unset', () => {
    const error = new TenderError('TENDER_INTERNAL', 'boom');
    expect(error.details).toEqual({});
    expect('cause' in error).toBe(false);
  });

  it('is recognised by isTenderError, optionally by code', () => {
    const error = new TenderError('TENDER_CONFLICT', 'x');
    expect(isTenderError(error)).toBe(true);
    expect(isTenderError(error, 'TENDER_CONFLICT')).toBe(true);
    expect(isTenderError(error, 'TENDER_INTERNAL')).toBe(false);
    expect(isTenderError(new Error('x'))).toBe(false);
  });
});
