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
export { depositEscrow, escrowBalance, marketEscrowAbi } from './requesterEscrow.ts';
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
