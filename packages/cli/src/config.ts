import { createDecipheriv, scryptSync } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { type Hex, keccak256 } from 'viem';
import { type PrivateKeyAccount, privateKeyToAccount } from 'viem/accounts';
import { CliError, ExitCode } from './exitCodes.ts';

/** The global options every command takes (flags win over the environment). */
export interface GlobalOptions {
  apiUrl?: string;
  rpcUrl?: string;
  apiKey?: string;
  keystore?: string;
  configDir?: string;
  json?: boolean;
}

/** The settings a command runs with, resolved from flags, then `TENDER_*` variables, then defaults. */
export interface CliConfig {
  apiUrl: string;
  rpcUrl: string | undefined;
  apiKey: string | undefined;
  keystore: string | undefined;
  configDir: string;
  json: boolean;
  env: Record<string, string | undefined>;
}

/** Default api: the local stack of `npm start`. */
export const DEFAULT_API_URL = 'http://127.0.0.1:8080';

/** Resolves the settings of one run; `env` is `process.env` in the real command. */
export function resolveConfig(opts: GlobalOptions, env: Record<string, string | undefined>): CliConfig {
  const apiUrl = (opts.apiUrl ?? env.TENDER_API_URL ?? DEFAULT_API_URL).replace(/\/+$/, '');
  try {
    new URL(apiUrl);
  } catch {
    throw new CliError(ExitCode.config, 'TENDER_CLI_CONFIG', `TENDER_API_URL is not a URL: ${apiUrl}`);
  }
  return {
    apiUrl,
    rpcUrl: opts.rpcUrl ?? env.TENDER_RPC_URL,
    apiKey: opts.apiKey ?? env.TENDER_API_KEY,
    keystore: opts.keystore ?? env.TENDER_KEYSTORE,
    configDir: opts.configDir ?? env.TENDER_CONFIG_DIR ?? path.join(os.homedir(), '.config', 'tender'),
    json: opts.json === true,
    env,
  };
}

interface V3Keystore {
  crypto?: {
    cipher: string;
    ciphertext: string;
    cipherparams: { iv: string };
    kdf: string;
    kdfparams: { n: number; r: number; p: number; dklen: number; salt: string };
    mac: string;
  };
}

/** Decrypts a Web3 Secret Storage (v3, scrypt + aes-128-ctr) keystore: what geth, foundry's `cast wallet` and others write. */
export function decryptKeystore(json: V3Keystore, password: string): Hex {
  const c = json.crypto ?? (json as { Crypto?: V3Keystore['crypto'] }).Crypto;
  if (c === undefined || c.kdf !== 'scrypt' || c.cipher !== 'aes-128-ctr') {
    throw new CliError(
      ExitCode.config,
      'TENDER_CLI_KEYSTORE',
      'keystore: only scrypt + aes-128-ctr (v3) keystores are supported',
    );
  }
  const { n, r, p, dklen, salt } = c.kdfparams;
  const derived = scryptSync(Buffer.from(password, 'utf8'), Buffer.from(salt, 'hex'), dklen, {
    N: n,
    r,
    p,
    maxmem: 256 * n * r + 1024 * 1024,
  });
  const ciphertext = Buffer.from(c.ciphertext, 'hex');
  const mac = keccak256(Buffer.concat([derived.subarray(16, 32), ciphertext])).slice(2);
  if (mac !== c.mac.toLowerCase()) {
    throw new CliError(
      ExitCode.config,
      'TENDER_CLI_KEYSTORE',
      'keystore: wrong password (set TENDER_KEYSTORE_PASSWORD)',
    );
  }
  const decipher = createDecipheriv(
    'aes-128-ctr',
    derived.subarray(0, 16),
    Buffer.from(c.cipherparams.iv, 'hex'),
  );
  return `0x${Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('hex')}`;
}

const HEX_KEY = /^(0x)?[0-9a-fA-F]{64}$/;

/**
 * The user's key: `TENDER_PRIVATE_KEY` (0x + 64 hex), else the `--keystore` file
 * (a v3 keystore decrypted with `TENDER_KEYSTORE_PASSWORD`, or a file holding the
 * hex key). One readable line naming what to set when there is none.
 */
export async function loadAccount(config: CliConfig): Promise<PrivateKeyAccount> {
  return privateKeyToAccount(await loadPrivateKey(config));
}

