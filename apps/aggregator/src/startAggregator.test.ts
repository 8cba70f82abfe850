import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tenderStakingAbi } from '@tender/chain';
import { createSettlementKit, type ProvenJob, type SettlementKit } from '@tender/market/testing';
import { createRedisConnection } from '@tender/queue';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Aggregator, startAggregator } from './startAggregator.ts';

const secret = 'aggregator-test-webhook-secret';
let kit: SettlementKit;
let server: Server;
let hookUrl: string;
const hooks: { headers: IncomingMessage['headers']; body: string }[] = [];
const answers = [500];

beforeAll(async () => {
  kit = await createSettlementKit({ batchMaxAgeMs: 0 });
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      hooks.push({ headers: req.headers, body });
      res.writeHead(answers.shift() ?? 200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  hookUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/tender`;
});
afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  await kit?.close();
});

describe('aggregator', () => {
  let aggregator: Aggregator;
  let jobs: ProvenJob[];

  it('settles proven jobs, slashes a signed invalid proof, indexes both and delivers a signed webhook after a 500', async () => {
    jobs = [
      await kit.insertProvenJob({ requester: 0, prover: 0, n: 1, webhookUrl: hookUrl }),
      await kit.insertProvenJob({ requester: 1, prover: 1, n: 2 }),
    ];
    const bad = await kit.insertProvenJob({ requester: 0, prover: 2, n: 3, corrupt: true });
    const connections: ReturnType<typeof createRedisConnection>[] = [];
    aggregator = await startAggregator({
      market: { ...kit.h.deps, config: { ...kit.h.deps.config, webhookAllow: ['127.0.0.1'] } },
      connection: () => {
        const c = createRedisConnection('redis://127.0.0.1:6379');
        connections.push(c);
        return c;
      },
      prefix: kit.h.redisPrefix,
      operator: kit.operator.walletClient,
      webhookSecret: secret,
      batchIntervalMs: 100,
      chainIntervalMs: 100,
    });
    const prisma = kit.h.deps.prisma;
    try {
      await expect
        .poll(
          async () =>
            (await prisma.job.findMany({ where: { id: { in: jobs.map((j) => j.jobId) } } })).map(
              (j) => j.status,
            ),
          {
            timeout: 30_000,
            interval: 200,
          },
        )
        .toEqual(['verified', 'verified']);
      await expect
        .poll(async () => (await prisma.slash.findFirst({ where: { jobId: bad.jobId } }))?.status, {
          timeout: 30_000,
          interval: 200,
        })
        .toBe('confirmed');
      expect((await prisma.job.findUniqueOrThrow({ where: { id: bad.jobId } })).status).toBe('auctioning');

      // Webhook: the first attempt got a 500, the retry (BullMQ backoff) was delivered, signed.
      await expect
        .poll(
          async () => (await prisma.webhookDelivery.findFirst({ where: { jobId: jobs[0]!.jobId } }))?.status,
          {
            timeout: 30_000,
            interval: 200,
          },
        )
        .toBe('delivered');
      const delivery = await prisma.webhookDelivery.findFirstOrThrow({ where: { jobId: jobs[0]!.jobId } });
      expect(delivery.attempts).toBe(2);
      expect(hooks).toHaveLength(2);
      for (const hook of hooks) {
        expect(hook.headers['x-tender-signature']).toBe(
          `sha256=${createHmac('sha256', secret).update(hook.body).digest('hex')}`,
        );
        expect(hook.headers['x-tender-delivery']).toBe(delivery.id);
      }
      const payload = JSON.parse(hooks[1]!.body);
      expect(payload).toMatchObject({ event: 'job.verified', jobId: jobs[0]!.jobId, status: 'verified' });
      expect(payload.inclusion.proof).toBeInstanceOf(Array);

      // Indexer: the settlement and the slash are in ChainEvent; the slashed prover's stake is refreshed.
      await expect
        .poll(
          async () =>
            (
              await prisma.chainEvent.findMany({
                where: { eventName: { in: ['BatchSettled', 'ProverSlashed', 'StakeSlashed'] } },
              })
            )
              .map((e) => e.eventName)
              .sort(),
          { timeout: 30_000, interval: 200 },
        )
        .toEqual(['BatchSettled', 'ProverSlashed', 'StakeSlashed']);
      const slashedProver = kit.provers[2]!.account.address;
      const onChain = await kit.h.deps.publicClient.readContract({
        address: kit.h.deployment.addresses.staking,
        abi: tenderStakingAbi,
        functionName: 'stakeOf',
        args: [slashedProver],
      });
      await expect
        .poll(async () => {
          const row = await prisma.prover.findUniqueOrThrow({
            where: { address: slashedProver.toLowerCase() },
          });
          return BigInt(row.stakeWei.toFixed());
        })
        .toBe(onChain);
    } finally {
      await aggregator.close();
      for (const c of connections) await expect.poll(() => c.status).toBe('end');
    }
  });
});
