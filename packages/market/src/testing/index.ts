export { createMarketHarness, type MarketHarness } from './marketHarness.ts';
