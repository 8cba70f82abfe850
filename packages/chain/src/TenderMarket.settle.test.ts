import type { SolidityProof } from '@tender/zk';
import fc from 'fast-check';
import { concatHex, type Hex, keccak256, numberToHex, parseEther, parseSignature, stringToHex } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobRequestTypes, tenderDomain } from './eip712.ts';
import { tenderMarketAbi } from './generated/TenderMarket.ts';
import {
  buildFixtureCircuit,
  type FixtureCircuit,
  type FixtureProof,
  proveFixtures,
} from './proofFixtures.ts';
import { registerCircuit } from './registerCircuit.ts';
import { merkleProofFor, resultRoot } from './resultTree.ts';
import { sendContractTx } from './sendContractTx.ts';
import { settleBatch } from './settleBatch.ts';
import { encodeProofBatch, encodeSettlementBatch, type SettlementItem } from './settlementEncoding.ts';
import { fixtureItem, signJobRequest } from './settlementItems.ts';
import { startTestMarket, type TestMarket } from './testing/testMarket.ts';
import { expectRevert } from './testing/testReverts.ts';

const P = 21888242871839275222246405745257275088696311157297823662689037894645226208583n;
const Q = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;

let t: TestMarket;
let square: FixtureCircuit;
let product: FixtureCircuit;
let sq: FixtureProof[];
let pr: FixtureProof[];
let nonce = 0n;

beforeAll(async () => {
  t = await startTestMarket(); // first, so afterAll stops it even if a fixture fails
  [square, product] = await Promise.all([
    buildFixtureCircuit('square', 'settle'),
    buildFixtureCircuit('product', 'settle'),
  ]);
  sq = await proveFixtures(square, 8);
  pr = await proveFixtures(product, 4);
  for (const c of [square, product]) {
    await registerCircuit(t.deployer, t.registry, {
      circuitId: c.circuitId,
      verifyingKey: c.vk,
      metadataHash: keccak256(stringToHex(c.name)),
    });
  }
  for (const r of t.requesters.slice(0, 2)) {
    await sendContractTx(r, {
      address: t.market,
      abi: tenderMarketAbi,
      functionName: 'deposit',
      args: [],
      value: parseEther('10'),
    });
  }
});
afterAll(async () => {
  await t?.stop();
});

const read = <T>(functionName: string, args: readonly unknown[] = []) =>
  t.deployer.publicClient.readContract({
    address: t.market,
    abi: tenderMarketAbi,
    functionName,
    args,
  } as never) as Promise<T>;

function item(
  circuit: FixtureCircuit,
  proof: FixtureProof,
  opts: { requester?: number; prover?: number; price?: bigint; maxFee?: bigint; deadline?: bigint } = {},
): Promise<SettlementItem> {
  return fixtureItem({
    domain: t.domain,
    requester: t.requesters[opts.requester ?? 0]!.account,
    prover: t.provers[opts.prover ?? 0]!.account.address,
    circuit,
    proof,
    nonce: nonce++,
    ...(opts.price === undefined ? {} : { price: opts.price }),
    ...(opts.maxFee === undefined ? {} : { maxFee: opts.maxFee }),
    ...(opts.deadline === undefined ? {} : { deadline: opts.deadline }),
  });
}

/** Simulates settleBatch with raw calldata (no state change). */
const simulateSettle = (data: Hex) =>
  t.operator.publicClient.simulateContract({
    account: t.operator.account,
    address: t.market,
    abi: tenderMarketAbi,
    functionName: 'settleBatch',
    args: [data],
  });