/** The user's key as hex (see {@link loadAccount}); for the prover worker, which takes the key itself. */
export async function loadPrivateKey(config: CliConfig): Promise<Hex> {
  const fromEnv = config.env.TENDER_PRIVATE_KEY?.trim();
  let key: string | undefined;
  if (fromEnv) {
    key = fromEnv;
  } else if (config.keystore !== undefined) {
    let text: string;
    try {
      text = (await readFile(config.keystore, 'utf8')).trim();
    } catch {
      throw new CliError(
        ExitCode.config,
        'TENDER_CLI_KEYSTORE',
        `cannot read the keystore file ${config.keystore}`,
      );
    }
    if (HEX_KEY.test(text)) key = text;
    else {
      let parsed: V3Keystore;
      try {
        parsed = JSON.parse(text) as V3Keystore;
      } catch {
        throw new CliError(
          ExitCode.config,
          'TENDER_CLI_KEYSTORE',
          `${config.keystore} is neither a hex key nor a JSON keystore`,
        );
      }
      const password = config.env.TENDER_KEYSTORE_PASSWORD;
      if (password === undefined) {
        throw new CliError(
          ExitCode.config,
          'TENDER_CLI_KEYSTORE',
          'the keystore is encrypted: set TENDER_KEYSTORE_PASSWORD',
        );
      }
      key = decryptKeystore(parsed, password);
    }
  }
  if (key === undefined) {
    throw new CliError(
      ExitCode.config,
      'TENDER_CLI_NO_KEY',
      'no key: set TENDER_PRIVATE_KEY or pass --keystore <file>',
    );
  }
  if (!HEX_KEY.test(key)) {
    throw new CliError(
      ExitCode.config,
      'TENDER_CLI_NO_KEY',
      'TENDER_PRIVATE_KEY is not 0x followed by 64 hex digits',
    );
  }
  return (key.startsWith('0x') ? key : `0x${key}`) as Hex;
}

/** A requester sign-in kept in `<configDir>/sessions.json`, one per api URL. */
export interface StoredSession {
  token: string;
  expiresAt: string;
  address: string;
  requesterId: string;
}

const sessionsFile = (config: CliConfig) => path.join(config.configDir, 'sessions.json');

async function readSessions(config: CliConfig): Promise<Record<string, StoredSession>> {
  try {
    return JSON.parse(await readFile(sessionsFile(config), 'utf8')) as Record<string, StoredSession>;
  } catch {
    return {};
  }
}

/** Stores the session of `config.apiUrl` (file mode 0600, folder 0700). */
export async function saveSession(config: CliConfig, session: StoredSession): Promise<void> {
  const all = await readSessions(config);
  all[config.apiUrl] = session;
  await mkdir(config.configDir, { recursive: true, mode: 0o700 });
  await writeFile(sessionsFile(config), `${JSON.stringify(all, null, 2)}\n`, { mode: 0o600 });
}

/** Forgets the session of `config.apiUrl`; removes the file when it was the last. */
export async function clearSession(config: CliConfig): Promise<boolean> {
  const all = await readSessions(config);
  if (!(config.apiUrl in all)) return false;
  delete all[config.apiUrl];
  if (Object.keys(all).length === 0) await rm(sessionsFile(config), { force: true });
  else await writeFile(sessionsFile(config), `${JSON.stringify(all, null, 2)}\n`, { mode: 0o600 });
  return true;
}

/** The stored, unexpired session of `config.apiUrl`, if any. */
export async function loadSession(config: CliConfig): Promise<StoredSession | undefined> {
  const session = (await readSessions(config))[config.apiUrl];
  if (session === undefined || Date.parse(session.expiresAt) <= Date.now()) return undefined;
  return session;
}

/**
 * The bearer credential of requester commands: `--api-key` / `TENDER_API_KEY`, else the
 * session `tender login` stored for this api.
 */
export async function requesterCredential(config: CliConfig): Promise<string> {
  if (config.apiKey) return config.apiKey;
  const session = await loadSession(config);
  if (session) return session.token;
  throw new CliError(
    ExitCode.config,
    'TENDER_CLI_NOT_SIGNED_IN',
    `not signed in to ${config.apiUrl}: run \`tender login\` or set TENDER_API_KEY`,
  );
}
