// `npm run db:diff -- <name> [--empty]`: authors the next migration from the
// difference between prisma/migrations and prisma/schema.prisma, using
// Prisma's WebAssembly schema engine with an in-memory PGlite shadow database.
// `--empty` writes an empty migration to fill in by hand.
import { relative } from 'node:path';
import { authorMigration } from '../authorMigration.ts';
import { defaultMigrationsDir, defaultSchemaPath } from '../paths.ts';

const args = process.argv.slice(2);
const empty = args.includes('--empty');
const name = args.find((arg) => !arg.startsWith('--'));
if (name === undefined) {
  console.error('usage: npm run db:diff -- <migration_name> [--empty]');
  process.exit(2);
}
try {
  const written = await authorMigration({
    schemaPath: defaultSchemaPath,
    migrationsDir: defaultMigrationsDir,
    name,
    empty,
  });
  if (written === null) {
    console.log('no changes');
  } else {
    console.log(`wrote ${relative(process.cwd(), written.path)}`);
  }
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
