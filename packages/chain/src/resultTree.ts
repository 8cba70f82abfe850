import { TenderError } from '@tender/core';
import { concatHex, type Hex, hexToBigInt, keccak256 } from 'viem';

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

function hashPair(a: Hex, b: Hex): Hex {
  return hexToBigInt(a) <= hexToBigInt(b) ? keccak256(concatHex([a, b])) : keccak256(concatHex([b, a]));
}

function levels(results: readonly BatchResult[]): Hex[][] {
  if (results.length === 0)
    throw new TenderError('TENDER_VALIDATION_FAILED', 'a batch has at least one result');
  const out: Hex[][] = [results.map(resultLeaf)];
  let level = out[0] as Hex[];
  while (level.length > 1) {
    const next: Hex[] = [];
    for (let i = 0; i + 1 < level.length; i += 2) next.push(hashPair(level[i] as Hex, level[i + 1] as Hex));
    if (level.length % 2 === 1) next.push(level[level.length - 1] as Hex);
    out.push(next);
    level = next;
  }
  return out;
}

/**
 * The root of a batch's result tree, the rule `TenderMarket` applies: leaves in batch order,
 * each level pairs neighbours (0,1), (2,3)… and hashes each pair sorted ascending
 * (`keccak256(min ‖ max)`); an odd last node moves up unchanged; the last remaining node is the root.
 */
export function resultRoot(results: readonly BatchResult[]): Hex {
  const all = levels(results);
  return (all[all.length - 1] as Hex[])[0] as Hex;
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
  const proof: Hex[] = [];
  let i = index;
  for (const level of levels(results).slice(0, -1)) {
    const sibling = i ^ 1;
    if (sibling < level.length) proof.push(level[sibling] as Hex);
    i >>= 1;
  }
  return proof;
}

/** Checks an inclusion proof off-chain with the same rule as `TenderMarket.verifyInclusion`. */
export function verifyResultProof(root: Hex, result: BatchResult, proof: readonly Hex[]): boolean {
  let node = resultLeaf(result);
  for (const sibling of proof) node = hashPair(node, sibling);
  return node.toLowerCase() === root.toLowerCase();
}
