export { compileBaselineCircuit, generateBaselineCircom } from './baselineCircom.ts';
export {
  type BuildOptions,
  type BuiltModelCircuit,
  buildModelCircuit,
  type CompiledModelCircuit,
  compileModelCircuit,
  devPtauPowerFor,
} from './build.ts';
export {
  type BuiltinCircuit,
  type BuiltinCircuitId,
  buildBuiltinCircuit,
  builtinCircuits,
  loadBuiltinModel,
  loadModel,
} from './builtinCircuits.ts';
export { checkInput, inputCommitment, modelCommitment, modelParameters, packInput } from './commitments.ts';
export { type CachedCompilation, compileCached, GENERATOR_VERSION } from './compileCached.ts';
export { type ConstraintBudget, constraintBudget, poseidonConstraints } from './constraintBudget.ts';
export { type GeneratedCircuit, generateCircom } from './generateCircom.ts';
export { type Digit, loadMnist, MNIST_SIDE, quantizePixels } from './mnistData.ts';
export {
  checkModel,
  type DenseLayer,
  inputSize,
  MODEL_FORMAT,
  parseModel,
  type QuantizedModel,
  signedRange,
} from './model.ts';
export { type ModelCard, modelCard } from './modelCard.ts';
export {
  decodePublicSignals,
  type ModelInputOptions,
  type ModelOutputs,
  modelInput,
  modelPixels,
} from './modelInput.ts';
export { circuitsCacheDir, modelsDir } from './paths.ts';
export { poseidon, poseidonChain } from './poseidon.ts';
export {
  analyzeRanges,
  type Interval,
  type ModelMode,
  type ModelRanges,
  type NeuronGadget,
  type NeuronRange,
} from './rangeAnalysis.ts';
export { argmax, type Inference, infer, type ReferenceResult, referenceInference } from './reference.ts';
