export { type AssignmentDeadlineResult, abandonAssignment, assignmentDeadline } from './assignments.ts';
export { expireJob, type OpenAuctionResult, openAuction } from './auctions.ts';
export { type CloseAuctionResult, closeAuction } from './auctionsClose.ts';
export { type MarketPolicies, marketPolicies, provingMemoryMb } from './auctionsPolicy.ts';
export { wakeForFreeSlots, wakeWaitingAuctions } from './auctionsWake.ts';
export { type Batcher, type BatcherOptions, type BatcherTick, createBatcher } from './batches.ts';
export { claimJobsForBatch, type ProvenBacklog, provenBacklog } from './batchesClaim.ts';
export {
  type LoadedVkey,
  loadSettlementCandidates,
  type SettlementCandidate,
  VkeyCache,
} from './batchesLoad.ts';
export { parkJobOutOfBatch, rejectProofInBatch } from './batchesReject.ts';
export { type BidView, type PlaceBidInput, placeBid } from './bids.ts';
export {
  type CircuitArtifact,
  type CircuitArtifactKind,
  circuitArtifact,
  circuitInputSignals,
  getCircuitView,
  listCircuits,
  loadCircuit,
  toCircuitView,
} from './circuits.ts';
export { type CircuitOnChain, ensureCircuitOnChain, type OperatorWallet } from './circuitsOnChain.ts';
export {
  type CircuitUpload,
  type RegisteredCircuit,
  registerBuiltinCircuit,
  registerCircuitArtifacts,
} from './circuitsRegister.ts';
export {
  channels,
  type JobEvent,
  type MarketEvents,
  type OperatorEvent,
  type ProverEvent,
} from './events.ts';
export { type IndexerOptions, type IndexPass, indexChainEvents } from './indexer.ts';
export { awardEvent, invitationEvent, pendingProverEvents } from './invitations.ts';
export { type SubmitJobInput, submitJob } from './jobs.ts';
export { cancelJob } from './jobsCancel.ts';
export { expectedPublicSignals } from './jobsInput.ts';
export { getJobView, jobNotFound, listJobs, loadJobView, toJobSummary, toJobView } from './jobsView.ts';
export { defaultMarketConfig, type MarketConfig } from './marketConfig.ts';
export type { MarketDeps } from './marketDeps.ts';
export { reserveNonce } from './nonces.ts';
export { type OperatorMetricsDeps, operatorMetrics } from './operatorMetrics.ts';
export {
  type OperatorBatchRow,
  type OperatorJobRow,
  type OperatorOverview,
  type OperatorOverviewDeps,
  type OperatorOverviewLimits,
  type OperatorProverRow,
  type OperatorSlashRow,
  operatorOverview,
} from './operatorOverview.ts';
export {
  type MetricFamily,
  type MetricSample,
  prometheusContentType,
  renderPrometheus,
} from './operatorPrometheus.ts';
export { defaultLatencyBuckets, OperatorRequestMetrics } from './operatorRequestMetrics.ts';
export { type SubmitProofInput, submitProof } from './proofs.ts';
export { checkProof, loadVerificationKey, type ProofVerdict } from './proofsCheck.ts';
export {
  type ProverView,
  proverByAddress,
  proverView,
  type RegisterProverInput,
  readStake,
  recordHeartbeat,
  registerProver,
} from './provers.ts';
export { type BullmqMarketQueues, bullmqMarketQueues, type MarketQueues } from './queues.ts';
export { reconcileQueues } from './reconcile.ts';
export { type EventSubscription, redisMarketEvents, subscribeEvents } from './redisEvents.ts';
export {
  apiKeyPrefix,
  authenticateApiKey,
  createRequester,
  ensureDevRequester,
  generateApiKey,
  getRequesterView,
  type RequesterPrincipal,
  toRequesterView,
} from './requesters.ts';
export { type BatchOutcome, type SettlementContext, settleBatchRow } from './settlement.ts';
export { type ConfirmedBatch, recordSettledBatch, verifiedWebhookPayload } from './settlementRecord.ts';
export {
  type OnBroadcast,
  type OperatorCall,
  type SentTransaction,
  SettlementSender,
  type SettlementSenderOptions,
} from './settlementSender.ts';
export {
  runSlasher,
  type SlashEvidenceRecord,
  type SlasherContext,
  type SlasherPass,
  slashEvidenceHash,
  slashEvidenceRecord,
} from './slashes.ts';
export {
  createWebhookDelivery,
  deliverWebhook,
  enqueueWebhook,
  type NewWebhook,
  requeuePendingWebhooks,
  type WebhookDeliveryOptions,
  type WebhookOutcome,
  webhookSignature,
} from './webhooks.ts';
export {
  checkWebhookUrl,
  isNonPublicAddress,
  type PostWebhookOptions,
  postWebhook,
  type ResolveAll,
  type WebhookAllowList,
  webhookAllowList,
} from './webhookTarget.ts';
