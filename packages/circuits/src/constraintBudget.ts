import { modelParameters } from './commitments.ts';
import { inputSize, type QuantizedModel } from './model.ts';
import { packLayout } from './packing.ts';
import { poseidonChainCalls } from './poseidon.ts';
import { analyzeRanges, type ModelMode, type ModelRanges } from './rangeAnalysis.ts';

/** circomlib's partial-round counts for Poseidon with t = 2..17 (t = inputs + 1). */
const POSEIDON_PARTIAL_ROUNDS = [56, 57, 56, 60, 60, 63, 64, 63, 60, 66, 60, 65, 70, 60, 64, 68];

/**
 * R1CS constraints of circomlib's `Poseidon(n)`: three per S-box, t S-boxes
 * in each of the 8 full rounds and one in each partial round (t = n + 1).
 * Matches what circom reports (216 for n = 1, 612 for n = 16).
 */
export function poseidonConstraints(nInputs: number): number {
  const t = nInputs + 1;
  return 3 * (8 * t + POSEIDON_PARTIAL_ROUNDS[t - 2]!);
}

/** Where the constraints of a generated circuit go (see {@link constraintBudget}). */
export interface ConstraintBudget {
  /** Bit decomposition of every input element (what makes the packed commitment injective). */
  inputRangeChecks: number;
  inputCommitment: number;
  /** Private mode: bit decomposition of every weight and bias. */
  parameterRangeChecks: number;
  /** Private mode: one per weight multiplication whose input is not constantly 0. */
  multiplications: number;
  /** Private mode: the Poseidon chain over the packed parameters. */
  modelCommitment: number;
  /** ReLU / rescale gadgets of the hidden neurons and max-pool comparisons. */
  hidden: number;
  argmax: number;
  total: number;
}

function rangeCheckCost(bits: number): number {
  return bits;
}

/**
 * Constraints of `poseidonChain` over `elements`. A call whose initial state
 * is the constant 0 (every call but a salted first one) saves the 3
 * constraints of its first S-box, which circom folds to a constant.
 */
function chainCost(elements: number, salted: boolean): number {
  return poseidonChainCalls(elements).reduce(
    (a, n, i) => a + poseidonConstraints(n) - (i === 0 && salted ? 0 : 3),
    0,
  );
}

/**
 * Constraint count the generated circuit will have after circom's `--O2`,
 * computed from the range analysis alone (no compilation). The tests check
 * it against the compiler's count; the training script uses it to pick the
 * cheapest quantization that keeps accuracy.
 */
export function constraintBudget(
  model: QuantizedModel,
  mode: ModelMode,
  ranges: ModelRanges = analyzeRanges(model, mode),
): ConstraintBudget {
  const n = inputSize(model);
  const bits = model.input.bits;
  const inputRangeChecks = n * rangeCheckCost(bits);
  const inputCommitment = chainCost(packLayout(Array.from({ length: n }, () => bits)).elements, true);
  let parameterRangeChecks = 0;
  let multiplications = 0;
  let modelCommitment = 0;
  if (mode === 'private') {
    const { widths } = modelParameters(model);
    parameterRangeChecks = widths.reduce((a, w) => a + rangeCheckCost(w), 0);
    modelCommitment = chainCost(packLayout(widths).elements, false);
    model.layers.forEach((layer, li) => {
      const live =
        li === 0 ? layer.inputs : ranges.hidden[li - 1]!.filter((x) => x.gadget !== 'constant').length;
      multiplications += live * layer.outputs;
    });
  }
  let hidden = 0;
  for (const windows of ranges.pools) {
    for (const step of windows?.flat() ?? []) if (step.pick === 'compare') hidden += step.bits + 2;
  }
  for (const layer of ranges.hidden) {
    for (const neuron of layer) {
      if (neuron.gadget === 'relu') hidden += neuron.bits + 1;
      else if (neuron.gadget === 'rescale') hidden += neuron.bits;
    }
  }
  // one boolean per class, one product per logit that is not a constant, the gap range checks
  const classes = ranges.argmax.logits.length;
  const varying = ranges.argmax.logits.filter((l) => l.lo !== l.hi).length;
  const argmax = classes + varying + ranges.argmax.diffBits.reduce((a, b) => a + b, 0);
  const total =
    inputRangeChecks +
    inputCommitment +
    parameterRangeChecks +
    multiplications +
    modelCommitment +
    hidden +
    argmax;
  return {
    inputRangeChecks,
    inputCommitment,
    parameterRangeChecks,
    multiplications,
    modelCommitment,
    hidden,
    argmax,
    total,
  };
}
