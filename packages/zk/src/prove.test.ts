import { spawn } from 'node:child_process';
import path from 'node:path';
import { isTenderError } from '@tender/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SNARK_SCALAR_FIELD } from './calldata.ts';
import { calculateWitness, Prover } from './prove.ts';
import { buildMultiplier, scratchDir } from './testFixtures.ts';
import { terminateCurves, verifyProof } from './verify.ts';

let dir: string;
let cleanup: () => Promise<void>;
let circuit: Awaited<ReturnType<typeof buildMultiplier>>;
const prover = new Prover();

beforeAll(async () => {
  ({ dir, cleanup } = await scratchDir('prove'));
  circuit = await buildMultiplier(dir);
});
afterAll(async () => {
  await prover.close();
  await terminateCurves();
  await cleanup();
});

async function inputError(input: Record<string, unknown>): Promise<{ code: string; message: string }> {
  const error = await prover.prove(circuit, input as never).catch((e: unknown) => e);
  if (!isTenderError(error)) throw new Error(`expected a TenderError, got ${String(error)}`);
  return { code: error.code, message: error.message };
}

describe('Prover.prove', () => {
  it('proves the multiplier and the proof verifies with outputs first in the public signals', async () => {
    const res = await prover.prove(circuit, { a: 3, b: [4, 5], c: 6 });
    expect(res.publicSignals).toEqual(['42', '4', '5', '6']);
    expect(res.proof.pi_a).toHaveLength(3);
    expect(res.witnessMs).toBeGreaterThanOrEqual(0);
    expect(res.proveMs).toBeGreaterThan(0);
    await verifyProof(circuit.vkey, res.publicSignals, res.proof);
  });

  it('accepts bigints, decimal and hex strings and negative values (as p - |v|)', async () => {
    const res = await prover.prove(circuit, { a: -1n, b: ['0x10', 2n], c: '7' });
    // out = -1 * 16 + 2 * 7 = -2 (mod p)
    expect(res.publicSignals).toEqual([(SNARK_SCALAR_FIELD - 2n).toString(), '16', '2', '7']);
  });

  it('proves different inputs with the loaded circuit, each proof verifying', async () => {
    const results = await Promise.all([1, 2, 3].map((c) => prover.prove(circuit, { a: 2, b: [3, 4], c })));
    expect(results.map((r) => r.publicSignals[0])).toEqual(['10', '14', '18']);
    for (const r of results) await verifyProof(circuit.vkey, r.publicSignals, r.proof);
  });

  it('names a missing input signal', async () => {
    expect(await inputError({ b: [4, 5], c: 6 })).toEqual({
      code: 'TENDER_INPUT_INVALID',
      message: 'input signal a: is missing',
    });
  });

  it('names an input signal the circuit does not have', async () => {
    const e = await inputError({ a: 1, b: [4, 5], c: 6, d: 1 });
    expect(e.code).toBe('TENDER_INPUT_INVALID');
    expect(e.message).toContain('input signal d');
  });

  it('names an array input of the wrong length', async () => {
    const e = await inputError({ a: 1, b: [4, 5, 6], c: 6 });
    expect(e).toEqual({
      code: 'TENDER_INPUT_INVALID',
      message: 'input signal b: expected 2 element(s), got 3',
    });
  });

  it.each([
    ['a fraction', 1.5, 'a'],
    ['a non-numeric string', 'abc', 'a'],
    ['a boolean', true, 'a'],
    ['an unsafe integer number', 2 ** 60, 'a'],
  ])('rejects %s as a value, naming the signal', async (_what, value, signal) => {
    const e = await inputError({ a: value, b: [4, 5], c: 6 });
    expect(e.code).toBe('TENDER_INPUT_INVALID');
    expect(e.message).toContain(`input signal ${signal}`);
  });

  it('rejects an array element outside the field, naming the element', async () => {
    const e = await inputError({ a: 1, b: [4, SNARK_SCALAR_FIELD], c: 6 });
    expect(e).toEqual({
      code: 'TENDER_INPUT_INVALID',
      message: 'input signal b[1]: value is outside the field',
    });
  });

  it('maps a failing circom assert to TENDER_WITNESS_FAILED with the template and line', async () => {
    const e = await inputError({ a: 0, b: [4, 5], c: 6 });
    expect(e.code).toBe('TENDER_WITNESS_FAILED');
    expect(e.message).toMatch(/assert failed.*Multiplier.*line: 13/);
  });

  it('works across several threads and spreads concurrent proofs over them', async () => {
    const pool = new Prover({ threads: 2 });
    try {
      const results = await Promise.all([1, 2, 3, 4].map((a) => pool.prove(circuit, { a, b: [1, 0], c: 0 })));
      expect(results.map((r) => r.publicSignals[0])).toEqual(['1', '2', '3', '4']);
      expect(pool.liveThreads).toBe(2);
    } finally {
      await pool.close();
    }
    expect(pool.liveThreads).toBe(0);
  });

  it('warm() starts every thread before the first proof, and proofs then use them', async () => {
    for (const curve of ['multi', 'single'] as const) {
      const pool = new Prover({ threads: 2, curve });
      try {
        expect(pool.liveThreads).toBe(0);
        await pool.warm();
        expect(pool.liveThreads).toBe(2);
        const results = await Promise.all([1, 2].map((a) => pool.prove(circuit, { a, b: [1, 0], c: 0 })));
        expect(results.map((r) => r.publicSignals[0])).toEqual(['1', '2']);
        expect(pool.liveThreads).toBe(2);
        await pool.warm(); // again: nothing more to start
        expect(pool.liveThreads).toBe(2);
      } finally {
        await pool.close();
      }
      const error = await pool.warm().catch((e: unknown) => e);
      expect(isTenderError(error, 'TENDER_PROVER_CLOSED')).toBe(true);
    }
  });

  it('proves with a single-threaded curve per thread when asked', async () => {
    const pool = new Prover({ curve: 'single' });
    try {
      const res = await pool.prove(circuit, { a: 2, b: [2, 2], c: 2 });
      expect(res.publicSignals).toEqual(['8', '2', '2', '2']);
      await verifyProof(circuit.vkey, res.publicSignals, res.proof);
    } finally {
      await pool.close();
    }
  });

  it('refuses to prove after close()', async () => {
    const closed = new Prover();
    await closed.close();
    const error = await closed.prove(circuit, { a: 1, b: [1, 1], c: 1 }).catch((e: unknown) => e);
    expect(isTenderError(error, 'TENDER_PROVER_CLOSED')).toBe(true);
  });
});

