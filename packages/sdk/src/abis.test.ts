import { tenderAbis } from '@tender/chain';
import { describe, expect, it } from 'vitest';
import { circuitRegistryAbi, tenderAuditAbi, tenderMarketAbi, tenderStakingAbi } from './abis.ts';

describe('the SDK’s contract ABIs', () => {
  it('are the compiled contracts’ (regenerate with `npx tsx packages/sdk/scripts/syncAbis.ts`)', () => {
    expect(tenderMarketAbi).toEqual(tenderAbis.market);
    expect(circuitRegistryAbi).toEqual(tenderAbis.registry);
    expect(tenderStakingAbi).toEqual(tenderAbis.staking);
    expect(tenderAuditAbi).toEqual(tenderAbis.audit);
  });
});
