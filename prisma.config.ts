import { defineConfig } from 'prisma/config';

// Prisma CLI configuration (Prisma 7 reads it instead of the schema's url).
// On these machines only `prisma generate` runs (see packages/db/README.md);
// migrations are applied by `npm run db:migrate` and authored by
// `npm run db:diff`. On a machine with Prisma's native engine,
// `DATABASE_URL=... npx prisma migrate deploy` uses the same folder.
const url = process.env['DATABASE_URL'];

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  ...(url === undefined ? {} : { datasource: { url } }),
});
