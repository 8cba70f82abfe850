/**
 * `npm run bench:audit [-- --json]`: what auditing an epoch of 100,000 committed MNIST inferences
 * at a 1 % audit rate costs, against proving every one of them — both from figures measured in
 * this run on a fresh anvil with real MNIST proofs:
 *
 * - gas: `commitEpoch`, `drawSample`, `proveSamples` for the whole sample (17-level record proofs
 *   over a real 100,000-record tree, in transactions of 100 samples), and the market's settlement
 *   gas per proof (a real `settleBatch` of 32 MNIST jobs, the demo's batch size) × sample size; "prove all" = settlement
 *   gas per proof × 100,000.
 * - proving time: the median warm MNIST proof (witness + Groth16, one snarkjs prover) × sample
 *   size, against × 100,000 (a pure function of the same per-proof figure: the ratio is the
 *   sample's share of the epoch).
 * - wall time from commit to verdict: the measured chain steps plus the sample's proving time on
 *   `PROVERS` local provers (computed).
 *
 * Goal: auditing costs ≤ 1.5 % of proving every inference, in gas and in proving time.
 */

import { buildBuiltinCircuit, loadMnist, modelInput } from '@tender/circuits';
import {
  type AuditRecord,
  auditDetectionProbability,
  auditOutputHash,
  auditSampleIndices,
} from '@tender/core';
import {
  Prover,
  terminateCurves,
  toPublicSignals,
  toSolidityProof,
  toSolidityVerifyingKey,
} from '@tender/zk';
import { type Hex, keccak256, parseEther, stringToHex } from 'viem';
import { type AuditSampleResult, auditEpochTree, auditSignals } from '../src/auditEpoch.ts';
import { tenderAuditAbi } from '../src/generated/TenderAudit.ts';
import { tenderMarketAbi } from '../src/generated/TenderMarket.ts';
import type { FixtureProof } from '../src/proofFixtures.ts';
import { registerCircuit } from '../src/registerCircuit.ts';
import { merkleProofFor } from '../src/resultTree.ts';
import { sendContractTx } from '../src/sendContractTx.ts';
import { settleBatch } from '../src/settleBatch.ts';
import { fixtureItem } from '../src/settlementItems.ts';
import { startTestMarket } from '../src/testing/testMarket.ts';

const json = process.argv.includes('--json');
const log = (...args: unknown[]) => {
  if (!json) console.error(...args);
};
const EPOCH = 100_000;
const RATE_BPS = 100;
const STATEMENTS = 8;
const SETTLE_N = 32;
const CHUNK = 100;
const PROVERS = 2;
const GOAL = 0.015;

const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2
    ? (s[(s.length - 1) / 2] as number)
    : ((s[s.length / 2 - 1] as number) + (s[s.length / 2] as number)) / 2;
};

