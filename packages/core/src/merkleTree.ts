import { type HexString, hexToUint, keccakWords } from './keccak.ts';

/**
 * Tender's Merkle rule, the one `TenderMarket` (batch results) and `TenderAudit` (epoch records)
 * apply: leaves in order; each level pairs neighbours (0,1), (2,3)…, hashing each pair sorted
 * ascending (`keccak256(abi.encode(min, max))`); an odd last node moves up unchanged; the last
 * remaining node is the root. Proofs are the sibling hashes from the leaf up.
 */
export function hashSortedPair(a: HexString, b: HexString): HexString {
  return hexToUint(a) <= hexToUint(b) ? keccakWords(a, b) : keccakWords(b, a);
}

/** Every level of the tree over `leaves`, the leaves first and the root's level last. */
export function merkleLevels(leaves: readonly HexString[]): HexString[][] {
  if (leaves.length === 0) throw new RangeError('a Merkle tree has at least one leaf');
  const out: HexString[][] = [[...leaves]];
  let level = out[0] as HexString[];
  while (level.length > 1) {
    const next: HexString[] = [];
    for (let i = 0; i + 1 < level.length; i += 2) {
      next.push(hashSortedPair(level[i] as HexString, level[i + 1] as HexString));
    }
    if (level.length % 2 === 1) next.push(level[level.length - 1] as HexString);
    out.push(next);
    level = next;
  }
  return out;
}

/** The root of the tree over `leaves`. */
export function merkleRoot(leaves: readonly HexString[]): HexString {
  const all = merkleLevels(leaves);
  return (all[all.length - 1] as HexString[])[0] as HexString;
}

/** The proof of leaf `index` from precomputed levels ({@link merkleLevels}). */
export function merkleProofFromLevels(levels: readonly HexString[][], index: number): HexString[] {
  const size = levels[0]?.length ?? 0;
  if (!Number.isInteger(index) || index < 0 || index >= size) {
    throw new RangeError(`leaf index ${index} out of range (${size} leaves)`);
  }
  const proof: HexString[] = [];
  let i = index;
  for (const level of levels.slice(0, -1)) {
    const sibling = i ^ 1;
    if (sibling < level.length) proof.push(level[sibling] as HexString);
    i >>= 1;
  }
  return proof;
}

/** The root a leaf and its proof lead to. */
export function merkleRootFrom(leaf: HexString, proof: readonly HexString[]): HexString {
  let node = leaf;
  for (const sibling of proof) node = hashSortedPair(node, sibling);
  return node;
}
