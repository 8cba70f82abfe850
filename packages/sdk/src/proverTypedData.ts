// Prover typed data; the domain is `marketDomain` (requesterTypedData.ts), shared by every Tender signature.

/** `Bid(bytes32 jobId,uint256 price,uint64 etaMs,uint64 expiresAt,address prover)`. */
export const proverBidTypes = {
  Bid: [
    { name: 'jobId', type: 'bytes32' },
    { name: 'price', type: 'uint256' },
    { name: 'etaMs', type: 'uint64' },
    { name: 'expiresAt', type: 'uint64' },
    { name: 'prover', type: 'address' },
  ],
} as const;

/** `ProofSubmission(bytes32 jobId,bytes32 circuitId,bytes32 proofHash,bytes32 publicSignalsHash,address prover)`. */
export const proverProofSubmissionTypes = {
  ProofSubmission: [
    { name: 'jobId', type: 'bytes32' },
    { name: 'circuitId', type: 'bytes32' },
    { name: 'proofHash', type: 'bytes32' },
    { name: 'publicSignalsHash', type: 'bytes32' },
    { name: 'prover', type: 'address' },
  ],
} as const;

/**
 * `Award(bytes32 jobId,address prover,uint256 price,uint256 collateral,uint64 proveBy,bytes32 publicSignalsHash)`,
 * signed by the operator: lets the prover settle its own job on-chain after `proveBy` (`settleAwarded`)
 * and, with the prover's bid, lets the requester claim `collateral` if the job is never delivered.
 */
export const operatorAwardTypes = {
  Award: [
    { name: 'jobId', type: 'bytes32' },
    { name: 'prover', type: 'address' },
    { name: 'price', type: 'uint256' },
    { name: 'collateral', type: 'uint256' },
    { name: 'proveBy', type: 'uint64' },
    { name: 'publicSignalsHash', type: 'bytes32' },
  ],
} as const;
