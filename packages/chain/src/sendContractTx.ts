import { TenderError } from '@tender/core';
import type {
  Abi,
  Account,
  Address,
  Chain,
  ContractFunctionArgs,
  ContractFunctionName,
  Hex,
  PublicClient,
  SimulateContractParameters,
  TransactionReceipt,
  Transport,
  WalletClient,
  WriteContractParameters,
} from 'viem';
import { toChainError } from './chainError.ts';

/** The viem clients Tender's chain actions need. */
export interface ChainClients {
  publicClient: PublicClient<Transport, Chain>;
  walletClient: WalletClient<Transport, Chain, Account>;
}

/**
 * Simulates a contract call (so a revert surfaces with its decoded custom error), sends it, waits
 * for the receipt and checks its status. Reverts become `TENDER_CHAIN_REVERTED` (see `toChainError`).
 */
export async function sendContractTx<
  const abi extends Abi,
  functionName extends ContractFunctionName<abi, 'nonpayable' | 'payable'>,
>(
  clients: ChainClients,
  call: {
    address: Address;
    abi: abi;
    functionName: functionName;
    args: ContractFunctionArgs<abi, 'nonpayable' | 'payable', functionName>;
    value?: bigint;
    gas?: bigint;
  },
): Promise<{ receipt: TransactionReceipt; result: unknown; hash: Hex }> {
  const action = String(call.functionName);
  let hash: Hex;
  let result: unknown;
  try {
    const sim = await clients.publicClient.simulateContract({
      ...(call as unknown as SimulateContractParameters),
      account: clients.walletClient.account,
    });
    result = sim.result;
    hash = await clients.walletClient.writeContract(sim.request as unknown as WriteContractParameters);
  } catch (error) {
    throw toChainError(error, action);
  }
  const receipt = await clients.publicClient.waitForTransactionReceipt({ hash });
  if (receipt.status !== 'success') {
    throw new TenderError('TENDER_CHAIN_REVERTED', `${action} reverted on-chain`, {
      details: { txHash: hash, errorName: 'unknown' },
    });
  }
  return { receipt, result, hash };
}
