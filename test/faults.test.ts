import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type AnvilInstance,
  chainFor,
  deployTender,
  devAccounts,
  startAnvil,
  type TenderDeployment,
} from '@tender/chain';
import { loadBuiltinModel, modelInput } from '@tender/circuits';
import { repoRoot } from '@tender/config';
import { createTestDatabase, type TestDatabase } from '@tender/db/testing';
import { createRequester } from '@tender/market';
import { TenderClient } from '@tender/sdk';
import { createPublicClient, type Hex, http, parseEther } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppLauncher, type AppProcess, appLauncher, freePort, until } from './support/appProcesses.ts';
import { checkMarketInvariants, type InvariantReport, marketBalances } from './support/marketInvariants.ts';
import { type ProverProcesses, startProverProcesses } from './support/proverProcesses.ts';
import { report, scaled } from './support/scale.ts';
import { distinctPixelImages, seededRandom } from './support/seededRandom.ts';
import {
  type PostgresCluster,
  type RedisServer,
  startPostgresCluster,
  startRedisServer,
} from './support/throwawayServices.ts';

// Faults while jobs flow. The api, scheduler and aggregator run as separate processes (as
// `npm run start -w apps/<app>`), two provers as theirs, on a Postgres cluster and a Redis
// server of this test alone (so Postgres can be restarted and Redis flushed for real) and an
// anvil. Jobs are submitted all along; each fault is injected in turn (each once in `npm test`,
// three times under TENDER_SCALE=full): kill -9 of the api, the scheduler, the aggregator, a
// prover, all of them together; FLUSHALL of Redis; an immediate (crash) restart of Postgres;
// anvil snapshot → a few blocks (a deposit among them) → revert. Then the market must hold:
// every accepted job ended, none paid twice, money on-chain as the prices say, no assignment
// stuck, and the indexer's view equal to the chain.

const ROUNDS = scaled(1, 3);
const JOBS_PER_FAULT = scaled(1, 4);
const FAULTS = ['api', 'scheduler', 'aggregator', 'prover', 'all', 'redis', 'postgres', 'chain'] as const;
type Fault = (typeof FAULTS)[number];
const suite = 'faults';
const echo = process.env.TENDER_E2E_LOG === '1';
const STAKE = parseEther('1');

let pgCluster: PostgresCluster;
let redis: RedisServer;
let anvil: AnvilInstance;
let deployment: TenderDeployment;
let db: TestDatabase;
let dataDir: string;
let apps: AppLauncher;
let apiPort: number;
const running: Partial<Record<'api' | 'scheduler' | 'aggregator', AppProcess>> = {};
const provers: (ProverProcesses | undefined)[] = [];
let invariants: InvariantReport;
const accepted: string[] = [];
const survived: string[] = [];
let submitErrors = 0;

const appEnv = {
  api: {},
  scheduler: { AUCTION_WINDOW_MS: '3000', RECONCILE_INTERVAL_MS: '2000' },
  aggregator: {
    BATCH_SIZE: '4',
    BATCH_MAX_AGE_MS: '1000',
    BATCH_INTERVAL_MS: '500',
    CHAIN_INTERVAL_MS: '1000',
  },
} as const;

async function startApp(app: 'api' | 'scheduler' | 'aggregator'): Promise<void> {
  running[app] = await apps.start(app, appEnv[app], app === 'api' ? apiPort : undefined);
}

function startProver(i: number): void {
  provers[i] = startProverProcesses({
    root: repoRoot(),
    apiUrl: `http://127.0.0.1:${apiPort}`,
    rpcUrl: anvil.rpcUrl,
    dataDir: join(dataDir, `prover-${i}`),
    provers: [{ devIndex: i, backend: 'snarkjs' }],
    concurrency: 2,
    stakeWei: STAKE,
    echo,
  });
}

async function kill9Prover(i: number): Promise<void> {
  const p = provers[i];
  const pid = p?.provers[0]?.child.pid;
  if (pid) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
  if (p) await until(() => p.allGone(), `prover ${i} to die`, 10_000);
}

const prisma = () => db.prisma;

async function verifiedCount(): Promise<number> {
  try {
    return await prisma().job.count({ where: { status: 'verified' } });
  } catch {
    return -1; // Postgres restarting
  }
}

