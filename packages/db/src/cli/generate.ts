// `npm run db:generate`: writes the Prisma client into packages/db/src/generated
// (gitignored). Runs on `npm ci` (root postinstall) and before `npm test`.
//
// `prisma generate` never runs the schema engine, but the CLI insists on
// downloading one unless PRISMA_SCHEMA_ENGINE_BINARY names an executable, and
// these machines cannot download it. Any executable will do: node itself.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { defaultSchemaPath, repoRoot } from '../paths.ts';

const prismaCli = createRequire(import.meta.url).resolve('prisma/build/index.js');
const result = spawnSync(process.execPath, [prismaCli, 'generate', '--schema', defaultSchemaPath], {
  cwd: repoRoot,
  stdio: 'inherit',
  env: {
    ...process.env,
    PRISMA_SCHEMA_ENGINE_BINARY: process.env['PRISMA_SCHEMA_ENGINE_BINARY'] ?? process.execPath,
    PRISMA_HIDE_UPDATE_MESSAGE: '1',
  },
});
process.exit(result.status ?? 1);
