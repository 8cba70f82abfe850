import { randomBytes } from 'node:crypto';
import type { TenderPrisma } from '../client.ts';
import type { Circuit, Prover, Requester } from '../generated/prisma/client.ts';
import type { ProverKind } from '../generated/prisma/enums.ts';

/** Random 0x hex of `bytes` bytes. */
export function randomHex(bytes: number): string {
  return `0x${randomBytes(bytes).toString('hex')}`;
}

/** Inserts a requester with a random address. */
export function insertRequester(prisma: TenderPrisma, name = 'test requester'): Promise<Requester> {
  return prisma.requester.create({ data: { name, address: randomHex(20) } });
}

/** Inserts a circuit with random artifact hashes (nothing is read from disk). */
export function insertCircuit(
  prisma: TenderPrisma,
  overrides: { requesterId?: string; constraints?: number } = {},
): Promise<Circuit> {
  const sha = () => randomBytes(32).toString('hex');
  return prisma.circuit.create({
    data: {
      id: randomHex(32),
      name: 'test circuit',
      requesterId: overrides.requesterId ?? null,
      wasmSha256: sha(),
      wasmSize: 1_000n,
      wasmPath: 'artifacts/test.wasm',
      zkeySha256: sha(),
      zkeySize: 5_000_000_000n,
      zkeyPath: 'artifacts/test.zkey',
      vkeySha256: sha(),
      vkeySize: 3_000n,
      vkeyPath: 'artifacts/test.vkey.json',
      constraints: overrides.constraints ?? 4_500,
      publicSignalNames: ['out'],
      inputSpec: { in: { shape: [2] } },
      modelCard: { modelCommitment: '0x01', quantizationScale: 1000, shapes: [[2, 1]] },
    },
  });
}

/** Inserts a prover with `collateralTotalWei` of collateral and a fresh heartbeat. */
export function insertProver(
  prisma: TenderPrisma,
  overrides: { collateralTotalWei?: bigint; kind?: ProverKind } = {},
): Promise<Prover> {
  return prisma.prover.create({
    data: {
      address: randomHex(20),
      kind: overrides.kind ?? 'cpu',
      memoryMb: 8_192,
      maxConstraints: 1_000_000,
      collateralTotalWei: (overrides.collateralTotalWei ?? 10n ** 18n).toString(),
      lastHeartbeatAt: new Date(),
    },
  });
}
