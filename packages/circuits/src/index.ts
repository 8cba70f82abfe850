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
export { evalLayer, type LinearRow, linearRows, poolWindows } from './layers.ts';
export { type Digit, loadMnist, MNIST_SIDE, quantizePixels } from './mnistData.ts';
export {
  type ConvLayer,
  checkModel,
  convOutputShape,
  convPooledShape,
  type DenseLayer,
  inputSize,
  MODEL_FORMAT,
  type ModelLayer,
  type PoolSpec,
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
export {
  type FloatConv,
  type FloatDense,
  type FloatNetwork,
  type FloatNetworkLayer,
  floatNetworkForward,
} from './onnx/floatNetwork.ts';
export { type GraphImportNotes, importGraph, SUPPORTED_OPERATORS } from './onnx/importGraph.ts';
export {
  type AccuracyReport,
  compareAccuracy,
  type ImportedModel,
  type ImportOnnxOptions,
  type ImportReport,
  importOnnxModel,
} from './onnx/importOnnxModel.ts';
export {
  type Calibration,
  checkCalibration,
  type LayerCalibration,
  type QuantizationOptions,
  quantizeNetwork,
} from './onnx/quantizeNetwork.ts';
export { type OnnxGraph, readOnnx } from './onnx/readOnnx.ts';
export { circuitsCacheDir, modelsDir } from './paths.ts';
export { poseidon, poseidonChain } from './poseidon.ts';
export {
  analyzeRanges,
  type Interval,
  type MaxStep,
  type ModelMode,
  type ModelRanges,
  type NeuronGadget,
  type NeuronRange,
} from './rangeAnalysis.ts';
export {
  argmax,
  type Inference,
  infer,
  inferrer,
  type ReferenceResult,
  referenceInference,
} from './reference.ts';
