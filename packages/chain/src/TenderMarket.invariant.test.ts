// Over 300 lines: two model-based tests share one anvil and fixture (escrow alone; then money
// across jobs, withdrawals, misses and slashes, stake included).
import { proofHash, publicSignalsHash } from '@tender/zk';
import fc from 'fast-check';
import { type Address, createTestClient, http, keccak256, stringToHex } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimMissedDeadline, signAward, signBid } from './awards.ts';
import { toChainError } from './chainError.ts';
import { jobIdOf, proofSubmissionTypes } from './eip712.ts';
import { tenderMarketAbi } from './generated/TenderMarket.ts';
import { tenderStakingAbi } from './generated/TenderStaking.ts';
import {
  buildFixtureCircuit,
  type FixtureCircuit,
  type FixtureProof,
  proveFixtures,
} from './proofFixtures.ts';
import { registerCircuit } from './registerCircuit.ts';
import { type ChainClients, sendContractTx } from './sendContractTx.ts';
import { settleBatch } from './settleBatch.ts';
import { fixtureItem } from './settlementItems.ts';
import { type SlashEvidence, slash } from './slash.ts';
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

/** Requests a withdrawal, waits out the market's delay on anvil and completes it. */
async function withdrawNow(c: ChainClients, amount: bigint): Promise<void> {
  const m = { address: t.market, abi: tenderMarketAbi } as const;
  await sendContractTx(c, { ...m, functionName: 'requestWithdrawal', args: [amount] });
  const delay = await t.deployer.publicClient.readContract({ ...m, functionName: 'withdrawalDelay' });
  const test = createTestClient({ mode: 'anvil', transport: http(t.anvil.rpcUrl) });
  await test.increaseTime({ seconds: Number(delay) });
  await test.mine({ blocks: 1 });
  await sendContractTx(c, { ...m, functionName: 'completeWithdrawal', args: [] });
}

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
            const r = await withdrawNow(clients[o.who]!, o.amount).catch((e: unknown) => toChainError(e));
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

// ---------------------------------------------------------------- money across the guarantee paths

type MoneyOp =
  | { kind: 'deposit'; who: number; amount: bigint }
  | { kind: 'request'; who: number; amount: bigint }
  | { kind: 'complete'; who: number }
  | { kind: 'settle'; requester: number; prover: number; price: bigint }
  | { kind: 'miss'; requester: number; prover: number; collateral: bigint }
  | { kind: 'slash'; requester: number; prover: number };

const moneyOp: fc.Arbitrary<MoneyOp> = fc.oneof(
  fc.record({
    kind: fc.constant('deposit' as const),
    who: fc.nat({ max: 2 }),
    amount: fc.bigInt(1n, 50_000n),
  }),
  fc.record({
    kind: fc.constant('request' as const),
    who: fc.nat({ max: 6 }),
    amount: fc.bigInt(1n, 60_000n),
  }),
  fc.record({ kind: fc.constant('complete' as const), who: fc.nat({ max: 6 }) }),
  fc.record({
    kind: fc.constant('settle' as const),
    requester: fc.nat({ max: 2 }),
    prover: fc.nat({ max: 2 }),
    price: fc.bigInt(0n, 20_000n),
  }),
  fc.record({
    kind: fc.constant('miss' as const),
    requester: fc.nat({ max: 2 }),
    prover: fc.nat({ max: 2 }),
    collateral: fc.bigInt(1n, 10n ** 17n),
  }),
  fc.record({
    kind: fc.constant('slash' as const),
    requester: fc.nat({ max: 2 }),
    prover: fc.nat({ max: 2 }),
  }),
);

