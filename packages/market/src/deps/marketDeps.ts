import type { TenderDeployment } from '@tender/chain';
import type { TenderPrisma } from '@tender/db';
import type { Chain, PublicClient, Transport } from 'viem';
import type { MarketConfig } from './marketConfig.ts';
import type { MarketEvents } from './marketEvents.ts';
import type { MarketQueues } from './marketQueues.ts';

/** Everything the market services need, injected by the app that hosts them. */
export interface MarketDeps {
  prisma: TenderPrisma;
  queues: MarketQueues;
  events: MarketEvents;
  /** Reads of the chain (stake, registry); writes belong to the aggregator and the api's operator key. */
  publicClient: PublicClient<Transport, Chain>;
  deployment: TenderDeployment;
  config: MarketConfig;
  /** Current time in ms since epoch (tests pass a fixed clock). */
  now: () => number;
}
