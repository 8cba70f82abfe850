import { TenderError } from '@tender/core';
import type { Circuit } from '@tender/db';
import type { CircuitView, InputSignalSpec } from '@tender/sdk';
import type { InputSignal } from '@tender/zk';
import type { Hex } from 'viem';
import type { MarketDeps } from '../deps/marketDeps.ts';

/** The kinds of artifact a circuit serves, as named in `GET /v1/circuits/:id/artifacts/:kind`. */
export type CircuitArtifactKind = 'wasm' | 'zkey' | 'vkey';

/** Where one artifact of a circuit lives and what it hashes to. */
export interface CircuitArtifact {
  kind: CircuitArtifactKind;
  path: string;
  /** sha256 hex without 0x (the ETag). */
  sha256: string;
  size: number;
}

const hex0x = (sha: string): Hex => (sha.startsWith('0x') ? (sha as Hex) : `0x${sha}`);

/**
 * Reads a circuit's stored input spec (a JSON array of `{ name, size, public }`).
 * Throws `TENDER_INTERNAL` if the row holds something else.
 */
export function circuitInputSignals(circuit: Pick<Circuit, 'id' | 'inputSpec'>): InputSignal[] {
  const spec = circuit.inputSpec;
  const ok =
    Array.isArray(spec) &&
    spec.every(
      (s) =>
        typeof s === 'object' &&
        s !== null &&
        typeof (s as Record<string, unknown>).name === 'string' &&
        Number.isInteger((s as Record<string, unknown>).size),
    );
  if (!ok) {
    throw new TenderError('TENDER_INTERNAL', 'circuit input spec is malformed', {
      details: { circuitId: circuit.id },
    });
  }
  return (spec as unknown as InputSignalSpec[]).map((s) => ({
    name: s.name,
    size: s.size,
    public: s.public === true,
  }));
}

/** A Circuit row as the api shows it ({@link CircuitView}). */
export function toCircuitView(circuit: Circuit): CircuitView {
  return {
    id: circuit.id as Hex,
    name: circuit.name,
    builtin: circuit.builtin,
    artifacts: {
      wasm: { sha256: hex0x(circuit.wasmSha256), size: Number(circuit.wasmSize) },
      zkey: { sha256: hex0x(circuit.zkeySha256), size: Number(circuit.zkeySize) },
      vkey: { sha256: hex0x(circuit.vkeySha256), size: Number(circuit.vkeySize) },
    },
    vkeyHash: (circuit.vkeyHash as Hex | null) ?? null,
    constraints: circuit.constraints,
    publicSignalNames: circuit.publicSignalNames,
    inputSignals: circuitInputSignals(circuit),
    modelCard: (circuit.modelCard as Record<string, unknown> | null) ?? null,
    registration:
      circuit.registeredAt === null
        ? null
        : {
            txHash: (circuit.registrationTxHash as Hex | null) ?? null,
            registeredAt: circuit.registeredAt.toISOString(),
          },
    createdAt: circuit.createdAt.toISOString(),
  };
}

/** Loads a circuit row; `TENDER_CIRCUIT_NOT_FOUND` (404) when there is none. */
export async function loadCircuit(deps: Pick<MarketDeps, 'prisma'>, circuitId: string): Promise<Circuit> {
  const circuit = /^0x[0-9a-f]{64}$/.test(circuitId)
    ? await deps.prisma.circuit.findUnique({ where: { id: circuitId } })
    : null;
  if (circuit === null) {
    throw new TenderError('TENDER_CIRCUIT_NOT_FOUND', 'circuit not found', { details: { circuitId } });
  }
  return circuit;
}

/** `GET /v1/circuits/:id`: a registered circuit, or `TENDER_CIRCUIT_NOT_FOUND`. */
export async function getCircuitView(
  deps: Pick<MarketDeps, 'prisma'>,
  circuitId: string,
): Promise<CircuitView> {
  return toCircuitView(await loadCircuit(deps, circuitId));
}

/**
 * `GET /v1/circuits`: every registered circuit (circuits are public: their keys
 * are on-chain), built-in first, then oldest first.
 */
export async function listCircuits(deps: Pick<MarketDeps, 'prisma'>): Promise<CircuitView[]> {
  const rows = await deps.prisma.circuit.findMany({
    orderBy: [{ builtin: 'desc' }, { createdAt: 'asc' }],
    take: 500,
  });
  return rows.map(toCircuitView);
}

/** The stored file of one artifact of a circuit (for downloads); `TENDER_CIRCUIT_NOT_FOUND` when unknown. */
export async function circuitArtifact(
  deps: Pick<MarketDeps, 'prisma'>,
  circuitId: string,
  kind: CircuitArtifactKind,
): Promise<CircuitArtifact> {
  const c = await loadCircuit(deps, circuitId);
  switch (kind) {
    case 'wasm':
      return { kind, path: c.wasmPath, sha256: c.wasmSha256, size: Number(c.wasmSize) };
    case 'zkey':
      return { kind, path: c.zkeyPath, sha256: c.zkeySha256, size: Number(c.zkeySize) };
    case 'vkey':
      return { kind, path: c.vkeyPath, sha256: c.vkeySha256, size: Number(c.vkeySize) };
  }
}
