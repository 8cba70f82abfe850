import { type DeployParams, deployTender, type TenderDeployment } from '@tender/chain';
import { createPublicClient, type Hex, http } from 'viem';
import { readDeploymentFile, writeDeploymentFile } from './deploymentFile.ts';

/**
 * Returns the deployment recorded in `file` when its contracts are on the
 * chain at `rpcUrl`, else deploys them with `deployerKey` (CREATE2: the same
 * addresses every time) and records the new deployment.
 */
export async function ensureDeployment(opts: {
  rpcUrl: string;
  file: string;
  deployerKey: Hex | undefined;
  params?: Partial<DeployParams>;
}): Promise<{ deployment: TenderDeployment; deployed: boolean }> {
  const client = createPublicClient({ transport: http(opts.rpcUrl) });
  const recorded = await readDeploymentFile(opts.file);
  if (recorded) {
    const chainId = await client.getChainId();
    const code = await client.getCode({ address: recorded.addresses.market });
    if (chainId === recorded.chainId && code && code !== '0x')
      return { deployment: recorded, deployed: false };
  }
  if (!opts.deployerKey) {
    throw new Error(
      `DEPLOYER_PRIVATE_KEY: no Tender contracts recorded for this chain in ${opts.file}; set DEPLOYER_PRIVATE_KEY to deploy them`,
    );
  }
  const deployment = await deployTender({
    rpcUrl: opts.rpcUrl,
    deployerKey: opts.deployerKey,
    ...(opts.params === undefined ? {} : { params: opts.params }),
  });
  await writeDeploymentFile(opts.file, deployment);
  return { deployment, deployed: true };
}
