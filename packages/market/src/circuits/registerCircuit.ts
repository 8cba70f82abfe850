import { readFile, stat } from 'node:fs/promises';
import { type BuiltinCircuitId, buildBuiltinCircuit, builtinCircuits } from '@tender/circuits';
import { TenderError } from '@tender/core';
import type { Circuit } from '@tender/db';
import { type CircuitView, canonicalJson } from '@tender/sdk';
import {
  type CircuitInput,
  checkCircuitArtifacts,
  hashArtifacts,
  readCircuitSignals,
  storeArtifacts,
  type VerificationKey,
} from '@tender/zk';
import { type Hex, keccak256, stringToBytes } from 'viem';
import type { MarketDeps } from '../deps/marketDeps.ts';
import { assertCircuitRegistrationAllowed } from './circuitsValidate.ts';
import { ensureCircuitOnChain, type OperatorWallet } from './ensureCircuitOnChain.ts';
import { toCircuitView } from './readCircuits.ts';

/** The files of a circuit upload (temporary paths; they are copied into the store). */
export interface CircuitUpload {
  name: string;
  /** circom's witness generator. */
  wasmPath: string;
  /** Groth16 proving key. */
  zkeyPath: string;
  /** Verification key JSON (snarkjs format); must be the key inside the zkey. */
  vkeyPath: string;
  /** circom's `.r1cs` (constraint count, signal counts) and `.sym` (signal names). */
  r1csPath: string;
  symPath: string;
  /** An input the circuit accepts, for the registration witness and proof (default: all zeros). */
  sampleInput?: CircuitInput;
  /** zkML model card (model commitment, quantization, shapes), shown to users as given. */
  modelCard?: Record<string, unknown>;
  /** The uploader; null/undefined for built-in circuits. */
  requesterId?: string;
  builtin?: boolean;
}

/** The outcome of a registration. */
export interface RegisteredCircuit {
  circuit: CircuitView;
  /** False when the circuit (same artifacts) was registered before. */
  created: boolean;
}

const invalid = (kind: string, check: string, message: string, details: Record<string, unknown> = {}) =>
  new TenderError('TENDER_ARTIFACT_INVALID', message, { details: { kind, check, ...details } });

async function readVkey(vkeyPath: string): Promise<VerificationKey> {
  let vkey: unknown;
  try {
    vkey = JSON.parse(await readFile(vkeyPath, 'utf8'));
  } catch {
    throw invalid('vkey', 'parse', 'the verification key is not JSON');
  }
  const v = vkey as Partial<VerificationKey>;
  if (
    typeof vkey !== 'object' ||
    vkey === null ||
    v.protocol !== 'groth16' ||
    !Array.isArray(v.IC) ||
    !Array.isArray(v.vk_alpha_1) ||
    !Array.isArray(v.vk_delta_2)
  ) {
    throw invalid('vkey', 'parse', 'the verification key is not a snarkjs Groth16 key');
  }
  return vkey as VerificationKey;
}

/**
 * Registers a circuit from its files: checks every artifact completely with
 * `checkCircuitArtifacts` (the zkey and r1cs parse to the last byte, the zkey
 * was set up for the r1cs, the wasm's witness of the sample input satisfies
 * every constraint, the verification key is the zkey's, a proof made now
 * verifies), that the r1cs/sym describe the same public signals, and the
 * uploader's daily allowance of on-chain registrations
 * ({@link assertCircuitRegistrationAllowed}); stores the wasm, zkey and vkey content-addressed under
 * `artifactsDir` (circuit id = `circuitIdOf` of their sha256s); records the
 * circuit with its constraint count, public signal names and input spec (read
 * from the r1cs and sym); and registers the verification key on-chain with
 * the operator key ({@link ensureCircuitOnChain}). Idempotent: the same
 * artifacts again return the existing circuit (`created: false`), finishing
 * its on-chain registration if an earlier attempt stopped short.
 *
 * Throws `TENDER_ARTIFACT_INVALID` (422) naming the artifact (`details.kind`)
 * and the check (`details.check`), `TENDER_RATE_LIMITED` (429) past the
 * allowance; a refused upload leaves no circuit row and no on-chain entry.
 */
