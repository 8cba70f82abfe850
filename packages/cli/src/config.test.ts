import { createCipheriv, randomBytes, scryptSync } from 'node:crypto';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { keccak256 } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  clearSession,
  decryptKeystore,
  loadAccount,
  loadSession,
  requesterCredential,
  resolveConfig,
  saveSession,
} from './config.ts';
import { CliError, ExitCode } from './exitCodes.ts';

/** A Web3 v3 keystore of `key` (scrypt, aes-128-ctr), written the way geth does; small N for speed. */
function keystoreOf(key: `0x${string}`, password: string) {
  const salt = randomBytes(32);
  const iv = randomBytes(16);
  const kdfparams = { n: 1024, r: 8, p: 1, dklen: 32, salt: salt.toString('hex') };
  const derived = scryptSync(password, salt, 32, { N: 1024, r: 8, p: 1 });
  const cipher = createCipheriv('aes-128-ctr', derived.subarray(0, 16), iv);
  const ciphertext = Buffer.concat([cipher.update(Buffer.from(key.slice(2), 'hex')), cipher.final()]);
  const mac = keccak256(Buffer.concat([derived.subarray(16, 32), ciphertext])).slice(2);
  return {
    version: 3,
    crypto: {
      cipher: 'aes-128-ctr',
      ciphertext: ciphertext.toString('hex'),
      cipherparams: { iv: iv.toString('hex') },
      kdf: 'scrypt',
      kdfparams,
      mac,
    },
  };
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'tender-cli-config-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const exitOf = async (p: Promise<unknown>) => {
  const error = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CliError);
  return error as CliError;
};

describe('the user’s key', () => {
  it('comes from an encrypted v3 keystore with its password, and a wrong password is one readable line', async () => {
    const key = generatePrivateKey();
    const store = keystoreOf(key, 'correct horse');
    expect(decryptKeystore(store, 'correct horse')).toBe(key);
    const file = path.join(dir, 'key.json');
    await writeFile(file, JSON.stringify(store));
    const config = resolveConfig({ keystore: file }, { TENDER_KEYSTORE_PASSWORD: 'correct horse' });
    expect((await loadAccount(config)).address).toBe(privateKeyToAccount(key).address);
    const wrong = await exitOf(
      loadAccount(resolveConfig({ keystore: file }, { TENDER_KEYSTORE_PASSWORD: 'nope' })),
    );
    expect(wrong.exitCode).toBe(ExitCode.config);
    expect(wrong.message).toBe('keystore: wrong password (set TENDER_KEYSTORE_PASSWORD)');
    const none = await exitOf(loadAccount(resolveConfig({ keystore: file }, {})));
    expect(none.message).toBe('the keystore is encrypted: set TENDER_KEYSTORE_PASSWORD');
  });

  it('comes from TENDER_PRIVATE_KEY first, or a file holding the hex key', async () => {
    const key = generatePrivateKey();
    const file = path.join(dir, 'key.hex');
    await writeFile(file, `${key.slice(2)}\n`);
    expect((await loadAccount(resolveConfig({ keystore: file }, {}))).address).toBe(
      privateKeyToAccount(key).address,
    );
    const other = generatePrivateKey();
    const fromEnv = await loadAccount(resolveConfig({ keystore: file }, { TENDER_PRIVATE_KEY: other }));
    expect(fromEnv.address).toBe(privateKeyToAccount(other).address);
    const missing = await exitOf(loadAccount(resolveConfig({ keystore: path.join(dir, 'absent') }, {})));
    expect(missing.exitCode).toBe(ExitCode.config);
  });
});

describe('the stored sign-in', () => {
  it('is kept per api in a 0600 file, used unless an API key is given, and forgotten on logout or expiry', async () => {
    const configDir = path.join(dir, 'sessions');
    const a = resolveConfig({ configDir, apiUrl: 'http://a.example/' }, {});
    const b = resolveConfig({ configDir, apiUrl: 'http://b.example' }, {});
    const session = {
      token: 'tok-a',
      expiresAt: new Date(Date.now() + 60_000).toISOString(),
      address: '0x0000000000000000000000000000000000000001',
      requesterId: 'r1',
    };
    await saveSession(a, session);
    expect((await stat(path.join(configDir, 'sessions.json'))).mode & 0o777).toBe(0o600);
    expect(await loadSession(a)).toEqual(session);
    expect(await loadSession(b)).toBeUndefined();
    expect(await requesterCredential(a)).toBe('tok-a');
    expect(
      await requesterCredential(
        resolveConfig({ configDir, apiUrl: 'http://a.example' }, { TENDER_API_KEY: 'tnd_k' }),
      ),
    ).toBe('tnd_k');
    const notSignedIn = await exitOf(requesterCredential(b));
    expect(notSignedIn.message).toBe(
      'not signed in to http://b.example: run `tender login` or set TENDER_API_KEY',
    );

    await saveSession(b, {
      ...session,
      token: 'tok-b',
      expiresAt: new Date(Date.now() - 1_000).toISOString(),
    });
    expect(await loadSession(b)).toBeUndefined();
    expect(await clearSession(a)).toBe(true);
    expect(await loadSession(a)).toBeUndefined();
    expect(await clearSession(a)).toBe(false);
  });
});