async function inject(fault: Fault): Promise<void> {
  switch (fault) {
    case 'api':
    case 'scheduler':
    case 'aggregator':
      await apps.kill9(running[fault]!);
      await startApp(fault);
      return;
    case 'prover':
      await kill9Prover(0);
      startProver(0);
      await until(
        () => provers[0]!.provers[0]!.lines.some((l) => l.includes('registered')),
        'prover 0 to register again',
        180_000,
      );
      return;
    case 'all':
      await Promise.all([
        apps.kill9(running.api!),
        apps.kill9(running.scheduler!),
        apps.kill9(running.aggregator!),
        kill9Prover(0),
        kill9Prover(1),
      ]);
      await startApp('api');
      await Promise.all([startApp('scheduler'), startApp('aggregator')]);
      startProver(0);
      startProver(1);
      await until(
        () => provers.every((p) => p?.provers[0]?.lines.some((l) => l.includes('registered'))),
        'the provers to register again',
        180_000,
      );
      return;
    case 'redis':
      await redis.flushAll();
      return;
    case 'postgres':
      await pgCluster.restart();
      return;
    case 'chain': {
      // A snapshot, a deposit and a few blocks the indexer sees, then the revert: those blocks
      // (and the deposit) are gone, and new blocks with other hashes take their height.
      const rpc = (method: string, params: unknown[] = []) =>
        fetch(anvil.rpcUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
        }).then(async (r) => ((await r.json()) as { result: unknown }).result);
      const snapshot = await rpc('evm_snapshot');
      const client = publicClient();
      await client.waitForTransactionReceipt({
        hash: await requester.deposit(1n, anvil.rpcUrl),
      });
      await rpc('anvil_mine', ['0x3']);
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      const reverted = await rpc('evm_revert', [snapshot]);
      if (reverted !== true) throw new Error('evm_revert failed');
      await rpc('anvil_mine', ['0x5']);
      return;
    }
  }
}

let requester: TenderClient;
let circuitId: Hex;
const publicClient = () =>
  createPublicClient({ chain: chainFor(anvil.rpcUrl, deployment.chainId), transport: http(anvil.rpcUrl) });

