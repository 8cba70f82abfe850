import { tenderMarketAbi } from '@tender/chain';
import { describe, expect, it } from 'vitest';
import { marketEscrowAbi } from './requesterEscrow.ts';

describe('marketEscrowAbi', () => {
  it('is a true slice of the market contract ABI (names, inputs, outputs, mutability)', () => {
    const shape = (f: {
      name: string;
      inputs: readonly { type: string }[];
      outputs: readonly { type: string }[];
      stateMutability: string;
    }) => ({
      name: f.name,
      inputs: f.inputs.map((i) => i.type),
      outputs: f.outputs.map((o) => o.type),
      stateMutability: f.stateMutability,
    });
    const contract = tenderMarketAbi.filter((e) => e.type === 'function').map(shape);
    for (const f of marketEscrowAbi) expect(contract).toContainEqual(shape(f));
  });
});
