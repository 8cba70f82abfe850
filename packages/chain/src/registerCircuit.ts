import { type SolidityVerifyingKey, vkeyHash } from '@tender/zk';
import type { Address, Hex } from 'viem';
import { circuitRegistryAbi } from './generated/CircuitRegistry.ts';
import { type ChainClients, sendContractTx } from './sendContractTx.ts';

/**
 * Registers a circuit's verification key (its hash is stored) with the sender as owner.
 * Returns the key hash the registry now holds for `circuitId`.
 *
 * @example
 * await registerCircuit(clients, deployment.addresses.registry, { circuitId, verifyingKey, metadataHash });
 */
export async function registerCircuit(
  clients: ChainClients,
  registry: Address,
  circuit: { circuitId: Hex; verifyingKey: SolidityVerifyingKey; metadataHash: Hex },
): Promise<{ vkHash: Hex; txHash: Hex }> {
  const vk = circuit.verifyingKey;
  const { hash } = await sendContractTx(clients, {
    address: registry,
    abi: circuitRegistryAbi,
    functionName: 'registerCircuit',
    args: [
      circuit.circuitId,
      { alpha1: vk.alpha1, beta2: vk.beta2, gamma2: vk.gamma2, delta2: vk.delta2, ic: vk.ic },
      circuit.metadataHash,
    ],
  });
  return { vkHash: vkeyHash(vk), txHash: hash };
}
