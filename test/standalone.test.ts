import { execFileSync } from 'node:child_process';
import { existsSync, readlinkSync } from 'node:fs';
import { copyFile, link, mkdir, mkdtemp, readdir, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, sep } from 'node:path';
import { repoRoot } from '@tender/config';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// A fresh clone has the tracked files and what `npm ci` installs, nothing beside it (no shared folder).
// The copy gets the tracked files (hard links) and a node_modules whose workspace links point into
// the copy; the third-party packages are linked from this checkout's install.
const root = repoRoot();
const tracked = execFileSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8' })
  .split('\0')
  .filter((file) => file !== '' && existsSync(join(root, file)));
let outer: string;
let copy: string;

beforeAll(async () => {
  outer = await mkdtemp(join(tmpdir(), 'tender-standalone-'));
  copy = join(outer, 'tender');
  for (const file of tracked) {
    await mkdir(dirname(join(copy, file)), { recursive: true });
    // Hard links where the temp folder shares the file system, copies where it does not (tmpfs).
    await link(join(root, file), join(copy, file)).catch(() => copyFile(join(root, file), join(copy, file)));
  }
  await mkdir(join(copy, 'node_modules', '@tender'), { recursive: true });
  for (const entry of await readdir(join(root, 'node_modules'))) {
    if (entry === '@tender') continue;
    // circom (WebAssembly) cannot follow a link out of its folder: the include library is copied in.
    if (entry === 'circomlib') {
      const [from, to] = [join(root, 'node_modules', entry), join(copy, 'node_modules', entry)];
      try {
        execFileSync('cp', ['-al', from, to], { stdio: 'ignore' });
      } catch {
        await rm(to, { recursive: true, force: true });
        execFileSync('cp', ['-a', from, to]);
      }
      continue;
    }
    await symlink(join(root, 'node_modules', entry), join(copy, 'node_modules', entry));
  }
  for (const entry of await readdir(join(root, 'node_modules', '@tender'))) {
    // Relative links (../../packages/zk), so that they resolve inside the copy.
    await symlink(
      readlinkSync(join(root, 'node_modules', '@tender', entry)),
      join(copy, 'node_modules', '@tender', entry),
    );
  }
}, 120_000);
afterAll(() => rm(outer, { recursive: true, force: true }));

const inside = (p: string) => p === copy || p.startsWith(`${copy}${sep}`);

describe('a copy of the repository with nothing beside it', () => {
  it('builds a circuit and resolves the stack ceremony files inside the copy, opening no file outside it', {
    timeout: 600_000,
  }, async () => {
    const out = execFileSync(
      process.execPath,
      ['--import', 'tsx', join(copy, 'test/support/standaloneProbe.ts')],
      { cwd: copy, encoding: 'utf8', env: { ...process.env, TENDER_DATA_DIR: '' }, maxBuffer: 64 << 20 },
    );
    const probe = JSON.parse(out.trim().split('\n').at(-1)!) as {
      roots: string[];
      dirs: string[];
      ptau: { path: string; sha256: string; actual: string }[];
      mnist: { name: string; ptau: string };
      tiny: string[];
      opened: string[];
    };
    for (const p of [...probe.roots, ...probe.dirs, ...probe.tiny, probe.mnist.ptau])
      expect(p, p).toSatisfy(inside);
    expect(probe.roots[0]).toBe(copy);
    expect(probe.mnist.ptau).toBe(join(copy, 'packages/zk/ptau/pot15.ptau'));
    expect(probe.ptau.map((p) => p.path)).toEqual(
      [12, 15].map((n) => join(copy, `packages/zk/ptau/pot${n}.ptau`)),
    );
    for (const p of probe.ptau) expect(p.actual).toBe(p.sha256);
    // The build really read the copy's ceremony file; nothing beside the copy (its parent folder holds only
    // the copy) and nothing of the original checkout except the installed third-party packages (linked from
    // its node_modules, as `npm ci` gives a fresh clone its own). System files (/etc, /proc) are not the repo's.
    expect(probe.opened).toContain(join(copy, 'packages/zk/ptau/pot12.ptau'));
    const installed = join(root, 'node_modules') + sep;
    const escaped = probe.opened.filter(
      (p) => !inside(p) && (p.startsWith(outer) || (p.startsWith(root) && !p.startsWith(installed))),
    );
    expect(escaped).toEqual([]);
    expect(probe.opened.filter((p) => p.includes(`${sep}shared${sep}`))).toEqual([]);
  });

  it('has no tracked source, script or config file that points at a shared folder beside the checkout', async () => {
    const needle = ['..', 'shared'].join('/');
    const offenders: string[] = [];
    for (const file of tracked) {
      if (file.endsWith('.md') || file.endsWith('.ptau') || file.endsWith('.png')) continue;
      if ((await readFile(join(root, file), 'utf8')).includes(needle)) offenders.push(file);
    }
    expect(offenders).toEqual([]);
  });
});
