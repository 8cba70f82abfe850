import { existsSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError } from './parseEnv.ts';

/** A sha256 digest: 64 hex characters, optionally 0x-prefixed; parsed to lower-case hex without 0x. */
export const sha256Hex = z
  .string()
  .regex(/^(0x)?[0-9a-fA-F]{64}$/, 'expected a sha256 digest (64 hex characters)')
  .transform((value) => value.replace(/^0x/, '').toLowerCase());

/**
 * The production powers-of-tau file from `TENDER_PTAU_FILE` and `TENDER_PTAU_SHA256`, or undefined
 * when neither is set (the committed development files are used). Throws a {@link ConfigError} when
 * only one is set or the file does not exist; its sha256 is checked by `setupGroth16` before use.
 *
 * @example
 * const ptau = ceremonyPtau(env.TENDER_PTAU_FILE, env.TENDER_PTAU_SHA256);
 */
export function ceremonyPtau(
  file: string | undefined,
  sha256: string | undefined,
): { path: string; sha256: string } | undefined {
  if (file === undefined && sha256 === undefined) return undefined;
  if (file === undefined) {
    throw new ConfigError('TENDER_PTAU_FILE', 'TENDER_PTAU_FILE: required when TENDER_PTAU_SHA256 is set');
  }
  if (sha256 === undefined) {
    throw new ConfigError(
      'TENDER_PTAU_SHA256',
      'TENDER_PTAU_SHA256: required when TENDER_PTAU_FILE is set (the ceremony file is checked against it)',
    );
  }
  if (!existsSync(file)) {
    throw new ConfigError('TENDER_PTAU_FILE', `TENDER_PTAU_FILE: no such file (got ${JSON.stringify(file)})`);
  }
  return { path: file, sha256 };
}
