import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type CompiledCircuit, compileCircuit } from '@tender/zk';
import { circuitsCacheDir, repoRoot } from './paths.ts';

/** Bumped whenever the generators change the circuit for the same model. */
export const GENERATOR_VERSION = 'tender-mlp-circom-v1';

/** A circom source compiled into the cache: where its artifacts are and what circom reported. */
export interface CachedCompilation
  extends Pick<CompiledCircuit, 'constraints' | 'publicSignals' | 'publicSignalNames' | 'inputSignals'> {
  /** sha256 (hex) of the generator version and the source. */
  sourceHash: string;
  dir: string;
  sourcePath: string;
  r1csPath: string;
  wasmPath: string;
  symPath: string;
}

type Facts = Pick<CompiledCircuit, 'constraints' | 'publicSignals' | 'publicSignalNames' | 'inputSignals'>;

function layout(dir: string) {
  return {
    sourcePath: path.join(dir, 'circuit.circom'),
    r1csPath: path.join(dir, 'circuit.r1cs'),
    wasmPath: path.join(dir, 'circuit_js', 'circuit.wasm'),
    symPath: path.join(dir, 'circuit.sym'),
    factsPath: path.join(dir, 'compiled.json'),
  };
}

/**
 * Compiles a generated circom source with `compileCircuit` (`--O2`,
 * circomlib on the include path) into `<cacheDir>/<name>-<hash>/`, keyed by
 * the source's content hash. The folder is built under a temporary name and
 * renamed into place, so a second call (in this or any process) is instant
 * and concurrent builds of the same source never see half-written files.
 */
export async function compileCached(
  name: string,
  source: string,
  opts: { cacheDir?: string | undefined; log?: ((message: string) => void) | undefined } = {},
): Promise<CachedCompilation> {
  const sourceHash = createHash('sha256').update(`${GENERATOR_VERSION}\n${source}`).digest('hex');
  const dir = path.join(opts.cacheDir ?? circuitsCacheDir, `${name}-${sourceHash.slice(0, 16)}`);
  const p = layout(dir);
  const cached = await stat(p.factsPath).then(
    () => true,
    () => false,
  );
  if (!cached) {
    opts.log?.(`compiling ${name}`);
    const work = `${dir}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
    const w = layout(work);
    await mkdir(work, { recursive: true });
    try {
      await writeFile(w.sourcePath, source);
      const compiled = await compileCircuit({
        source: w.sourcePath,
        outDir: work,
        includePaths: [path.join(repoRoot, 'node_modules')],
        optimize: 'O2',
      });
      const facts: Facts = {
        constraints: compiled.constraints,
        publicSignals: compiled.publicSignals,
        publicSignalNames: compiled.publicSignalNames,
        inputSignals: compiled.inputSignals,
      };
      await writeFile(w.factsPath, `${JSON.stringify(facts, null, 2)}\n`);
      await rename(work, dir).catch((error: NodeJS.ErrnoException) => {
        // Another process finished the same build first: keep theirs.
        if (error.code !== 'ENOTEMPTY' && error.code !== 'EEXIST') throw error;
      });
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  }
  const facts = JSON.parse(await readFile(p.factsPath, 'utf8')) as Facts;
  return {
    sourceHash,
    dir,
    sourcePath: p.sourcePath,
    r1csPath: p.r1csPath,
    wasmPath: p.wasmPath,
    symPath: p.symPath,
    ...facts,
  };
}
