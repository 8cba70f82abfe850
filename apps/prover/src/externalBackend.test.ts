import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { buildBuiltinCircuit, loadBuiltinModel, modelInput } from '@tender/circuits';
import { isTenderError } from '@tender/core';
import { repoRoot, terminateCurves, verifyProof } from '@tender/zk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { externalBackend, splitCommand } from './externalBackend.ts';

const snarkjsProve = ['node', path.join(repoRoot, 'node_modules/snarkjs/cli.js'), 'groth16', 'prove'];
let dir: string;
let tiny: Awaited<ReturnType<typeof buildBuiltinCircuit>>;
let input: ReturnType<typeof modelInput>;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'tender-external-'));
  tiny = await buildBuiltinCircuit('tiny');
  input = modelInput(await loadBuiltinModel('tiny'), [9, 9, 0, 0, 9, 9, 0, 0, 0, 0, 1, 1, 0, 0, 1, 1]);
});
afterAll(async () => {
  await terminateCurves();
  await rm(dir, { recursive: true, force: true });
});

const task = (signal = new AbortController().signal) => ({
  circuitId: `0x${'00'.repeat(32)}`,
  wasmPath: tiny.wasmPath,
  zkeyPath: tiny.zkeyPath,
  input,
  signal,
});

describe('externalBackend', () => {
  it('proves with `snarkjs groth16 prove` in the rapidsnark argument order, and the proof verifies', async () => {
    const backend = externalBackend({ command: snarkjsProve, workDir: dir });
    const { proof, publicSignals } = await backend.prove(task());
    await expect(verifyProof(tiny.vkey, publicSignals, proof)).resolves.toBeUndefined();
    await backend.close();
  });

  it('reports a failing command with its exit code and stderr', async () => {
    const backend = externalBackend({
      command: ['node', '-e', 'console.error("no gpu"); process.exit(3)'],
      workDir: dir,
    });
    const error = await backend.prove(task()).catch((e: unknown) => e);
    expect(isTenderError(error, 'TENDER_PROVER_BACKEND_FAILED')).toBe(true);
    expect((error as { details: Record<string, unknown> }).details).toMatchObject({
      exitCode: 3,
      stderr: 'no gpu',
    });
  });

  it('kills the command when the task is aborted', async () => {
    const backend = externalBackend({ command: ['node', '-e', 'setTimeout(() => {}, 60000)'], workDir: dir });
    const abort = new AbortController();
    const started = Date.now();
    const proving = backend.prove(task(abort.signal));
    setTimeout(() => abort.abort(new Error('cancelled')), 300);
    await expect(proving).rejects.toThrow('cancelled');
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('splits a command line on whitespace with quoted words kept together', () => {
    expect(splitCommand(`node "/opt/my dir/cli.js" groth16 'prove'`)).toEqual([
      'node',
      '/opt/my dir/cli.js',
      'groth16',
      'prove',
    ]);
  });
});
