import path from 'node:path';
import { devAccounts } from '@tender/chain';
import { dataDir } from '@tender/config';
import { privateKeyToAccount } from 'viem/accounts';
import type { ProverEnv } from './env.ts';
import { externalBackend } from './externalBackend.ts';
import { createProverWorker, type ProverLog, type ProverWorker } from './proverWorker.ts';
import { snarkjsBackend } from './snarkjsBackend.ts';

const levels = ['debug', 'info', 'warn', 'error'] as const;

/** A one-line-per-event console logger at `level` (`silent`, `fatal` log nothing below errors). */
export function consoleProverLog(level: string, prefix = 'prover'): ProverLog {
  const min = level === 'trace' ? 0 : levels.indexOf(level as (typeof levels)[number]);
  const threshold = min < 0 ? (level === 'silent' ? Number.POSITIVE_INFINITY : 3) : min;
  return (lvl, message, fields) => {
    if (levels.indexOf(lvl) < threshold) return;
    const extra = fields && Object.keys(fields).length > 0 ? ` ${JSON.stringify(fields)}` : '';
    const line = `[${prefix}] ${lvl} ${message}${extra}`;
    if (lvl === 'error' || lvl === 'warn') console.error(line);
    else console.log(line);
  };
}

/**
 * Builds the worker a `server.ts` (or the local stack's child process) runs
 * from the parsed environment: the key (dev key only with TENDER_DEV=1), the
 * backend (snarkjs threads = concurrency, or the external command), the data
 * folder `<TENDER_DATA_DIR>/prover/<address>` and the pricing.
 */
export function proverFromEnv(env: ProverEnv, log?: ProverLog): ProverWorker {
  const key = env.PROVER_PRIVATE_KEY ?? devAccounts.provers[env.PROVER_DEV_INDEX]!.privateKey;
  const account = privateKeyToAccount(key);
  const cacheDir = path.join(dataDir(env.TENDER_DATA_DIR), 'prover', account.address.toLowerCase());
  const backend =
    env.PROVER_BACKEND === 'external'
      ? externalBackend({ command: env.PROVER_EXTERNAL_CMD!, workDir: path.join(cacheDir, 'work') })
      : snarkjsBackend({ threads: env.PROVER_CONCURRENCY });
  return createProverWorker({
    apiUrl: env.TENDER_API_URL,
    account,
    kind: env.PROVER_KIND,
    concurrency: env.PROVER_CONCURRENCY,
    backend,
    cacheDir,
    pricing: {
      priceFloorWei: env.PROVER_PRICE_FLOOR_WEI,
      marginBps: env.PROVER_MARGIN_BPS,
      costPerSecondWei: env.PROVER_COST_PER_SECOND_WEI,
    },
    memoryMb: env.PROVER_MEMORY_MB,
    maxConstraints: env.PROVER_MAX_CONSTRAINTS,
    shutdownGraceMs: env.PROVER_SHUTDOWN_GRACE_MS,
    ...(env.PROVER_STAKE_WEI === undefined
      ? {}
      : { stake: { amountWei: env.PROVER_STAKE_WEI, ...(env.RPC_URL ? { rpcUrl: env.RPC_URL } : {}) } }),
    ...(env.PROVER_NAME ? { name: env.PROVER_NAME } : {}),
    log: log ?? consoleProverLog(env.LOG_LEVEL, `prover ${account.address.slice(0, 8)}`),
  });
}
