// Requester-side figures: circuit registration and job submission through the
// services and over HTTP, on the real harness (Postgres, Redis, anvil).
// Run: npx tsx packages/market/src/jobsSubmit.bench.ts [--mnist]
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '@tender/api';
import { chainFor, devAccounts } from '@tender/chain';
import { inputHashOf, marketDomain, signJobRequest } from '@tender/sdk';
import { terminateCurves } from '@tender/zk';
import { createWalletClient, type Hex, http } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { registerBuiltinCircuit } from '../circuits/registerCircuit.ts';
import { createRequester } from '../requesters/requesterAccounts.ts';
import { reserveNonce } from '../requesters/reserveNonce.ts';
import { createMarketHarness } from '../testing/marketHarness.ts';
import { submitJob } from './submitJob.ts';

const withMnist = process.argv.includes('--mnist');
const h = await createMarketHarness();
const artifactsDir = await mkdtemp(join(tmpdir(), 'tender-jobs-bench-'));
const account = privateKeyToAccount(devAccounts.requesters[0].privateKey);
const operator = createWalletClient({
  account: privateKeyToAccount(devAccounts.operator.privateKey),
  chain: chainFor(h.anvil.rpcUrl, h.deployment.chainId),
  transport: http(h.anvil.rpcUrl),
});
const rows: [string, string][] = [];
const ms = (t0: number) => performance.now() - t0;

try {
  const { requester, apiKey } = await createRequester(h.deps, { name: 'bench', address: account.address });
  const domain = marketDomain(h.deployment.chainId, h.deployment.addresses.market);
  const body = async (circuitId: Hex, input: Record<string, unknown>) => {
    const nonce = await reserveNonce(h.deps, requester.id);
    const deadline = Math.floor(Date.now() / 1000) + 600;
    const maxFee = 10n ** 15n;
    const requestSignature = await signJobRequest(account, domain, {
      requester: account.address,
      circuitId,
      inputHash: inputHashOf(input),
      maxFee,
      deadline: BigInt(deadline),
      nonce,
    });
    return { circuitId, input, maxFee, deadline, nonce, requestSignature };
  };

  const circuits: [string, Hex, (i: number) => Record<string, unknown>][] = [];
  for (const id of withMnist ? ['tiny', 'mnist'] : ['tiny']) {
    let t0 = performance.now();
    const first = await registerBuiltinCircuit(h.deps, operator, artifactsDir, id);
    rows.push([`register built-in ${id} (build cached, on-chain tx)`, `${ms(t0).toFixed(0)} ms`]);
    t0 = performance.now();
    await registerBuiltinCircuit(h.deps, operator, artifactsDir, id);
    rows.push([`register built-in ${id} again (no-op)`, `${ms(t0).toFixed(0)} ms`]);
    const size = id === 'tiny' ? 16 : 784;
    circuits.push([
      id,
      first.circuit.id,
      (i) => ({ pixels: Array.from({ length: size }, (_, k) => (i * 7 + k) % 256), salt: String(i) }),
    ]);
  }

  for (const [id, circuitId, input] of circuits) {
    const n = id === 'tiny' ? 60 : 20;
    const bodies = await Promise.all(Array.from({ length: n }, (_, i) => body(circuitId, input(i))));
    let t0 = performance.now();
    for (const b of bodies.slice(0, n / 2)) await submitJob(h.deps, { requesterId: requester.id, ...b });
    const seq = ms(t0) / (n / 2);
    t0 = performance.now();
    await Promise.all(bodies.slice(n / 2).map((b) => submitJob(h.deps, { requesterId: requester.id, ...b })));
    const conc = ms(t0);
    rows.push([`submitJob ${id}, one at a time`, `${seq.toFixed(1)} ms/job (${(1000 / seq).toFixed(0)}/s)`]);
    rows.push([`submitJob ${id}, ${n / 2} concurrent`, `${(((n / 2) * 1000) / conc).toFixed(0)} jobs/s`]);
  }

  const app = await buildApp({
    checks: {},
    context: {
      market: h.deps,
      redis: h.redis,
      redisPrefix: h.redisPrefix,
      artifactsDir,
      operator,
      sessionSecret: 'bench',
      publicUrl: 'http://127.0.0.1',
    },
  });
  const [, tinyId, tinyInput] = circuits[0] as (typeof circuits)[number];
  const n = 40;
  const bodies = await Promise.all(Array.from({ length: n }, (_, i) => body(tinyId, tinyInput(1000 + i))));
  const t0 = performance.now();
  for (const [i, b] of bodies.entries()) {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/jobs',
      headers: { authorization: `Bearer ${apiKey}`, 'idempotency-key': `bench-${i}` },
      payload: { ...b, maxFee: b.maxFee.toString(), nonce: b.nonce.toString() },
    });
    if (res.statusCode !== 202) throw new Error(res.body);
  }
  const per = ms(t0) / n;
  rows.push([
    'POST /v1/jobs tiny (auth + validate + store + queue), one at a time',
    `${per.toFixed(1)} ms (${(1000 / per).toFixed(0)}/s)`,
  ]);
  await app.close();
} finally {
  await h.close();
  await terminateCurves();
  await rm(artifactsDir, { recursive: true, force: true });
}

const width = Math.max(...rows.map(([k]) => k.length));
console.log(
  `load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);
for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`);
