// Settlement figures on a real market (Postgres, Redis, anvil, snarkjs proofs of the `tiny`
// circuit): for batches of 1, 8 and 32 proven jobs, the batcher's whole tick (claim, off-chain
// batch verification, encoding, settlement transaction, recording) and, separately, the
// off-chain batch verification and the gas of the settlement transaction.
//
//   npx tsx apps/aggregator/src/settlement.bench.ts
import { performance } from 'node:perf_hooks';
import { createBatcher, loadSettlementCandidates, VkeyCache } from '@tender/market';
import { createSettlementKit } from '@tender/market/testing';
import { batchVerify } from '@tender/zk';

const sizes = [1, 8, 32];
const kit = await createSettlementKit({ batchMaxAgeMs: 0, batchSize: 32 });
let seed = 0;
const rows: string[] = [];
try {
  for (const size of sizes) {
    for (let i = 0; i < size; i++) {
      await kit.insertProvenJob({ requester: i % 2, prover: i % 3, n: seed++ });
    }
    const batcher = createBatcher(kit.h.deps, { sender: kit.sender });
    const t0 = performance.now();
    const tick = await batcher.tick();
    const tickMs = performance.now() - t0;
    const confirmed = tick.settled.find((o) => o.status === 'confirmed');
    if (confirmed?.status !== 'confirmed') {
      throw new Error(
        `batch of ${size} did not settle: ${JSON.stringify(tick, (_, v) => (typeof v === 'bigint' ? v.toString() : v))}`,
      );
    }
    // Off-chain verification alone, on the batch just settled.
    const candidates = await loadSettlementCandidates(
      kit.h.deps.prisma,
      confirmed.batchId,
      kit.domain,
      new VkeyCache(),
    );
    const v0 = performance.now();
    const verdict = await batchVerify(
      candidates.map((c) => ({
        vkey: c.vkey.vkey,
        publicSignals: c.proof!.publicSignals,
        proof: c.proof!.proof,
      })),
    );
    const verifyMs = performance.now() - v0;
    if (!verdict.ok) throw new Error('a settled proof failed the batch verification');
    const gas = confirmed.confirmed.gasUsed;
    rows.push(
      `| ${size} | ${tickMs.toFixed(0)} | ${verifyMs.toFixed(0)} | ${gas} | ${(gas / BigInt(size)).toString()} |`,
    );
  }
  console.log(
    '| jobs in batch | batcher tick (ms) | off-chain batch verify (ms) | settlement gas | gas per job |',
  );
  console.log('| --- | --- | --- | --- | --- |');
  for (const row of rows) console.log(row);
} finally {
  await kit.close();
}
