import {
  type Address,
  type BaseError,
  createTestClient,
  decodeErrorResult,
  encodeDeployData,
  type Hex,
  http,
  keccak256,
  parseEther,
  stringToHex,
  zeroAddress,
} from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobIdOf, proofSubmissionDigest } from './eip712.ts';
import { reentrantReceiverAbi, reentrantReceiverBytecode } from './generated/ReentrantReceiver.ts';
import { rejectingReceiverAbi, rejectingReceiverBytecode } from './generated/RejectingReceiver.ts';
import { tenderMarketAbi, tenderMarketBytecode } from './generated/TenderMarket.ts';
import { type ChainClients, sendContractTx } from './sendContractTx.ts';
import { startTestMarket, type TestMarket } from './testing/testMarket.ts';
import { expectRevert } from './testing/testReverts.ts';

let t: TestMarket;
beforeAll(async () => {
  t = await startTestMarket();
});
afterAll(async () => {
  await t?.stop();
});

const market = () => ({ address: t.market, abi: tenderMarketAbi }) as const;
const read = <T>(functionName: string, args: readonly unknown[] = []) =>
  t.deployer.publicClient.readContract({ ...market(), functionName, args } as never) as Promise<T>;
const balanceOf = (a: Address) => read<bigint>('balanceOf', [a]);
const deposit = (c: ChainClients, value: bigint) =>
  sendContractTx(c, { ...market(), functionName: 'deposit', args: [], value });
const DELAY = 8n * 24n * 3600n;
async function travel(seconds: bigint): Promise<void> {
  const test = createTestClient({ mode: 'anvil', transport: http(t.anvil.rpcUrl) });
  await test.increaseTime({ seconds: Number(seconds) });
  await test.mine({ blocks: 1 });
}
const requestWithdrawal = (c: ChainClients, amount: bigint) =>
  sendContractTx(c, { ...market(), functionName: 'requestWithdrawal', args: [amount] });
const completeWithdrawal = (c: ChainClients) =>
  sendContractTx(c, { ...market(), functionName: 'completeWithdrawal', args: [] });
/** Requests, waits out the delay and completes a withdrawal; returns the completing receipt. */
async function withdraw(c: ChainClients, amount: bigint) {
  await requestWithdrawal(c, amount);
  await travel(DELAY);
  return completeWithdrawal(c);
}
async function deploy(abi: typeof rejectingReceiverAbi | typeof reentrantReceiverAbi, bytecode: Hex) {
  const hash = await t.deployer.walletClient.deployContract({ abi, bytecode });
  return (await t.deployer.publicClient.waitForTransactionReceipt({ hash })).contractAddress as Address;
}

describe('TenderMarket escrow', () => {
  it('credits deposits (own and for others) and pays withdrawals out of the balance', async () => {
    const [a, b] = [t.requesters[0]!, t.requesters[1]!];
    await deposit(a, parseEther('2'));
    await sendContractTx(a, {
      ...market(),
      functionName: 'depositFor',
      args: [b.account.address],
      value: parseEther('1'),
    });
    expect(await balanceOf(a.account.address)).toBe(parseEther('2'));
    expect(await balanceOf(b.account.address)).toBe(parseEther('1'));
    await requestWithdrawal(a, parseEther('0.5'));
    await travel(DELAY);
    const before = await a.publicClient.getBalance({ address: a.account.address });
    const { receipt } = await completeWithdrawal(a);
    const after = await a.publicClient.getBalance({ address: a.account.address });
    expect(after - before + receipt.gasUsed * receipt.effectiveGasPrice).toBe(parseEther('0.5'));
    expect(await balanceOf(a.account.address)).toBe(parseEther('1.5'));
    expect(await t.deployer.publicClient.getBalance({ address: t.market })).toBe(parseEther('2.5'));
  });

  it('rejects zero amounts, a zero account, overdrafts and stray ETH', async () => {
    const a = t.requesters[2]!;
    const me = a.account.address;
    await expectRevert(deposit(a, 0n), 'ZeroAmount');
    await expectRevert(requestWithdrawal(a, 0n), 'ZeroAmount');
    await expectRevert(
      sendContractTx(a, { ...market(), functionName: 'depositFor', args: [zeroAddress], value: 1n }),
      'ZeroAddress',
    );
    await expectRevert(withdraw(a, 1n), 'InsufficientBalance', [me, 0n, 1n]);
    const stray = a.publicClient.call({ account: a.account, to: t.market, value: 1n });
    await expect(stray).rejects.toThrow();
    const data = await stray.catch((e: BaseError) => (e.walk() as { data?: Hex }).data);
    expect(decodeErrorResult({ abi: tenderMarketAbi, data: data as Hex }).errorName).toBe('UnexpectedEther');
  });

  it("bubbles up the receiver's revert when the account cannot receive ETH", async () => {
    const rejecting = await deploy(rejectingReceiverAbi, rejectingReceiverBytecode);
    const c = { address: rejecting, abi: [...rejectingReceiverAbi, ...tenderMarketAbi] } as const;
    await sendContractTx(t.deployer, { ...c, functionName: 'deposit', args: [t.market], value: 5n });
    await sendContractTx(t.deployer, { ...c, functionName: 'requestWithdrawal', args: [t.market, 5n] });
    await travel(DELAY);
    await expectRevert(
      sendContractTx(t.deployer, { ...c, functionName: 'completeWithdrawal', args: [t.market] }),
      'Rejected',
    );
  });

  it('blocks re-entering completeWithdrawal from the receive hook', async () => {
    const reentrant = await deploy(reentrantReceiverAbi, reentrantReceiverBytecode);
    const c = { address: reentrant, abi: reentrantReceiverAbi } as const;
    await sendContractTx(t.deployer, {
      ...c,
      functionName: 'depositAndRequest',
      args: [t.market, 3n],
      value: 10n,
    });
    await travel(DELAY);
    await sendContractTx(t.deployer, { ...c, functionName: 'completeWithdrawal', args: [] });
    const r = t.deployer.publicClient.readContract;
    expect(await r({ ...c, functionName: 'reentries' })).toBe(1n);
    expect(await r({ ...c, functionName: 'lastReentryError' })).toBe('0x3ee5aeb5'); // ReentrancyGuardReentrantCall()
    expect(await balanceOf(reentrant)).toBe(7n);
  });
});

