import { copyFile, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chainFor, circuitRegistryAbi, devAccounts } from '@tender/chain';
import { type BuiltModelCircuit, buildBuiltinCircuit } from '@tender/circuits';
import { hashArtifacts, terminateCurves, toSolidityVerifyingKey, type VerificationKey } from '@tender/zk';
import { createWalletClient, http, zeroHash } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRequester } from '../requesters/requesterAccounts.ts';
import { createMarketHarness, type MarketHarness } from '../testing/marketHarness.ts';
import { ensureCircuitOnChain, type OperatorWallet } from './ensureCircuitOnChain.ts';
import { registerBuiltinCircuit, registerCircuitArtifacts } from './registerCircuit.ts';

let h: MarketHarness;
let tiny: BuiltModelCircuit;
let other: BuiltModelCircuit;
let artifactsDir: string;
let scratch: string;
let operator: OperatorWallet;
let someoneElse: OperatorWallet;

beforeAll(async () => {
  [h, tiny] = await Promise.all([createMarketHarness(), buildBuiltinCircuit('tiny')]);
  other = await buildBuiltinCircuit('tiny-private');
  artifactsDir = await mkdtemp(join(tmpdir(), 'tender-circuits-register-'));
  scratch = await mkdtemp(join(tmpdir(), 'tender-circuits-attack-'));
  const wallet = (key: `0x${string}`) =>
    createWalletClient({
      account: privateKeyToAccount(key),
      chain: chainFor(h.anvil.rpcUrl, h.deployment.chainId),
      transport: http(h.anvil.rpcUrl),
    });
  operator = wallet(devAccounts.operator.privateKey);
  someoneElse = wallet(devAccounts.requesters[1].privateKey);
}, 600_000);

