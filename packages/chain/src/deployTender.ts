import { TenderError } from '@tender/core';
import {
  type Address,
  concatHex,
  encodeDeployData,
  getContractAddress,
  type Hex,
  keccak256,
  stringToHex,
} from 'viem';
import { connectChain } from './connectChain.ts';
import { circuitRegistryBytecode } from './generated/CircuitRegistry.ts';
import { tenderAuditAbi, tenderAuditBytecode } from './generated/TenderAudit.ts';
import { tenderMarketAbi, tenderMarketBytecode } from './generated/TenderMarket.ts';

/**
 * The deterministic CREATE2 deployment proxy (Arachnid's), present on anvil by default and on most
 * public EVM chains. Deploying through it makes addresses depend only on salt + init code.
 */
export const CREATE2_FACTORY: Address = '0x4e59b44847b379578588920ca78fbf26c0b4956c';

/** Deployment parameters; every field has a local default (see {@link defaultDeployParams}). */
export interface DeployParams {
  /** CREATE2 salt; change it to deploy a second, independent market on the same chain. */
  salt: Hex;
  /** Market owner (manages operators). Default: the deployer. */
  owner: Address;
  /** Receives market fees and the treasury share of slashes. Default: the owner. */
  treasury: Address;
  /** Accounts allowed to settle batches and set stake locks. Default: `[owner]`. */
  operators: readonly Address[];
  /**
   * Market fee in basis points, charged to requesters on top of the prices (per batch and requester:
   * `floor(price sum × feeBps / 10 000)`); provers are paid their prices in full. Default 250 (2.5%).
   */
  feeBps: number;
  /** Share of a prover's stake one proven invalid proof costs, in bps. Default 5000. */
  slashBps: number;
  /** Share of the slashed amount paid to the challenger, in bps. Default 2500. */
  challengerShareBps: number;
  /** Share of the slashed amount paid to the job's requester, in bps. Default 2500 (rest: treasury). */
  requesterShareBps: number;
  /** Least active stake a prover needs, in wei. Default 0.1 ETH. */
  minimumStake: bigint;
  /** Seconds between an unstake request and its withdrawal. Default 7 days. */
  unstakeDelaySec: bigint;
  /** Audit mode (`TenderAudit`): least bond per committed epoch, wei. Default 0.1 ETH. */
  auditMinBond: bigint;
  /** Audit mode: blocks between an epoch's commitment and the block whose hash seeds its sample. Default 5. */
  auditSampleDelayBlocks: bigint;
  /** Audit mode: seconds after the draw within which every sample must be proven. Default 3 days. */
  auditRevealWindowSec: bigint;
  /** Audit mode: least sample size per epoch. Default 8. */
  auditMinSample: number;
  /** Audit mode: share of a slashed bond paid to whoever shows the failure, in bps. Default 2500. */
  auditChallengerShareBps: number;
}

/** Where Tender's contracts live on a chain. */
export interface TenderDeployment {
  chainId: number;
  /** Block in which the market was deployed (where indexers start). */
  blockNumber: bigint;
  deployer: Address;
  params: DeployParams;
  addresses: { registry: Address; market: Address; staking: Address; audit?: Address };
}

/** The default parameters for a deployment by `deployer`. */
export function defaultDeployParams(deployer: Address): DeployParams {
  return {
    salt: keccak256(stringToHex('tender.v1')),
    owner: deployer,
    treasury: deployer,
    operators: [deployer],
    feeBps: 250,
    slashBps: 5000,
    challengerShareBps: 2500,
    requesterShareBps: 2500,
    minimumStake: 10n ** 17n,
    unstakeDelaySec: 7n * 24n * 3600n,
    auditMinBond: 10n ** 17n,
    auditSampleDelayBlocks: 5n,
    auditRevealWindowSec: 3n * 24n * 3600n,
    auditMinSample: 8,
    auditChallengerShareBps: 2500,
  };
}

/** Init code (creation bytecode + constructor arguments) of each contract for these parameters. */
export function tenderInitCodes(params: DeployParams): {
  registry: Hex;
  market: (registry: Address) => Hex;
  audit: (market: Address) => Hex;
} {
  return {
    audit: (market) =>
      encodeDeployData({
        abi: tenderAuditAbi,
        bytecode: tenderAuditBytecode,
        args: [
          market,
          params.auditMinBond,
          params.auditSampleDelayBlocks,
          params.auditRevealWindowSec,
          params.auditMinSample,
          params.auditChallengerShareBps,
        ],
      }),
    registry: circuitRegistryBytecode,
    market: (registry) =>
      encodeDeployData({
        abi: tenderMarketAbi,
        bytecode: tenderMarketBytecode,
        args: [
          params.owner,
          params.treasury,
          registry,
          {
            feeBps: params.feeBps,
            slashBps: params.slashBps,
            challengerShareBps: params.challengerShareBps,
            requesterShareBps: params.requesterShareBps,
            unstakeDelay: params.unstakeDelaySec,
            minimumStake: params.minimumStake,
          },
        ],
      }),
  };
}

