import { execFile } from 'node:child_process';
import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/**
 * `npm pack` of a workspace package (its `prepack` builds dist/) into a fresh folder under the
 * system temp dir; resolves with the tarball's path.
 */
export async function packWorkspace(root: string, workspace: string): Promise<string> {
  const dest = await mkdtemp(path.join(tmpdir(), 'tender-pack-'));
  await exec(npm, ['pack', '--pack-destination', dest, '--silent'], {
    cwd: path.join(root, workspace),
    maxBuffer: 16 * 2 ** 20,
    timeout: 600_000,
  });
  const [tarball] = (await readdir(dest)).filter((f) => f.endsWith('.tgz'));
  if (tarball === undefined) throw new Error(`npm pack of ${workspace} wrote no tarball`);
  return path.join(dest, tarball);
}

/**
 * An empty project outside the repository (`os.tmpdir()`) with the given tarballs installed by
 * npm (their dependencies from the registry or npm's cache).
 */
export async function installIntoEmptyProject(tarballs: string[]): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'tender-outside-'));
  await exec(npm, ['init', '-y'], { cwd: dir });
  await exec(npm, ['pkg', 'set', 'type=module'], { cwd: dir });
  await exec(npm, ['install', '--no-audit', '--no-fund', '--prefer-offline', ...tarballs], {
    cwd: dir,
    maxBuffer: 16 * 2 ** 20,
    timeout: 600_000,
  });
  return dir;
}
