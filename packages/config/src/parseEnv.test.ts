import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError, parseEnv } from './parseEnv.ts';
import { flag, port, url } from './schemas.ts';

const schema = z.object({
  PORT: port(8080),
  REDIS_URL: url(['redis', 'rediss']).optional(),
  TENDER_DEMO: flag(true),
});

describe('parseEnv', () => {
  it('applies working defaults when nothing is set', () => {
    expect(parseEnv(schema, {})).toEqual({ PORT: 8080, REDIS_URL: undefined, TENDER_DEMO: true });
  });

  it('treats an empty variable as unset', () => {
    expect(parseEnv(schema, { PORT: '' }).PORT).toBe(8080);
  });

  it('fails with one line naming the variable for an unparseable URL', () => {
    expect(() => parseEnv(schema, { REDIS_URL: 'redis//nope' })).toThrowError(ConfigError);
    try {
      parseEnv(schema, { REDIS_URL: 'redis//nope' });
    } catch (error) {
      expect((error as ConfigError).variable).toBe('REDIS_URL');
      expect((error as Error).message).toMatch(/^REDIS_URL: invalid URL.*got "redis\/\/nope"/);
      expect((error as Error).message).not.toContain('\n');
    }
  });

  it('rejects a port out of range', () => {
    expect(() => parseEnv(schema, { PORT: '70000' })).toThrowError(/^PORT:/);
  });
});

describe('parseEnv with required variables', () => {
  it('says a missing required variable is required', () => {
    expect(() => parseEnv(z.object({ RPC_URL: url(['http']) }), {})).toThrowError(
      /^RPC_URL: required \(unset\)$/,
    );
  });
});