/** The CREATE2 addresses of the registry and the market for these parameters (no RPC needed). */
export function predictTenderAddresses(params: DeployParams): {
  registry: Address;
  market: Address;
  audit: Address;
} {
  const codes = tenderInitCodes(params);
  const registry = getContractAddress({
    opcode: 'CREATE2',
    from: CREATE2_FACTORY,
    salt: params.salt,
    bytecode: codes.registry,
  });
  const market = getContractAddress({
    opcode: 'CREATE2',
    from: CREATE2_FACTORY,
    salt: params.salt,
    bytecode: codes.market(registry),
  });
  const audit = getContractAddress({
    opcode: 'CREATE2',
    from: CREATE2_FACTORY,
    salt: params.salt,
    bytecode: codes.audit(market),
  });
  return { registry, market, audit };
}

/**
 * Deploys Tender's contracts (CircuitRegistry, then TenderMarket, whose constructor creates
 * TenderStaking) through the CREATE2 proxy and enables the operators. Deterministic: the same
 * params give the same addresses on every chain. Idempotent: contracts already at their address
 * are kept and operators already enabled are skipped, so running it twice is safe.
 *
 * @example
 * const anvil = await startAnvil();
 * const d = await deployTender({ rpcUrl: anvil.rpcUrl, deployerKey: devAccounts.deployer.privateKey,
 *   params: { operators: [devAccounts.operator.address], treasury: devAccounts.treasury.address } });
 * d.addresses.market; // 0x…
 */
export async function deployTender(opts: {
  rpcUrl: string;
  deployerKey: Hex;
  params?: Partial<DeployParams>;
}): Promise<TenderDeployment> {
  const { publicClient, walletClient, account, chain } = await connectChain({
    rpcUrl: opts.rpcUrl,
    privateKey: opts.deployerKey,
  });
  const defaults = defaultDeployParams(account.address);
  const owner = opts.params?.owner ?? defaults.owner;
  const params: DeployParams = {
    ...defaults,
    treasury: owner,
    operators: [owner],
    ...opts.params,
  };
  const factoryCode = await publicClient.getCode({ address: CREATE2_FACTORY });
  if (!factoryCode || factoryCode === '0x') {
    throw new TenderError('TENDER_CHAIN_DEPLOY_FAILED', 'the CREATE2 deployment proxy is not on this chain', {
      details: { factory: CREATE2_FACTORY, chainId: chain.id },
    });
  }
  const codes = tenderInitCodes(params);
  const predicted = predictTenderAddresses(params);

  const deploy = async (what: string, address: Address, initCode: Hex) => {
    const existing = await publicClient.getCode({ address });
    if (existing && existing !== '0x') return;
    const hash = await walletClient.sendTransaction({
      to: CREATE2_FACTORY,
      data: concatHex([params.salt, initCode]),
    });
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    const code = await publicClient.getCode({ address });
    if (receipt.status !== 'success' || !code || code === '0x') {
      throw new TenderError('TENDER_CHAIN_DEPLOY_FAILED', `deploying ${what} failed`, {
        details: { what, address, txHash: hash, status: receipt.status },
      });
    }
  };

  await deploy('CircuitRegistry', predicted.registry, codes.registry);
  await deploy('TenderMarket', predicted.market, codes.market(predicted.registry));
  await deploy('TenderAudit', predicted.audit, codes.audit(predicted.market));

  const market = { address: predicted.market, abi: tenderMarketAbi } as const;
  for (const operator of params.operators) {
    const enabled = await publicClient.readContract({
      ...market,
      functionName: 'isOperator',
      args: [operator],
    });
    if (enabled) continue;
    const hash = await walletClient.writeContract({
      ...market,
      functionName: 'setOperator',
      args: [operator, true],
    });
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    if (receipt.status !== 'success') {
      throw new TenderError('TENDER_CHAIN_DEPLOY_FAILED', 'enabling an operator failed', {
        details: { operator, txHash: hash },
      });
    }
  }
  const [staking, deployedAt] = await Promise.all([
    publicClient.readContract({ ...market, functionName: 'staking' }),
    publicClient.readContract({ ...market, functionName: 'deployedAtBlock' }),
  ]);
  return {
    chainId: chain.id,
    blockNumber: deployedAt,
    deployer: account.address,
    params,
    addresses: { registry: predicted.registry, market: predicted.market, staking, audit: predicted.audit },
  };
}
