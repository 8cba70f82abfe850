import { isTenderError } from '@tender/core';
import type { SolidityVerifyingKey } from '@tender/zk';
import { type Hex, keccak256, toHex } from 'viem';
import { describe, expect, it } from 'vitest';
import { devAccounts } from './devAccounts.ts';
import { tenderDomain } from './eip712.ts';
import { encodeProofBatch, encodeSettlementBatch, type SettlementItem } from './settlementEncoding.ts';

const vk = (k: number, tag = 1n): SolidityVerifyingKey => ({
  alpha1: [1n, 2n],
  beta2: [
    [tag, 4n],
    [5n, 6n],
  ],
  gamma2: [
    [7n, 8n],
    [9n, 10n],
  ],
  delta2: [
    [11n, 12n],
    [13n, 14n],
  ],
  ic: Array.from({ length: k + 1 }, (_, i) => [BigInt(i + 1), 2n] as const),
});
const proof = {
  a: [1n, 2n],
  b: [
    [3n, 4n],
    [5n, 6n],
  ],
  c: [7n, 8n],
} as const;
const sig = `0x${'11'.repeat(32)}${'22'.repeat(32)}1b` as Hex;

function item(
  circuit: string,
  requester: number,
  nonce: bigint,
  over: Partial<SettlementItem> = {},
): SettlementItem {
  return {
    request: {
      requester: devAccounts.requesters[requester]!.address,
      circuitId: keccak256(toHex(circuit)),
      inputHash: keccak256(toHex(nonce)),
      maxFee: 10n,
      deadline: 100n,
      nonce,
    },
    requestSignature: sig,
    prover: devAccounts.provers[0]!.address,
    price: 5n,
    proof,
    publicSignals: [9n],
    verifyingKey: vk(1),
    ...over,
  };
}

const code = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return isTenderError(e) ? e.code : 'other';
  }
  return 'none';
};

describe('encodeSettlementBatch', () => {
  it('groups by circuit, then by requester, and reports that order with the results', () => {
    const items = [item('a', 0, 1n), item('b', 1, 2n), item('a', 1, 3n), item('a', 0, 4n)];
    const { data, order, results } = encodeSettlementBatch(
      items,
      tenderDomain(1, devAccounts.deployer.address),
    );
    expect(order).toEqual([0, 3, 2, 1]);
    expect(results.map((r) => r.circuitId)).toEqual(order.map((i) => items[i]!.request.circuitId));
    // u16 count, u8 requesters + 2·20 bytes, u8 provers + 20 bytes, u8 circuits, 2 groups of
    // (32 + 1 + 14·32 + 2·64 + 2) bytes of header and (135 + 256 + 32) bytes per item.
    expect((data.length - 2) / 2).toBe(
      2 + 1 + 40 + 1 + 20 + 1 + 2 * (32 + 1 + 448 + 128 + 2) + 4 * (135 + 288),
    );
  });

  it('refuses what the contract cannot represent', () => {
    expect(code(() => encodeSettlementBatch([]))).toBe('TENDER_VALIDATION_FAILED');
    expect(code(() => encodeSettlementBatch([item('a', 0, 2n ** 64n)]))).toBe('TENDER_VALIDATION_FAILED');
    expect(code(() => encodeSettlementBatch([item('a', 0, 1n, { price: 2n ** 96n })]))).toBe(
      'TENDER_VALIDATION_FAILED',
    );
    expect(code(() => encodeSettlementBatch([item('a', 0, 1n, { publicSignals: [1n, 2n] })]))).toBe(
      'TENDER_VALIDATION_FAILED',
    );
    expect(
      code(() => encodeSettlementBatch([item('a', 0, 1n), item('a', 0, 2n, { verifyingKey: vk(1, 99n) })])),
    ).toBe('TENDER_VALIDATION_FAILED');
  });
});

describe('encodeProofBatch', () => {
  it('lays out count, circuits, then each circuit key and its proofs', () => {
    const data = encodeProofBatch([
      { circuitId: keccak256('0x01'), verifyingKey: vk(1), proof, publicSignals: [1n] },
      { circuitId: keccak256('0x01'), verifyingKey: vk(1), proof, publicSignals: [2n] },
    ]);
    expect(data.slice(0, 8)).toBe('0x000201');
    expect((data.length - 2) / 2).toBe(3 + 32 + 1 + 448 + 128 + 2 + 2 * 288);
  });
});
