export {
  channels,
  type JobEvent,
  type MarketEvents,
  type OperatorEvent,
  type ProverEvent,
} from './events.ts';
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
export { type BullmqMarketQueues, bullmqMarketQueues, type MarketQueues } from './queues.ts';
export { type EventSubscription, redisMarketEvents, subscribeEvents } from './redisEvents.ts';
