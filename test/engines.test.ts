import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { repoRoot } from '@tender/config';
import { describe, expect, it } from 'vitest';

// `engines` must tell the truth (README "Node versions"): Node 20.19+ runs everything, although three
// dependencies declare Node 22.
const root = repoRoot();
const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { engines?: { node?: string } | string[]; optional?: boolean; version?: string }>;
};
const enginesOf = (pkg: string) => {
  const engines = lock.packages[`node_modules/${pkg}`]?.engines;
  return Array.isArray(engines) ? undefined : engines?.node;
};

describe('the Node versions Tender runs on', () => {
  it('declares ^20.19 || >=22.12 and runs on a Node inside that range', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { engines: { node: string } };
    expect(pkg.engines.node).toBe('^20.19 || >=22.12');
    const [major, minor] = process.versions.node.split('.').map(Number) as [number, number];
    expect(major > 22 || (major === 22 && minor >= 12) || (major === 20 && minor >= 19)).toBe(true);
  });

  it('loads the two ES-module dependencies that declare Node 22 the way their CommonJS users require them', () => {
    expect(enginesOf('content-disposition')).toBe('>=22');
    expect(enginesOf('cookie')).toBe('>=22');
    // @fastify/static: `const { create } = require('content-disposition')`.
    const fromStatic = createRequire(join(root, 'node_modules/@fastify/static/index.js'));
    const { create } = fromStatic('content-disposition') as { create: (name: string) => string };
    expect(create('report.json')).toBe('attachment; filename=report.json');
    // light-my-request: `const { stringifySetCookie } = require('cookie')`.
    const fromInject = createRequire(join(root, 'node_modules/light-my-request/lib/cookies.js'));
    const { stringifySetCookie } = fromInject('cookie') as {
      stringifySetCookie: (cookie: { name: string; value: string }) => string;
    };
    expect(stringifySetCookie({ name: 'a', value: 'b' })).toBe('a=b');
  });

  it('lists @prisma/streams-local only as a dependency of prisma dev, never of a Tender package', () => {
    expect(enginesOf('@prisma/streams-local')).toBe('>=22.0.0');
    const users = Object.entries(lock.packages)
      .filter(
        ([, entry]) => '@prisma/streams-local' in ((entry as { dependencies?: object }).dependencies ?? {}),
      )
      .map(([path]) => path);
    expect(users).toEqual(['node_modules/@prisma/dev']);
  });
});
