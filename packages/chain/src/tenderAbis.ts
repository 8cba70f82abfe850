import { circuitRegistryAbi } from './generated/CircuitRegistry.ts';
import { tenderAuditAbi } from './generated/TenderAudit.ts';
import { tenderMarketAbi } from './generated/TenderMarket.ts';
import { tenderStakingAbi } from './generated/TenderStaking.ts';

/** The typed (`as const`) ABIs of Tender's deployed contracts, keyed like `TenderDeployment.addresses`. */
export const tenderAbis = {
  registry: circuitRegistryAbi,
  market: tenderMarketAbi,
  staking: tenderStakingAbi,
  audit: tenderAuditAbi,
} as const;
