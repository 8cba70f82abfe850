// TMP-CHAIN-EXPORTS: @tender/chain's entry point does not export its settlement actions yet
// (settlementEncoding, resultTree, eip712, chainError). Until it does, the settlement services
// take them from the source files; switch these lines to '@tender/chain' then.
export { revertErrorName, toChainError } from '../../chain/src/chainError.ts';
export {
  type JobRequest,
  jobIdOf,
  jobRequestTypes,
  type ProofSubmission,
  proofSubmissionDigest,
  proofSubmissionTypes,
  type TenderDomain,
  tenderDomain,
} from '../../chain/src/eip712.ts';
export { merkleProofFor, resultLeaf, resultRoot } from '../../chain/src/resultTree.ts';
export {
  type EncodedSettlement,
  encodeSettlementBatch,
  type SettlementItem,
} from '../../chain/src/settlementEncoding.ts';
