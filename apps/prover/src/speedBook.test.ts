import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SAMPLES_PER_CIRCUIT, SpeedBook } from './speedBook.ts';

const A = `0x${'aa'.repeat(32)}`;
const B = `0x${'bb'.repeat(32)}`;
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'tender-speeds-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('SpeedBook', () => {
  it('estimates the p90 of its own measurements and keeps them across restarts', async () => {
    const file = path.join(dir, 'speeds.json');
    const book = await SpeedBook.open(file, 'snarkjs');
    expect(book.estimate(A, 1_000)).toBeNull();
    for (const ms of [100, 200, 300, 400, 500, 600, 700, 800, 900, 1_000]) await book.record(A, ms, 1_000);
    expect(book.estimate(A)).toBe(900);
    const again = await SpeedBook.open(file, 'snarkjs');
    expect(again.samples(A)).toHaveLength(10);
    expect(again.estimate(A)).toBe(900);
    expect(JSON.parse(await readFile(file, 'utf8')).version).toBe(1);
  });

  it('keeps only the newest samples', async () => {
    const book = await SpeedBook.open(path.join(dir, 's.json'), 'snarkjs');
    for (let i = 0; i < SAMPLES_PER_CIRCUIT + 5; i++) await book.record(A, i);
    expect(book.samples(A)).toEqual(Array.from({ length: SAMPLES_PER_CIRCUIT }, (_, i) => i + 5));
  });

  it('scales an unmeasured circuit from the closest measured one of the same backend only', async () => {
    const file = path.join(dir, 's.json');
    const snark = await SpeedBook.open(file, 'snarkjs');
    await snark.record(A, 1_000, 10_000);
    expect(snark.estimate(B, 20_000)).toBe(2_000);
    const external = await SpeedBook.open(file, 'external');
    expect(external.estimate(B, 20_000)).toBeNull();
  });

  it('starts empty from a corrupt file', async () => {
    const file = path.join(dir, 's.json');
    await writeFile(file, '{not json');
    expect((await SpeedBook.open(file, 'snarkjs')).estimate(A, 1)).toBeNull();
  });
});
