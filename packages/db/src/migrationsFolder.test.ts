import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isTenderError } from '@tender/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  checksumMatches,
  migrationChecksum,
  POSTGRES_MIGRATION_LOCK,
  readMigrationsFolder,
} from './migrationsFolder.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tender-folder-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

async function add(name: string, script: string) {
  await mkdir(join(dir, name), { recursive: true });
  await writeFile(join(dir, name, 'migration.sql'), script);
}

describe('readMigrationsFolder', () => {
  it('lists migration directories in name order with their sha256 checksums', async () => {
    await add('20260102000000_second', 'SELECT 2;\n');
    await add('20260101000000_first', 'SELECT 1;\n');
    await writeFile(join(dir, 'migration_lock.toml'), POSTGRES_MIGRATION_LOCK);
    await writeFile(join(dir, 'README.md'), 'not a migration');

    const folder = await readMigrationsFolder(dir);

    expect(folder.migrations.map((m) => m.name)).toEqual(['20260101000000_first', '20260102000000_second']);
    expect(folder.migrations[0]!.checksum).toBe(createHash('sha256').update('SELECT 1;\n').digest('hex'));
    expect(folder.lockfile).toBe(POSTGRES_MIGRATION_LOCK);
  });

  it('reads a missing folder as no migrations', async () => {
    await expect(readMigrationsFolder(join(dir, 'absent'))).resolves.toMatchObject({
      migrations: [],
      lockfile: null,
    });
  });

  it('rejects a lock file for another provider', async () => {
    await writeFile(join(dir, 'migration_lock.toml'), 'provider = "sqlite"\n');
    const error = await readMigrationsFolder(dir).catch((e: unknown) => e);
    expect(isTenderError(error, 'TENDER_MIGRATIONS_INVALID')).toBe(true);
  });

  it('rejects a migration directory without migration.sql', async () => {
    await mkdir(join(dir, '20260101000000_empty'));
    const error = await readMigrationsFolder(dir).catch((e: unknown) => e);
    expect(isTenderError(error, 'TENDER_MIGRATIONS_INVALID')).toBe(true);
    expect((error as Error).message).toContain('20260101000000_empty');
  });
});

describe('checksumMatches', () => {
  it('matches the same script whatever its line endings, and nothing else', () => {
    const lf = 'CREATE TABLE a (id int);\nSELECT 1;\n';
    expect(checksumMatches(lf, migrationChecksum(lf))).toBe(true);
    expect(checksumMatches(lf.replaceAll('\n', '\r\n'), migrationChecksum(lf))).toBe(true);
    expect(checksumMatches(lf, migrationChecksum(lf.replaceAll('\n', '\r\n')))).toBe(true);
    expect(checksumMatches(`${lf}-- edited\n`, migrationChecksum(lf))).toBe(false);
  });
});
