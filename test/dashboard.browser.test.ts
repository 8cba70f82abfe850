import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '@tender/api';
import { chainFor, devAccounts } from '@tender/chain';
import type { TenderPrisma } from '@tender/db';
import { insertCircuit, insertRequester, randomHex } from '@tender/db/testing';
import { openAuction } from '@tender/market';
import { createMarketHarness, type MarketHarness } from '@tender/market/testing';
import type { FastifyInstance } from 'fastify';
import { type Browser, chromium, type Page } from 'playwright-core';
import { createWalletClient, http } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The operator dashboard in a real browser, over a real api and market (Postgres, Redis, anvil):
// the page must show what the database holds, and follow changes live without a reload.

const CHROMIUM = '/usr/bin/chromium';
const FEE_BPS = 250;
const ETH = 10n ** 18n;

let h: MarketHarness;
let artifactsDir: string;
let browser: Browser;
const apps: FastifyInstance[] = [];
let seeded: Awaited<ReturnType<typeof seed>>;

/** A job in `status` with an accepted/live assignment at `price` (its own auction round) when given. */
async function seedJob(
  prisma: TenderPrisma,
  ids: { requesterId: string; circuitId: string },
  status: 'submitted' | 'auctioning' | 'assigned' | 'proving' | 'proven' | 'batched' | 'verified' | 'expired',
  assignment?: { proverId: string; price: bigint; status: 'awarded' | 'proving' | 'accepted' },
) {
  const now = Date.now();
  const job = await prisma.job.create({
    data: {
      ...ids,
      input: { in: [3, 4] },
      inputHash: randomHex(32),
      chainJobId: randomHex(32),
      maxFeeWei: (ETH / 100n).toString(),
      deadline: new Date(now + 3_600_000),
      status,
      round: assignment ? 1 : 0,
      provenAt: ['proven', 'batched', 'verified'].includes(status) ? new Date(now - 20_000) : null,
      verifiedAt: status === 'verified' ? new Date(now - 10_000) : null,
    },
  });
  if (assignment) {
    const auction = await prisma.auction.create({
      data: {
        jobId: job.id,
        round: 1,
        status: 'awarded',
        opensAt: new Date(now - 60_000),
        closesAt: new Date(now - 59_000),
      },
    });
    await prisma.assignment.create({
      data: {
        jobId: job.id,
        auctionId: auction.id,
        proverId: assignment.proverId,
        round: 1,
        priceWei: assignment.price.toString(),
        collateralLockedWei: '0',
        deadline: new Date(now + 60_000),
        status: assignment.status,
      },
    });
  }
  return job;
}

/** A small but complete market: provers, jobs in most statuses, batches with gas, slashes. */
async function seed(prisma: TenderPrisma) {
  const now = Date.now();
  const requester = await insertRequester(prisma, 'demo requester');
  const circuit = await insertCircuit(prisma);
  const prover = (
    name: string,
    kind: 'gpu' | 'cpu',
    heartbeatAgoMs: number,
    stake: bigint,
    reliability: number,
  ) =>
    prisma.prover.create({
      data: {
        address: randomHex(20),
        name,
        kind,
        maxConcurrency: kind === 'gpu' ? 4 : 2,
        memoryMb: 16_384,
        maxConstraints: 10_000_000,
        stakeWei: stake.toString(),
        collateralTotalWei: ETH.toString(),
        collateralLockedWei: (ETH / 50n).toString(),
        reliability,
        lastHeartbeatAt: new Date(now - heartbeatAgoMs),
      },
    });
  const gpu = await prover('gpu-1', 'gpu', 2_000, 10n * ETH, 0.98);
  const cpu = await prover('cpu-1', 'cpu', 4_000, 5n * ETH, 0.91);
  const silent = await prover('silent', 'cpu', 10 * 60_000, 5n * ETH, 0.4);

  const ids = { requesterId: requester.id, circuitId: circuit.id };
  const verifiedPrices = [1_234_567_891_234_567n, 987_654_321_098_765n, 1_000_000_000_000_039n];
  const verified = [];
  for (const [i, price] of verifiedPrices.entries()) {
    verified.push(
      await seedJob(prisma, ids, 'verified', {
        proverId: i % 2 ? cpu.id : gpu.id,
        price,
        status: 'accepted',
      }),
    );
  }
  await seedJob(prisma, ids, 'proven', { proverId: gpu.id, price: 2n * 10n ** 15n, status: 'accepted' });
  await seedJob(prisma, ids, 'proving', { proverId: cpu.id, price: 3n * 10n ** 15n, status: 'proving' });
  await seedJob(prisma, ids, 'assigned', { proverId: gpu.id, price: 10n ** 15n, status: 'awarded' });
  await seedJob(prisma, ids, 'auctioning');
  await seedJob(prisma, ids, 'submitted');
  await seedJob(prisma, ids, 'expired');

  const batches = [
    { size: 2, gasUsed: 600_000n, ago: 50_000 },
    { size: 1, gasUsed: 450_000n, ago: 30_000 },
  ];
  for (const [i, b] of batches.entries()) {
    await prisma.batch.create({
      data: {
        status: 'confirmed',
        size: b.size,
        gasUsed: b.gasUsed,
        txHash: randomHex(32),
        blockNumber: BigInt(100 + i),
        merkleRoot: randomHex(32),
        createdAt: new Date(now - b.ago),
        confirmedAt: new Date(now - b.ago + 2_000),
      },
    });
  }
  await prisma.batch.create({ data: { status: 'pending', size: 1 } });
  await prisma.slash.create({
    data: {
      proverId: silent.id,
      jobId: verified[0]!.id,
      evidence: { reason: 'proof does not verify' },
      evidenceHash: randomHex(32),
      status: 'confirmed',
      txHash: randomHex(32),
      slashedWei: ETH.toString(),
      challengerRewardWei: (ETH / 2n).toString(),
      requesterRewardWei: (ETH / 2n).toString(),
    },
  });
  const fees = verifiedPrices.reduce((sum, p) => sum + (p * BigInt(FEE_BPS)) / 10_000n, 0n);
  const paid = verifiedPrices.reduce((sum, p) => sum + p, 0n);
  return { requester, circuit, gpu, cpu, silent, fees, paid, gasPerProof: Math.round(1_050_000 / 3) };
}

