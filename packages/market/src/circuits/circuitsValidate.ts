import { TenderError } from '@tender/core';
import type { CircuitInput } from '@tender/zk';
import type { MarketDeps } from '../deps/marketDeps.ts';

const DAY_MS = 86_400_000;

/**
 * Refuses an upload that would make the operator pay for one more on-chain
 * circuit registration than the requester's daily allowance
 * (`config.circuitRegistrationsPerDay`, counted over the last 24 h of
 * circuits this requester had registered on-chain). Re-uploads of a circuit
 * already registered cost nothing and are not counted. Throws
 * `TENDER_RATE_LIMITED` (429) with `retryAfterS`; nothing is stored.
 *
 * Concurrent uploads by one requester may each pass the count before either
 * is recorded, so the bound is the allowance plus the requester's uploads in
 * flight (each already limited by the upload checks' cost).
 */
export async function assertCircuitRegistrationAllowed(
  deps: Pick<MarketDeps, 'prisma' | 'config' | 'now'>,
  requesterId: string,
): Promise<void> {
  const limit = deps.config.circuitRegistrationsPerDay;
  const since = new Date(deps.now() - DAY_MS);
  const recent = await deps.prisma.circuit.findMany({
    where: { requesterId, registeredAt: { gte: since } },
    select: { registeredAt: true },
    orderBy: { registeredAt: 'asc' },
  });
  if (recent.length < limit) return;
  const oldest = recent[recent.length - limit]?.registeredAt?.getTime() ?? deps.now();
  throw new TenderError(
    'TENDER_RATE_LIMITED',
    `at most ${limit} circuit registrations per requester per day (the operator pays their gas)`,
    {
      details: {
        limit,
        registeredLast24h: recent.length,
        retryAfterS: Math.max(1, Math.ceil((oldest + DAY_MS - deps.now()) / 1000)),
      },
    },
  );
}

/**
 * Parses the optional `sampleInput` of an upload (JSON object of input
 * signals) that registration computes a witness and a proof for. Throws
 * `TENDER_ARTIFACT_INVALID` (`kind: 'sampleInput'`) when it is not a JSON object.
 */
export function parseSampleInput(text: string | undefined): CircuitInput | undefined {
  if (text === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TenderError('TENDER_ARTIFACT_INVALID', 'sampleInput must be a JSON object of input signals', {
      details: { kind: 'sampleInput', check: 'parse' },
    });
  }
  return value as CircuitInput;
}
