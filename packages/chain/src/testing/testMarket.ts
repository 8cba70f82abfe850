import type { Address } from 'viem';
import { type ChainConnection, connectChain } from '../connectChain.ts';
import { type DeployParams, deployTender, type TenderDeployment } from '../deployTender.ts';
import { type DevAccount, devAccounts } from '../devAccounts.ts';
import { type TenderDomain, tenderDomain } from '../eip712.ts';
import { type AnvilInstance, startAnvil } from '../startAnvil.ts';

/** A fresh anvil with Tender deployed and a client per dev role. Test and bench helper. */
export interface TestMarket {
  anvil: AnvilInstance;
  deployment: TenderDeployment;
  market: Address;
  registry: Address;
  staking: Address;
  domain: TenderDomain;
  deployer: ChainConnection;
  operator: ChainConnection;
  treasury: ChainConnection;
  challenger: ChainConnection;
  provers: ChainConnection[];
  requesters: ChainConnection[];
  /** Connects another account (e.g. a test contract's deployer). */
  connect(account: DevAccount): Promise<ChainConnection>;
  stop(): Promise<void>;
}

/**
 * Starts anvil on a free port, deploys Tender (operator = `devAccounts.operator`, treasury =
 * `devAccounts.treasury`, plus `params`) and connects a client for each role. Call `stop()`.
 */
export async function startTestMarket(
  opts: { params?: Partial<DeployParams>; extraArgs?: readonly string[] } = {},
): Promise<TestMarket> {
  const anvil = await startAnvil(opts.extraArgs ? { extraArgs: opts.extraArgs } : {});
  try {
    const deployment = await deployTender({
      rpcUrl: anvil.rpcUrl,
      deployerKey: devAccounts.deployer.privateKey,
      params: {
        operators: [devAccounts.operator.address],
        treasury: devAccounts.treasury.address,
        ...opts.params,
      },
    });
    const connect = (account: DevAccount) =>
      // Generous timeout: 128-proof batches on a loaded test machine take longer than viem's 10 s.
      connectChain({
        rpcUrl: anvil.rpcUrl,
        privateKey: account.privateKey,
        chainId: anvil.chainId,
        timeoutMs: 120_000,
      });
    const [deployer, operator, treasury, challenger, ...rest] = await Promise.all([
      connect(devAccounts.deployer),
      connect(devAccounts.operator),
      connect(devAccounts.treasury),
      connect(devAccounts.challenger),
      ...devAccounts.provers.map(connect),
      ...devAccounts.requesters.map(connect),
    ]);
    return {
      anvil,
      deployment,
      market: deployment.addresses.market,
      registry: deployment.addresses.registry,
      staking: deployment.addresses.staking,
      domain: tenderDomain(anvil.chainId, deployment.addresses.market),
      deployer: deployer as ChainConnection,
      operator: operator as ChainConnection,
      treasury: treasury as ChainConnection,
      challenger: challenger as ChainConnection,
      provers: rest.slice(0, devAccounts.provers.length),
      requesters: rest.slice(devAccounts.provers.length),
      connect,
      stop: () => anvil.stop(),
    };
  } catch (error) {
    await anvil.stop();
    throw error;
  }
}