describe('TenderMarket delayed withdrawals', () => {
  it('completes a withdrawal only after the delay, and only what the balance still holds', async () => {
    const a = t.requesters[2]!;
    const me = a.account.address;
    await deposit(a, 1000n);
    const { receipt } = await requestWithdrawal(a, 400n);
    const block = await a.publicClient.getBlock({ blockNumber: receipt.blockNumber });
    const readyAt = block.timestamp + DELAY;
    expect(await read('pendingWithdrawal', [me])).toEqual([400n, readyAt]);
    await requestWithdrawal(a, 100n); // tops up; the delay restarts
    const [pending, readyAt2] = await read<[bigint, bigint]>('pendingWithdrawal', [me]);
    expect(pending).toBe(500n);
    await expectRevert(completeWithdrawal(a), 'WithdrawalNotReady', [me, readyAt2]);
    await expectRevert(requestWithdrawal(a, 501n), 'InsufficientBalance', [me, 1000n, 1001n]);
    expect(await balanceOf(me)).toBe(1000n); // still in the balance until completion
    await travel(DELAY);
    await completeWithdrawal(a);
    expect(await balanceOf(me)).toBe(500n);
    expect(await read('pendingWithdrawal', [me])).toEqual([0n, 0n]);
    await expectRevert(completeWithdrawal(a), 'WithdrawalNotReady', [me, 0n]);
  });

  it("lets only the owner change the delay, within the contract's bounds", async () => {
    const set = (c: ChainClients, d: bigint) =>
      sendContractTx(c, { ...market(), functionName: 'setWithdrawalDelay', args: [d] });
    expect(await read('withdrawalDelay')).toBe(DELAY);
    await expectRevert(set(t.provers[0]!, DELAY), 'OwnableUnauthorizedAccount', [
      t.provers[0]!.account.address,
    ]);
    await expectRevert(set(t.deployer, 60n), 'InvalidWithdrawalDelay', [60n]);
    await expectRevert(set(t.deployer, 61n * 24n * 3600n), 'InvalidWithdrawalDelay', [61n * 24n * 3600n]);
    await set(t.deployer, 9n * 24n * 3600n);
    expect(await read('withdrawalDelay')).toBe(9n * 24n * 3600n);
    await set(t.deployer, DELAY);
  });
});

