import { ConfigError } from '@tender/config';
import { describe, expect, it } from 'vitest';
import { loadProverEnv } from './env.ts';

describe('prover env', () => {
  it('requires a key unless in development mode, naming the variable', () => {
    expect(() => loadProverEnv({})).toThrowError(ConfigError);
    expect(() => loadProverEnv({})).toThrowError(/^PROVER_PRIVATE_KEY: required/);
    const dev = loadProverEnv({ TENDER_DEV: '1' });
    expect(dev).toMatchObject({
      PROVER_PRIVATE_KEY: undefined,
      TENDER_API_URL: 'http://127.0.0.1:8080',
      PROVER_KIND: 'cpu',
      PROVER_CONCURRENCY: 1,
      PROVER_BACKEND: 'snarkjs',
      PROVER_PRICE_FLOOR_WEI: 0n,
      PROVER_MARGIN_BPS: 2_000,
    });
  });

  it('requires the command for the external backend and parses wei amounts exactly', () => {
    expect(() => loadProverEnv({ TENDER_DEV: '1', PROVER_BACKEND: 'external' })).toThrowError(
      /^PROVER_EXTERNAL_CMD:/,
    );
    const env = loadProverEnv({
      PROVER_PRIVATE_KEY: `0x${'11'.repeat(32)}`,
      PROVER_BACKEND: 'external',
      PROVER_EXTERNAL_CMD: 'rapidsnark',
      PROVER_PRICE_FLOOR_WEI: '123456789012345678901234567890',
      PROVER_STAKE_WEI: '1000000000000000000',
    });
    expect(env.PROVER_PRICE_FLOOR_WEI).toBe(123456789012345678901234567890n);
    expect(env.PROVER_STAKE_WEI).toBe(10n ** 18n);
    expect(() => loadProverEnv({ TENDER_DEV: '1', PROVER_KIND: 'tpu' })).toThrowError(/^PROVER_KIND:/);
  });
});
