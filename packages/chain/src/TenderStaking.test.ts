import { type Address, createTestClient, http, parseEther } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reentrantReceiverAbi, reentrantReceiverBytecode } from './generated/ReentrantReceiver.ts';
import { rejectingReceiverAbi, rejectingReceiverBytecode } from './generated/RejectingReceiver.ts';
import { tenderMarketAbi } from './generated/TenderMarket.ts';
import { tenderStakingAbi } from './generated/TenderStaking.ts';
import { type ChainClients, sendContractTx } from './sendContractTx.ts';
import { startTestMarket, type TestMarket } from './testing/testMarket.ts';
import { expectRevert } from './testing/testReverts.ts';

const MIN = parseEther('0.1');
const DELAY = 3_600n;
let t: TestMarket;

beforeAll(async () => {
  t = await startTestMarket({ params: { minimumStake: MIN, unstakeDelaySec: DELAY } });
});
afterAll(async () => {
  await t?.stop();
});

const staking = () => ({ address: t.staking, abi: tenderStakingAbi }) as const;
const stake = (c: ChainClients, value: bigint) =>
  sendContractTx(c, { ...staking(), functionName: 'stake', args: [], value });
const requestUnstake = (c: ChainClients, amount: bigint) =>
  sendContractTx(c, { ...staking(), functionName: 'requestUnstake', args: [amount] });
const withdrawStake = (c: ChainClients) =>
  sendContractTx(c, { ...staking(), functionName: 'withdrawStake', args: [] });
const info = (prover: Address) =>
  t.deployer.publicClient.readContract({ ...staking(), functionName: 'stakeInfo', args: [prover] });
const setLocks = (provers: Address[], amounts: bigint[]) =>
  sendContractTx(t.operator, {
    address: t.market,
    abi: tenderMarketAbi,
    functionName: 'setStakeLocks',
    args: [provers, amounts],
  });
async function travel(seconds: bigint): Promise<void> {
  const test = createTestClient({ mode: 'anvil', transport: http(t.anvil.rpcUrl) });
  await test.increaseTime({ seconds: Number(seconds) });
  await test.mine({ blocks: 1 });
}
async function deploy(
  abi: typeof rejectingReceiverAbi | typeof reentrantReceiverAbi,
  bytecode: `0x${string}`,
) {
  const hash = await t.deployer.walletClient.deployContract({ abi, bytecode });
  const receipt = await t.deployer.publicClient.waitForTransactionReceipt({ hash });
  return receipt.contractAddress as Address;
}