export async function registerCircuitArtifacts(
  deps: Pick<MarketDeps, 'prisma' | 'publicClient' | 'deployment' | 'now' | 'config'>,
  operator: OperatorWallet,
  artifactsDir: string,
  upload: CircuitUpload,
): Promise<RegisteredCircuit> {
  const name = upload.name.trim();
  if (name.length === 0 || name.length > 200) {
    throw new TenderError('TENDER_VALIDATION_FAILED', 'circuit name must be 1 to 200 characters', {
      details: { field: 'name' },
    });
  }
  const vkey = await readVkey(upload.vkeyPath);
  let signals: Awaited<ReturnType<typeof readCircuitSignals>>;
  try {
    signals = await readCircuitSignals(upload.r1csPath, upload.symPath);
  } catch (error) {
    if (error instanceof TenderError && error.code === 'TENDER_ARTIFACT_INVALID') {
      throw invalid('r1cs', 'structure', error.message);
    }
    throw invalid('r1cs', 'structure', 'the r1cs or sym file could not be read');
  }
  if (signals.publicSignals !== Number(vkey.nPublic)) {
    throw invalid('r1cs', 'r1cs_match', 'the r1cs describes another circuit than the zkey', {
      reason: 'r1cs_mismatch',
      r1csPublicSignals: signals.publicSignals,
      zkeyPublicSignals: Number(vkey.nPublic),
    });
  }
  // Every artifact checked for real (structure, zkey ↔ r1cs, witness ↔ constraints, vkey, a proof).
  await checkCircuitArtifacts(
    { ...upload, vkey, inputSignals: signals.inputSignals },
    upload.sampleInput === undefined ? {} : { sampleInput: upload.sampleInput },
  );

  if (upload.requesterId !== undefined && upload.builtin !== true) {
    // Checked before anything is stored: only a circuit not yet on-chain costs the operator gas.
    const { circuitId } = await hashArtifacts(upload);
    const existing = await deps.prisma.circuit.findUnique({ where: { id: circuitId } });
    if (existing?.registeredAt == null) await assertCircuitRegistrationAllowed(deps, upload.requesterId);
  }
  const stored = await storeArtifacts(
    { wasmPath: upload.wasmPath, zkeyPath: upload.zkeyPath, vkeyPath: upload.vkeyPath },
    artifactsDir,
  );
  const sizeOf = async (p: string) => BigInt((await stat(p)).size);
  const [wasmSize, zkeySize, vkeySize] = [
    await sizeOf(stored.wasmPath),
    await sizeOf(stored.zkeyPath),
    await sizeOf(stored.vkeyPath),
  ];
  const id = stored.circuitId;
  const strip = (h: string) => h.slice(2);
  const data = {
    id,
    name,
    requesterId: upload.requesterId ?? null,
    builtin: upload.builtin ?? false,
    wasmSha256: strip(stored.wasmSha256),
    wasmSize,
    wasmPath: stored.wasmPath,
    zkeySha256: strip(stored.zkeySha256),
    zkeySize,
    zkeyPath: stored.zkeyPath,
    vkeySha256: strip(stored.vkeySha256),
    vkeySize,
    vkeyPath: stored.vkeyPath,
    constraints: signals.constraints,
    publicSignalNames: signals.publicSignalNames,
    inputSpec: signals.inputSignals.map((s) => ({ name: s.name, size: s.size, public: s.public })),
    ...(upload.modelCard === undefined ? {} : { modelCard: upload.modelCard as object }),
  };
  const [inserted] = await deps.prisma.circuit.createManyAndReturn({ data: [data], skipDuplicates: true });
  const created = inserted !== undefined;
  let row: Circuit = inserted ?? (await deps.prisma.circuit.findUniqueOrThrow({ where: { id } }));
  if (upload.builtin === true && !row.builtin) {
    // Someone uploaded the very artifacts Tender ships: they are the built-in circuit.
    row = await deps.prisma.circuit.update({
      where: { id },
      data: {
        builtin: true,
        name,
        requesterId: null,
        ...(upload.modelCard === undefined ? {} : { modelCard: upload.modelCard as object }),
      },
    });
  }
  if (row.registeredAt === null || row.vkeyHash === null) {
    const metadataHash = keccak256(
      stringToBytes(canonicalJson({ name: row.name, modelCard: row.modelCard ?? null })),
    );
    const onChain = await ensureCircuitOnChain(deps, operator, { circuitId: id as Hex, vkey, metadataHash });
    row = await deps.prisma.circuit.update({
      where: { id },
      data: {
        vkeyHash: onChain.vkHash,
        registrationTxHash: onChain.txHash,
        registeredAt: new Date(deps.now()),
      },
    });
  }
  return { circuit: toCircuitView(row), created };
}

/**
 * Builds (from the cache after the first time) a circuit Tender ships —
 * `mnist` for the demo, `tiny` for tests — and registers it like an upload
 * ({@link registerCircuitArtifacts}) as a built-in circuit named after its
 * id, with its model card. What the local stack calls at start-up.
 * `options.ptau` is the ceremony file for the setup (`TENDER_PTAU_FILE`); default: the development ptau.
 * Throws `TENDER_VALIDATION_FAILED` for an unknown id.
 *
 * @example
 * const { circuit } = await registerBuiltinCircuit(deps, operator, artifactsDir, 'mnist');
 */
export async function registerBuiltinCircuit(
  deps: Pick<MarketDeps, 'prisma' | 'publicClient' | 'deployment' | 'now' | 'config'>,
  operator: OperatorWallet,
  artifactsDir: string,
  id: string,
  options: { ptau?: { path: string; sha256: string } } = {},
): Promise<RegisteredCircuit> {
  if (!Object.hasOwn(builtinCircuits, id)) {
    throw new TenderError('TENDER_VALIDATION_FAILED', `no built-in circuit named ${id}`, {
      details: { field: 'builtin', known: Object.keys(builtinCircuits) },
    });
  }
  const built = await buildBuiltinCircuit(id as BuiltinCircuitId, options);
  return registerCircuitArtifacts(deps, operator, artifactsDir, {
    name: id,
    wasmPath: built.wasmPath,
    zkeyPath: built.zkeyPath,
    vkeyPath: built.vkeyPath,
    r1csPath: built.r1csPath,
    symPath: built.symPath,
    modelCard: { ...built.card, description: builtinCircuits[id as BuiltinCircuitId].description },
    builtin: true,
  });
}
