// `npm run openapi`: writes docs/openapi.json from the route schemas (apps/api/src/openapi.test.ts keeps it in step).
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { repoRoot } from '@tender/config';
import { openapiDocument } from '../src/openapiDocument.ts';

const file = join(repoRoot(), 'docs/openapi.json');
await writeFile(file, `${JSON.stringify(await openapiDocument(), null, 2)}\n`);
console.log(`wrote ${file}`);
