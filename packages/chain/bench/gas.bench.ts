/**
 * `npm run bench:gas [-- --json]`: deploys Tender and snarkjs's generated verifier for the same
 * circuit (contracts/test/fixtures/square.circom, one public signal) on a fresh anvil and measures
 * gas from real transaction receipts (never eth_estimateGas: the snarkjs verifier returns false
 * instead of reverting when short of gas).
 *
 * Measured: snarkjs `verifyProof` for one proof; `TenderMarket.verifyBatch` (verification only)
 * and `TenderMarket.settleBatch` (verification + request signatures + nonces + netted payments +
 * result root) at n = 1, 8, 32, 64, 128, for jobs of one requester (goal-checked) and of three
 * requesters (reported), three provers each; one slash; the guarantee paths of guaranteesGas.ts
 * (withdrawal request/completion, bulk collateral lock, self-settlement, missed-deadline claim),
 * after every batch (they move anvil's clock). Per-proof figures are the whole
 * transaction's gas (21k base and calldata included) divided by n. Exits 1 when a goal is missed.
 */

import { exportSolidityVerifier, proofHash, publicSignalsHash } from '@tender/zk';
import { encodeFunctionData, type Hex, keccak256, stringToHex } from 'viem';
import { compileSolidity } from '../src/compileSolidity.ts';
import { devAccounts } from '../src/devAccounts.ts';
import { jobIdOf, proofSubmissionTypes } from '../src/eip712.ts';
import { tenderMarketAbi } from '../src/generated/TenderMarket.ts';
import { tenderStakingAbi } from '../src/generated/TenderStaking.ts';
import { buildFixtureCircuit, proveFixtures } from '../src/proofFixtures.ts';
import { registerCircuit } from '../src/registerCircuit.ts';
import { settleBatch } from '../src/settleBatch.ts';
import { encodeProofBatch } from '../src/settlementEncoding.ts';
import { fixtureItem } from '../src/settlementItems.ts';
import { slash } from '../src/slash.ts';
import { startTestMarket } from '../src/testing/testMarket.ts';
import { measureGuaranteeGas } from './guaranteesGas.ts';

const json = process.argv.includes('--json');
const log = (...args: unknown[]) => {
  if (!json) console.error(...args);
};
const SIZES = [1, 8, 32, 64, 128] as const;
const MAX_N = 128;
const GOALS = {
  verify: { 32: 58_000, 128: 54_000 } as Record<number, number>,
  settle: { 32: 66_000, 128: 60_000 } as Record<number, number>,
};

