import { z } from 'zod';
import { logLevel, url } from './schemas.ts';

/**
 * Variables every server-side app shares (database, Redis, chain, data folder,
 * logging). Each app's `env.ts` extends this with its own variables.
 */
export const infraEnv = z.object({
  /** Postgres URL; unset means the embedded PGlite database in TENDER_DATA_DIR (local stack only). */
  DATABASE_URL: url(['postgres', 'postgresql']).optional(),
  /** Redis URL; unset means 127.0.0.1:6379 if it answers, else a redis-server the stack starts. */
  REDIS_URL: url(['redis', 'rediss']).optional(),
  /** Prefix of every Redis key (queues, pub/sub), so several deployments can share one Redis. Default `tender`. */
  TENDER_REDIS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, `_`, `.` or `-` (1-64)')
    .optional(),
  /** JSON-RPC URL of the chain; unset in the local stack means an anvil it starts. */
  RPC_URL: url(['http', 'https', 'ws', 'wss']).optional(),
  /** Folder for local data: PGlite, circuit artifacts, the deployment file, caches. Default `<repo>/.tender`. */
  TENDER_DATA_DIR: z.string().optional(),
  /** Deployment file with the contract addresses. Default `$TENDER_DATA_DIR/deployment.json`. */
  TENDER_DEPLOYMENT_FILE: z.string().optional(),
  /** Log level: fatal, error, warn, info, debug, trace, silent. */
  LOG_LEVEL: logLevel,
});
