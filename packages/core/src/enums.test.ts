import { describe, expect, it } from 'vitest';
import { proofStatuses, proverKinds, webhookDeliveryStatuses } from './enums.ts';

describe('status enums without a lifecycle', () => {
  it('are spelled exactly like the Prisma enums', () => {
    expect([...proverKinds]).toEqual(['gpu', 'cpu']);
    expect([...proofStatuses]).toEqual(['received', 'valid', 'invalid']);
    expect([...webhookDeliveryStatuses]).toEqual(['pending', 'delivered', 'failed']);
  });
});
