// @tender/chain/testing — vitest helpers for contract tests (a fresh anvil with Tender deployed, revert matchers).
export { startTestMarket, type TestMarket } from './testMarket.ts';
export { expectRevert } from './testReverts.ts';
