import { fileURLToPath } from 'node:url';

/** The repository root (this file lives in `packages/db/src/`). */
export const repoRoot: string = fileURLToPath(new URL('../../../', import.meta.url));

/** `prisma/schema.prisma`: the schema, source of truth of the tables. */
export const defaultSchemaPath: string = fileURLToPath(
  new URL('../../../prisma/schema.prisma', import.meta.url),
);

/** `prisma/migrations`: the committed SQL migrations. */
export const defaultMigrationsDir: string = fileURLToPath(
  new URL('../../../prisma/migrations', import.meta.url),
);

/** `.tender/pglite`: the embedded database of the local stack (gitignored). */
export const defaultPgliteDir: string = fileURLToPath(new URL('../../../.tender/pglite', import.meta.url));
