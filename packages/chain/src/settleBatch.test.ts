import { isTenderError } from '@tender/core';
import { keccak256, stringToHex } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tenderMarketAbi } from './generated/TenderMarket.ts';
import {
  buildFixtureCircuit,
  type FixtureCircuit,
  type FixtureProof,
  proveFixtures,
} from './proofFixtures.ts';
import { registerCircuit } from './registerCircuit.ts';
import { merkleProofFor, resultRoot } from './resultTree.ts';
import { settleBatch } from './settleBatch.ts';
import { fixtureItem } from './settlementItems.ts';
import { startTestMarket, type TestMarket } from './testMarket.ts';

let t: TestMarket;
let square: FixtureCircuit;
let product: FixtureCircuit;
let squareProofs: FixtureProof[];
let productProofs: FixtureProof[];
let nonce = 0n;

beforeAll(async () => {
  [t, square, product] = await Promise.all([
    startTestMarket(),
    buildFixtureCircuit('square', 'settle'),
    buildFixtureCircuit('product', 'settle'),
  ]);
  squareProofs = await proveFixtures(square, 6);
  productProofs = await proveFixtures(product, 3);
  for (const c of [square, product]) {
    await registerCircuit(t.deployer, t.registry, {
      circuitId: c.circuitId,
      verifyingKey: c.vk,
      metadataHash: keccak256(stringToHex(c.name)),
    });
  }
  for (const r of t.requesters) {
    const hash = await r.walletClient.writeContract({
      address: t.market,
      abi: tenderMarketAbi,
      functionName: 'deposit',
      value: 10n ** 18n,
    });
    await r.publicClient.waitForTransactionReceipt({ hash });
  }
});
afterAll(async () => {
  await t?.stop();
});

describe('settleBatch', () => {
  it('settles a batch mixing two circuits and records a root every result proves inclusion in', async () => {
    const items = await Promise.all(
      [squareProofs[0], productProofs[0], squareProofs[1], productProofs[1]].map((p, i) =>
        fixtureItem({
          domain: t.domain,
          requester: t.requesters[i % 2]!.account,
          prover: t.provers[i % 3]!.account.address,
          circuit: i % 2 === 0 ? square : product,
          proof: p!,
          nonce: nonce++,
        }),
      ),
    );
    const settled = await settleBatch(t.operator, t.market, items);
    expect(settled.batchId).toBe(1n);
    expect(settled.root).toBe(resultRoot(settled.results));
    for (let k = 0; k < settled.results.length; k++) {
      const r = settled.results[k]!;
      const ok = await t.operator.publicClient.readContract({
        address: t.market,
        abi: tenderMarketAbi,
        functionName: 'verifyInclusion',
        args: [
          settled.batchId,
          r.jobId,
          r.circuitId,
          r.publicSignalsHash,
          merkleProofFor(settled.results, k),
        ],
      });
      expect(ok).toBe(true);
    }
    console.log('gasUsed', settled.gasUsed);
  });

  it('rejects a batch whose proof was tampered with', async () => {
    const p = squareProofs[2]!;
    const bad = { ...p, publicSignals: [p.publicSignals[0]! + 1n] };
    const item = await fixtureItem({
      domain: t.domain,
      requester: t.requesters[0]!.account,
      prover: t.provers[0]!.account.address,
      circuit: square,
      proof: bad,
      nonce: nonce++,
    });
    const err = await settleBatch(t.operator, t.market, [item]).catch((e: unknown) => e);
    expect(isTenderError(err, 'TENDER_CHAIN_REVERTED')).toBe(true);
    expect((err as { details: { errorName: string } }).details.errorName).toBe('BatchVerificationFailed');
  });
});