const t = await startTestMarket();
try {
  log('building the MNIST circuit (cached after the first run)');
  const mnist = await buildBuiltinCircuit('mnist', { log });
  const { test } = loadMnist();
  const circuitId = keccak256(stringToHex('tender.bench.audit.mnist'));
  const circuit = { circuitId, vk: toSolidityVerifyingKey(mnist.vkey) };
  await registerCircuit(t.deployer, t.registry, {
    circuitId,
    verifyingKey: circuit.vk,
    metadataHash: keccak256(stringToHex('mnist')),
  });

  log(`proving ${STATEMENTS + 1} MNIST digits (the first warms up)`);
  const prover = new Prover({ threads: 1 });
  const proofs: FixtureProof[] = [];
  const proveMs: number[] = [];
  try {
    for (let i = 0; i <= STATEMENTS; i++) {
      const digit = test[(i * 97) % test.length] as (typeof test)[number];
      const t0 = performance.now();
      const r = await prover.prove(
        { wasmPath: mnist.wasmPath, zkeyPath: mnist.zkeyPath },
        modelInput(mnist.model, digit.pixels),
      );
      if (i > 0) {
        proveMs.push(performance.now() - t0);
        proofs.push({ proof: toSolidityProof(r.proof), publicSignals: toPublicSignals(r.publicSignals) });
      }
    }
  } finally {
    await prover.close();
    await terminateCurves();
  }
  const proofMedianMs = median(proveMs);

  const requester = t.requesters[0];
  const service = t.requesters[1];
  if (!requester || !service) throw new Error('test market without requesters');
  await sendContractTx(requester, {
    address: t.market,
    abi: tenderMarketAbi,
    functionName: 'deposit',
    args: [],
    value: parseEther('10'),
  });

  log(`settling ${SETTLE_N} MNIST jobs in one batch`);
  let nonce = 0n;
  const items = await Promise.all(
    Array.from({ length: SETTLE_N }, (_, i) =>
      fixtureItem({
        domain: t.domain,
        requester: requester.account,
        prover: (t.provers[0] as (typeof t.provers)[number]).account.address,
        circuit,
        proof: proofs[i % STATEMENTS] as FixtureProof,
        nonce: nonce++,
      }),
    ),
  );
  const settled = await settleBatch(t.operator, t.market, items);
  const settleGasPerProof = Number(settled.gasUsed) / SETTLE_N;

  log(`building a ${EPOCH.toLocaleString()}-record epoch`);
  const records: AuditRecord[] = Array.from({ length: EPOCH }, (_, index) => {
    const { inputHash, outputs } = auditSignals((proofs[index % STATEMENTS] as FixtureProof).publicSignals);
    return { index, circuitId, inputHash, outputHash: auditOutputHash(outputs) };
  });
  const tree = auditEpochTree(records);
  const wall0 = performance.now();
  const committed = await sendContractTx(service, {
    address: t.deployment.addresses.audit as Hex,
    abi: tenderAuditAbi,
    functionName: 'commitEpoch',
    args: [1n, tree.root, circuitId, EPOCH, RATE_BPS],
    value: parseEther('0.1'),
  });
  const audit = t.deployment.addresses.audit as Hex;
  const [, , sampleDelay] = await t.deployer.publicClient.readContract({
    address: audit,
    abi: tenderAuditAbi,
    functionName: 'params',
  });
  await t.deployer.publicClient.request({
    method: 'anvil_mine',
    params: [`0x${(sampleDelay + 1n).toString(16)}`],
  } as never);
  const drawn = await sendContractTx(t.challenger, {
    address: audit,
    abi: tenderAuditAbi,
    functionName: 'drawSample',
    args: [service.account.address, 1n],
  });
  const epoch = await t.deployer.publicClient.readContract({
    address: audit,
    abi: tenderAuditAbi,
    functionName: 'epochOf',
    args: [service.account.address, 1n],
  });
  const indices = auditSampleIndices(epoch.seed as Hex, epoch.sampleSize, EPOCH);
  // every statement's leaf in the settled batch (the first job proving it)
  const leafOf = new Map<number, number>();
  settled.order.forEach((itemIndex, leaf) => {
    const s = itemIndex % STATEMENTS;
    if (!leafOf.has(s)) leafOf.set(s, leaf);
  });
  const results: AuditSampleResult[] = indices.map((index, sample) => {
    const s = index % STATEMENTS;
    const leaf = leafOf.get(s) as number;
    const record = records[index] as AuditRecord;
    return {
      sample,
      inputHash: record.inputHash,
      outputs: auditSignals((proofs[s] as FixtureProof).publicSignals).outputs,
      recordProof: tree.proofOf(index),
      batchId: settled.batchId,
      jobId: (settled.results[leaf] as (typeof settled.results)[number]).jobId,
      inclusionProof: merkleProofFor(settled.results, leaf),
    };
  });
  log(`proving ${results.length} samples on-chain in transactions of ${CHUNK}`);
  let proveSamplesGas = 0n;
  for (let i = 0; i < results.length; i += CHUNK) {
    const r = await sendContractTx(t.challenger, {
      address: audit,
      abi: tenderAuditAbi,
      functionName: 'proveSamples',
      args: [service.account.address, 1n, results.slice(i, i + CHUNK)],
    });
    proveSamplesGas += r.receipt.gasUsed;
  }
  const status = await t.deployer.publicClient.readContract({
    address: audit,
    abi: tenderAuditAbi,
    functionName: 'auditStatus',
    args: [service.account.address, 1n],
  });
  if (status !== 3) throw new Error(`the honest epoch did not pass (status ${status})`);
  const chainWallMs = performance.now() - wall0;

  const sampleSize = epoch.sampleSize;
  const auditGas =
    Number(committed.receipt.gasUsed) +
    Number(drawn.receipt.gasUsed) +
    Number(proveSamplesGas) +
    settleGasPerProof * sampleSize;
  const allGas = settleGasPerProof * EPOCH;
  const auditProveMs = proofMedianMs * sampleSize;
  const allProveMs = proofMedianMs * EPOCH;
  const result = {
    epoch: EPOCH,
    rateBps: RATE_BPS,
    sampleSize,
    detectsOneIn1000WithP: auditDetectionProbability({ count: EPOCH, sampleSize, badCount: EPOCH / 1000 }),
    gas: {
      commit: Number(committed.receipt.gasUsed),
      drawSample: Number(drawn.receipt.gasUsed),
      proveSamplesPerSample: Math.round(Number(proveSamplesGas) / sampleSize),
      settlePerProof: Math.round(settleGasPerProof),
      auditEpoch: Math.round(auditGas),
      auditPerCommittedInference: Math.round((auditGas / EPOCH) * 100) / 100,
      proveAllEpoch: Math.round(allGas),
      ratio: Math.round((auditGas / allGas) * 10_000) / 10_000,
    },
    proving: {
      mnistProofMedianMs: Math.round(proofMedianMs),
      sampleMs: Math.round(auditProveMs),
      allMs: Math.round(allProveMs),
      ratio: Math.round((auditProveMs / allProveMs) * 10_000) / 10_000,
    },
    wall: {
      chainStepsMs: Math.round(chainWallMs),
      commitToVerdictMs: Math.round(chainWallMs + auditProveMs / PROVERS),
      provers: PROVERS,
    },
    goalsMet: auditGas / allGas <= GOAL && auditProveMs / allProveMs <= GOAL,
  };
  if (json) console.log(JSON.stringify(result, null, 2));
  else {
    console.log(
      `audit of ${EPOCH.toLocaleString()} MNIST inferences at ${RATE_BPS / 100} %: sample ${sampleSize}`,
    );
    console.table({
      'gas (epoch)': {
        audit: result.gas.auditEpoch,
        'prove all': result.gas.proveAllEpoch,
        ratio: result.gas.ratio,
      },
      'proving (ms)': {
        audit: result.proving.sampleMs,
        'prove all': result.proving.allMs,
        ratio: result.proving.ratio,
      },
    });
    console.log(result);
  }
  if (!result.goalsMet) process.exitCode = 1;
} finally {
  await t.stop();
}
