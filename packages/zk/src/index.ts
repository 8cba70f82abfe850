export {
  type ArtifactHashes,
  type ArtifactKind,
  artifactPath,
  circuitIdOf,
  defaultArtifactStore,
  hashArtifacts,
  type Sha256Hex,
  sha256Bytes,
  sha256File,
  storeArtifactBytes,
  storeArtifacts,
} from './artifacts.ts';
export { type BatchItem, type BatchVerifyResult, batchVerify } from './batchVerify.ts';
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
export { type SetupOptions, type SetupResult, setupGroth16 } from './ceremony.ts';
export {
  type ArtifactCheckReport,
  type CircuitArtifactFiles,
  checkCircuitArtifacts,
} from './checkArtifacts.ts';
export { zeroInput } from './checkArtifactsThread.ts';
export { checkInput, type NormalizedInput } from './checkInput.ts';
export { type CircuitSignals, readCircuitSignals } from './circuitSignals.ts';
export { type CompiledCircuit, type CompileOptions, compileCircuit } from './compile.ts';
export { InvalidProofError } from './InvalidProofError.ts';
export { repoRoot, zkCacheDir } from './paths.ts';
export {
  calculateWitness,
  type ProvableCircuit,
  type ProveResult,
  Prover,
  type ProverOptions,
} from './prove.ts';
export { type DevPtauPower, devPtau, devPtauDir, devPtauPowers, type PtauFile } from './ptau.ts';
export { type R1csHeader, readR1csHeader } from './r1csHeader.ts';
export { exportSolidityVerifier } from './solidityVerifier.ts';
export type {
  CircuitInput,
  Groth16Proof,
  InputSignal,
  SignalScalar,
  SignalValue,
  VerificationKey,
} from './types.ts';
export { terminateCurves, verifyProof } from './verify.ts';
export { sameVerificationKey, vkeyFromZkey } from './vkeyFromZkey.ts';
export { WitnessCalculator } from './witnessCalculator.ts';
