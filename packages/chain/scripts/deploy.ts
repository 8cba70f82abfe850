/**
 * Deploys Tender's contracts to any EVM chain and prints the deployment as JSON (stdout).
 *
 *   TENDER_RPC_URL=https://… TENDER_DEPLOYER_KEY=0x… TENDER_TREASURY=0x… TENDER_OPERATORS=0x…,0x… \
 *     npx tsx packages/chain/scripts/deploy.ts > deployment.json
 *
 * Deterministic (CREATE2 through the 0x4e59…956c proxy) and idempotent: rerunning with the same
 * variables deploys nothing new and prints the same addresses. Every variable is listed in
 * packages/chain/README.md; unset ones take the local defaults (anvil on 127.0.0.1:8545, dev key).
 */
import { address, ConfigError, parseEnv, privateKey, url } from '@tender/config';
import { z } from 'zod';
import { deployTender } from '../src/deployTender.ts';
import { devAccounts } from '../src/devAccounts.ts';

const schema = z.object({
  /** JSON-RPC endpoint of the chain. */
  TENDER_RPC_URL: url(['http', 'https']).default('http://127.0.0.1:8545'),
  /** Key that sends the deployment transactions (and owns the market unless TENDER_OWNER is set). */
  TENDER_DEPLOYER_KEY: privateKey.default(devAccounts.deployer.privateKey),
  /** Market owner (manages operators). Default: the deployer. */
  TENDER_OWNER: address.optional(),
  /** Receives fees and the treasury share of slashes. Default: the owner. */
  TENDER_TREASURY: address.optional(),
  /** Comma-separated settlement operators (the aggregator's key). Default: the owner. */
  TENDER_OPERATORS: z
    .string()
    .regex(/^0x[0-9a-fA-F]{40}(,0x[0-9a-fA-F]{40})*$/, 'expected comma-separated 0x addresses')
    .optional(),
  /** CREATE2 salt text (hashed); change it for an independent second market. */
  TENDER_SALT: z.string().min(1).optional(),
  TENDER_FEE_BPS: z.coerce.number().int().min(0).max(10_000).optional(),
  TENDER_SLASH_BPS: z.coerce.number().int().min(0).max(10_000).optional(),
  TENDER_CHALLENGER_SHARE_BPS: z.coerce.number().int().min(0).max(10_000).optional(),
  TENDER_REQUESTER_SHARE_BPS: z.coerce.number().int().min(0).max(10_000).optional(),
  /** Least active prover stake, in wei. */
  TENDER_MINIMUM_STAKE_WEI: z.coerce.bigint().nonnegative().optional(),
  /** Seconds between an unstake request and its withdrawal. */
  TENDER_UNSTAKE_DELAY_SEC: z.coerce.bigint().nonnegative().optional(),
});

try {
  const env = parseEnv(schema);
  const { keccak256, stringToHex } = await import('viem');
  const params = {
    ...(env.TENDER_OWNER ? { owner: env.TENDER_OWNER } : {}),
    ...(env.TENDER_TREASURY ? { treasury: env.TENDER_TREASURY } : {}),
    ...(env.TENDER_OPERATORS ? { operators: env.TENDER_OPERATORS.split(',') as `0x${string}`[] } : {}),
    ...(env.TENDER_SALT ? { salt: keccak256(stringToHex(env.TENDER_SALT)) } : {}),
    ...(env.TENDER_FEE_BPS === undefined ? {} : { feeBps: env.TENDER_FEE_BPS }),
    ...(env.TENDER_SLASH_BPS === undefined ? {} : { slashBps: env.TENDER_SLASH_BPS }),
    ...(env.TENDER_CHALLENGER_SHARE_BPS === undefined
      ? {}
      : { challengerShareBps: env.TENDER_CHALLENGER_SHARE_BPS }),
    ...(env.TENDER_REQUESTER_SHARE_BPS === undefined
      ? {}
      : { requesterShareBps: env.TENDER_REQUESTER_SHARE_BPS }),
    ...(env.TENDER_MINIMUM_STAKE_WEI === undefined ? {} : { minimumStake: env.TENDER_MINIMUM_STAKE_WEI }),
    ...(env.TENDER_UNSTAKE_DELAY_SEC === undefined ? {} : { unstakeDelaySec: env.TENDER_UNSTAKE_DELAY_SEC }),
  };
  const deployment = await deployTender({
    rpcUrl: env.TENDER_RPC_URL,
    deployerKey: env.TENDER_DEPLOYER_KEY,
    params,
  });
  console.log(JSON.stringify(deployment, (_k, v) => (typeof v === 'bigint' ? v.toString() : v), 2));
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exitCode = 1;
}
