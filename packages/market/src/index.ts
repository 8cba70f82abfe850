/**
 * The BullMQ and Redis pub/sub adapters live in `@tender/queue`; re-exported here only so
 * code written against the old entry keeps compiling. New code imports `@tender/queue`.
 */
export {
  type BullmqMarketQueues,
  bullmqMarketQueues,
  channels,
  type EventSubscription,
  redisMarketEvents,
  subscribeEvents,
} from '@tender/queue';
export { type CloseAuctionResult, closeAuction } from './auction/closeAuction.ts';
export { lockCollateral, releaseCollateral } from './auction/lockCollateral.ts';
export { expireJob, type OpenAuctionResult, openAuction } from './auction/openAuction.ts';
export { type BidView, type PlaceBidInput, placeBid } from './auction/placeBid.ts';
export { awardEvent, invitationEvent, pendingProverEvents } from './auction/proverEvents.ts';
export { assertCircuitRegistrationAllowed, parseSampleInput } from './circuits/circuitsValidate.ts';
export {
  type CircuitOnChain,
  ensureCircuitOnChain,
  type OperatorWallet,
} from './circuits/ensureCircuitOnChain.ts';
export { provingMemoryMb } from './circuits/provingMemory.ts';
export {
  type CircuitArtifact,
  type CircuitArtifactKind,
  circuitArtifact,
  circuitInputSignals,
  getCircuitView,
  listCircuits,
  loadCircuit,
  toCircuitView,
} from './circuits/readCircuits.ts';
export {
  type CircuitUpload,
  type RegisteredCircuit,
  registerBuiltinCircuit,
  registerCircuitArtifacts,
} from './circuits/registerCircuit.ts';
export { defaultMarketConfig, type MarketConfig } from './deps/marketConfig.ts';
export type { MarketDeps } from './deps/marketDeps.ts';
export type {
  JobEvent,
  MarketEvents,
  OperatorEvent,
  ProverEvent,
} from './deps/marketEvents.ts';
export { type MarketPolicies, marketPolicies } from './deps/marketPolicies.ts';
export type { MarketQueues } from './deps/marketQueues.ts';
export { cancelJob } from './jobs/cancelJob.ts';
export { chainJobIdOf } from './jobs/chainJobId.ts';
export { expectedPublicSignals } from './jobs/expectedPublicSignals.ts';
export { assertEscrowCovers, worstCaseCharge } from './jobs/jobsEscrow.ts';
export { getJobView, jobNotFound, listJobs, loadJobView, toJobSummary, toJobView } from './jobs/jobViews.ts';
export { announceJob, type JobMove, moveJob } from './jobs/moveJob.ts';
export { type SubmitJobInput, submitJob } from './jobs/submitJob.ts';
export { createWebhookDelivery, enqueueWebhook, type NewWebhook } from './jobs/webhookOutbox.ts';
export {
  checkWebhookUrl,
  isNonPublicAddress,
  type PostWebhookOptions,
  postWebhook,
  type ResolveAll,
  type WebhookAllowList,
  webhookAllowList,
} from './jobs/webhookTarget.ts';
export { type IndexerOptions, type IndexPass, indexChainEvents } from './operator/indexChainEvents.ts';
export type { MetricFamily, MetricSample } from './operator/operatorMetrics.ts';
export { type OperatorMetricsDeps, operatorMetrics } from './operator/operatorMetrics.ts';
export {
  type OperatorBatchRow,
  type OperatorJobRow,
  type OperatorOverview,
  type OperatorOverviewDeps,
  type OperatorOverviewLimits,
  type OperatorProverRow,
  type OperatorSlashRow,
  operatorOverview,
} from './operator/operatorOverview.ts';
export { reconcileQueues } from './operator/reconcileQueues.ts';
export {
  type ProverView,
  proverByAddress,
  proverView,
  type RegisterProverInput,
  readStake,
  recordHeartbeat,
  registerProver,
} from './provers/registerProver.ts';
export { wakeForFreeSlots, wakeWaitingAuctions } from './provers/wakeWaitingAuctions.ts';
export {
  type AssignmentDeadlineResult,
  abandonAssignment,
  assignmentDeadline,
} from './proving/assignmentDeadline.ts';
export { checkProof, loadVerificationKey, type ProofVerdict } from './proving/checkProof.ts';
export {
  jobRequestOf,
  proofSubmissionOf,
  type SlashEvidenceKind,
  type SlashEvidenceRecord,
  slashEvidenceHash,
  slashEvidenceRecord,
} from './proving/slashEvidence.ts';
export { type StartProvingResult, startProving } from './proving/startProving.ts';
export { type SubmitProofInput, submitProof } from './proving/submitProof.ts';
export { type ApiKeyView, createApiKey, listApiKeys, revokeApiKey } from './requesters/apiKeys.ts';
export {
  API_KEY_SCOPES,
  type ApiKeyScope,
  apiKeyPrefix,
  authenticateApiKey,
  createRequester,
  ensureDevRequester,
  generateApiKey,
  getRequesterView,
  type RequesterPrincipal,
  toRequesterView,
} from './requesters/requesterAccounts.ts';
export { type RequesterEscrowView, requesterEscrow } from './requesters/requesterEscrow.ts';
export { requesterForSignIn, requesterSessionPrincipal } from './requesters/requesterSessions.ts';
export { reserveNonce } from './requesters/reserveNonce.ts';
export { type Batcher, type BatcherOptions, type BatcherTick, createBatcher } from './settlement/batcher.ts';
export {
  type ClaimedBatch,
  type ClaimedJob,
  claimJobsForBatch,
  type ProvenBacklog,
  provenBacklog,
} from './settlement/claimProvenJobs.ts';
export {
  type LoadedVkey,
  loadSettlementCandidates,
  type SettlementCandidate,
  VkeyCache,
} from './settlement/loadSettlementCandidates.ts';
export {
  type ConfirmedBatch,
  recordSettledBatch,
  verifiedWebhookPayload,
} from './settlement/recordSettledBatch.ts';
export { parkJobOutOfBatch, rejectProofInBatch } from './settlement/rejectProofInBatch.ts';
export { type BatchOutcome, type SettlementContext, settleBatchRow } from './settlement/settleBatch.ts';
export { type StakeLockUpdate, stakeLockUpdates, syncStakeLocks } from './settlement/stakeLocks.ts';
export {
  runSlasher,
  type SlasherContext,
  type SlasherPass,
} from './slashing/runSlasher.ts';
export {
  deliverWebhook,
  requeuePendingWebhooks,
  type WebhookDeliveryOptions,
  type WebhookOutcome,
  webhookSignature,
} from './webhooks/deliverWebhook.ts';
