// @tender/core — the pure domain of Tender. No I/O; see README.md.

export {
  type AssignmentEvent,
  type AssignmentOutcome,
  type AssignmentStatus,
  activeAssignmentStatuses,
  assignmentEvents,
  assignmentLifecycle,
  assignmentStatuses,
  failedAssignmentStatuses,
  transitionAssignment,
} from './assignmentLifecycle.ts';
export {
  type AuctionContext,
  type AuctionPolicy,
  type AuctionResult,
  assertBidAcceptable,
  type Bid,
  type BidRejectionReason,
  type BidVerdict,
  compareScoredBids,
  defaultAuctionPolicy,
  pickWinner,
  proversByAddress,
  type RejectedBid,
  type ScoreBreakdown,
  type ScoredBid,
  type ScoringWeights,
  scoreBid,
} from './auction.ts';
export {
  type AuctionEvent,
  type AuctionStatus,
  auctionEvents,
  auctionLifecycle,
  auctionStatuses,
  transitionAuction,
} from './auctionLifecycle.ts';
export {
  type AuditRecord,
  auditDetectionProbability,
  auditOutputHash,
  auditRecordLeaf,
  auditSampleIndex,
  auditSampleIndices,
  auditSampleSize,
  auditSeed,
} from './auditSampling.ts';
export {
  type BatchDecision,
  type BatchPolicy,
  type BatchQueueState,
  decideBatch,
  defaultBatchPolicy,
} from './batching.ts';
export {
  type BatchEvent,
  type BatchStatus,
  batchEvents,
  batchLifecycle,
  batchStatuses,
  transitionBatch,
} from './batchLifecycle.ts';
export {
  type CollateralAccount,
  type CollateralPolicy,
  type CollateralSettlement,
  defaultCollateralPolicy,
  depositCollateral,
  emptyCollateralAccount,
  forfeitCollateral,
  freeCollateral,
  lockCollateral,
  releaseCollateral,
  requiredCollateral,
  settleCollateral,
  withdrawCollateral,
} from './collateral.ts';
export {
  assignmentDeadline,
  attemptsExhausted,
  auctionClosesAt,
  type DeadlinePolicy,
  defaultDeadlinePolicy,
  isJobExpired,
  jobDeadline,
  type NextAuctionRound,
  nextAuctionRound,
  reauctionDelayMs,
} from './deadlines.ts';
export {
  cachesCircuit,
  checkEligibility,
  compareText,
  defaultEligibilityPolicy,
  type Eligibility,
  type EligibilityPolicy,
  type IneligibilityReason,
  isEligible,
  type JobSnapshot,
  type ProverSnapshot,
  rankInvitees,
} from './eligibility.ts';
export {
  type ProofStatus,
  type ProverKind,
  proofStatuses,
  proverKinds,
  type WebhookDeliveryStatus,
  webhookDeliveryStatuses,
} from './enums.ts';
export { type ErrorCode, errorCodes, httpStatusOf } from './errorCodes.ts';
export { type EtaInput, etaMs, provingMsPercentile, scaleProvingMs } from './eta.ts';
export {
  type JobEvent,
  type JobStatus,
  jobEvents,
  jobLifecycle,
  jobStatuses,
  transitionJob,
} from './jobLifecycle.ts';
export { type HexString, keccakWords } from './keccak.ts';
export {
  canTransition,
  illegalTransition,
  type Lifecycle,
  type LifecycleEntity,
  legalEvents,
} from './lifecycle.ts';
export {
  type LifecyclePair,
  type LifecycleTable,
  lifecyclePairs,
  reachableStatuses,
} from './lifecycleTable.ts';
export {
  hashSortedPair,
  merkleLevels,
  merkleProofFromLevels,
  merkleRoot,
  merkleRootFrom,
} from './merkleTree.ts';
export {
  type AddressAmount,
  type BidPriceInput,
  bidPrice,
  defaultMarketFeeBps,
  marketFee,
  netSettlement,
  type SettledItem,
  type Settlement,
} from './pricing.ts';
export {
  boundedCapacity,
  type CapacityClaim,
  type CapacityPolicy,
  defaultCapacityPolicy,
} from './proverCapacity.ts';
export {
  clampReliability,
  defaultReliabilityPolicy,
  type ReliabilityPolicy,
  updateReliability,
} from './reliability.ts';
export {
  type SlashEvent,
  type SlashStatus,
  slashEvents,
  slashLifecycle,
  slashStatuses,
  transitionSlash,
} from './slashLifecycle.ts';
export { isTenderError, TenderError } from './TenderError.ts';
export { assertCleanText, type ControlCharacterHit, findControlCharacter } from './textInput.ts';
export { applyBps, BPS_DENOMINATOR, ceilDiv, maxWei, minWei } from './wei.ts';