const t = await startTestMarket();
try {
  const started = Date.now();
  const circuit = await buildFixtureCircuit('square', 'bench');
  log(`circuit ready (${Date.now() - started} ms); proving ${MAX_N} proofs…`);
  const proofs = await proveFixtures(circuit, MAX_N);
  log(`proofs ready (${Date.now() - started} ms)`);
  await registerCircuit(t.deployer, t.registry, {
    circuitId: circuit.circuitId,
    verifyingKey: circuit.vk,
    metadataHash: keccak256(stringToHex('bench')),
  });
  const { publicClient, walletClient } = t.operator;

  // --- snarkjs's verifier, single proof, real transaction
  const source = await exportSolidityVerifier(circuit.zkeyPath);
  const verifierArtifact = compileSolidity({ 'Groth16Verifier.sol': source }).find(
    (c) => c.name === 'Groth16Verifier',
  );
  if (!verifierArtifact) throw new Error('snarkjs verifier did not compile to Groth16Verifier');
  const deployHash = await walletClient.deployContract({
    abi: verifierArtifact.abi,
    bytecode: verifierArtifact.bytecode,
  });
  const verifier = (await publicClient.waitForTransactionReceipt({ hash: deployHash })).contractAddress;
  if (!verifier) throw new Error('snarkjs verifier deployment failed');
  const p0 = proofs[0]!;
  const verifyData = encodeFunctionData({
    abi: verifierArtifact.abi,
    functionName: 'verifyProof',
    args: [p0.proof.a, p0.proof.b, p0.proof.c, p0.publicSignals],
  });
  const GAS = 1_000_000n;
  const callResult = await publicClient.call({ to: verifier, data: verifyData, gas: GAS });
  if (BigInt(callResult.data ?? '0x0') !== 1n) throw new Error('snarkjs verifier rejected a valid proof');
  const snarkjsReceipt = await publicClient.waitForTransactionReceipt({
    hash: await walletClient.sendTransaction({ to: verifier, data: verifyData, gas: GAS }),
  });
  const snarkjsVerifierGas = Number(snarkjsReceipt.gasUsed);
  log(`snarkjs verifier, 1 proof: ${snarkjsVerifierGas} gas`);

  // --- requesters: workload A uses one requester, workload B three others. Each deposits escrow
  // and has already used nonce 0 (its nonce word is live, as after any requester's first job; a
  // fresh word costs 20,000 gas once per 256 nonces). Nonces count up per requester.
  const soloRequester = t.requesters[0]!;
  const trio = [t.requesters[1]!, t.requesters[2]!, await t.connect(devAccounts.all[9]!)];
  const nonces = new Map<string, bigint>();
  for (const r of [soloRequester, ...trio]) {
    for (const [functionName, args, value] of [
      ['deposit', [], 10n ** 19n],
      ['invalidateNonces', [0n, 1n], 0n],
    ] as const) {
      await r.publicClient.waitForTransactionReceipt({
        hash: await r.walletClient.writeContract({
          address: t.market,
          abi: tenderMarketAbi,
          functionName,
          args,
          value,
        } as never),
      });
    }
    nonces.set(r.account.address, 1n);
  }
  const nextNonce = (requester: string) => {
    const n = nonces.get(requester) ?? 1n;
    nonces.set(requester, n + 1n);
    return n;
  };

  const batches: {
    n: number;
    verifyGas: number;
    verifyGasPerProof: number;
    settleGas: number;
    settleGasPerProof: number;
    settleGasThreeRequesters: number;
    settleGasPerProofThreeRequesters: number;
  }[] = [];
  // Settlement: jobs round-robin over the requesters and the 3 provers.
  const settle = async (slice: typeof proofs, requesters: readonly (typeof trio)[number][]) => {
    const items = [];
    for (let i = 0; i < slice.length; i++) {
      items.push(
        await fixtureItem({
          domain: t.domain,
          requester: requesters[i % requesters.length]!.account,
          prover: t.provers[i % t.provers.length]!.account.address,
          circuit,
          proof: slice[i]!,
          nonce: nextNonce(requesters[i % requesters.length]!.account.address),
        }),
      );
    }
    return Number((await settleBatch(t.operator, t.market, items)).gasUsed);
  };
  for (const n of SIZES) {
    const slice = proofs.slice(0, n);
    // Verification only: a real transaction to verifyBatch (it reverts unless every proof verifies).
    const data = encodeFunctionData({
      abi: tenderMarketAbi,
      functionName: 'verifyBatch',
      args: [
        encodeProofBatch(
          slice.map((p) => ({ circuitId: circuit.circuitId, verifyingKey: circuit.vk, ...p })),
        ),
      ],
    });
    await publicClient.call({ to: t.market, data, account: walletClient.account }); // throws on revert
    const vr = await publicClient.waitForTransactionReceipt({
      hash: await walletClient.sendTransaction({
        to: t.market,
        data,
        gas: 1_000_000n + 120_000n * BigInt(n),
      }),
    });
    if (vr.status !== 'success') throw new Error(`verifyBatch reverted at n=${n}`);
    const settleGas = await settle(slice, [soloRequester]);
    const settleGasThreeRequesters = await settle(slice, trio);
    const row = {
      n,
      verifyGas: Number(vr.gasUsed),
      verifyGasPerProof: Math.round(Number(vr.gasUsed) / n),
      settleGas,
      settleGasPerProof: Math.round(settleGas / n),
      settleGasThreeRequesters,
      settleGasPerProofThreeRequesters: Math.round(settleGasThreeRequesters / n),
    };
    batches.push(row);
    log(
      `n=${n}: verify ${row.verifyGasPerProof}/proof, settle ${row.settleGasPerProof}/proof ` +
        `(3 requesters: ${row.settleGasPerProofThreeRequesters}/proof)`,
    );
  }

  // --- slashing: a prover-signed submission with a corrupted public signal
  const prover = t.provers[0]!;
  await prover.publicClient.waitForTransactionReceipt({
    hash: await prover.walletClient.writeContract({
      address: t.staking,
      abi: tenderStakingAbi,
      functionName: 'stake',
      value: 10n ** 18n,
    }),
  });
  const request = {
    requester: soloRequester.account.address,
    circuitId: circuit.circuitId,
    inputHash: keccak256(stringToHex('slash-bench')),
    maxFee: 10n ** 15n,
    deadline: 4_000_000_000n,
    nonce: nextNonce(soloRequester.account.address),
  };
  const badSignals = [p0.publicSignals[0]! + 1n];
  const submission = {
    jobId: jobIdOf(t.domain, request),
    circuitId: circuit.circuitId,
    proofHash: proofHash(p0.proof),
    publicSignalsHash: publicSignalsHash(badSignals),
    prover: prover.account.address,
  };
  const proverSignature: Hex = await prover.account.signTypedData!({
    domain: t.domain,
    types: proofSubmissionTypes,
    primaryType: 'ProofSubmission',
    message: submission,
  });
  const slashed = await slash(t.challenger, t.market, {
    request,
    submission,
    proverSignature,
    proof: p0.proof,
    publicSignals: badSignals,
    verifyingKey: circuit.vk,
  });
  const slashGas = Number(slashed.gasUsed);
  log(`slash: ${slashGas} gas`);
  const guarantees = await measureGuaranteeGas(t, circuit, p0, nextNonce);
  log('guarantee paths:', guarantees);

  const misses: string[] = [];
  for (const b of batches) {
    const v = GOALS.verify[b.n];
    const s = GOALS.settle[b.n];
    if (v !== undefined && b.verifyGasPerProof > v)
      misses.push(`verify n=${b.n}: ${b.verifyGasPerProof} > ${v}`);
    if (s !== undefined && b.settleGasPerProof > s)
      misses.push(`settle n=${b.n}: ${b.settleGasPerProof} > ${s}`);
  }
  const result = {
    circuit: { name: circuit.name, publicSignals: circuit.vk.ic.length - 1 },
    workload:
      'settleGas*: jobs of 1 requester proven by 3 provers; settleGas*ThreeRequesters: 3 requesters, 3 provers ' +
      '(reported, not goal-checked). Per-proof = whole transaction gas / n.',
    snarkjsVerifierGas,
    batches,
    slashGas,
    guarantees,
    goals: GOALS,
    goalsMet: misses.length === 0,
    misses,
  };
  if (json) {
    console.log(JSON.stringify(result, null, 2));
  } else {
    console.log(
      `\nsnarkjs verifier (1 proof, ${result.circuit.publicSignals} public signal): ${snarkjsVerifierGas} gas`,
    );
    console.log(
      '\n| n | verify gas | verify / proof | settle gas | settle / proof | settle / proof, 3 requesters |',
    );
    console.log('| ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const b of batches) {
      console.log(
        `| ${b.n} | ${b.verifyGas} | ${b.verifyGasPerProof} | ${b.settleGas} | ${b.settleGasPerProof} | ${b.settleGasPerProofThreeRequesters} |`,
      );
    }
    console.log(`\n${result.workload}`);
    console.log(`\nslash (invalid proof): ${slashGas} gas`);
    console.log('\n| path | gas |\n| --- | ---: |');
    for (const [path, g] of Object.entries(guarantees)) console.log(`| ${path} | ${g} |`);
    console.log(misses.length === 0 ? '\nall gas goals met' : `\nMISSED GOALS:\n  ${misses.join('\n  ')}`);
  }
  process.exitCode = misses.length === 0 ? 0 : 1;
} finally {
  await t.stop();
}
