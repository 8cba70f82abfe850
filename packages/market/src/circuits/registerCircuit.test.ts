import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chainFor, circuitRegistryAbi, devAccounts } from '@tender/chain';
import { type BuiltModelCircuit, buildBuiltinCircuit } from '@tender/circuits';
import { hashArtifacts, terminateCurves, toSolidityVerifyingKey, type VerificationKey } from '@tender/zk';
import { createWalletClient, http, zeroHash } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMarketHarness, type MarketHarness } from '../testing/marketHarness.ts';
import { ensureCircuitOnChain, type OperatorWallet } from './ensureCircuitOnChain.ts';
import { registerBuiltinCircuit, registerCircuitArtifacts } from './registerCircuit.ts';

let h: MarketHarness;
let tiny: BuiltModelCircuit;
let artifactsDir: string;
let operator: OperatorWallet;
let someoneElse: OperatorWallet;

beforeAll(async () => {
  [h, tiny] = await Promise.all([createMarketHarness(), buildBuiltinCircuit('tiny')]);
  artifactsDir = await mkdtemp(join(tmpdir(), 'tender-circuits-register-'));
  const wallet = (key: `0x${string}`) =>
    createWalletClient({
      account: privateKeyToAccount(key),
      chain: chainFor(h.anvil.rpcUrl, h.deployment.chainId),
      transport: http(h.anvil.rpcUrl),
    });
  operator = wallet(devAccounts.operator.privateKey);
  someoneElse = wallet(devAccounts.requesters[1].privateKey);
}, 120_000);

afterAll(async () => {
  await h?.close();
  await terminateCurves();
  if (artifactsDir) await rm(artifactsDir, { recursive: true, force: true });
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
