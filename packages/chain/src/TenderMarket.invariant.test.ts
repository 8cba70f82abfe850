import fc from 'fast-check';
import { type Address, keccak256, stringToHex } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toChainError } from './chainError.ts';
import { tenderMarketAbi } from './generated/TenderMarket.ts';
import {
  buildFixtureCircuit,
  type FixtureCircuit,
  type FixtureProof,
  proveFixtures,
} from './proofFixtures.ts';
import { registerCircuit } from './registerCircuit.ts';
import { sendContractTx } from './sendContractTx.ts';
import { settleBatch } from './settleBatch.ts';
import { fixtureItem } from './settlementItems.ts';
import { startTestMarket, type TestMarket } from './testing/testMarket.ts';

let t: TestMarket;
let square: FixtureCircuit;
let proofs: FixtureProof[];
let nonce = 0n;

beforeAll(async () => {
  t = await startTestMarket(); // first, so afterAll stops it even if the fixture fails
  square = await buildFixtureCircuit('square', 'invariant');
  proofs = await proveFixtures(square, 4);
  await registerCircuit(t.deployer, t.registry, {
    circuitId: square.circuitId,
    verifyingKey: square.vk,
    metadataHash: keccak256(stringToHex('square')),
  });
});
afterAll(async () => {
  await t?.stop();
});

type Op =
  | { kind: 'deposit'; who: number; amount: bigint }
  | { kind: 'withdraw'; who: number; amount: bigint }
  | { kind: 'settle'; jobs: { requester: number; prover: number; price: bigint }[] };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant('deposit' as const),
    who: fc.nat({ max: 2 }),
    amount: fc.bigInt(1n, 50_000n),
  }),
  fc.record({
    kind: fc.constant('withdraw' as const),
    who: fc.nat({ max: 6 }),
    amount: fc.bigInt(1n, 60_000n),
  }),
  fc.record({
    kind: fc.constant('settle' as const),
    jobs: fc.array(
      fc.record({ requester: fc.nat({ max: 2 }), prover: fc.nat({ max: 2 }), price: fc.bigInt(0n, 20_000n) }),
      { minLength: 1, maxLength: 4 },
    ),
  }),
);

describe('escrow invariant', () => {
  it('keeps every balance as the model predicts, never negative, and their sum equal to the ETH held', async () => {
    // Accounts 0-2 requesters, 3-5 provers, 6 treasury.
    const clients = [...t.requesters, ...t.provers, t.treasury];
    const addresses: Address[] = clients.map((c) => c.account.address);
    const read = (a: Address) =>
      t.deployer.publicClient.readContract({
        address: t.market,
        abi: tenderMarketAbi,
        functionName: 'balanceOf',
        args: [a],
      });
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 3, maxLength: 7 }), async (ops) => {
        const model = await Promise.all(addresses.map(read));
        for (const o of ops) {
          if (o.kind === 'deposit') {
            await sendContractTx(clients[o.who]!, {
              address: t.market,
              abi: tenderMarketAbi,
              functionName: 'deposit',
              args: [],
              value: o.amount,
            });
            model[o.who]! += o.amount;
          } else if (o.kind === 'withdraw') {
            const ok = model[o.who]! >= o.amount;
            const r = await sendContractTx(clients[o.who]!, {
              address: t.market,
              abi: tenderMarketAbi,
              functionName: 'withdraw',
              args: [o.amount],
            }).catch((e: unknown) => toChainError(e));
            if (ok) model[o.who]! -= o.amount;
            else
              expect((r as unknown as { details: { errorName: string } }).details.errorName).toBe(
                'InsufficientBalance',
              );
          } else {
            const items = await Promise.all(
              o.jobs.map((j, i) =>
                fixtureItem({
                  domain: t.domain,
                  requester: t.requesters[j.requester]!.account,
                  prover: t.provers[j.prover]!.account.address,
                  circuit: square,
                  proof: proofs[i % proofs.length]!,
                  nonce: nonce++,
                  price: j.price,
                  maxFee: j.price,
                }),
              ),
            );
            const owed = [0n, 0n, 0n];
            const earned = [0n, 0n, 0n];
            for (const j of o.jobs) {
              owed[j.requester]! += j.price;
              earned[j.prover]! += j.price;
            }
            // Requesters pay prices plus floor(their batch sum × 250 / 10 000); provers get prices.
            const fees = owed.map((x) => (x * 250n) / 10_000n);
            const affordable = owed.every((x, i) => x + fees[i]! <= model[i]!);
            const r = await settleBatch(t.operator, t.market, items).catch((e: unknown) => toChainError(e));
            if (affordable) {
              for (let i = 0; i < 3; i++) {
                model[i]! -= owed[i]! + fees[i]!;
                model[3 + i]! += earned[i]!;
                model[6]! += fees[i]!;
              }
            } else {
              expect((r as unknown as { details: { errorName: string } }).details.errorName).toBe(
                'InsufficientBalance',
              );
            }
          }
          const chain = await Promise.all(addresses.map(read));
          expect(chain).toEqual(model);
          expect(chain.every((b) => b >= 0n)).toBe(true);
          const held = await t.deployer.publicClient.getBalance({ address: t.market });
          expect(chain.reduce((a, b) => a + b, 0n)).toBe(held);
        }
      }),
      { numRuns: 6 },
    );
  });
});
