import { ConfigError } from '@tender/config';
import { describe, expect, it } from 'vitest';
import { loadAggregatorEnv } from './env.ts';

describe('aggregator environment', () => {
  it('uses the dev operator key and webhook secret only in development mode', () => {
    const env = loadAggregatorEnv({ TENDER_DEV: '1' });
    expect(env.OPERATOR_PRIVATE_KEY).toMatch(/^0x[0-9a-f]{64}$/);
    expect(env.TENDER_WEBHOOK_SECRET.length).toBeGreaterThanOrEqual(16);
    expect(env).toMatchObject({ BATCH_SIZE: 32, BATCH_MAX_AGE_MS: 30_000, MAX_GAS_PRICE_GWEI: 100 });
  });

  it('refuses to start without an operator key outside development mode, naming the variable', () => {
    expect(() => loadAggregatorEnv({ TENDER_WEBHOOK_SECRET: 'x'.repeat(16) })).toThrow(
      /^OPERATOR_PRIVATE_KEY: required/,
    );
    const error = (() => {
      try {
        loadAggregatorEnv({ OPERATOR_PRIVATE_KEY: `0x${'11'.repeat(32)}` });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variable).toBe('TENDER_WEBHOOK_SECRET');
  });

  it('parses the batching knobs and rejects a malformed key', () => {
    const env = loadAggregatorEnv({
      TENDER_DEV: 'true',
      BATCH_SIZE: '8',
      BATCH_MAX_AGE_MS: '500',
      MAX_GAS_PRICE_GWEI: '2.5',
    });
    expect(env).toMatchObject({ BATCH_SIZE: 8, BATCH_MAX_AGE_MS: 500, MAX_GAS_PRICE_GWEI: 2.5 });
    expect(() => loadAggregatorEnv({ TENDER_DEV: '1', OPERATOR_PRIVATE_KEY: '0x12' })).toThrow(
      /^OPERATOR_PRIVATE_KEY: expected a 0x-prefixed 32-byte hex private key/,
    );
  });
});
