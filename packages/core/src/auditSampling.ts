import { type HexString, keccakWords } from './keccak.ts';

/**
 * Audit mode's sampling, the same rule `TenderAudit` applies on-chain (a property test checks
 * them against each other):
 *
 * - sample size = `max(minSample, ceil(count × rateBps / 10,000))`, at most `count`;
 * - seed = `keccak256(abi.encode(blockhash(commitBlock + sampleDelay), root))`;
 * - sample `i` is record `uint256(keccak256(abi.encode(seed, i))) mod count` (with replacement).
 */
export function auditSampleSize(count: number, rateBps: number, minSample: number): number {
  if (!Number.isInteger(count) || count <= 0) throw new RangeError('count must be a positive integer');
  if (!Number.isInteger(rateBps) || rateBps <= 0 || rateBps > 10_000) {
    throw new RangeError('rateBps must be an integer in 1..10000');
  }
  const floor = Math.max(1, Math.floor(minSample));
  const byRate = Math.ceil((count * rateBps) / 10_000);
  return Math.min(count, Math.max(floor, byRate));
}

/** The seed of an epoch's sample from the sampling block's hash and the epoch root. */
export function auditSeed(blockHash: HexString, root: HexString): HexString {
  return keccakWords(blockHash, root);
}

/** The record index of sample `sample`. */
export function auditSampleIndex(seed: HexString, sample: number, count: number): number {
  if (!Number.isInteger(count) || count <= 0) throw new RangeError('count must be a positive integer');
  return Number(BigInt(keccakWords(seed, BigInt(sample))) % BigInt(count));
}

/** Every sample's record index, in sample order (an index may repeat). */
export function auditSampleIndices(seed: HexString, sampleSize: number, count: number): number[] {
  return Array.from({ length: sampleSize }, (_, i) => auditSampleIndex(seed, i, count));
}

/**
 * The probability that a sample of `sampleSize` draws (with replacement) out of `count` records
 * hits at least one of `badCount` wrong ones: `1 − (1 − bad/count)^sampleSize`.
 *
 * @example
 * // 1 % of 100,000 sampled: 1 answer in 100 wrong is caught with p ≈ 0.99996,
 * // 1 in 1,000 with p ≈ 0.63
 * auditDetectionProbability({ count: 100_000, sampleSize: 1_000, badCount: 1_000 });
 */
export function auditDetectionProbability(input: {
  count: number;
  sampleSize: number;
  badCount: number;
}): number {
  const { count, sampleSize, badCount } = input;
  if (count <= 0 || badCount <= 0) return 0;
  if (badCount >= count) return 1;
  return 1 - Math.exp(sampleSize * Math.log1p(-badCount / count));
}

/** One committed inference record. */
export interface AuditRecord {
  index: number;
  circuitId: HexString;
  /** the circuit's input commitment (its first public signal), as 32 bytes */
  inputHash: HexString;
  /** {@link auditOutputHash} of the claimed outputs (the public signals after the input commitment) */
  outputHash: HexString;
}

/** `keccak256(abi.encodePacked(uint256[] outputs))`: what a record commits of its claimed outputs. */
export function auditOutputHash(outputs: readonly bigint[]): HexString {
  return keccakWords(...outputs);
}

/** A record's leaf: `keccak256(abi.encode(index, circuitId, inputHash, outputHash))`. */
export function auditRecordLeaf(record: AuditRecord): HexString {
  return keccakWords(BigInt(record.index), record.circuitId, record.inputHash, record.outputHash);
}