describe('TenderMarket roles and configuration', () => {
  it('reports its parameters, treasury, registry, staking and deployment block', async () => {
    expect(await read('params')).toEqual({
      feeBps: 250,
      slashBps: 5000,
      challengerShareBps: 2500,
      requesterShareBps: 2500,
      unstakeDelay: 7n * 24n * 3600n,
      minimumStake: parseEther('0.1'),
    });
    expect(await read('treasury')).toBe(t.treasury.account.address);
    expect(await read('registry')).toBe(t.registry);
    expect(await read('staking')).toBe(t.staking);
    expect(await read('deployedAtBlock')).toBe(t.deployment.blockNumber);
  });

  it('lets only the owner manage operators and ownership (two-step hand-over)', async () => {
    const stranger = t.provers[0]!;
    const who = stranger.account.address;
    await expectRevert(
      sendContractTx(stranger, { ...market(), functionName: 'setOperator', args: [who, true] }),
      'OwnableUnauthorizedAccount',
      [who],
    );
    await expectRevert(
      sendContractTx(stranger, { ...market(), functionName: 'transferOwnership', args: [who] }),
      'OwnableUnauthorizedAccount',
      [who],
    );
    await expectRevert(
      sendContractTx(t.deployer, { ...market(), functionName: 'setOperator', args: [zeroAddress, true] }),
      'ZeroAddress',
    );
    await expectRevert(
      sendContractTx(stranger, { ...market(), functionName: 'settleBatch', args: ['0x'] }),
      'NotOperator',
      [who],
    );
    await sendContractTx(t.deployer, { ...market(), functionName: 'setOperator', args: [who, true] });
    expect(await read('isOperator', [who])).toBe(true);
    await sendContractTx(t.deployer, { ...market(), functionName: 'setOperator', args: [who, false] });
    expect(await read('isOperator', [who])).toBe(false);
    await sendContractTx(t.deployer, { ...market(), functionName: 'transferOwnership', args: [who] });
    expect(await read('owner')).toBe(t.deployer.account.address);
    expect(await read('pendingOwner')).toBe(who);
    await sendContractTx(stranger, { ...market(), functionName: 'acceptOwnership', args: [] });
    expect(await read('owner')).toBe(who);
    await sendContractTx(stranger, {
      ...market(),
      functionName: 'transferOwnership',
      args: [t.deployer.account.address],
    });
    await sendContractTx(t.deployer, { ...market(), functionName: 'acceptOwnership', args: [] });
    expect(await read('owner')).toBe(t.deployer.account.address);
  });

  it('refuses bad constructor parameters', async () => {
    const good = {
      feeBps: 250,
      slashBps: 5000,
      challengerShareBps: 2500,
      requesterShareBps: 2500,
      unstakeDelay: 1n,
      minimumStake: 1n,
    };
    const tryDeploy = async (
      owner: Address,
      treasury: Address,
      registry: Address,
      params: typeof good,
    ): Promise<string> => {
      const data = encodeDeployData({
        abi: tenderMarketAbi,
        bytecode: tenderMarketBytecode,
        args: [owner, treasury, registry, params],
      });
      try {
        await t.deployer.publicClient.call({ account: t.deployer.account, data });
        return 'deployed';
      } catch (e) {
        const revert = (e as BaseError).walk() as { data?: Hex };
        return decodeErrorResult({ abi: tenderMarketAbi, data: revert.data as Hex }).errorName;
      }
    };
    const me = t.deployer.account.address;
    expect(await tryDeploy(me, me, t.registry, good)).toBe('deployed');
    expect(await tryDeploy(zeroAddress, me, t.registry, good)).toBe('OwnableInvalidOwner');
    expect(await tryDeploy(me, zeroAddress, t.registry, good)).toBe('ZeroAddress');
    expect(await tryDeploy(me, me, zeroAddress, good)).toBe('ZeroAddress');
    expect(await tryDeploy(me, me, t.registry, { ...good, feeBps: 10_001 })).toBe('InvalidBps');
    expect(await tryDeploy(me, me, t.registry, { ...good, slashBps: 10_001 })).toBe('InvalidBps');
    expect(
      await tryDeploy(me, me, t.registry, { ...good, challengerShareBps: 6000, requesterShareBps: 5000 }),
    ).toBe('InvalidBps');
  });

  it('agrees with @tender/chain on the EIP-712 domain, job ids and submission digests', async () => {
    const domain = await t.deployer.publicClient.getEip712Domain({ address: t.market });
    expect(domain.domain).toEqual({
      name: 'Tender',
      version: '1',
      chainId: 31337,
      verifyingContract: t.market,
      salt: `0x${'00'.repeat(32)}`,
    });
    const request = {
      requester: t.requesters[0]!.account.address,
      circuitId: keccak256(stringToHex('c')),
      inputHash: keccak256(stringToHex('i')),
      maxFee: parseEther('0.01'),
      deadline: 1_900_000_000n,
      nonce: 2n ** 200n + 7n,
    };
    const jobId = await read<Hex>('jobIdOf', [request]);
    expect(jobId).toBe(jobIdOf(t.domain, request));
    const submission = {
      jobId,
      circuitId: request.circuitId,
      proofHash: keccak256(stringToHex('p')),
      publicSignalsHash: keccak256(stringToHex('s')),
      prover: t.provers[0]!.account.address,
    };
    expect(await read('submissionDigest', [submission])).toBe(proofSubmissionDigest(t.domain, submission));
  });

  it('lets a requester invalidate its own nonces', async () => {
    const a = t.requesters[0]!;
    const me = a.account.address;
    expect(await read('isNonceUsed', [me, 260n])).toBe(false);
    await sendContractTx(a, { ...market(), functionName: 'invalidateNonces', args: [1n, 1n << 4n] });
    expect(await read('isNonceUsed', [me, 260n])).toBe(true);
    expect(await read('isNonceUsed', [me, 259n])).toBe(false);
    expect(await read('nonceBitmap', [me, 1n])).toBe(16n);
    expect(await read('isNonceUsed', [t.requesters[1]!.account.address, 260n])).toBe(false);
  });

  it('answers UnknownBatch for a batch id that was never settled', async () => {
    await expectRevert(read('batchRoot', [1n]), 'UnknownBatch', [1n]);
    expect(await read('batchCount')).toBe(0n);
    expect(
      await read('verifyInclusion', [
        1n,
        `0x${'11'.repeat(32)}`,
        `0x${'22'.repeat(32)}`,
        `0x${'33'.repeat(32)}`,
        [],
      ]),
    ).toBe(false);
  });
});
