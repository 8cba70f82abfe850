// @tender/prover — the operator's prover worker. See README.md.
export {
  type BidDecision,
  type BidPolicy,
  type BidSituation,
  decideBid,
  defaultBidPolicy,
  type SkipReason,
} from './bidDecision.ts';
export { type CachedCircuit, CircuitCache } from './circuitCache.ts';
export { loadProverEnv, type ProverEnv, proverEnvSchema } from './env.ts';
export { type ExternalBackendOptions, externalBackend, splitCommand } from './externalBackend.ts';
export { consoleProverLog, proverFromEnv } from './proverFromEnv.ts';
export {
  createProverWorker,
  type ProverLog,
  type ProverWorker,
  type ProverWorkerOptions,
  type ProverWorkerStats,
  startProver,
} from './proverWorker.ts';
export { abortable, type ProvingBackend, type ProvingResult, type ProvingTask } from './provingBackend.ts';
export { type SnarkjsBackendOptions, snarkjsBackend } from './snarkjsBackend.ts';
export { SAMPLES_PER_CIRCUIT, SpeedBook } from './speedBook.ts';
