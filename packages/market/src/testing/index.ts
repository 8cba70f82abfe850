// @tender/market/testing — fixtures for tests in any package (never imported by relative path).
export {
  ETH,
  insertJob,
  insertTinyCircuit,
  listen,
  proverKeys,
  registerDevProver,
  requestUnstake,
  signBid,
  signSubmission,
  stake,
  testClock,
} from './auctionKit.ts';
export { createMarketHarness, type MarketHarness } from './marketHarness.ts';
export {
  createSettlementKit,
  type ProvenJob,
  type ProvenJobOptions,
  type SettlementKit,
} from './settlementKit.ts';
