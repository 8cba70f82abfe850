import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hashContractSources, readContractSources } from './contractSources.ts';
import { generateBindings } from './generateBindings.ts';
import { contractsBuildInfo } from './generated/buildInfo.ts';
import { generatedDir } from './paths.ts';

describe('generated bindings', () => {
  it('were built from the current contracts/ sources (run `npm run build:contracts` if not)', () => {
    expect(contractsBuildInfo.sourcesSha256).toBe(hashContractSources(readContractSources()));
  });

  it('match a fresh solc-js compile byte for byte', () => {
    const files = generateBindings(readContractSources());
    for (const [name, content] of Object.entries(files)) {
      expect(readFileSync(join(generatedDir, name), 'utf8'), `generated/${name} is stale`).toBe(content);
    }
  }, 600_000); // a full via-IR compile (OpenZeppelin included) takes minutes on a loaded machine
});
