import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ApiContext, buildApp } from '@tender/api';
import { devAccounts, tenderStakingAbi } from '@tender/chain';
import { loadBuiltinModel, modelInput } from '@tender/circuits';
import { errorCodes } from '@tender/core';
import { createRequester } from '@tender/market';
import { createMarketHarness, type MarketHarness } from '@tender/market/testing';
import { ProverClient, TenderClient } from '@tender/sdk';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { createWalletClient, http, parseEther } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FuzzRequest, operationsOf, requestOf } from './support/openapiFuzz.ts';
import { report, scaled } from './support/scale.ts';

// Bad input, generated from the api's own OpenAPI document (`app.swagger()`): every route's
// path parameters, query, headers and body drawn from its schemas — fitting values, wrong types,
// hostile strings (NUL, bad percent-encoding, huge), bad content types, broken JSON — and sent
// over real HTTP to the api on real Postgres, Redis and anvil. Each answer must be below 500;
// each 4xx must be application/problem+json with a stable TENDER_* code; and a 4xx must store
// nothing (every table's contents and the deployment's Redis keys compared before and after).

const CASES = scaled(800, 10_000);
const SEED = Number(process.env.TENDER_FUZZ_SEED ?? 0xbad1);
const suite = 'bad-input';
const OPERATOR_TOKEN = 'tender-fuzz-operator-token-0123456789';

let h: MarketHarness;
let app: FastifyInstance;
let baseUrl: URL;
let dataDir: string;
let admin: pg.Client;
let snapshotSql: string;
const credentials: Record<string, string> = { operatorToken: OPERATOR_TOKEN };

interface Finding {
  kind: '5xx' | 'not problem+json' | 'no stable code' | 'stored on 4xx' | 'no answer';
  request: string;
  status: number;
  detail: string;
}
const findings: Finding[] = [];
const statuses = new Map<number, number>();
const byRoute = new Map<string, number>();
const routeStatuses = new Map<string, Map<number, number>>();
let tried = 0;

/**
 * A digest of every table's rows and the deployment's Redis keys. Left out: rate-limit counters
 * and an API key's `last_used_at` (authentication bookkeeping, written on any authenticated call).
 */
async function snapshot(): Promise<{ tables: Record<string, string>; redis: string }> {
  const { rows } = await admin.query<{ t: string; h: string | null }>(snapshotSql);
  const keys = (await h.redis.keys(`${h.redisPrefix}:*`)).filter((k) => !/rate-?limit/i.test(k)).sort();
  return {
    tables: Object.fromEntries(rows.map((r) => [r.t, r.h ?? ''])),
    redis: createHash('sha256').update(keys.join('\n')).digest('hex'),
  };
}

