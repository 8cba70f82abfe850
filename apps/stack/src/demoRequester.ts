import type { DevAccount } from '@tender/chain';
import { decodePublicSignals, loadBuiltinModel, loadMnist, modelInput } from '@tender/circuits';
import { TenderClient } from '@tender/sdk';
import { formatEther } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';

/**
 * The demo requester of the local stack: every `intervalMs` it submits an
 * MNIST job for a held-out digit (never used in training) through the SDK,
 * signed by the dev requester key, then follows it and prints each step —
 * auctioned, proven (by whom, for how much, what the model predicted), and
 * settled on-chain (batch, tx, gas per proof). At most `maxInFlight` at once.
 */
export function startDemoRequester(opts: {
  apiUrl: string;
  apiKey: string;
  account: DevAccount;
  circuitId: string;
  intervalMs: number;
  maxInFlight: number;
  log: (line: string) => void;
}): { stop(): Promise<void> } {
  const client = new TenderClient({
    baseUrl: opts.apiUrl,
    apiKey: opts.apiKey,
    account: privateKeyToAccount(opts.account.privateKey),
  });
  const controller = new AbortController();
  const digits = loadMnist().test;
  const following = new Set<Promise<void>>();
  let next = 0;
  let stopped = false;
  let modelPromise: ReturnType<typeof loadBuiltinModel> | undefined;

  const follow = async (id: string, label: number) => {
    const short = id.slice(-8);
    try {
      const proven = await client.waitForJob(id, {
        until: 'proven',
        timeoutMs: 600_000,
        signal: controller.signal,
      });
      if (proven.status !== 'proven' && proven.status !== 'batched' && proven.status !== 'verified') {
        opts.log(
          `job ${short} ended ${proven.status}${proven.statusReason ? ` (${proven.statusReason})` : ''}`,
        );
        return;
      }
      const predicted = proven.publicSignals
        ? decodePublicSignals('public', proven.publicSignals).prediction
        : null;
      const price = proven.price ? `${formatEther(BigInt(proven.price))} ETH` : '?';
      opts.log(
        `job ${short} proven by ${proven.assignment?.prover.slice(0, 10) ?? '?'} for ${price} in round ${proven.round}` +
          ` — model says ${predicted ?? '?'}, digit was ${label} ${predicted === label ? '✓' : '✗'}`,
      );
      const verified = await client.waitForJob(id, {
        until: 'verified',
        timeoutMs: 600_000,
        signal: controller.signal,
      });
      if (verified.status === 'verified' && verified.batch) {
        opts.log(
          `job ${short} verified on-chain: batch ${verified.batch.chainBatchId ?? '?'}, tx ${verified.batch.txHash?.slice(0, 12)}…` +
            ` block ${verified.batch.blockNumber}, leaf ${verified.batch.leafIndex} of root ${verified.batch.root?.slice(0, 12)}…`,
        );
      } else {
        opts.log(`job ${short} ended ${verified.status}`);
      }
    } catch (error) {
      if (!stopped) opts.log(`job ${short}: ${(error as Error).message}`);
    }
  };

  const submitOne = async () => {
    if (stopped || following.size >= opts.maxInFlight) return;
    modelPromise ??= loadBuiltinModel('mnist');
    const model = await modelPromise;
    // A stride through the held-out digits (they are stored by label) so consecutive jobs show different digits.
    const digit = digits[(next++ * 7919) % digits.length]!;
    const job = await client.submitJob({
      circuitId: opts.circuitId,
      input: modelInput(model, digit.pixels),
      maxFee: 10n ** 15n,
      deadline: Math.floor(Date.now() / 1000) + 600,
    });
    opts.log(`job ${job.id.slice(-8)} submitted: digit ${digit.label}, max fee 0.001 ETH`);
    const tracked = follow(job.id, digit.label).finally(() => following.delete(tracked));
    following.add(tracked);
  };

  const timer = setInterval(() => {
    submitOne().catch((error: unknown) => {
      if (!stopped) opts.log(`submit failed: ${(error as Error).message}`);
    });
  }, opts.intervalMs);
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      controller.abort();
      await Promise.allSettled([...following]);
    },
  };
}
