import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { isTenderError } from '@tender/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileCircuit } from './compile.ts';
import { repoRoot } from './paths.ts';
import { multiplierSource, scratchDir } from './testFixtures.ts';

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ dir, cleanup } = await scratchDir('compile'));
});
afterAll(async () => cleanup());

describe('compileCircuit', () => {
  it('compiles the multiplier fixture and reports its constraints and signal layout', async () => {
    const c = await compileCircuit({ source: multiplierSource, outDir: path.join(dir, 'mul') });
    expect(c.name).toBe('multiplier');
    expect(c.constraints).toBe(2);
    expect(c.publicSignals).toBe(4);
    expect(c.publicSignalNames).toEqual(['out', 'b[0]', 'b[1]', 'c']);
    expect(c.inputSignals).toEqual([
      { name: 'b', size: 2, public: true },
      { name: 'c', size: 1, public: true },
      { name: 'a', size: 1, public: false },
    ]);
    expect(c.wasmPath).toBe(path.join(dir, 'mul', 'multiplier_js', 'multiplier.wasm'));
  });

  it('keeps linear constraints at O1 that O2 removes', async () => {
    const o1 = await compileCircuit({
      source: multiplierSource,
      outDir: path.join(dir, 'mul-o1'),
      optimize: 'O1',
    });
    expect(o1.constraints).toBe(3);
  });

  it('flattens multi-dimensional inputs and resolves circomlib includes', async () => {
    const source = path.join(dir, 'grid.circom');
    await writeFile(
      source,
      `pragma circom 2.1.0;
include "circomlib/circuits/comparators.circom";
template Grid() {
  signal input m[2][3];
  signal input k;
  signal output nonzero;
  signal output total;
  component z = IsZero();
  z.in <== k;
  nonzero <== 1 - z.out;
  var s = 0;
  for (var i = 0; i < 2; i++) { for (var j = 0; j < 3; j++) { s += m[i][j]; } }
  total <== s * k;
}
component main { public [k] } = Grid();
`,
    );
    const c = await compileCircuit({
      source,
      outDir: path.join(dir, 'grid'),
      includePaths: [path.join(repoRoot, 'node_modules')],
    });
    expect(c.publicSignalNames).toEqual(['nonzero', 'total', 'k']);
    expect(c.inputSignals).toEqual([
      { name: 'k', size: 1, public: true },
      { name: 'm', size: 6, public: false },
    ]);
  });

  it('throws TENDER_CIRCUIT_COMPILE_FAILED with the circom message for a broken circuit', async () => {
    const source = path.join(dir, 'broken.circom');
    await writeFile(
      source,
      'pragma circom 2.1.0;\ntemplate T() { signal input a; signal output b; b <== a * undefinedThing; }\ncomponent main = T();\n',
    );
    const error = await compileCircuit({ source, outDir: path.join(dir, 'broken') }).catch((e: unknown) => e);
    expect(isTenderError(error, 'TENDER_CIRCUIT_COMPILE_FAILED')).toBe(true);
    expect((error as Error).message).toMatch(/undefinedThing|undeclared|not declared/i);
    expect(String((error as { details: { output: string } }).details.output)).toContain('undefinedThing');
  });
});