describe('calculateWitness', () => {
  it('returns the full witness: the constant one, the output, then the inputs', async () => {
    const w = await calculateWitness(circuit.wasmPath, { a: 3, b: [4, 5], c: 6 });
    expect(w.slice(0, 6)).toEqual([1n, 42n, 4n, 5n, 6n, 3n]);
  });

  it('checks inputs the same way as the prover', async () => {
    const error = await calculateWitness(circuit.wasmPath, { a: 3, b: [4], c: 6 }).catch((e: unknown) => e);
    expect(isTenderError(error, 'TENDER_INPUT_INVALID')).toBe(true);
  });
});

function runChild(
  args: string[],
  waitMs: number,
): Promise<{ exited: boolean; code: number | null; out: string }> {
  const script = path.join(import.meta.dirname, 'fixtures', 'proveAndExit.ts');
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    out += d.toString();
  });
  return new Promise((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ exited: true, code, out });
    });
    // Wait for the proof to be printed, then give the process waitMs to end on its own.
    const poll = setInterval(() => {
      if (!out.includes('publicSignals')) return;
      clearInterval(poll);
      timer = setTimeout(() => {
        child.kill('SIGKILL');
        resolve({ exited: false, code: null, out });
      }, waitMs);
    }, 50);
    child.on('exit', () => clearInterval(poll));
  });
}

describe('shutdown', () => {
  it('lets the process exit on its own after close(): worker threads and curve workers are terminated', async () => {
    const res = await runChild([circuit.wasmPath, circuit.zkeyPath, circuit.vkeyPath], 15_000);
    expect(res.out).toContain('"publicSignals":["42","4","5","6"]');
    expect(res.out).toContain('"liveThreads":0');
    expect(res).toMatchObject({ exited: true, code: 0 });
  });

  it('keeps the process alive when the prover is not closed (the control for the test above)', async () => {
    const res = await runChild([circuit.wasmPath, circuit.zkeyPath, circuit.vkeyPath, '--no-close'], 3_000);
    expect(res.out).toContain('"publicSignals":["42","4","5","6"]');
    expect(res.exited).toBe(false);
  });
});
