import { circuitRegistryAbi } from '@tender/chain';
import { TenderError } from '@tender/core';
import { toSolidityVerifyingKey, type VerificationKey, vkeyHash } from '@tender/zk';
import {
  type Account,
  BaseError,
  type Chain,
  ContractFunctionRevertedError,
  type Hex,
  type Transport,
  type WalletClient,
  zeroHash,
} from 'viem';
import type { MarketDeps } from '../deps/marketDeps.ts';

/** The wallet the api registers circuits with (the operator key). */
export type OperatorWallet = WalletClient<Transport, Chain, Account>;

/** Where a circuit stands in the on-chain registry after {@link ensureCircuitOnChain}. */
export interface CircuitOnChain {
  /** The key hash the registry holds (equal to the circuit's). */
  vkHash: Hex;
  /** The transaction that registered it (ours or someone else's); null if it could not be found. */
  txHash: Hex | null;
  /** True when this call sent the registering transaction. */
  sent: boolean;
}

/** Registrations from this process go one at a time, so they never race each other for the operator's nonce. */
let queue: Promise<unknown> = Promise.resolve();

function revertName(error: unknown): string | undefined {
  if (!(error instanceof BaseError)) return undefined;
  const revert = error.walk((e) => e instanceof ContractFunctionRevertedError);
  return revert instanceof ContractFunctionRevertedError ? revert.data?.errorName : undefined;
}

/**
 * Makes sure the registry holds `vkey` for `circuitId`, registering it with
 * the operator key when it does not (verifying key in calldata, its hash
 * stored). Idempotent: a circuit already registered with the same key —
 * by an earlier call, another api instance racing this one, or anyone else —
 * is left alone and its registration transaction looked up from the
 * `CircuitRegistered` event. A different key under the same id is
 * `TENDER_CONFLICT`; a revert is `TENDER_CHAIN_REVERTED` naming the error;
 * an unreachable node `TENDER_DEPENDENCY_UNAVAILABLE`.
 *
 * @example
 * const { vkHash, txHash } = await ensureCircuitOnChain(deps, operator, { circuitId, vkey, metadataHash });
 */
export function ensureCircuitOnChain(
  deps: Pick<MarketDeps, 'publicClient' | 'deployment'>,
  operator: OperatorWallet,
  circuit: { circuitId: Hex; vkey: VerificationKey; metadataHash: Hex },
): Promise<CircuitOnChain> {
  const run = queue.then(() => ensureOnce(deps, operator, circuit));
  queue = run.catch(() => {});
  return run;
}

async function ensureOnce(
  deps: Pick<MarketDeps, 'publicClient' | 'deployment'>,
  operator: OperatorWallet,
  circuit: { circuitId: Hex; vkey: VerificationKey; metadataHash: Hex },
): Promise<CircuitOnChain> {
  const registry = deps.deployment.addresses.registry;
  const vk = toSolidityVerifyingKey(circuit.vkey);
  const expected = vkeyHash(vk);
  const readHash = () =>
    chainCall('read the circuit registry', () =>
      deps.publicClient.readContract({
        address: registry,
        abi: circuitRegistryAbi,
        functionName: 'vkHashOf',
        args: [circuit.circuitId],
      }),
    );
  let current = await readHash();
  let sent: Hex | null = null;
  if (current === zeroHash) {
    try {
      const { request } = await deps.publicClient.simulateContract({
        account: operator.account,
        address: registry,
        abi: circuitRegistryAbi,
        functionName: 'registerCircuit',
        args: [
          circuit.circuitId,
          { alpha1: vk.alpha1, beta2: vk.beta2, gamma2: vk.gamma2, delta2: vk.delta2, ic: vk.ic },
          circuit.metadataHash,
        ],
      });
      const hash = await operator.writeContract(request);
      const receipt = await deps.publicClient.waitForTransactionReceipt({ hash });
      if (receipt.status === 'success') sent = hash;
    } catch (error) {
      const name = revertName(error);
      if (name === undefined) {
        throw new TenderError('TENDER_DEPENDENCY_UNAVAILABLE', 'circuit registration failed', {
          details: { circuitId: circuit.circuitId, reason: (error as Error).message.slice(0, 300) },
          cause: error,
        });
      }
      if (name !== 'CircuitAlreadyRegistered') {
        throw new TenderError('TENDER_CHAIN_REVERTED', `circuit registration reverted: ${name}`, {
          details: { circuitId: circuit.circuitId, errorName: name },
          cause: error,
        });
      }
      // Someone registered it between our read and our transaction: check theirs below.
    }
    current = await readHash();
  }
  if (current !== expected) {
    throw new TenderError(
      'TENDER_CONFLICT',
      current === zeroHash
        ? 'circuit registration did not take effect'
        : 'the registry holds a different verification key for this circuit id',
      { details: { circuitId: circuit.circuitId, registered: current, expected } },
    );
  }
  if (sent !== null) return { vkHash: expected, txHash: sent, sent: true };
  const logs = await chainCall('read registry events', () =>
    deps.publicClient.getContractEvents({
      address: registry,
      abi: circuitRegistryAbi,
      eventName: 'CircuitRegistered',
      args: { circuitId: circuit.circuitId },
      fromBlock: deps.deployment.blockNumber,
    }),
  );
  return { vkHash: expected, txHash: logs[0]?.transactionHash ?? null, sent: false };
}

async function chainCall<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw new TenderError('TENDER_DEPENDENCY_UNAVAILABLE', `could not ${what}`, {
      details: { reason: (error as Error).message.slice(0, 300) },
      cause: error,
    });
  }
}
