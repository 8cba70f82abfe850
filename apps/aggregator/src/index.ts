// @tender/aggregator: settlement batches on-chain, slashing, the contract-event indexer and webhook deliveries.
export { type AggregatorEnv, aggregatorEnvSchema, loadAggregatorEnv } from './env.ts';
export { type Leadership, type LeadershipOptions, type LeaderWork, runWhileLeading } from './leadership.ts';
export { type Periodic, periodic } from './periodic.ts';
export {
  type Aggregator,
  type AggregatorDeps,
  type AggregatorLogger,
  startAggregator,
} from './startAggregator.ts';
export { startWebhookWorker, type WebhookWorker } from './webhookWorker.ts';
