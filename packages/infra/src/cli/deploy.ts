import { join } from 'node:path';
import { address, dataDir, parseEnv, privateKey, url } from '@tender/config';
import { z } from 'zod';
import { ensureDeployment } from '../ensureDeployment.ts';
import { runMain } from '../runMain.ts';

// `npm run deploy`: deploys Tender's contracts to RPC_URL (CREATE2, so the addresses are the same on every chain
// for the same parameters) unless the deployment file already records them there, then writes the deployment file
// the apps read. Safe to re-run.
const schema = z.object({
  /** JSON-RPC URL of the chain to deploy to. */
  RPC_URL: url(['http', 'https', 'ws', 'wss']),
  /** Key that sends the deployment transactions and owns the market. */
  DEPLOYER_PRIVATE_KEY: privateKey,
  /** Comma-separated addresses allowed to settle batches (the aggregator's and the api's keys). Default: the deployer. */
  TENDER_OPERATORS: z
    .string()
    .optional()
    .transform((value) =>
      value
        ?.split(',')
        .map((a) => a.trim())
        .filter(Boolean),
    )
    .pipe(z.array(address).optional()),
  /** Receives market fees and the treasury share of slashes. Default: the deployer. */
  TENDER_TREASURY: address.optional(),
  /** Folder for local data. */
  TENDER_DATA_DIR: z.string().optional(),
  /** Where to write the deployment. Default `$TENDER_DATA_DIR/deployment.json`. */
  TENDER_DEPLOYMENT_FILE: z.string().optional(),
});

runMain('deploy', async () => {
  const env = parseEnv(schema);
  const file = env.TENDER_DEPLOYMENT_FILE ?? join(dataDir(env.TENDER_DATA_DIR), 'deployment.json');
  const { deployment, deployed } = await ensureDeployment({
    rpcUrl: env.RPC_URL,
    file,
    deployerKey: env.DEPLOYER_PRIVATE_KEY,
    params: {
      ...(env.TENDER_OPERATORS ? { operators: env.TENDER_OPERATORS } : {}),
      ...(env.TENDER_TREASURY ? { treasury: env.TENDER_TREASURY } : {}),
    },
  });
  console.log(
    `${deployed ? 'deployed' : 'already deployed'} on chain ${deployment.chainId}: market ${deployment.addresses.market}, ` +
      `registry ${deployment.addresses.registry}, staking ${deployment.addresses.staking} → ${file}`,
  );
  return { close: async () => {} };
});
