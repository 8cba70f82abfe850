import {
  type AuditRecord,
  auditOutputHash,
  auditSampleIndices,
  auditSampleSize,
  auditSeed,
  type HexString,
} from '@tender/core';
import fc from 'fast-check';
import { type Address, type Hex, keccak256, parseEther, parseEventLogs, stringToHex } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuditEpochTree, type AuditSampleResult, auditEpochTree, auditSignals } from './auditEpoch.ts';
import type { ChainConnection } from './connectChain.ts';
import { tenderAuditAbi } from './generated/TenderAudit.ts';
import { tenderMarketAbi } from './generated/TenderMarket.ts';
import {
  buildFixtureCircuit,
  type FixtureCircuit,
  type FixtureProof,
  proveFixtures,
} from './proofFixtures.ts';
import { registerCircuit } from './registerCircuit.ts';
import { merkleProofFor } from './resultTree.ts';
import { sendContractTx } from './sendContractTx.ts';
import { type SettledBatch, settleBatch } from './settleBatch.ts';
import { fixtureItem } from './settlementItems.ts';
import { startTestMarket, type TestMarket } from './testing/testMarket.ts';
import { expectRevert } from './testing/testReverts.ts';

// Audit mode on anvil with real Groth16 proofs of the `product` fixture (public signals
// [out, c]: audit mode reads the first as the input commitment and the rest as the outputs).
const STATEMENTS = 6;
const RECORDS = 1_000;
const RATE_BPS = 50; // 0.5 % of 1,000 → 5, below the floor of 8 → 8 samples

let t: TestMarket;
let audit: Address;
let product: FixtureCircuit;
let proofs: FixtureProof[];
let settled: SettledBatch;
let nonce = 0n;
let epochNo = 0n;

const params = async () =>
  (await t.deployer.publicClient.readContract({
    address: audit,
    abi: tenderAuditAbi,
    functionName: 'params',
  })) as readonly [Address, bigint, bigint, bigint, number, number];

/** Records for an epoch: record i claims statement i mod 6; `lie(i)` makes its claimed output wrong. */
function records(lie: (i: number) => boolean = () => false): AuditRecord[] {
  return Array.from({ length: RECORDS }, (_, index) => {
    const { inputHash, outputs } = auditSignals((proofs[index % STATEMENTS] as FixtureProof).publicSignals);
    const claimed = lie(index) ? outputs.map((o) => o + 1n) : outputs;
    return { index, circuitId: product.circuitId, inputHash, outputHash: auditOutputHash(claimed) };
  });
}

async function commit(service: ChainConnection, tree: AuditEpochTree, bond = parseEther('0.1')) {
  const epoch = ++epochNo;
  const { receipt } = await sendContractTx(service, {
    address: audit,
    abi: tenderAuditAbi,
    functionName: 'commitEpoch',
    args: [epoch, tree.root, product.circuitId, tree.count, RATE_BPS],
    value: bond,
  });
  return { epoch, receipt };
}

async function draw(service: Address, epoch: bigint) {
  const [, , sampleDelay] = await params();
  await mine(Number(sampleDelay) + 1);
  await sendContractTx(t.challenger, {
    address: audit,
    abi: tenderAuditAbi,
    functionName: 'drawSample',
    args: [service, epoch],
  });
  const e = await epochOf(service, epoch);
  return { seed: e.seed as HexString, sampleSize: e.sampleSize };
}

const mine = (blocks: number) =>
  t.deployer.publicClient.request({ method: 'anvil_mine', params: [`0x${blocks.toString(16)}`] } as never);

const epochOf = (service: Address, epoch: bigint) =>
  t.deployer.publicClient.readContract({
    address: audit,
    abi: tenderAuditAbi,
    functionName: 'epochOf',
    args: [service, epoch],
  });
const status = (service: Address, epoch: bigint) =>
  t.deployer.publicClient.readContract({
    address: audit,
    abi: tenderAuditAbi,
    functionName: 'auditStatus',
    args: [service, epoch],
  });