beforeAll(async () => {
  [pgCluster, redis, anvil] = await Promise.all([startPostgresCluster(), startRedisServer(), startAnvil()]);
  deployment = await deployTender({
    rpcUrl: anvil.rpcUrl,
    deployerKey: devAccounts.deployer.privateKey,
    params: {
      operators: [devAccounts.deployer.address, devAccounts.operator.address],
      treasury: devAccounts.treasury.address,
    },
  });
  db = await createTestDatabase({ adminUrl: pgCluster.adminUrl });
  dataDir = await mkdtemp(join(tmpdir(), 'tender-faults-'));
  apps = await appLauncher(
    { databaseUrl: db.url, redisUrl: redis.url, redisPrefix: 'faults', rpcUrl: anvil.rpcUrl, deployment },
    { dataDir: join(dataDir, 'apps'), echo },
  );
  apiPort = await freePort();
  await startApp('api');
  await Promise.all([startApp('scheduler'), startApp('aggregator')]);

  const account = privateKeyToAccount(devAccounts.requesters[0].privateKey);
  const { apiKey } = await createRequester(
    { prisma: db.prisma },
    { name: 'faults requester', address: account.address },
  );
  requester = new TenderClient({ baseUrl: `http://127.0.0.1:${apiPort}`, apiKey, account });
  await publicClient().waitForTransactionReceipt({
    hash: await requester.deposit(parseEther('1'), anvil.rpcUrl),
  });
  circuitId = (await requester.registerBuiltinCircuit('tiny')).id as Hex;
  const view = { deps: { prisma: db.prisma, publicClient: publicClient() as never }, deployment };
  const before = await marketBalances(view, [
    account.address,
    devAccounts.provers[0].address,
    devAccounts.provers[1].address,
  ]);
  startProver(0);
  startProver(1);
  // Faults hit a running market: both provers registered first (a prover whose api is gone
  // while it starts up exits — apps/prover does not retry its registration).
  await until(
    async () =>
      (await db.prisma.prover.count({
        where: {
          address: {
            in: [devAccounts.provers[0].address, devAccounts.provers[1].address].map((a) => a.toLowerCase()),
          },
        },
      })) === 2,
    'both provers to register',
    180_000,
  );

  const model = await loadBuiltinModel('tiny');
  const pixels = model.input.shape.reduce((a, b) => a * b, 1);
  const total = FAULTS.length * ROUNDS * JOBS_PER_FAULT + JOBS_PER_FAULT;
  const inputs = distinctPixelImages(seededRandom(0xfa17), total, pixels, model.input.bits).map(
    (image) => modelInput(model, image) as Record<string, unknown>,
  );
  let next = 0;
  /** Submits `n` jobs; a submission the api did not answer is retried with its idempotency key. */
  const submit = async (n: number) => {
    for (let k = 0; k < n; k++) {
      const input = inputs[next++]!;
      const idempotencyKey = `faults-${next}`;
      for (let attempt = 0; attempt < 60; attempt++) {
        try {
          accepted.push(
            (await requester.submitJob({ circuitId, input, maxFee: 10n ** 15n, idempotencyKey })).id,
          );
          break;
        } catch {
          submitErrors += 1;
          await new Promise((resolve) => setTimeout(resolve, 1_000));
        }
      }
    }
  };

  await submit(JOBS_PER_FAULT);
  for (let round = 1; round <= ROUNDS; round++) {
    for (const fault of FAULTS) {
      const progress = await verifiedCount();
      await submit(JOBS_PER_FAULT);
      // Inject while the last jobs are in flight.
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      await inject(fault);
      survived.push(`${fault}#${round}`);
      report(
        suite,
        `round ${round}: ${fault} injected (${progress} verified before it, ${accepted.length} accepted)`,
      );
      await until(
        async () => (await verifiedCount()) > progress,
        `progress after the ${fault} fault`,
        240_000,
      );
    }
  }
  const ended = async () => {
    try {
      return (
        (await prisma().job.count({ where: { status: { in: ['verified', 'expired', 'cancelled'] } } })) ===
        accepted.length
      );
    } catch {
      return false;
    }
  };
  await until(ended, `all ${accepted.length} accepted jobs to end`, scaled(400_000, 1_200_000));
  await until(
    async () => (await checkMarketInvariants(view, before)).indexerMissing === 0,
    'the indexer to catch up',
    60_000,
  );
  invariants = await checkMarketInvariants(view, before);
  report(suite, `faults survived: ${survived.join(', ')}`);
  report(suite, `submissions retried: ${submitErrors}; accepted jobs: ${accepted.length}`);
  report(
    suite,
    `invariants: ${JSON.stringify(invariants, (_, v) => (typeof v === 'bigint' ? v.toString() : v))}`,
  );
}, 3_600_000);

afterAll(async () => {
  for (const p of provers) await p?.stop(0).catch(() => {});
  await apps?.stopAll();
  await db?.drop().catch(() => {});
  await anvil?.stop();
  await redis?.stop();
  await pgCluster?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('faults while jobs flow (kill -9 of each app and prover, Redis flush, Postgres restart, chain revert)', () => {
  it('injects every fault and keeps accepting jobs', () => {
    expect(survived).toHaveLength(FAULTS.length * ROUNDS);
    expect(new Set(accepted).size).toBe(accepted.length);
  });

  it('ends every accepted job (verified, expired or cancelled) and leaves no assignment open', () => {
    expect(invariants.jobs).toBe(accepted.length);
    expect(invariants.unfinished).toEqual([]);
    expect(invariants.stuckAssignments).toEqual([]);
  });

  it('pays no job twice: the chain settled exactly the verified jobs, each included once', () => {
    expect(invariants.settledOnChain).toBe(invariants.byStatus.verified ?? 0);
    expect(invariants.inSeveralBatches).toEqual([]);
    expect(invariants.notIncluded).toEqual([]);
    expect(invariants.batchMismatches).toEqual([]);
  });

  it("moves the money on-chain as the settled prices say (provers' earnings, the requester's escrow)", () => {
    expect(invariants.moneyMismatches).toEqual([]);
    expect(invariants.prices).toBeGreaterThan(0n);
  });

  it("keeps the indexer's view equal to the chain (after the revert too)", () => {
    expect(invariants.indexerMissing).toBe(0);
    expect(invariants.indexerExtra).toBe(0);
  });
});