afterAll(async () => {
  await h?.close();
  await terminateCurves();
  if (artifactsDir) await rm(artifactsDir, { recursive: true, force: true });
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

const upload = () => ({
  name: 'tiny',
  wasmPath: tiny.wasmPath,
  zkeyPath: tiny.zkeyPath,
  vkeyPath: tiny.vkeyPath,
  r1csPath: tiny.r1csPath,
  symPath: tiny.symPath,
});

describe('registerCircuitArtifacts', () => {
  it('registers one circuit and one on-chain key however many uploads race', async () => {
    const results = await Promise.all(
      [1, 2, 3].map(() => registerCircuitArtifacts(h.deps, operator, artifactsDir, upload())),
    );
    expect(results.filter((r) => r.created)).toHaveLength(1);
    const ids = new Set(results.map((r) => r.circuit.id));
    expect(ids).toEqual(new Set([(await hashArtifacts(tiny)).circuitId]));
    expect(await h.deps.prisma.circuit.count()).toBe(1);
    const [circuit] = results.map((r) => r.circuit);
    const logs = await h.deps.publicClient.getContractEvents({
      address: h.deployment.addresses.registry,
      abi: circuitRegistryAbi,
      eventName: 'CircuitRegistered',
      fromBlock: h.deployment.blockNumber,
    });
    expect(logs).toHaveLength(1);
    expect(circuit?.registration?.txHash).toBe(logs[0]?.transactionHash);
  });

  it('refuses an unknown built-in circuit', async () => {
    await expect(registerBuiltinCircuit(h.deps, operator, artifactsDir, 'resnet')).rejects.toMatchObject({
      code: 'TENDER_VALIDATION_FAILED',
    });
  });
});

describe('ensureCircuitOnChain', () => {
  const circuitId = `0x${'c1'.repeat(32)}` as const;
  const metadataHash = zeroHash;

  it('adopts a registration someone else made with the same key, finding its transaction', async () => {
    const vk = toSolidityVerifyingKey(tiny.vkey);
    const hash = await someoneElse.writeContract({
      address: h.deployment.addresses.registry,
      abi: circuitRegistryAbi,
      functionName: 'registerCircuit',
      args: [circuitId, vk, metadataHash],
    });
    await h.deps.publicClient.waitForTransactionReceipt({ hash });
    const result = await ensureCircuitOnChain(h.deps, operator, { circuitId, vkey: tiny.vkey, metadataHash });
    expect(result).toMatchObject({ sent: false, txHash: hash });
  });

  it('refuses an id the registry holds with another key', async () => {
    const other: VerificationKey = { ...tiny.vkey, vk_delta_2: tiny.vkey.vk_gamma_2 };
    await expect(
      ensureCircuitOnChain(h.deps, operator, { circuitId, vkey: other, metadataHash }),
    ).rejects.toMatchObject({ code: 'TENDER_CONFLICT' });
  });
});

/** Byte offset and size of a zkey section (iden3 binfile layout). */
function zkeySection(buf: Buffer, type: number): { at: number; size: number } {
  let pos = 12;
  for (let i = 0; i < buf.readUInt32LE(8); i++) {
    const size = Number(buf.readBigUInt64LE(pos + 4));
    if (buf.readUInt32LE(pos) === type) return { at: pos + 12, size };
    pos += 12 + size;
  }
  throw new Error(`no section ${type}`);
}

describe('registration refuses artifacts that would make honest provers fail (issue 10, P5)', () => {
  const file = async (name: string, bytes: Uint8Array | string) => {
    const p = join(scratch, name);
    await writeFile(p, bytes);
    return p;
  };
  const onChainRegistrations = async () =>
    (
      await h.deps.publicClient.getContractEvents({
        address: h.deployment.addresses.registry,
        abi: circuitRegistryAbi,
        eventName: 'CircuitRegistered',
        fromBlock: h.deployment.blockNumber,
      })
    ).length;

  it('refuses a truncated zkey, another circuit’s zkey, r1cs or wasm, a foreign vkey, a corrupted key point and garbage — storing and registering nothing', async () => {
    const zkey = await readFile(tiny.zkeyPath);
    const corrupted = Buffer.from(zkey);
    const h9 = zkeySection(corrupted, 9);
    corrupted.fill(7, h9.at + 64, h9.at + 128); // one H point replaced by bytes off the curve
    const vkey = JSON.parse(await readFile(tiny.vkeyPath, 'utf8'));
    const cases: [string, Partial<ReturnType<typeof upload>>, Record<string, unknown>][] = [
      [
        'zkey cut to half its length',
        { zkeyPath: await file('half.zkey', zkey.subarray(0, zkey.length >> 1)) },
        { kind: 'zkey', check: 'structure' },
      ],
      [
        'zkey with one byte more',
        { zkeyPath: await file('long.zkey', Buffer.concat([zkey, Buffer.from([0])])) },
        { kind: 'zkey', check: 'structure' },
      ],
      [
        'zkey (and its vkey) of another circuit',
        { zkeyPath: other.zkeyPath, vkeyPath: other.vkeyPath },
        { check: 'r1cs_match' },
      ],
      [
        'vkey that is not the zkey’s',
        { vkeyPath: await file('forged.json', JSON.stringify({ ...vkey, vk_delta_2: vkey.vk_gamma_2 })) },
        { kind: 'vkey', check: 'vkey_match', reason: 'vkey_mismatch' },
      ],
      ['wasm of another circuit', { wasmPath: other.wasmPath }, { kind: 'wasm' }],
      [
        'r1cs of another circuit',
        { r1csPath: other.r1csPath, symPath: other.symPath },
        { check: 'r1cs_match' },
      ],
      [
        'zkey with a corrupted point',
        { zkeyPath: await file('bent.zkey', corrupted) },
        { kind: 'zkey', check: 'proof' },
      ],
      [
        'garbage zkey',
        { zkeyPath: await file('g.zkey', 'zkey but not really') },
        { kind: 'zkey', check: 'structure' },
      ],
      ['garbage r1cs', { r1csPath: await file('g.r1cs', 'r1cs?') }, { kind: 'r1cs' }],
      [
        'garbage wasm',
        { wasmPath: await file('g.wasm', new Uint8Array([0, 97, 115, 109, 9])) },
        { kind: 'wasm' },
      ],
      ['garbage vkey', { vkeyPath: await file('g.json', '{"protocol":"groth16"}') }, { kind: 'vkey' }],
    ];
    const nonce = () => h.deps.publicClient.getTransactionCount({ address: operator.account.address });
    const nonceBefore = await nonce();
    const registeredBefore = await onChainRegistrations();
    const circuitsBefore = await h.deps.prisma.circuit.count();
    const storedBefore = (await readdir(artifactsDir)).sort();
    const outcomes: Record<string, unknown> = {};
    for (const [what, files] of cases) {
      outcomes[what] = await registerCircuitArtifacts(h.deps, operator, artifactsDir, {
        ...upload(),
        ...files,
      }).then(
        () => 'accepted',
        (e: { code?: string; details?: unknown }) => ({ code: e.code, details: e.details }),
      );
    }
    expect(outcomes).toMatchObject(
      Object.fromEntries(
        cases.map(([what, , details]) => [what, { code: 'TENDER_ARTIFACT_INVALID', details }]),
      ),
    );
    expect(await h.deps.prisma.circuit.count()).toBe(circuitsBefore);
    expect((await readdir(artifactsDir)).sort()).toEqual(storedBefore);
    expect(await onChainRegistrations()).toBe(registeredBefore);
    expect(await nonce()).toBe(nonceBefore); // not one transaction from the registrar's key
  }, 300_000);

  it('uses a caller-given sample input and names it when the circuit refuses it', async () => {
    const pixels = Array(16).fill(0);
    await expect(
      registerCircuitArtifacts(h.deps, operator, artifactsDir, {
        ...upload(),
        sampleInput: { pixels: pixels.map((_, i) => (i === 3 ? 256 : 0)), salt: '1' },
      }),
    ).rejects.toMatchObject({
      code: 'TENDER_ARTIFACT_INVALID',
      details: { kind: 'sampleInput', check: 'witness' },
    });
  }, 120_000);

  it('registers at most the configured number of new circuits per requester per day on-chain', async () => {
    const { requester } = await createRequester(h.deps, {
      name: 'prolific',
      address: privateKeyToAccount(devAccounts.requesters[2].privateKey).address,
    });
    const deps = { ...h.deps, config: { ...h.deps.config, circuitRegistrationsPerDay: 1 } };
    const copy = async (name: string, from: string) => {
      const p = join(scratch, name);
      await copyFile(from, p);
      return p;
    };
    const first = await registerCircuitArtifacts(deps, operator, artifactsDir, {
      name: 'private tiny',
      wasmPath: await copy('p.wasm', other.wasmPath),
      zkeyPath: await copy('p.zkey', other.zkeyPath),
      vkeyPath: await copy('p.json', other.vkeyPath),
      r1csPath: other.r1csPath,
      symPath: other.symPath,
      requesterId: requester.id,
    });
    expect(first.created).toBe(true);
    const registeredBefore = await onChainRegistrations();
    const circuitsBefore = await h.deps.prisma.circuit.count();
    // A second new circuit the same day: refused before anything is stored or sent.
    const second = await buildBuiltinCircuit('tiny');
    const freshVkey = JSON.parse(await readFile(second.vkeyPath, 'utf8'));
    const error = await registerCircuitArtifacts(deps, operator, artifactsDir, {
      name: 'tiny again',
      wasmPath: second.wasmPath,
      zkeyPath: second.zkeyPath,
      vkeyPath: await file('spaced.json', JSON.stringify(freshVkey, null, 1)), // same key, another file: a new circuit id
      r1csPath: second.r1csPath,
      symPath: second.symPath,
      requesterId: requester.id,
    }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 'TENDER_RATE_LIMITED', details: { limit: 1 } });
    expect(await h.deps.prisma.circuit.count()).toBe(circuitsBefore);
    expect(await onChainRegistrations()).toBe(registeredBefore);
    // Re-uploading the circuit it already has costs nothing and is allowed.
    const again = await registerCircuitArtifacts(deps, operator, artifactsDir, {
      name: 'private tiny',
      wasmPath: other.wasmPath,
      zkeyPath: other.zkeyPath,
      vkeyPath: other.vkeyPath,
      r1csPath: other.r1csPath,
      symPath: other.symPath,
      requesterId: requester.id,
    });
    expect(again).toMatchObject({ created: false, circuit: { id: first.circuit.id } });
  }, 300_000);
});