/** The sample result of sample `sample` (record `index`), shown against the settled batch. */
function sampleResult(
  tree: AuditEpochTree,
  recs: AuditRecord[],
  sample: number,
  index: number,
): AuditSampleResult {
  const statement = index % STATEMENTS;
  const leaf = settled.order.indexOf(statement);
  const result = settled.results[leaf] as (typeof settled.results)[number];
  const record = recs[index] as AuditRecord;
  return {
    sample,
    inputHash: record.inputHash,
    outputs: auditSignals((proofs[statement] as FixtureProof).publicSignals).outputs,
    recordProof: tree.proofOf(index),
    batchId: settled.batchId,
    jobId: result.jobId,
    inclusionProof: merkleProofFor(settled.results, leaf),
  };
}

const prove = (from: ChainConnection, service: Address, epoch: bigint, results: AuditSampleResult[]) =>
  sendContractTx(from, {
    address: audit,
    abi: tenderAuditAbi,
    functionName: 'proveSamples',
    args: [service, epoch, results],
  });

const mismatch = (
  from: ChainConnection,
  service: Address,
  epoch: bigint,
  result: AuditSampleResult,
  claimed: Hex,
) =>
  sendContractTx(from, {
    address: audit,
    abi: tenderAuditAbi,
    functionName: 'proveMismatch',
    args: [service, epoch, result, claimed],
  });

beforeAll(async () => {
  t = await startTestMarket();
  audit = t.deployment.addresses.audit as Address;
  product = await buildFixtureCircuit('product', 'audit');
  proofs = await proveFixtures(product, STATEMENTS);
  await registerCircuit(t.deployer, t.registry, {
    circuitId: product.circuitId,
    verifyingKey: product.vk,
    metadataHash: keccak256(stringToHex(product.name)),
  });
  const requester = t.requesters[0] as ChainConnection;
  await sendContractTx(requester, {
    address: t.market,
    abi: tenderMarketAbi,
    functionName: 'deposit',
    args: [],
    value: parseEther('1'),
  });
  // Every statement the epochs claim is proven and settled once, as ordinary market jobs.
  const items = await Promise.all(
    proofs.map((proof) =>
      fixtureItem({
        domain: t.domain,
        requester: requester.account,
        prover: (t.provers[0] as ChainConnection).account.address,
        circuit: product,
        proof,
        nonce: nonce++,
      }),
    ),
  );
  settled = await settleBatch(t.operator, t.market, items);
});
afterAll(async () => {
  await t?.stop();
});

