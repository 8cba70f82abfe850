import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '@tender/config';
import { describe, expect, it } from 'vitest';
import { configTable } from '../scripts/configTable.ts';

const readme = readFileSync(join(repoRoot(), 'README.md'), 'utf8');

describe('README', () => {
  it('lists every environment variable the apps read, with its default, as the schemas define them', () => {
    const block = /<!-- config:start -->\n([\s\S]*?)\n<!-- config:end -->/.exec(readme)?.[1];
    expect(block, 'README has a generated configuration table').toBeDefined();
    expect(block).toBe(configTable());
  });

  it('shows the two commands', () => {
    expect(readme).toContain('npm start');
    expect(readme).toContain('npm test');
  });
});
