import type { PGlite } from '@electric-sql/pglite';
import type pg from 'pg';

/**
 * The two things the migration runner needs from a database session. One
 * session: the advisory lock and the transactions live on it.
 */
export interface MigrationConnection {
  /** Runs one statement with `$1…` parameters and returns its rows. */
  query<Row extends Record<string, unknown> = Record<string, unknown>>(
    sql: string,
    params?: readonly unknown[],
  ): Promise<Row[]>;
  /** Runs a script of several statements (no parameters). */
  exec(script: string): Promise<void>;
}

/** A {@link MigrationConnection} over one connected `pg` client (not a pool: the session matters). */
export function pgMigrationConnection(client: pg.Client | pg.PoolClient): MigrationConnection {
  return {
    async query<Row extends Record<string, unknown>>(sql: string, params: readonly unknown[] = []) {
      const result = await client.query<Row>(sql, [...params]);
      return result.rows;
    },
    async exec(script) {
      // Without parameters pg uses the simple query protocol, which accepts many statements.
      await client.query(script);
    },
  };
}

/** A {@link MigrationConnection} over an open PGlite database. */
export function pgliteMigrationConnection(db: PGlite): MigrationConnection {
  return {
    async query<Row extends Record<string, unknown>>(sql: string, params: readonly unknown[] = []) {
      const result = await db.query<Row>(sql, [...params]);
      return result.rows;
    },
    async exec(script) {
      await db.exec(script);
    },
  };
}
