// How long the operator's reads take on a large market:
// `npx tsx packages/market/src/operatorOverview.bench.ts [jobs=20000]`
// Seeds a throw-away Postgres database (jobs in mixed statuses, one auction and assignment each, 20 provers),
// then times operatorOverview and operatorMetrics, warm, 10 runs each.
import { createTestDatabase, insertCircuit, insertProver, insertRequester } from '@tender/db/testing';
import { defaultMarketConfig } from '../deps/marketConfig.ts';
import { operatorMetrics } from './operatorMetrics.ts';
import { operatorOverview } from './operatorOverview.ts';

const jobs = Number(process.argv[2] ?? 20_000);
const db = await createTestDatabase();
try {
  const { prisma } = db;
  const requester = await insertRequester(prisma);
  const circuit = await insertCircuit(prisma);
  const provers = [];
  for (let i = 0; i < 20; i++) provers.push(await insertProver(prisma));
  const started = performance.now();
  await prisma.$executeRawUnsafe(`
    INSERT INTO jobs (id, requester_id, circuit_id, input, input_hash, max_fee_wei, deadline, status, round,
                      updated_at, proven_at, verified_at)
    SELECT gen_random_uuid(), '${requester.id}', '${circuit.id}', '{}'::jsonb, '0x' || md5(g::text), 1000000,
           now() + interval '1 hour',
           (ARRAY['verified','verified','verified','proven','auctioning','submitted','expired']::job_status[])[1 + g % 7],
           1, now() - (g || ' seconds')::interval, now() - (g || ' seconds')::interval, now() - (g || ' seconds')::interval
    FROM generate_series(1, ${jobs}) g`);
  await prisma.$executeRawUnsafe(`
    INSERT INTO auctions (id, job_id, round, status, opens_at, closes_at, updated_at)
    SELECT gen_random_uuid(), id, 1, 'awarded', now(), now(), now() FROM jobs`);
  const proverIds = provers.map((p) => `'${p.id}'`).join(',');
  await prisma.$executeRawUnsafe(`
    INSERT INTO assignments (id, job_id, auction_id, prover_id, round, price_wei, collateral_locked_wei, deadline,
                             status, updated_at)
    SELECT gen_random_uuid(), a.job_id, a.id, (ARRAY[${proverIds}]::uuid[])[1 + (row_number() OVER ()) % 20], 1,
           123456789012345, 0, now(),
           (CASE WHEN j.status IN ('verified', 'proven') THEN 'accepted' ELSE 'proving' END)::assignment_status, now()
    FROM auctions a JOIN jobs j ON j.id = a.job_id`);
  await prisma.$executeRawUnsafe('ANALYZE');
  console.log(
    `seeded ${jobs} jobs, auctions and assignments in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  const deps = { prisma, config: defaultMarketConfig, now: Date.now };
  const reads = [
    ['operatorOverview', () => operatorOverview(deps)],
    ['operatorMetrics', () => operatorMetrics(deps)],
  ] as const;
  for (const [name, read] of reads) {
    await read();
    const times: number[] = [];
    for (let i = 0; i < 10; i++) {
      const t = performance.now();
      await read();
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    console.log(
      `${name} over ${jobs} jobs: median ${times[5]!.toFixed(1)} ms, max ${times[9]!.toFixed(1)} ms (10 warm runs)`,
    );
  }
} finally {
  await db.drop();
}
