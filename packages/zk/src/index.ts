export {
  BN254_BASE_FIELD,
  fromSolidityProof,
  type G1,
  type G2,
  proofHash,
  proofWords,
  publicSignalsHash,
  SNARK_SCALAR_FIELD,
  type SolidityProof,
  type SolidityVerifyingKey,
  toPublicSignals,
  toSolidityProof,
  toSolidityVerifyingKey,
  vkeyHash,
} from './calldata.ts';
export { type CompiledCircuit, type CompileOptions, compileCircuit } from './compile.ts';
export { repoRoot, zkCacheDir } from './paths.ts';
export { type R1csHeader, readR1csHeader } from './r1csHeader.ts';
export type {
  CircuitInput,
  Groth16Proof,
  InputSignal,
  SignalScalar,
  SignalValue,
  VerificationKey,
} from './types.ts';
