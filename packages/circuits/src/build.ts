import path from 'node:path';
import { TenderError } from '@tender/core';
import { type DevPtauPower, devPtau, devPtauPowers, setupGroth16, type VerificationKey } from '@tender/zk';
import { type CachedCompilation, compileCached } from './compileCached.ts';
import type { ConstraintBudget } from './constraintBudget.ts';
import { generateCircom } from './generateCircom.ts';
import type { QuantizedModel } from './model.ts';
import { type ModelCard, modelCard } from './modelCard.ts';
import type { ModelMode } from './rangeAnalysis.ts';

/** Options of {@link compileModelCircuit} and {@link buildModelCircuit}. */
export interface BuildOptions {
  /** `public` (default): weights are constants; `private`: weights are private inputs. */
  mode?: ModelMode;
  /** Also output the logits as public signals (see `generateCircom`); for tests and debugging. */
  exposeLogits?: boolean;
  /** Cache root (default `<repo>/.tender/cache/circuits`). */
  cacheDir?: string;
  /** Powers-of-tau file for the setup (default: the smallest development ptau that fits). */
  ptau?: { path: string; sha256: string };
  /** Phase-2 entropy (default random; the cached setup is then reused). */
  entropy?: string;
  /** Progress messages (compile and setup of MNIST take a while). */
  log?: (message: string) => void;
}

/** A model circuit generated and compiled (cached by the source's hash). */
export interface CompiledModelCircuit extends CachedCompilation {
  /** `<model>` for public mode, `<model>-private` for private mode (`-logits` appended when exposed). */
  name: string;
  model: QuantizedModel;
  mode: ModelMode;
  budget: ConstraintBudget;
}

/** A compiled model circuit with its Groth16 setup: everything needed to prove and verify. */
export interface BuiltModelCircuit extends CompiledModelCircuit {
  zkeyPath: string;
  vkeyPath: string;
  vkey: VerificationKey;
  /** The power of tau the circuit needs: 2^power ≥ constraints + public signals + 1. */
  powerNeeded: number;
  card: ModelCard;
}

/**
 * Generates the circuit of `model` and compiles it with `compileCircuit`
 * (circom2, `--O2`) into `<cacheDir>/<name>-<hash>/`. The folder is keyed by
 * the source's content hash and written atomically, so a second call (in
 * this or any process) is instant and concurrent builds never collide.
 * Throws `TENDER_MODEL_UNSUPPORTED` when the compiled constraint count
 * differs from the predicted budget (a generator bug; not checked with
 * `exposeLogits`, whose extra outputs may keep a few linear constraints).
 */
export async function compileModelCircuit(
  model: QuantizedModel,
  opts: BuildOptions = {},
): Promise<CompiledModelCircuit> {
  const mode = opts.mode ?? 'public';
  const exposeLogits = opts.exposeLogits ?? false;
  const generated = generateCircom(model, { mode, exposeLogits });
  const name = `${model.name}${mode === 'public' ? '' : '-private'}${exposeLogits ? '-logits' : ''}`;
  const compiled = await compileCached(name, generated.source, opts);
  // Exposed logits are outputs that --O2 cannot always substitute away, so only the plain circuit is held to the budget.
  if (!exposeLogits && compiled.constraints !== generated.budget.total) {
    throw new TenderError(
      'TENDER_MODEL_UNSUPPORTED',
      `circuit ${name} has ${compiled.constraints} constraints, the generator predicted ${generated.budget.total}`,
      { details: { name, dir: compiled.dir } },
    );
  }
  return { name, model, mode, ...compiled, budget: generated.budget };
}

/**
 * The smallest committed development ptau power (12 or 15) that holds `constraints + publicSignals + 1`
 * rows. Beyond 2^15: `TENDER_MODEL_UNSUPPORTED` (make one with `npm run ptau:dev -- <power>` or pass a
 * ceremony file as `ptau`).
 */
export function devPtauPowerFor(constraints: number, publicSignals: number): DevPtauPower {
  const needed = Math.ceil(Math.log2(constraints + publicSignals + 1));
  for (const power of devPtauPowers) if (needed <= power) return power;
  throw new TenderError(
    'TENDER_MODEL_UNSUPPORTED',
    `circuit needs a powers-of-tau of power ${needed}; the largest development one is ${devPtauPowers.at(-1)} (make one with npm run ptau:dev -- ${needed}, or set TENDER_PTAU_FILE)`,
    { details: { constraints, needed } },
  );
}

/**
 * Builds a model circuit end to end: {@link compileModelCircuit}, then the
 * Groth16 setup (`setupGroth16`, cached beside the compiled circuit) with
 * the given ptau or the smallest development ptau that fits (pot12 for the
 * tiny model, pot15 for MNIST). The first MNIST build takes about a minute
 * on two cores; later builds are instant.
 *
 * @example
 * const mnist = await buildModelCircuit(await loadModel('mnist-784-56-10'));
 * const { proof, publicSignals } = await prover.prove(mnist, modelInput(mnist.model, pixels));
 */
export async function buildModelCircuit(
  model: QuantizedModel,
  opts: BuildOptions = {},
): Promise<BuiltModelCircuit> {
  const compiled = await compileModelCircuit(model, opts);
  const power = Math.ceil(Math.log2(compiled.constraints + compiled.publicSignals + 1));
  const ptau = opts.ptau ?? devPtau(devPtauPowerFor(compiled.constraints, compiled.publicSignals));
  opts.log?.(`groth16 setup of ${compiled.name} with ${path.basename(ptau.path)}`);
  const setup = await setupGroth16({
    r1csPath: compiled.r1csPath,
    ptauPath: ptau.path,
    ptauSha256: ptau.sha256,
    outDir: path.join(compiled.dir, 'setup'),
    ...(opts.entropy === undefined ? {} : { entropy: opts.entropy }),
  });
  return {
    ...compiled,
    zkeyPath: setup.zkeyPath,
    vkeyPath: setup.vkeyPath,
    vkey: setup.vkey,
    powerNeeded: power,
    card: await modelCard(model, compiled.mode),
  };
}