function send(req: FuzzRequest): Promise<{ status: number; contentType: string; body: string }> {
  return new Promise((resolve, reject) => {
    const r = request(
      {
        host: baseUrl.hostname,
        port: baseUrl.port,
        method: req.method,
        path: req.target,
        headers: req.headers,
        timeout: 15_000,
      },
      (res) => {
        const contentType = String(res.headers['content-type'] ?? '');
        if (contentType.includes('text/event-stream')) {
          // A stream that opened: take its head and go away (the client aborts, as browsers do).
          resolve({ status: res.statusCode ?? 0, contentType, body: '' });
          r.destroy();
          return;
        }
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            contentType: String(res.headers['content-type'] ?? ''),
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    r.on('error', reject);
    r.on('timeout', () => r.destroy(new Error('timeout')));
    const hard = setTimeout(() => r.destroy(new Error('no complete answer in 20 s')), 20_000);
    r.on('close', () => clearTimeout(hard));
    if (req.body !== undefined) r.write(req.body);
    r.end();
  });
}

const describeRequest = (req: FuzzRequest) =>
  `${req.method} ${req.target.slice(0, 160)} headers=${JSON.stringify(
    Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, v.slice(0, 60)])),
  )} body=${(req.body ?? '').slice(0, 160)}`;

beforeAll(async () => {
  h = await createMarketHarness();
  dataDir = await mkdtemp(join(tmpdir(), 'tender-fuzz-'));
  const context: ApiContext = {
    market: h.deps,
    redis: h.redis,
    redisPrefix: h.redisPrefix,
    artifactsDir: join(dataDir, 'artifacts'),
    operator: createWalletClient({
      account: privateKeyToAccount(devAccounts.deployer.privateKey),
      chain: h.deps.publicClient.chain,
      transport: http(h.anvil.rpcUrl),
    }),
    sessionSecret: 'tender-fuzz-session-secret-0123456789abcdef',
    publicUrl: 'http://127.0.0.1',
    operatorToken: OPERATOR_TOKEN,
  };
  app = await buildApp({ checks: {}, context });
  baseUrl = new URL(await app.listen({ port: 0, host: '127.0.0.1' }));
  context.publicUrl = baseUrl.origin;

  // Real credentials, so generated requests get past authentication most of the time.
  const account = privateKeyToAccount(devAccounts.requesters[0].privateKey);
  const { apiKey } = await createRequester(h.deps, { name: 'fuzz requester', address: account.address });
  credentials.requesterApiKey = apiKey;
  credentials.default = apiKey;
  const requester = new TenderClient({ baseUrl: baseUrl.origin, apiKey, account });
  await h.deps.publicClient.waitForTransactionReceipt({
    hash: await requester.deposit(parseEther('0.1'), h.anvil.rpcUrl),
  });
  const circuit = await requester.registerBuiltinCircuit('tiny');
  const model = await loadBuiltinModel('tiny');
  const pixels = Array.from({ length: model.input.shape.reduce((a, b) => a * b, 1) }, () => 1);
  const job = await requester.submitJob({
    circuitId: circuit.id,
    input: modelInput(model, pixels) as Record<string, unknown>,
    maxFee: 10n ** 15n,
  });
  // A staked, registered prover with a session, so prover routes are reached past their guards.
  const proverAccount = privateKeyToAccount(devAccounts.provers[0].privateKey);
  const proverWallet = createWalletClient({
    account: proverAccount,
    chain: h.deps.publicClient.chain,
    transport: http(h.anvil.rpcUrl),
  });
  await h.deps.publicClient.waitForTransactionReceipt({
    hash: await proverWallet.writeContract({
      address: h.deployment.addresses.staking,
      abi: tenderStakingAbi,
      functionName: 'stake',
      value: parseEther('1'),
    }),
  });
  const prover = new ProverClient({ baseUrl: baseUrl.origin, account: proverAccount });
  credentials.proverSession = (await prover.signIn()).token;
  await prover.register({ kind: 'cpu', maxConcurrency: 1, memoryMb: 4_096, maxConstraints: 100_000 });
  const known = {
    id: [job.id, circuit.id],
    jobId: [job.id],
    circuitId: [circuit.id],
    address: [proverAccount.address.toLowerCase()],
    kind: ['wasm', 'zkey', 'vkey'],
  };

  admin = new pg.Client({ connectionString: h.db.url });
  await admin.connect();
  const { rows } = await admin.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.tables
      WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> '_prisma_migrations'
      ORDER BY table_name`,
  );
  snapshotSql = rows
    .map(
      ({ table_name: t }) =>
        `SELECT '${t}' AS t, md5(coalesce(string_agg((to_jsonb(x) - 'last_used_at')::text, '|' ORDER BY x::text), '')) AS h FROM "${t}" x`,
    )
    .join(' UNION ALL ');

  const spec = app.swagger() as Parameters<typeof operationsOf>[0];
  const ops = operationsOf(spec);
  report(suite, `${ops.length} operations in the OpenAPI document; ${CASES} cases, seed ${SEED}`);
  const cases = fc.sample(
    fc.constantFrom(...ops).chain((op) => requestOf(op, credentials, known)),
    { numRuns: CASES, seed: SEED },
  );
  let before = await snapshot();
  for (const req of cases) {
    tried += 1;
    const route = `${req.method} ${req.op.path}`;
    byRoute.set(route, (byRoute.get(route) ?? 0) + 1);
    let res: Awaited<ReturnType<typeof send>>;
    try {
      res = await send(req);
    } catch (error) {
      findings.push({ kind: 'no answer', request: describeRequest(req), status: 0, detail: String(error) });
      before = await snapshot();
      continue;
    }
    statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    const perRoute = routeStatuses.get(route) ?? new Map<number, number>();
    perRoute.set(res.status, (perRoute.get(res.status) ?? 0) + 1);
    routeStatuses.set(route, perRoute);
    const finding = (kind: Finding['kind'], detail: string) =>
      findings.push({
        kind,
        request: describeRequest(req),
        status: res.status,
        detail: detail.slice(0, 300),
      });
    if (res.status >= 500) finding('5xx', res.body);
    if (res.status >= 400) {
      if (!res.contentType.startsWith('application/problem+json')) {
        finding('not problem+json', `${res.contentType}: ${res.body}`);
      } else {
        let code: unknown;
        try {
          code = (JSON.parse(res.body) as { code?: unknown }).code;
        } catch {
          code = undefined;
        }
        if (typeof code !== 'string' || !(code in errorCodes)) finding('no stable code', res.body);
      }
    }
    const after = await snapshot();
    if (res.status >= 400 && res.status < 500) {
      const changed = Object.keys(after.tables).filter((t) => after.tables[t] !== before.tables[t]);
      if (after.redis !== before.redis) changed.push('redis keys');
      if (changed.length > 0) finding('stored on 4xx', `changed: ${changed.join(', ')}`);
    }
    before = after;
  }
  const kinds = new Map<string, number>();
  for (const f of findings) kinds.set(f.kind, (kinds.get(f.kind) ?? 0) + 1);
  report(suite, `tried ${tried} requests over ${byRoute.size} routes`);
  report(suite, `statuses: ${JSON.stringify(Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])))}`);
  for (const [route, counts] of [...routeStatuses].sort()) {
    report(
      suite,
      `  ${route}: ${[...counts]
        .sort((a, b) => a[0] - b[0])
        .map(([k, v]) => `${k}×${v}`)
        .join(' ')}`,
    );
  }
  report(suite, `findings: ${findings.length} ${JSON.stringify(Object.fromEntries(kinds))}`);
  const shown = new Set<string>();
  for (const f of findings) {
    const key = `${f.kind}:${f.status}:${f.detail.slice(0, 60)}`;
    if (shown.has(key) || shown.size >= 25) continue;
    shown.add(key);
    report(suite, `  ${f.kind} (${f.status}) ${f.detail.slice(0, 160)}\n      ← ${f.request}`);
  }
  if (findings.length === 0)
    report(suite, 'held: 0 × 5xx, every 4xx problem+json with a TENDER_* code, nothing stored on a 4xx');
}, 1_800_000);

afterAll(async () => {
  await admin?.end();
  await app?.close();
  await h?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('bad input over every route of the OpenAPI document (fast-check, real HTTP)', () => {
  it('covers every operation the api documents', () => {
    const ops = operationsOf(app.swagger() as Parameters<typeof operationsOf>[0]);
    expect(ops.length).toBeGreaterThan(10);
    for (const op of ops)
      expect(byRoute.get(`${op.method} ${op.path}`), `${op.method} ${op.path}`).toBeGreaterThan(0);
  });

  it('never answers 5xx (and always answers)', () => {
    expect(findings.filter((f) => f.kind === '5xx' || f.kind === 'no answer')).toEqual([]);
  });

  it('answers every 4xx as application/problem+json with a stable TENDER_* code', () => {
    expect(findings.filter((f) => f.kind === 'not problem+json' || f.kind === 'no stable code')).toEqual([]);
  });

  it('stores nothing on a 4xx (table contents and Redis keys unchanged)', () => {
    expect(findings.filter((f) => f.kind === 'stored on 4xx')).toEqual([]);
  });
});
