import { merkleLevels, merkleProofFromLevels, merkleRoot, merkleRootFrom, TenderError } from '@tender/core';
import { concatHex, type Hex, keccak256 } from 'viem';

/** One settled job's result as the market records it in a batch's Merkle tree. */
export interface BatchResult {
  jobId: Hex;
  circuitId: Hex;
  publicSignalsHash: Hex;
}

/** The leaf of a result: `keccak256(jobId ‖ circuitId ‖ publicSignalsHash)` (= `abi.encode` of the three). */
export function resultLeaf(result: BatchResult): Hex {
  return keccak256(concatHex([result.jobId, result.circuitId, result.publicSignalsHash]));
}

/**
 * The root of a batch's result tree, the rule `TenderMarket` applies: leaves in batch order,
 * each level pairs neighbours (0,1), (2,3)… and hashes each pair sorted ascending
 * (`keccak256(min ‖ max)`); an odd last node moves up unchanged; the last remaining node is the root.
 */
export function resultRoot(results: readonly BatchResult[]): Hex {
  return merkleRoot(resultLeaves(results));
}

function resultLeaves(results: readonly BatchResult[]): Hex[] {
  if (results.length === 0)
    throw new TenderError('TENDER_VALIDATION_FAILED', 'a batch has at least one result');
  return results.map(resultLeaf);
}

/**
 * The inclusion proof of `results[index]` (sibling hashes from the leaf up) for
 * `TenderMarket.verifyInclusion`. `results` must be in batch (leaf) order, as returned by
 * `encodeSettlementBatch` / `settleBatch`.
 *
 * @example
 * const proof = merkleProofFor(settled.results, 3);
 * await market.read.verifyInclusion([batchId, r.jobId, r.circuitId, r.publicSignalsHash, proof]);
 */
export function merkleProofFor(results: readonly BatchResult[], index: number): Hex[] {
  if (!Number.isInteger(index) || index < 0 || index >= results.length) {
    throw new TenderError('TENDER_VALIDATION_FAILED', 'result index out of range', {
      details: { index, length: results.length },
    });
  }
  return merkleProofFromLevels(merkleLevels(resultLeaves(results)), index);
}

/** Checks an inclusion proof off-chain with the same rule as `TenderMarket.verifyInclusion`. */
export function verifyResultProof(root: Hex, result: BatchResult, proof: readonly Hex[]): boolean {
  return merkleRootFrom(resultLeaf(result), proof).toLowerCase() === root.toLowerCase();
}