describe('TenderStaking', () => {
  it('exposes the market, minimum stake and delay it was created with', async () => {
    const read = t.deployer.publicClient.readContract;
    expect(await read({ ...staking(), functionName: 'market' })).toBe(t.market);
    expect(await read({ ...staking(), functionName: 'minimumStake' })).toBe(MIN);
    expect(await read({ ...staking(), functionName: 'unstakeDelay' })).toBe(DELAY);
  });

  it('stakes, unstakes after the delay and pays the prover back', async () => {
    const p = t.provers[0]!;
    const me = p.account.address;
    await stake(p, parseEther('1'));
    expect(
      await t.deployer.publicClient.readContract({ ...staking(), functionName: 'stakeOf', args: [me] }),
    ).toBe(parseEther('1'));
    await requestUnstake(p, parseEther('0.4'));
    const [total, pending, , readyAt] = await info(me);
    expect([total, pending]).toEqual([parseEther('1'), parseEther('0.4')]);
    expect(
      await t.deployer.publicClient.readContract({ ...staking(), functionName: 'stakeOf', args: [me] }),
    ).toBe(parseEther('0.6'));
    await expectRevert(withdrawStake(p), 'UnstakeNotReady', [me, readyAt]);
    await travel(DELAY);
    const before = await p.publicClient.getBalance({ address: me });
    const { receipt } = await withdrawStake(p);
    const after = await p.publicClient.getBalance({ address: me });
    expect(after - before + receipt.gasUsed * receipt.effectiveGasPrice).toBe(parseEther('0.4'));
    expect((await info(me)).slice(0, 2)).toEqual([parseEther('0.6'), 0n]);
    expect(await t.deployer.publicClient.getBalance({ address: t.staking })).toBe(parseEther('0.6'));
  });

  it('rejects zero amounts and stakes below the minimum', async () => {
    const p = t.provers[1]!;
    await expectRevert(stake(p, 0n), 'ZeroAmount');
    await expectRevert(stake(p, MIN - 1n), 'StakeBelowMinimum', [p.account.address, MIN - 1n, MIN]);
    await expectRevert(requestUnstake(p, 0n), 'ZeroAmount');
  });

  it('refuses an unstake that leaves a dust stake or exceeds the free amount', async () => {
    const p = t.provers[1]!;
    const me = p.account.address;
    await stake(p, parseEther('0.5'));
    await expectRevert(requestUnstake(p, parseEther('0.45')), 'StakeBelowMinimum', [
      me,
      parseEther('0.05'),
      MIN,
    ]);
    await expectRevert(requestUnstake(p, parseEther('0.6')), 'UnstakeExceedsAvailable', [
      me,
      parseEther('0.6'),
      parseEther('0.5'),
    ]);
    await expectRevert(withdrawStake(p), 'NoPendingUnstake', [me]);
  });

  it('keeps stake that backs open assignments: locked stake cannot be unstaked or withdrawn', async () => {
    const p = t.provers[2]!;
    const me = p.account.address;
    await stake(p, parseEther('1'));
    await requestUnstake(p, parseEther('0.5'));
    // The market locks 0.7 after the request: withdrawing 0.5 would leave 0.5 < 0.7.
    await setLocks([me], [parseEther('0.7')]);
    expect((await info(me))[2]).toBe(parseEther('0.7'));
    await expectRevert(requestUnstake(p, parseEther('0.1')), 'UnstakeExceedsAvailable', [
      me,
      parseEther('0.1'),
      0n,
    ]);
    await travel(DELAY);
    await expectRevert(withdrawStake(p), 'StakeLocked', [me, parseEther('0.5'), parseEther('0.7')]);
    await setLocks([me], [parseEther('0.5')]);
    await withdrawStake(p);
    expect((await info(me)).slice(0, 3)).toEqual([parseEther('0.5'), 0n, parseEther('0.5')]);
  });

  it('lets only the market lock or slash, and only operators set locks through the market', async () => {
    const p = t.provers[0]!;
    await expectRevert(
      sendContractTx(p, { ...staking(), functionName: 'setLocked', args: [p.account.address, 1n] }),
      'OnlyMarket',
      [p.account.address],
    );
    await expectRevert(
      sendContractTx(p, { ...staking(), functionName: 'slash', args: [p.account.address, 1n] }),
      'OnlyMarket',
      [p.account.address],
    );
    await expectRevert(
      sendContractTx(p, {
        address: t.market,
        abi: tenderMarketAbi,
        functionName: 'setStakeLocks',
        args: [[p.account.address], [1n]],
      }),
      'NotOperator',
      [p.account.address],
    );
    await expectRevert(setLocks([p.account.address], []), 'LengthMismatch', [1n, 0n]);
  });

  it("bubbles up the receiver's revert when the prover cannot receive its stake", async () => {
    const rejecting = await deploy(rejectingReceiverAbi, rejectingReceiverBytecode);
    const c = { address: rejecting, abi: [...rejectingReceiverAbi, ...tenderStakingAbi] } as const;
    await sendContractTx(t.deployer, { ...c, functionName: 'stake', args: [t.staking], value: MIN });
    await sendContractTx(t.deployer, { ...c, functionName: 'requestUnstake', args: [t.staking, MIN] });
    await travel(DELAY);
    await expectRevert(
      sendContractTx(t.deployer, { ...c, functionName: 'withdrawStake', args: [t.staking] }),
      'Rejected',
    );
  });

  it('blocks re-entering withdrawStake from the receive hook', async () => {
    const reentrant = await deploy(reentrantReceiverAbi, reentrantReceiverBytecode);
    const c = { address: reentrant, abi: reentrantReceiverAbi } as const;
    await sendContractTx(t.deployer, {
      ...c,
      functionName: 'stake',
      args: [t.staking],
      value: parseEther('0.2'),
    });
    await sendContractTx(t.deployer, { ...c, functionName: 'requestUnstake', args: [parseEther('0.2')] });
    await travel(DELAY);
    await sendContractTx(t.deployer, { ...c, functionName: 'withdrawStake', args: [] });
    const read = t.deployer.publicClient.readContract;
    expect(await read({ ...c, functionName: 'reentries' })).toBe(1n);
    // ReentrancyGuardReentrantCall() = 0x3ee5aeb5
    expect(await read({ ...c, functionName: 'lastReentryError' })).toBe('0x3ee5aeb5');
    expect((await info(reentrant)).slice(0, 2)).toEqual([0n, 0n]);
  });
});
