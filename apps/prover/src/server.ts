import { runMain } from '@tender/infra';
import { loadProverEnv } from './env.ts';
import { proverFromEnv } from './proverFromEnv.ts';

// The prover worker as its own process: `npm run start -w apps/prover` (TENDER_DEV=1 for a dev key).
// SIGINT/SIGTERM stop bidding, let in-flight proofs finish for PROVER_SHUTDOWN_GRACE_MS, abandon the rest.
runMain('prover', async () => {
  const worker = proverFromEnv(loadProverEnv());
  await worker.start();
  return { close: () => worker.stop() };
});
