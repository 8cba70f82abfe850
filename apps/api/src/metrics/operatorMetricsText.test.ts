import { createTestDatabase, insertProver, randomHex, type TestDatabase } from '@tender/db/testing';
import { defaultMarketConfig, operatorMetrics } from '@tender/market';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderPrometheus } from './prometheusText.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.drop());

const sampleLine = /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\\n]|\\.)*",?)*\})? \S+$/;

describe('operatorMetrics', () => {
  it('exposes every status with a count, provers alive and confirmed gas, in valid exposition lines', async () => {
    const now = Date.now();
    const deps = { prisma: db.prisma, config: defaultMarketConfig, now: () => now };
    await insertProver(db.prisma);
    const stale = await insertProver(db.prisma);
    await db.prisma.prover.update({
      where: { id: stale.id },
      data: { lastHeartbeatAt: new Date(now - 3_600_000) },
    });
    await db.prisma.batch.create({
      data: { status: 'confirmed', size: 4, gasUsed: 1_000_000n, txHash: randomHex(32) },
    });

    const text = renderPrometheus(await operatorMetrics(deps));
    const lines = text.trimEnd().split('\n');
    for (const line of lines.filter((l) => !l.startsWith('#'))) expect(line).toMatch(sampleLine);
    expect(lines).toContain('tender_jobs{status="verified"} 0');
    expect(lines.filter((l) => l.startsWith('tender_jobs{'))).toHaveLength(10);
    expect(lines).toContain('tender_provers 2');
    expect(lines).toContain('tender_provers_alive 1');
    expect(lines).toContain('tender_batches{status="confirmed"} 1');
    expect(lines).toContain('tender_settled_proofs_total 4');
    expect(lines).toContain('tender_settlement_gas_used_total 1000000');
    expect(lines).toContain('tender_escrow_settled_wei_total 0');
    expect(lines).toContain('# TYPE tender_slashed_wei_total counter');
  });
});
