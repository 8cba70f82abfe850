/**
 * `npm run build:contracts`: compiles contracts/ with solc-js (standard JSON, pinned settings) and
 * writes the typed ABIs and bytecode to packages/chain/src/generated/ (committed).
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readContractSources } from '../src/contractSources.ts';
import { generateBindings } from '../src/generateBindings.ts';
import { generatedDir } from '../src/paths.ts';

const started = Date.now();
const files = generateBindings(readContractSources());
mkdirSync(generatedDir, { recursive: true });
for (const old of readdirSync(generatedDir)) {
  if (old.endsWith('.ts') && files[old] === undefined) rmSync(join(generatedDir, old));
}
for (const [name, content] of Object.entries(files)) writeFileSync(join(generatedDir, name), content);
console.log(
  `build:contracts: wrote ${Object.keys(files).length} files to ${generatedDir} in ${Date.now() - started} ms`,
);
