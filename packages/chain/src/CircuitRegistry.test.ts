import { type SolidityVerifyingKey, vkeyHash } from '@tender/zk';
import { type Hex, keccak256, stringToHex, zeroHash } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { circuitRegistryAbi } from './generated/CircuitRegistry.ts';
import { buildFixtureCircuit, type FixtureCircuit } from './proofFixtures.ts';
import { registerCircuit } from './registerCircuit.ts';
import { sendContractTx } from './sendContractTx.ts';
import { startTestMarket, type TestMarket } from './testing/testMarket.ts';
import { expectRevert } from './testing/testReverts.ts';

let t: TestMarket;
let square: FixtureCircuit;
let product: FixtureCircuit;

beforeAll(async () => {
  t = await startTestMarket(); // first, so afterAll stops it even if a fixture fails
  [square, product] = await Promise.all([
    buildFixtureCircuit('square', 'registry'),
    buildFixtureCircuit('product', 'registry'),
  ]);
});
afterAll(async () => {
  await t?.stop();
});

const registry = () => ({ address: t.registry, abi: circuitRegistryAbi }) as const;
const id = (s: string): Hex => keccak256(stringToHex(s));
const asArgs = (vk: SolidityVerifyingKey) => ({
  alpha1: vk.alpha1,
  beta2: vk.beta2,
  gamma2: vk.gamma2,
  delta2: vk.delta2,
  ic: vk.ic,
});

describe('CircuitRegistry', () => {
  it('stores the key hash @tender/zk computes, with owner, metadata and signal count', async () => {
    const metadataHash = id('square-card');
    const { vkHash } = await registerCircuit(t.requesters[0]!, t.registry, {
      circuitId: square.circuitId,
      verifyingKey: square.vk,
      metadataHash,
    });
    expect(vkHash).toBe(vkeyHash(square.vk));
    const read = t.deployer.publicClient.readContract;
    expect(await read({ ...registry(), functionName: 'vkHashOf', args: [square.circuitId] })).toBe(vkHash);
    expect(await read({ ...registry(), functionName: 'hashVerifyingKey', args: [asArgs(product.vk)] })).toBe(
      vkeyHash(product.vk),
    );
    expect(await read({ ...registry(), functionName: 'circuitOf', args: [square.circuitId] })).toEqual({
      vkHash,
      metadataHash,
      owner: t.requesters[0]!.account.address,
      publicSignals: 1,
    });
    expect(await read({ ...registry(), functionName: 'vkHashOf', args: [id('unknown')] })).toBe(zeroHash);
  });

  it('refuses a second registration, a zero id and keys with bad points or too many signals', async () => {
    const c = t.requesters[1]!;
    const register = (circuitId: Hex, vk: SolidityVerifyingKey) =>
      sendContractTx(c, {
        ...registry(),
        functionName: 'registerCircuit',
        args: [circuitId, asArgs(vk), zeroHash],
      });
    await expectRevert(register(square.circuitId, square.vk), 'CircuitAlreadyRegistered', [square.circuitId]);
    await expectRevert(register(zeroHash, square.vk), 'ZeroCircuitId');
    await expectRevert(register(id('no-ic'), { ...square.vk, ic: [] }), 'InvalidPublicSignalCount', [
      0n,
      64n,
    ]);
    const many = Array.from({ length: 66 }, () => square.vk.ic[0]!);
    await expectRevert(register(id('many'), { ...square.vk, ic: many }), 'InvalidPublicSignalCount', [
      65n,
      64n,
    ]);
    const offCurve = [square.vk.ic[0]![0], square.vk.ic[0]![1] + 1n] as const;
    await expectRevert(register(id('bad-alpha'), { ...square.vk, alpha1: offCurve }), 'InvalidKeyPoint', [
      0n,
    ]);
    await expectRevert(register(id('zero-alpha'), { ...square.vk, alpha1: [0n, 0n] }), 'InvalidKeyPoint', [
      0n,
    ]);
    await expectRevert(
      register(id('bad-ic'), { ...square.vk, ic: [square.vk.ic[0]!, offCurve] }),
      'InvalidKeyPoint',
      [2n],
    );
  });

  it('lets only the owner change metadata or hand the circuit over', async () => {
    const owner = t.requesters[0]!;
    const other = t.requesters[2]!;
    const setMeta = (c: typeof owner, circuitId: Hex) =>
      sendContractTx(c, { ...registry(), functionName: 'setMetadataHash', args: [circuitId, id('v2')] });
    await expectRevert(setMeta(other, square.circuitId), 'NotCircuitOwner', [
      square.circuitId,
      other.account.address,
    ]);
    await expectRevert(setMeta(owner, id('missing')), 'CircuitNotRegistered', [id('missing')]);
    await setMeta(owner, square.circuitId);
    await sendContractTx(owner, {
      ...registry(),
      functionName: 'transferCircuitOwnership',
      args: [square.circuitId, other.account.address],
    });
    const c = await t.deployer.publicClient.readContract({
      ...registry(),
      functionName: 'circuitOf',
      args: [square.circuitId],
    });
    expect([c.owner, c.metadataHash]).toEqual([other.account.address, id('v2')]);
    await expectRevert(setMeta(owner, square.circuitId), 'NotCircuitOwner', [
      square.circuitId,
      owner.account.address,
    ]);
    await expectRevert(
      t.deployer.publicClient.readContract({
        ...registry(),
        functionName: 'circuitOf',
        args: [id('missing')],
      }),
      'CircuitNotRegistered',
      [id('missing')],
    );
  });
});