describe('TenderAudit', () => {
  it('samples exactly as core does: the same seed and indices for random block hashes, roots and counts', async () => {
    const hex32 = fc
      .uint8Array({ minLength: 32, maxLength: 32 })
      .map((b) => `0x${Buffer.from(b).toString('hex')}` as Hex);
    await fc.assert(
      fc.asyncProperty(
        hex32,
        hex32,
        fc.integer({ min: 1, max: 2 ** 32 - 1 }),
        fc.nat(10_000),
        async (bh, root, count, sample) => {
          const read = (functionName: 'seedOf' | 'sampleIndexOf', args: readonly unknown[]) =>
            t.deployer.publicClient.readContract({
              address: audit,
              abi: tenderAuditAbi,
              functionName,
              args,
            } as never);
          const seed = (await read('seedOf', [bh, root])) as Hex;
          expect(seed).toBe(auditSeed(bh, root));
          const index = (await read('sampleIndexOf', [seed, BigInt(sample), BigInt(count)])) as bigint;
          expect(Number(index)).toBe(auditSampleIndices(seed, sample + 1, count)[sample]);
        },
      ),
      { numRuns: 25 },
    );
    for (const [count, rate] of [
      [1_000, 50],
      [100_000, 100],
      [5, 10_000],
      [3, 1],
    ] as const) {
      const size = await t.deployer.publicClient.readContract({
        address: audit,
        abi: tenderAuditAbi,
        functionName: 'sampleSizeFor',
        args: [count, rate],
      });
      expect(size).toBe(auditSampleSize(count, rate, 8));
    }
  });

  it('an honest service commits 1,000 records, its sample is proven from settled results and the epoch passes; the bond comes back', async () => {
    const service = t.requesters[1] as ChainConnection;
    const recs = records();
    const tree = auditEpochTree(recs);
    const { epoch, receipt } = await commit(service, tree);
    const [committed] = parseEventLogs({
      abi: tenderAuditAbi,
      eventName: 'EpochCommitted',
      logs: receipt.logs,
    });
    expect(committed?.args).toMatchObject({ count: RECORDS, sampleSize: 8, bond: parseEther('0.1') });
    expect(await status(service.account.address, epoch)).toBe(1); // Committed
    const { seed, sampleSize } = await draw(service.account.address, epoch);
    const indices = auditSampleIndices(seed, sampleSize, RECORDS);
    const results = indices.map((index, sample) => sampleResult(tree, recs, sample, index));
    // half first, then the rest (a sample shown twice counts once)
    await prove(t.challenger, service.account.address, epoch, results.slice(0, 4));
    expect(await status(service.account.address, epoch)).toBe(2); // Sampled
    const { receipt: last } = await prove(t.challenger, service.account.address, epoch, results.slice(2));
    expect(parseEventLogs({ abi: tenderAuditAbi, eventName: 'EpochPassed', logs: last.logs })).toHaveLength(
      1,
    );
    expect(await status(service.account.address, epoch)).toBe(3); // Passed
    const before = await t.deployer.publicClient.getBalance({ address: service.account.address });
    const { receipt: claimed } = await sendContractTx(service, {
      address: audit,
      abi: tenderAuditAbi,
      functionName: 'claim',
      args: [],
    });
    const after = await t.deployer.publicClient.getBalance({ address: service.account.address });
    expect(after - before + claimed.gasUsed * claimed.effectiveGasPrice).toBe(parseEther('0.1'));
  });

  it('a cheating service whose sample hits a wrong claim fails: the bond is slashed to the challenger and the treasury', async () => {
    const service = t.requesters[2] as ChainConnection;
    const recs = records((i) => i % 8 !== 0); // 7 records in 8 claim a wrong output
    const tree = auditEpochTree(recs);
    const { epoch } = await commit(service, tree);
    const { seed, sampleSize } = await draw(service.account.address, epoch);
    const indices = auditSampleIndices(seed, sampleSize, RECORDS);
    const bad = indices.findIndex((i) => i % 8 !== 0);
    expect(bad, 'with 8 draws and 7/8 of the records wrong a miss has p = 8^-8').toBeGreaterThanOrEqual(0);
    const treasury = t.deployment.params.treasury;
    const before = await t.deployer.publicClient.readContract({
      address: audit,
      abi: tenderAuditAbi,
      functionName: 'claimable',
      args: [treasury],
    });
    const evidence = sampleResult(tree, recs, bad, indices[bad] as number);
    // shown as if it were honest, the record's committed outputs do not lead to the root
    await expectRevert(prove(t.challenger, service.account.address, epoch, [evidence]), 'RecordNotCommitted');
    // a "mismatch" on an honest sample is refused
    const honest = indices.findIndex((i) => i % 8 === 0);
    if (honest >= 0) {
      const ok = sampleResult(tree, recs, honest, indices[honest] as number);
      await expectRevert(
        mismatch(t.challenger, service.account.address, epoch, ok, auditOutputHash(ok.outputs)),
        'OutputsMatch',
        [BigInt(honest)],
      );
    }
    const claimedHash = (recs[indices[bad] as number] as AuditRecord).outputHash;
    const { receipt } = await mismatch(t.challenger, service.account.address, epoch, evidence, claimedHash);
    const [failed] = parseEventLogs({ abi: tenderAuditAbi, eventName: 'EpochFailed', logs: receipt.logs });
    expect(failed?.args).toMatchObject({
      reason: 1, // OutputMismatch
      sample: bad,
      challenger: t.challenger.account.address,
      toChallenger: parseEther('0.025'),
      toTreasury: parseEther('0.075'),
    });
    expect(await status(service.account.address, epoch)).toBe(4); // Failed
    const after = await t.deployer.publicClient.readContract({
      address: audit,
      abi: tenderAuditAbi,
      functionName: 'claimable',
      args: [treasury],
    });
    expect(after - before).toBe(parseEther('0.075'));
    const cBefore = await t.deployer.publicClient.getBalance({ address: t.challenger.account.address });
    const { receipt: claimed } = await sendContractTx(t.challenger, {
      address: audit,
      abi: tenderAuditAbi,
      functionName: 'claim',
      args: [],
    });
    const cAfter = await t.deployer.publicClient.getBalance({ address: t.challenger.account.address });
    expect(cAfter - cBefore + claimed.gasUsed * claimed.effectiveGasPrice).toBe(parseEther('0.025'));
  });

  it('a service that does not reveal its sample fails once the reveal window has passed', async () => {
    const service = t.provers[2] as ChainConnection;
    const tree = auditEpochTree(records());
    const { epoch } = await commit(service, tree);
    await draw(service.account.address, epoch);
    const e = await epochOf(service.account.address, epoch);
    await expectRevert(
      sendContractTx(t.challenger, {
        address: audit,
        abi: tenderAuditAbi,
        functionName: 'failUnproven',
        args: [service.account.address, epoch],
      }),
      'RevealWindowOpen',
      [e.revealDeadline],
    );
    const [, , , window] = await params();
    await t.deployer.publicClient.request({
      method: 'evm_increaseTime',
      params: [`0x${(window + 1n).toString(16)}`],
    } as never);
    await mine(1);
    const { receipt } = await sendContractTx(t.challenger, {
      address: audit,
      abi: tenderAuditAbi,
      functionName: 'failUnproven',
      args: [service.account.address, epoch],
    });
    const [failed] = parseEventLogs({ abi: tenderAuditAbi, eventName: 'EpochFailed', logs: receipt.logs });
    expect(failed?.args.reason).toBe(2); // NotProven
    expect(await status(service.account.address, epoch)).toBe(4);
  });

  it('refuses bad commitments and bad reveals, leaving the epoch as it was', async () => {
    const service = t.requesters[0] as ChainConnection;
    const recs = records();
    const tree = auditEpochTree(recs);
    const write = (functionName: string, args: readonly unknown[], value?: bigint) =>
      sendContractTx(service, {
        address: audit,
        abi: tenderAuditAbi,
        functionName,
        args,
        ...(value === undefined ? {} : { value }),
      } as never);
    await expectRevert(
      write('commitEpoch', [999n, tree.root, product.circuitId, 0, RATE_BPS], parseEther('0.1')),
      'EmptyEpoch',
    );
    await expectRevert(
      write('commitEpoch', [999n, tree.root, product.circuitId, RECORDS, 0], parseEther('0.1')),
      'InvalidRate',
      [0n],
    );
    await expectRevert(
      write('commitEpoch', [999n, tree.root, product.circuitId, RECORDS, RATE_BPS], parseEther('0.01')),
      'BondTooLow',
      [parseEther('0.01'), parseEther('0.1')],
    );
    expect(await status(service.account.address, 999n)).toBe(0);
    const { epoch } = await commit(service, tree);
    await expectRevert(
      write('commitEpoch', [epoch, tree.root, product.circuitId, RECORDS, RATE_BPS], parseEther('0.1')),
      'EpochExists',
      [service.account.address, epoch],
    );
    await expectRevert(write('drawSample', [service.account.address, epoch]), 'SampleNotReady');
    const { seed, sampleSize } = await draw(service.account.address, epoch);
    const indices = auditSampleIndices(seed, sampleSize, RECORDS);
    const good = sampleResult(tree, recs, 0, indices[0] as number);
    // a wrong Merkle proof of the record
    await expectRevert(
      prove(service, service.account.address, epoch, [
        { ...good, recordProof: tree.proofOf(((indices[0] as number) + 1) % RECORDS) },
      ]),
      'RecordNotCommitted',
    );
    // an input whose hash differs from the committed one
    const other = sampleResult(tree, recs, 0, ((indices[0] as number) + 1) % RECORDS);
    await expectRevert(
      prove(service, service.account.address, epoch, [{ ...good, inputHash: other.inputHash }]),
      'RecordNotCommitted',
    );
    // a result that is not the one settled
    await expectRevert(
      prove(service, service.account.address, epoch, [
        { ...good, inclusionProof: [...good.inclusionProof].reverse().concat(good.jobId) },
      ]),
      'ResultNotSettled',
    );
    await expectRevert(
      prove(service, service.account.address, epoch, [{ ...good, sample: sampleSize }]),
      'SampleOutOfRange',
      [BigInt(sampleSize), BigInt(sampleSize)],
    );
    const e = await epochOf(service.account.address, epoch);
    expect(e.proven).toBe(0);
    expect(e.status).toBe(2);
    // after the window: reveals are refused
    const [, , , window] = await params();
    await t.deployer.publicClient.request({
      method: 'evm_increaseTime',
      params: [`0x${(window + 1n).toString(16)}`],
    } as never);
    await mine(1);
    await expectRevert(prove(service, service.account.address, epoch, [good]), 'RevealWindowClosed', [
      e.revealDeadline,
    ]);
  });
});
