import { execFileSync, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const cli = ['docker compose', 'docker-compose'].find((cmd) => {
  const [bin, ...args] = cmd.split(' ');
  return spawnSync(bin!, [...args, 'version'], { stdio: 'ignore' }).status === 0;
});

describe('docker-compose.yml', () => {
  it.skipIf(!cli)('is valid and declares the production topology with health checks', () => {
    const [bin, ...args] = cli!.split(' ');
    const out = execFileSync(bin!, [...args, 'config', '--services'], { encoding: 'utf8' });
    const services = out.trim().split('\n').sort();
    expect(services).toEqual(
      ['aggregator', 'anvil', 'api', 'migrate', 'postgres', 'prover', 'redis', 'scheduler'].sort(),
    );
    const full = execFileSync(bin!, [...args, 'config'], { encoding: 'utf8' });
    for (const service of ['postgres', 'redis', 'anvil', 'api', 'scheduler', 'aggregator', 'prover']) {
      const block = full.split(/\n {2}(?=\S)/).find((b) => b.startsWith(`${service}:`));
      expect(block, service).toContain('healthcheck');
    }
  });
});
