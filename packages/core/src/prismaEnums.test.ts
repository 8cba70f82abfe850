import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { assignmentStatuses } from './assignmentLifecycle.ts';
import { auctionStatuses } from './auctionLifecycle.ts';
import { batchStatuses } from './batchLifecycle.ts';
import { proofStatuses, proverKinds, webhookDeliveryStatuses } from './enums.ts';
import { jobStatuses } from './jobLifecycle.ts';
import { slashStatuses } from './slashLifecycle.ts';

// The status names are shared with prisma/schema.prisma and must stay identical, in the same order.
const schemaUrl = new URL('../../../prisma/schema.prisma', import.meta.url);

function prismaEnums(schema: string): Map<string, string[]> {
  const enums = new Map<string, string[]>();
  for (const match of schema.matchAll(/^enum\s+(\w+)\s*\{([^}]*)\}/gm)) {
    const values = (match[2] ?? '')
      .split('\n')
      .map((line) => line.replace(/\/\/.*$/, '').trim())
      .filter((line) => line !== '' && !line.startsWith('@@'))
      .map((line) => line.split(/\s+/)[0] ?? '');
    enums.set(match[1] ?? '', values);
  }
  return enums;
}

describe('status enums match prisma/schema.prisma', () => {
  const enums = prismaEnums(readFileSync(schemaUrl, 'utf8'));

  it.each<[string, readonly string[]]>([
    ['JobStatus', jobStatuses],
    ['AuctionStatus', auctionStatuses],
    ['AssignmentStatus', assignmentStatuses],
    ['BatchStatus', batchStatuses],
    ['SlashStatus', slashStatuses],
    ['ProofStatus', proofStatuses],
    ['ProverKind', proverKinds],
    ['WebhookDeliveryStatus', webhookDeliveryStatuses],
  ])('%s', (name, values) => {
    expect(enums.get(name)).toEqual([...values]);
  });
});
