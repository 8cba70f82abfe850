export { type AssignmentDeadlineResult, abandonAssignment, assignmentDeadline } from './assignments.ts';
export { expireJob, type OpenAuctionResult, openAuction } from './auctions.ts';
export { type CloseAuctionResult, closeAuction } from './auctionsClose.ts';
export { type MarketPolicies, marketPolicies, provingMemoryMb } from './auctionsPolicy.ts';
export { type BidView, type PlaceBidInput, placeBid } from './bids.ts';
export {
  channels,
  type JobEvent,
  type MarketEvents,
  type OperatorEvent,
  type ProverEvent,
} from './events.ts';
export { awardEvent, invitationEvent, pendingProverEvents } from './invitations.ts';
export { defaultMarketConfig, type MarketConfig } from './marketConfig.ts';
export type { MarketDeps } from './marketDeps.ts';
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
