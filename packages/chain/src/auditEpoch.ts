import { type AuditRecord, auditRecordLeaf, merkleLevels, merkleProofFromLevels } from '@tender/core';
import type { Hex } from 'viem';

/** An epoch's record tree: the root `TenderAudit.commitEpoch` takes and each record's proof. */
export interface AuditEpochTree {
  root: Hex;
  count: number;
  /** The Merkle proof of record `index` (siblings from the leaf up). */
  proofOf(index: number): Hex[];
}

/**
 * Builds the record tree of an epoch (records in index order: `records[i].index === i`) with the
 * rule `TenderAudit` checks (core's `merkleLevels`).
 *
 * @example
 * const tree = auditEpochTree(records);
 * await audit.write.commitEpoch([epoch, tree.root, circuitId, tree.count, 100], { value: bond });
 */
export function auditEpochTree(records: readonly AuditRecord[]): AuditEpochTree {
  records.forEach((r, i) => {
    if (r.index !== i) throw new RangeError(`record ${i} has index ${r.index}: records go in index order`);
  });
  const levels = merkleLevels(records.map(auditRecordLeaf));
  const top = levels[levels.length - 1] as Hex[];
  return {
    root: top[0] as Hex,
    count: records.length,
    proofOf: (index) => merkleProofFromLevels(levels, index),
  };
}

/** One sampled record shown against its settled result (`ITenderAudit.SampleResult`). */
export interface AuditSampleResult {
  sample: number;
  /** the record's input commitment: the proof's first public signal */
  inputHash: Hex;
  /** the proven public signals after the input commitment */
  outputs: bigint[];
  recordProof: Hex[];
  batchId: bigint;
  jobId: Hex;
  inclusionProof: Hex[];
}

/** A circuit's public signals split as audit mode reads them: the input commitment, then the outputs. */
export function auditSignals(publicSignals: readonly bigint[]): { inputHash: Hex; outputs: bigint[] } {
  const [first, ...outputs] = publicSignals;
  if (first === undefined) throw new RangeError('a circuit in audit mode has at least one public signal');
  return { inputHash: `0x${first.toString(16).padStart(64, '0')}`, outputs };
}