describe('money invariant across jobs, withdrawals, misses and slashes', () => {
  it('conserves provers + requesters + treasury + challenger + stake, and matches the model on-chain', async () => {
    const test = createTestClient({ mode: 'anvil', transport: http(t.anvil.rpcUrl) });
    const travel = async (s: bigint) => {
      await test.increaseTime({ seconds: Number(s) });
      await test.mine({ blocks: 1 });
    };
    const m = { address: t.market, abi: tenderMarketAbi } as const;
    const pc = t.deployer.publicClient;
    // Accounts 0-2 requesters, 3-5 provers, 6 treasury, 7 challenger.
    const clients = [...t.requesters, ...t.provers, t.treasury, t.challenger];
    const addresses: Address[] = clients.map((c) => c.account.address);
    for (const p of t.provers) {
      await sendContractTx(p, {
        address: t.staking,
        abi: tenderStakingAbi,
        functionName: 'stake',
        args: [],
        value: 10n ** 18n,
      });
    }
    const balances = () =>
      Promise.all(addresses.map((a) => pc.readContract({ ...m, functionName: 'balanceOf', args: [a] })));
    const stakes = () =>
      Promise.all(
        t.provers.map(
          async (p) =>
            (
              await pc.readContract({
                address: t.staking,
                abi: tenderStakingAbi,
                functionName: 'stakeInfo',
                args: [p.account.address],
              })
            )[0],
        ),
      );
    const sum = (xs: bigint[]) => xs.reduce((a, b) => a + b, 0n);
    const errorName = (r: unknown) => (r as { details?: { errorName?: string } }).details?.errorName;
    await fc.assert(
      fc.asyncProperty(fc.array(moneyOp, { minLength: 3, maxLength: 6 }), async (ops) => {
        const model = await balances();
        const stake = await stakes();
        const pending = await Promise.all(
          addresses.map(
            async (a) => (await pc.readContract({ ...m, functionName: 'pendingWithdrawal', args: [a] }))[0],
          ),
        );
        let external = 0n; // ETH that entered (deposits) minus ETH that left (withdrawals)
        const total0 = sum(model) + sum(stake);
        for (const o of ops) {
          if (o.kind === 'deposit') {
            await sendContractTx(clients[o.who]!, {
              ...m,
              functionName: 'deposit',
              args: [],
              value: o.amount,
            });
            model[o.who]! += o.amount;
            external += o.amount;
          } else if (o.kind === 'request') {
            const r = await sendContractTx(clients[o.who]!, {
              ...m,
              functionName: 'requestWithdrawal',
              args: [o.amount],
            }).catch(toChainError);
            if (pending[o.who]! + o.amount <= model[o.who]!) pending[o.who]! += o.amount;
            else expect(errorName(r)).toBe('InsufficientBalance');
          } else if (o.kind === 'complete') {
            await travel(await pc.readContract({ ...m, functionName: 'withdrawalDelay' }));
            const r = await sendContractTx(clients[o.who]!, {
              ...m,
              functionName: 'completeWithdrawal',
              args: [],
            }).catch(toChainError);
            if (pending[o.who]! === 0n) expect(errorName(r)).toBe('WithdrawalNotReady');
            else {
              const [want, have] = [pending[o.who]!, model[o.who]!];
              let paid = want;
              if (have < want) paid = have;
              model[o.who]! -= paid;
              external -= paid;
              pending[o.who] = 0n;
            }
          } else if (o.kind === 'settle') {
            const item = await fixtureItem({
              domain: t.domain,
              requester: t.requesters[o.requester]!.account,
              prover: t.provers[o.prover]!.account.address,
              circuit: square,
              proof: proofs[0]!,
              nonce: nonce++,
              price: o.price,
              maxFee: o.price,
            });
            const fee = (o.price * 250n) / 10_000n;
            const r = await settleBatch(t.operator, t.market, [item]).catch(toChainError);
            if (o.price + fee <= model[o.requester]!) {
              model[o.requester]! -= o.price + fee;
              model[3 + o.prover]! += o.price;
              model[6]! += fee;
            } else expect(errorName(r)).toBe('InsufficientBalance');
          } else if (o.kind === 'miss') {
            const start = (await pc.getBlock()).timestamp;
            const request = {
              requester: addresses[o.requester]!,
              circuitId: square.circuitId,
              inputHash: keccak256(stringToHex(`miss-${nonce}`)),
              maxFee: 1000n,
              deadline: start + 3600n,
              nonce: nonce++,
            };
            const jobId = jobIdOf(t.domain, request);
            const prover = t.provers[o.prover]!.account;
            const award = {
              jobId,
              prover: prover.address,
              price: 900n,
              collateral: o.collateral,
              proveBy: start + 600n,
              publicSignalsHash: keccak256('0x'),
            };
            const bid = { jobId, price: 900n, etaMs: 1n, expiresAt: start + 60n, prover: prover.address };
            await travel(3601n);
            const credited = o.collateral < stake[o.prover]! / 2n ? o.collateral : stake[o.prover]! / 2n;
            const r = await claimMissedDeadline(t.challenger, t.market, {
              request,
              award,
              awardSignature: await signAward(t.operator.account, t.domain, award),
              bid,
              bidSignature: await signBid(prover, t.domain, bid),
            }).catch(toChainError);
            if (credited > 0n) {
              expect((r as { credited: bigint }).credited).toBe(credited);
              stake[o.prover]! -= credited;
              model[o.requester]! += credited;
            } else expect(errorName(r)).toBe('NothingToSlash');
          } else {
            const e = await invalidProofEvidence(o.requester, o.prover);
            const slashed = stake[o.prover]! / 2n;
            const r = await slash(t.challenger, t.market, e).catch(toChainError);
            if (slashed > 0n) {
              expect((r as { slashed: bigint }).slashed).toBe(slashed);
              stake[o.prover]! -= slashed;
              model[7]! += slashed / 4n;
              model[o.requester]! += slashed / 4n;
              model[6]! += slashed - 2n * (slashed / 4n);
            } else expect(errorName(r)).toBe('NothingToSlash');
          }
          const [chain, chainStake] = await Promise.all([balances(), stakes()]);
          expect(chain).toEqual(model);
          expect(chainStake).toEqual(stake);
          expect(sum(chain)).toBe(await pc.getBalance({ address: t.market }));
          expect(sum(chainStake)).toBe(await pc.getBalance({ address: t.staking }));
          // Money moves between provers, requesters, treasury, challenger and stake; only deposits
          // and completed withdrawals change the total.
          expect(sum(chain) + sum(chainStake)).toBe(total0 + external);
        }
      }),
      { numRuns: 8 },
    );
  });
});

/** Slashing evidence for a prover-signed submission whose public signal was changed (invalid). */
async function invalidProofEvidence(requester: number, prover: number): Promise<SlashEvidence> {
  const p = proofs[1]!;
  const request = {
    requester: t.requesters[requester]!.account.address,
    circuitId: square.circuitId,
    inputHash: keccak256(stringToHex(`slash-${nonce}`)),
    maxFee: 1000n,
    deadline: 4_000_000_000n,
    nonce: nonce++,
  };
  const signals = [p.publicSignals[0]! + 1n];
  const account = t.provers[prover]!.account;
  const submission = {
    jobId: jobIdOf(t.domain, request),
    circuitId: square.circuitId,
    proofHash: proofHash(p.proof),
    publicSignalsHash: publicSignalsHash(signals),
    prover: account.address,
  };
  const proverSignature = await account.signTypedData!({
    domain: t.domain,
    types: proofSubmissionTypes,
    primaryType: 'ProofSubmission',
    message: submission,
  });
  return {
    request,
    submission,
    proverSignature,
    proof: p.proof,
    publicSignals: signals,
    verifyingKey: square.vk,
  };
}
