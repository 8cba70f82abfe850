export {
  channels,
  type JobEvent,
  type MarketEvents,
  type OperatorEvent,
  type ProverEvent,
} from './events.ts';
export { defaultMarketConfig, type MarketConfig } from './marketConfig.ts';
export type { MarketDeps } from './marketDeps.ts';
export { type BullmqMarketQueues, bullmqMarketQueues, type MarketQueues } from './queues.ts';
export { type EventSubscription, redisMarketEvents, subscribeEvents } from './redisEvents.ts';