async function startApi(operatorToken?: string): Promise<string> {
  const app = await buildApp({
    checks: {},
    context: {
      market: h.deps,
      redis: h.redis,
      redisPrefix: h.redisPrefix,
      artifactsDir,
      operator: createWalletClient({
        account: privateKeyToAccount(devAccounts.operator.privateKey),
        chain: chainFor(h.anvil.rpcUrl, h.deployment.chainId),
        transport: http(h.anvil.rpcUrl),
      }),
      sessionSecret: 'dashboard-test-secret',
      publicUrl: 'http://127.0.0.1',
      ...(operatorToken === undefined ? {} : { operatorToken }),
    },
  });
  apps.push(app);
  return app.listen({ port: 0, host: '127.0.0.1' });
}

const metric = (page: Page, name: string) => page.locator(`[data-metric="${name}"]`).first();

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (the CI script installs it)`);
  }
  h = await createMarketHarness({ config: { feeBps: FEE_BPS } });
  artifactsDir = await mkdtemp(join(tmpdir(), 'tender-dashboard-test-'));
  seeded = await seed(h.deps.prisma);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
});

afterAll(async () => {
  await browser?.close();
  for (const app of apps) await app.close();
  await h?.close();
  if (artifactsDir) await rm(artifactsDir, { recursive: true, force: true });
});

describe('operator dashboard in a browser', () => {
  it('shows the numbers the database holds, then follows a job through its statuses without a reload', async () => {
    const base = await startApi();
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    const failed: string[] = [];
    page.on('requestfailed', (r) => failed.push(`${r.url()} ${r.failure()?.errorText}`));
    page.on('pageerror', (e) => failed.push(`page error: ${e.message}`));
    const offOrigin: string[] = [];
    page.on('request', (r) => {
      if (!r.url().startsWith(base) && !r.url().startsWith('data:')) offOrigin.push(r.url());
    });

    await page.goto(`${base}/`); // redirected to /dashboard/
    expect(page.url()).toBe(`${base}/dashboard/`);
    await page.locator('#live[data-state="live"]').waitFor();
    await page.waitForFunction('document.body.dataset.generatedAt !== undefined');

    // Cards against the database, counted here independently of the overview service.
    const { prisma } = h.deps;
    const jobs = await prisma.job.count();
    const alive = await prisma.prover.count({
      where: { lastHeartbeatAt: { gte: new Date(Date.now() - h.deps.config.heartbeatTtlMs) } },
    });
    expect(jobs).toBe(9);
    expect(alive).toBe(2);
    await expect.poll(() => metric(page, 'jobs-total').textContent()).toBe(String(jobs));
    expect(await metric(page, 'provers-alive').textContent()).toBe(String(alive));
    expect(await metric(page, 'provers-total').textContent()).toBe('3');
    expect(await metric(page, 'jobs-verified').textContent()).toBe('3');
    expect(await metric(page, 'batches-confirmed').textContent()).toBe('2');
    expect(await metric(page, 'proofs-settled').textContent()).toBe('3');
    expect(await metric(page, 'gas-per-proof').textContent()).toBe(
      seeded.gasPerProof.toLocaleString('en-US'),
    );
    expect(await metric(page, 'slashes-confirmed').textContent()).toBe('1');
    expect(await metric(page, 'escrow-settled').getAttribute('title')).toBe(
      `${seeded.paid + seeded.fees} wei`,
    );
    expect(await metric(page, 'fees-earned').getAttribute('title')).toBe(`${seeded.fees} wei`);
    expect(await metric(page, 'slashed').textContent()).toBe('1 ETH');
    expect(await page.locator('[data-status-count="verified"]').textContent()).toBe('3');
    expect(await page.locator('#provers tbody tr').count()).toBe(3);
    expect(
      await page.locator(`#provers tr[data-prover="${seeded.silent.address}"] .alive`).textContent(),
    ).toBe('silent');
    expect(await page.locator('#jobs tbody tr[data-job-id]').count()).toBe(jobs);
    expect(await page.locator('#batches tbody tr[data-batch-id]').count()).toBe(3);
    expect(await page.locator('#slashes tbody tr[data-slash-id]').count()).toBe(1);

    // Live: a job is submitted, then the market's openAuction service moves it, with no reload.
    await page.evaluate('window.sameDocument = true'); // lost if the page reloads
    const job = await prisma.job.create({
      data: {
        requesterId: seeded.requester.id,
        circuitId: seeded.circuit.id,
        input: { in: [5, 6] },
        inputHash: randomHex(32),
        maxFeeWei: (ETH / 100n).toString(),
        deadline: new Date(Date.now() + 3_600_000),
      },
    });
    await prisma.job.update({ where: { id: job.id }, data: { chainJobId: randomHex(32) } });
    await h.events.operator({ type: 'job', at: Date.now(), id: job.id, status: 'submitted' });
    const status = page.locator(`#jobs tr[data-job-id="${job.id}"] [data-field="status"]`);
    await expect.poll(() => status.textContent(), { timeout: 10_000 }).toBe('submitted');
    await expect.poll(() => metric(page, 'jobs-total').textContent()).toBe(String(jobs + 1));

    const auctioningBefore = Number(await page.locator('[data-status-count="auctioning"]').textContent());
    const opened = await openAuction(h.deps, job.id, 1);
    expect(opened.status).toBe('opened');
    const movedAt = performance.now();
    await expect.poll(() => status.textContent(), { timeout: 10_000, interval: 20 }).toBe('auctioning');
    const seenAfterMs = performance.now() - movedAt;
    console.log(`dashboard showed the status change ${seenAfterMs.toFixed(0)} ms after openAuction returned`);
    expect(await page.locator('[data-status-count="auctioning"]').textContent()).toBe(
      String(auctioningBefore + 1),
    );
    expect(await page.locator('#activity li[data-event-type="auction"]').count()).toBeGreaterThan(0);
    expect(await page.evaluate('window.sameDocument')).toBe(true);

    // The page's formatters (wei → ETH never rounds an amount to zero).
    // (a string, so that vitest does not rewrite the page's dynamic import)
    const formatted = await page.evaluate(
      `import('${base}/dashboard/format.js').then((f) => [f.formatWei('0'), f.formatWei('1039'), f.formatWei('25000000000'), f.formatWei('1234567891234567891')])`,
    );
    expect(formatted).toEqual(['0 ETH', '1,039 wei', '25 gwei', '1.234567 ETH']);

    expect(failed).toEqual([]);
    expect(offOrigin).toEqual([]);

    const screenshot = process.env.TENDER_DASHBOARD_SCREENSHOT ?? join(artifactsDir, 'dashboard.png');
    await page.screenshot({ path: screenshot, fullPage: true });
    expect(existsSync(screenshot)).toBe(true);
    await page.close();
  });

  it('asks for the operator token when the api has one, then shows the data', async () => {
    const base = await startApi('dashboard-operator-token');
    const page = await browser.newPage();
    await page.goto(`${base}/dashboard/`);
    await page.locator('#auth').waitFor({ state: 'visible' });
    expect(await metric(page, 'jobs-total').textContent()).toBe('—');
    await page.fill('#token', 'dashboard-operator-token');
    await page.click('#auth button');
    await page.locator('#live[data-state="live"]').waitFor();
    expect(Number(await metric(page, 'jobs-total').textContent())).toBe(await h.deps.prisma.job.count());
    expect(await page.locator('#auth').isHidden()).toBe(true);
    await page.close();
  });
});
