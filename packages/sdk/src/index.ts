export { circuitRegistryAbi, tenderAuditAbi, tenderMarketAbi, tenderStakingAbi } from './abis.ts';
export {
  type Groth16VerificationKey,
  SNARK_SCALAR_FIELD,
  verifyGroth16,
} from './groth16Verify.ts';
export { canonicalJson, inputHashOf, toWireInput } from './inputHash.ts';
export { ProverClient, type ProverClientOptions, type ProverEventsOptions } from './proverClient.ts';
export { proofHashOf, proofWordsOf, publicSignalsHashOf } from './proverHashes.ts';
export {
  type BackoffOptions,
  parseSse,
  proverBackoffMs,
  type SseMessage,
  sleepUnlessAborted,
} from './proverSse.ts';
export { type ProverStakeInfo, proverStakeInfo, sendStakingTx } from './proverStake.ts';
export { operatorAwardTypes, proverBidTypes, proverProofSubmissionTypes } from './proverTypedData.ts';
export type {
  ArtifactKind,
  AwardEvent,
  BidReceipt,
  CancellationEvent,
  Groth16ProofJson,
  InvitationEvent,
  ProverCapacity,
  ProverEvent,
  ProverKind,
  ProverProfile,
  ProverSession,
} from './proverTypes.ts';
export {
  type CircuitFile,
  type CircuitFiles,
  type SubmitJobOptions,
  TenderClient,
  type TenderClientOptions,
  type WaitForJobOptions,
} from './requesterClient.ts';
export {
  TenderApiError,
  TenderJobEndedError,
  type TenderProblem,
  TenderTimeoutError,
} from './requesterErrors.ts';
export {
  completeWithdrawal,
  depositEscrow,
  escrowBalance,
  marketChain,
  marketEscrowAbi,
  marketPublicClient,
  pendingWithdrawal,
  withdrawEscrow,
} from './requesterEscrow.ts';
export {
  type ApiKeyScope,
  type ApiKeyView,
  type CreatedApiKey,
  type RequesterSession,
  type RequesterSignInOptions,
  signInRequester,
} from './requesterSession.ts';
export {
  type JobRequestMessage,
  jobRequestDigest,
  jobRequestTypes,
  type MarketDomain,
  marketDomain,
  signJobRequest,
} from './requesterTypedData.ts';
export {
  type CircuitView,
  type InputSignalSpec,
  type JobAssignmentView,
  type JobAuctionView,
  type JobBatchView,
  type JobPage,
  type JobProofView,
  type JobStatus,
  type JobStatusEvent,
  type JobSummary,
  type JobView,
  type MarketView,
  type RequesterEscrowView,
  type RequesterView,
  terminalJobStatuses,
} from './requesterTypes.ts';
export {
  recoverMessageSigner,
  recoverSigner,
  recoverTypedDataSigner,
  SECP256K1_N,
  type SignatureRuleViolation,
  signatureRuleViolation,
} from './signatureRule.ts';
export {
  type JobVerification,
  resultLeafOf,
  type VerificationCheck,
  type VerifyJobOptions,
  verificationKeyHash,
  verifyJob,
} from './verifyJob.ts';