describe('settleBatch', () => {
  it('settles a batch mixing two circuits, pays provers their prices, charges requesters prices plus the fee and records a root every result proves into', async () => {
    const items = [
      await item(square, sq[0]!, { requester: 0, prover: 0, price: 100n, maxFee: 100n }),
      await item(product, pr[0]!, { requester: 1, prover: 1, price: 4_020n, maxFee: 5_000n }),
      await item(square, sq[1]!, { requester: 1, prover: 0, price: 300n, maxFee: 400n }),
      await item(product, pr[1]!, { requester: 0, prover: 1, price: 6_000n, maxFee: 6_000n }),
      await item(square, sq[2]!, { requester: 0, prover: 2, price: 10_000n, maxFee: 10_000n }),
    ];
    const accounts = [...t.requesters.slice(0, 2), ...t.provers, t.treasury].map((c) => c.account.address);
    const before = await Promise.all(accounts.map((a) => read<bigint>('balanceOf', [a])));
    const settled = await settleBatch(t.operator, t.market, items);
    const after = await Promise.all(accounts.map((a) => read<bigint>('balanceOf', [a])));
    const delta = after.map((v, i) => v - before[i]!);
    // Fee = floor(requester's price sum × 250 / 10 000), on the sum (not per job):
    // requester 0: 100 + 6000 + 10000 = 16 100 → fee 402 (402.5 floored);
    // requester 1: 4020 + 300 = 4 320 → fee 108 (per job it would be 100 + 7 = 107).
    // Provers get their prices in full: 100 + 300, 4020 + 6000, 10 000.
    expect(delta).toEqual([-16_502n, -4_428n, 400n, 10_020n, 10_000n, 510n]);
    expect(settled.charged).toBe(16_502n + 4_428n);
    expect(settled.fee).toBe(510n);
    // Leaves: circuits in first-appearance order, then by requester inside a circuit.
    expect(settled.order).toEqual([0, 4, 2, 3, 1]);
    expect(settled.root).toBe(resultRoot(settled.results));
    expect(await read('batchRoot', [settled.batchId])).toBe(settled.root);
    for (let k = 0; k < settled.results.length; k++) {
      const r = settled.results[k]!;
      const proof = merkleProofFor(settled.results, k);
      expect(
        await read('verifyInclusion', [settled.batchId, r.jobId, r.circuitId, r.publicSignalsHash, proof]),
      ).toBe(true);
      const forged = { ...r, publicSignalsHash: keccak256(r.publicSignalsHash) };
      expect(
        await read('verifyInclusion', [
          settled.batchId,
          forged.jobId,
          forged.circuitId,
          forged.publicSignalsHash,
          proof,
        ]),
      ).toBe(false);
    }
    for (const i of items)
      expect(await read('isNonceUsed', [i.request.requester, i.request.nonce])).toBe(true);
    expect(await t.deployer.publicClient.getBalance({ address: t.market })).toBe(parseEther('20'));
  });

  it('refuses to settle the same signed request twice (replay), in another batch or in the same one', async () => {
    const once = await item(square, sq[3]!);
    await settleBatch(t.operator, t.market, [once]);
    await expectRevert(settleBatch(t.operator, t.market, [once]), 'NonceAlreadyUsed', [
      once.request.requester,
      once.request.nonce,
    ]);
    const fresh = await item(square, sq[4]!);
    await expectRevert(settleBatch(t.operator, t.market, [fresh, fresh]), 'NonceAlreadyUsed', [
      fresh.request.requester,
      fresh.request.nonce,
    ]);
    const requester = t.requesters[0]!;
    await sendContractTx(requester, {
      address: t.market,
      abi: tenderMarketAbi,
      functionName: 'invalidateNonces',
      args: [fresh.request.nonce >> 8n, 1n << (fresh.request.nonce & 255n)],
    });
    await expectRevert(settleBatch(t.operator, t.market, [fresh]), 'NonceAlreadyUsed');
  });

  it('rejects a signature by someone else, for another market, or in its malleable high-s form', async () => {
    const good = await item(square, sq[5]!);
    const jobId = await jobIdOnChain(good);
    const byOther = {
      ...good,
      requestSignature: await signJobRequest(t.requesters[1]!.account, t.domain, good.request),
    };
    await expectRevert(settleBatch(t.operator, t.market, [byOther]), 'InvalidRequestSignature', [
      jobId,
      good.request.requester,
    ]);
    const otherDomain = tenderDomain(31337, t.registry);
    const elsewhere = {
      ...good,
      requestSignature: await signJobRequest(t.requesters[0]!.account, otherDomain, good.request),
    };
    await expectRevert(settleBatch(t.operator, t.market, [elsewhere]), 'InvalidRequestSignature');
    const { r, s, yParity } = parseSignature(good.requestSignature);
    const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
    const highS = numberToHex(N - BigInt(s), { size: 32 });
    const malleable = concatHex([r, highS, numberToHex(yParity === 0 ? 28 : 27, { size: 1 })]);
    // The twin really is a valid secp256k1 signature of the same request…
    await expect(
      t.deployer.publicClient.verifyTypedData({
        address: good.request.requester,
        domain: t.domain,
        types: jobRequestTypes,
        primaryType: 'JobRequest',
        message: good.request,
        signature: malleable,
      }),
    ).resolves.toBe(true);
    // …but the market only takes the low-s form.
    await expectRevert(
      settleBatch(t.operator, t.market, [{ ...good, requestSignature: malleable }]),
      'InvalidRequestSignature',
    );
  });

  it('rejects expired requests, prices above the maximum fee and requesters without escrow', async () => {
    const expired = await item(square, sq[0]!, { deadline: 1_000n });
    await expectRevert(settleBatch(t.operator, t.market, [expired]), 'RequestExpired');
    const greedy = await item(square, sq[1]!, { price: 11n, maxFee: 10n });
    const greedyId = await jobIdOnChain(greedy);
    await expectRevert(settleBatch(t.operator, t.market, [greedy]), 'PriceAboveMaxFee', [greedyId, 11n, 10n]);
    const broke = await item(square, sq[2]!, { requester: 2, price: 5n, maxFee: 5n });
    await expectRevert(settleBatch(t.operator, t.market, [broke]), 'InsufficientBalance', [
      t.requesters[2]!.account.address,
      0n,
      5n,
    ]);
  });

  it('charges the market fee on top of maxFee: escrow covering only the price is not enough', async () => {
    const requester = t.requesters[2]!;
    const deposit = (value: bigint) =>
      sendContractTx(t.deployer, {
        address: t.market,
        abi: tenderMarketAbi,
        functionName: 'depositFor',
        args: [requester.account.address],
        value,
      });
    expect(await read<bigint>('balanceOf', [requester.account.address])).toBe(0n);
    const job = await item(square, sq[3]!, { requester: 2, price: 10_000n, maxFee: 10_000n });
    await deposit(10_000n);
    await expectRevert(settleBatch(t.operator, t.market, [job]), 'InsufficientBalance', [
      requester.account.address,
      10_000n,
      10_250n,
    ]);
    await deposit(250n);
    const treasuryBefore = await read<bigint>('balanceOf', [t.treasury.account.address]);
    const settled = await settleBatch(t.operator, t.market, [job]);
    expect([settled.charged, settled.fee]).toEqual([10_250n, 250n]);
    expect(await read<bigint>('balanceOf', [requester.account.address])).toBe(0n);
    expect((await read<bigint>('balanceOf', [t.treasury.account.address])) - treasuryBefore).toBe(250n);
  });

  it('rejects unknown circuits and keys that do not hash to the registered one', async () => {
    const ghost = { ...square, circuitId: keccak256(stringToHex('ghost')) };
    await expectRevert(
      settleBatch(t.operator, t.market, [await item(ghost, sq[0]!)]),
      'CircuitNotRegistered',
      [ghost.circuitId],
    );
    const wrongKey = {
      ...(await item(square, sq[0]!)),
      verifyingKey: { ...square.vk, ic: square.vk.ic.slice() },
    };
    const delta = wrongKey.verifyingKey.delta2;
    wrongKey.verifyingKey.delta2 = [delta[1], delta[0]];
    await expectRevert(settleBatch(t.operator, t.market, [wrongKey]), 'VerificationKeyMismatch');
  });

  it('rejects empty, truncated, padded and out-of-table encodings', async () => {
    await expectRevert(simulateSettle('0x0000000000'), 'EmptyBatch');
    await expectRevert(simulateSettle('0x00'), 'MalformedBatch', [0n]);
    const { data } = encodeSettlementBatch([await item(square, sq[0]!)]);
    await expectRevert(simulateSettle(data.slice(0, -2) as Hex), 'MalformedBatch');
    await expectRevert(simulateSettle(`${data}00`), 'MalformedBatch');
    // Header: u16 count, u8 requesters, 20-byte requester, u8 provers, 20-byte prover, u8 circuits,
    // then the group header (32 + 1 + key + 2); the request's first byte is the requester index.
    const groupHeaderBytes = 32 + 1 + 14 * 32 + 2 * 64 + 2;
    const requestAt = 2 + 1 + 20 + 1 + 20 + 1 + groupHeaderBytes;
    const bad = `${data.slice(0, 2 + requestAt * 2)}05${data.slice(2 + requestAt * 2 + 2)}` as Hex;
    await expectRevert(simulateSettle(bad), 'MalformedBatch', [BigInt(requestAt)]);
  });

  it('fails the whole batch when any proof has one corrupted element (fuzzed, settle and verify layouts)', async () => {
    type Element = 'A' | 'B' | 'C' | 'signal';
    const corrupt = (p: FixtureProof, other: FixtureProof, what: Element, how: number): FixtureProof => {
      const proof: SolidityProof = { a: p.proof.a, b: p.proof.b, c: p.proof.c };
      const signals = p.publicSignals.slice();
      switch (what) {
        case 'A':
          proof.a = [
            [p.proof.a[0], P - p.proof.a[1]], // −A: on the curve, wrong
            other.proof.a, // another proof's A
            [p.proof.a[0] + 1n, p.proof.a[1]], // off the curve
            [p.proof.a[0] + P, p.proof.a[1]], // non-canonical coordinate
          ][how % 4] as SolidityProof['a'];
          break;
        case 'B':
          proof.b = [
            [p.proof.b[0], [P - p.proof.b[1][0], P - p.proof.b[1][1]]], // −B
            other.proof.b,
            [p.proof.b[0], [p.proof.b[1][0], p.proof.b[1][1] + 1n]], // off the twist
            [p.proof.b[1], p.proof.b[0]], // coordinates swapped
          ][how % 4] as unknown as SolidityProof['b'];
          break;
        case 'C':
          proof.c = [
            [p.proof.c[0], P - p.proof.c[1]],
            other.proof.c,
            [p.proof.c[0], p.proof.c[1] + 1n],
            [0n, 0n],
          ][how % 4] as SolidityProof['c'];
          break;
        case 'signal': {
          const j = how % signals.length;
          // +1 (in range, wrong), +q (same value mod q but out of range), or another proof's value
          const choices = [signals[j]! + 1n, signals[j]! + Q, (other.publicSignals[j] ?? 0n) + 7n];
          signals[j] = choices[Math.floor(how / signals.length) % 3]!;
          break;
        }
      }
      return { proof, publicSignals: signals };
    };
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 5 }),
        fc.nat(),
        fc.constantFrom<Element>('A', 'B', 'C', 'signal'),
        fc.nat({ max: 11 }),
        fc.boolean(),
        async (size, at, what, how, mixed) => {
          const pool = mixed
            ? [...sq.slice(0, size), ...pr.slice(0, 2)].map((p, i) => ({ p, c: i < size ? square : product }))
            : sq.slice(0, size).map((p) => ({ p, c: square }));
          const target = at % pool.length;
          // "Another proof" must differ from the target: a one-proof pool borrows a square proof it
          // does not hold (sq[7]; pools take at most sq[0..4]).
          const other = pool.length > 1 ? pool[(target + 1) % pool.length]!.p : sq[7]!;
          const entries = pool.map((e, i) =>
            i === target ? { ...e, p: corrupt(e.p, other, what, how) } : e,
          );
          // Verification-only layout.
          const proofs = encodeProofBatch(
            entries.map((e) => ({ circuitId: e.c.circuitId, verifyingKey: e.c.vk, ...e.p })),
          );
          await expectRevert(
            t.deployer.publicClient.readContract({
              address: t.market,
              abi: tenderMarketAbi,
              functionName: 'verifyBatch',
              args: [proofs],
            }),
            'BatchVerificationFailed',
          );
          // Settlement layout: the same batch with signed requests.
          const items = await Promise.all(entries.map((e) => item(e.c, e.p)));
          await expectRevert(simulateSettle(encodeSettlementBatch(items).data), 'BatchVerificationFailed');
        },
      ),
      { numRuns: 12 },
    );
    // The uncorrupted batches do verify (so the property above can fail).
    const clean = sq.slice(0, 5).map((p) => ({ circuitId: square.circuitId, verifyingKey: square.vk, ...p }));
    await t.deployer.publicClient.readContract({
      address: t.market,
      abi: tenderMarketAbi,
      functionName: 'verifyBatch',
      args: [
        encodeProofBatch([...clean, { circuitId: product.circuitId, verifyingKey: product.vk, ...pr[0]! }]),
      ],
    });
  });
});

async function jobIdOnChain(i: SettlementItem): Promise<Hex> {
  return read<Hex>('jobIdOf', [i.request]);
}
