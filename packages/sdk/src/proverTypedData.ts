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
