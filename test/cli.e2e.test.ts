import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { devAccounts, tenderMarketAbi, tenderStakingAbi } from '@tender/chain';
import { repoRoot } from '@tender/config';
import { type Address, createWalletClient, http, parseEther } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MarketStack, startMarketStack } from './support/marketStack.ts';
import { runTender, spawnTender, type TenderRun } from './support/runTender.ts';

// Issue 8's "Done when": the CLI driven as a new requester and a new prover would, against a running
// stack (api, scheduler, aggregator on real Postgres, Redis and anvil). Two fresh keys, funded here from
// an anvil dev account; everything else goes through `tender`.
// NOTE: `tender login` and `tender keys …` need the requester sign-in and API-key routes of issue 8's
// server side (branch `strangers`); until those land this file fails at its first step.

const root = repoRoot();
const echo = process.env.TENDER_E2E_LOG === '1';
const JOBS = 2;

let stack: MarketStack;
let work: string;
let proverProcess: ChildProcess | undefined;
const requesterKey = generatePrivateKey();
const proverKey = generatePrivateKey();
const requester = privateKeyToAccount(requesterKey);
const prover = privateKeyToAccount(proverKey);
let base: Record<string, string>;
let apiKey: string;
let circuitId: string;
const jobIds: string[] = [];

const tender = async (args: string[], env: Record<string, string> = {}): Promise<TenderRun> => {
  const run = await runTender(root, [...args, '--json'], { ...base, ...env });
  if (echo) console.log(`$ tender ${args.join(' ')} → ${run.code}\n${run.stdout}${run.stderr}`);
  return run;
};
const asRequester = { TENDER_PRIVATE_KEY: requesterKey };
const ok = (run: TenderRun) => {
  expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
  return run.json as Record<string, unknown>;
};

async function fund(to: Address, ether: string) {
  const wallet = createWalletClient({
    account: privateKeyToAccount(devAccounts.requesters[1].privateKey),
    chain: stack.h.deps.publicClient.chain,
    transport: http(stack.h.anvil.rpcUrl),
  });
  await stack.h.deps.publicClient.waitForTransactionReceipt({
    hash: await wallet.sendTransaction({ to, value: parseEther(ether) }),
  });
}

beforeAll(async () => {
  stack = await startMarketStack({
    config: { batchSize: JOBS, batchMaxAgeMs: 2_000, auctionWindowMs: 1_000 },
    chainIntervalMs: 500,
    log: echo,
  });
  work = await mkdtemp(path.join(tmpdir(), 'tender-cli-e2e-'));
  base = {
    TENDER_API_URL: stack.baseUrl,
    TENDER_RPC_URL: stack.h.anvil.rpcUrl,
    TENDER_CONFIG_DIR: path.join(work, 'config'),
  };
  await fund(requester.address, '5');
  await fund(prover.address, '5');
}, 300_000);

afterAll(async () => {
  if (proverProcess && proverProcess.exitCode === null) {
    proverProcess.kill('SIGKILL');
  }
  await stack?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('tender, as a new requester and a new prover', () => {
  it('signs in with a fresh key (SIWE) and creates, lists and revokes API keys', async () => {
    const login = ok(await tender(['login'], asRequester));
    expect(String(login.address).toLowerCase()).toBe(requester.address.toLowerCase());

    const created = ok(await tender(['keys', 'create', '--name', 'e2e', '--scope', 'submit', 'read']));
    apiKey = String(created.key);
    expect(apiKey).toMatch(/^tnd_/);
    const spare = ok(await tender(['keys', 'create', '--name', 'spare', '--scope', 'read']));
    const listed = ok(await tender(['keys', 'list'])) as { keys: { id: string; name: string }[] };
    expect(listed.keys.map((k) => k.name).sort()).toEqual(['e2e', 'spare']);

    // A key works until it is revoked, then at once no more: exit 1 with the api's code.
    ok(await tender(['job', 'list'], { TENDER_API_KEY: String(spare.key) }));
    ok(await tender(['keys', 'revoke', String(spare.id)]));
    const refused = await tender(['job', 'list'], { TENDER_API_KEY: String(spare.key) });
    expect(refused.code).toBe(1);
    expect((refused.json as { error: { code: string } }).error.code).toMatch(/^TENDER_/);
  }, 600_000);

  it('deposits escrow with its own key, checked on-chain', async () => {
    const deposit = ok(await tender(['escrow', 'deposit', '1'], { ...asRequester, TENDER_API_KEY: apiKey }));
    expect(deposit.balanceWei).toBe(parseEther('1').toString());
    const onChain = await stack.h.deps.publicClient.readContract({
      address: stack.h.deployment.addresses.market,
      abi: tenderMarketAbi,
      functionName: 'balanceOf',
      args: [requester.address],
    });
    expect(onChain).toBe(parseEther('1'));
    const balance = ok(await tender(['escrow', 'balance'], { TENDER_API_KEY: apiKey }));
    expect(balance.onChainBalanceWei).toBe(parseEther('1').toString());
  }, 600_000);

  it('compiles the tiny model itself and registers the circuit', async () => {
    const out = path.join(work, 'tiny-circuit');
    const compiled = ok(
      await tender(['model', 'compile', path.join(root, 'packages/circuits/models/tiny.json'), '--out', out]),
    );
    expect(compiled.constraints).toBeGreaterThan(0);
    const circuit = ok(await tender(['model', 'register', out], { TENDER_API_KEY: apiKey }));
    circuitId = String(circuit.id);
    expect(circuitId).toMatch(/^0x[0-9a-f]{64}$/);
    expect(circuit.modelCard).not.toBeNull();
  }, 600_000);

  it('a second fresh key stakes and joins as a prover with `tender prover run`', async () => {
    const asProver = { TENDER_PRIVATE_KEY: proverKey, TENDER_DATA_DIR: path.join(work, 'prover') };
    const staked = ok(await tender(['prover', 'stake', '1'], asProver));
    expect(BigInt(String(staked.activeWei))).toBeGreaterThanOrEqual(BigInt(String(staked.minimumStakeWei)));
    const stake = await stack.h.deps.publicClient.readContract({
      address: stack.h.deployment.addresses.staking,
      abi: tenderStakingAbi,
      functionName: 'stakeOf',
      args: [prover.address],
    });
    expect(stake).toBe(parseEther('1'));
    proverProcess = spawnTender(
      root,
      ['prover', 'run', '--concurrency', '1', '--json'],
      { ...base, ...asProver },
      echo,
    );
    const end = Date.now() + 180_000;
    for (;;) {
      const status = ok(await tender(['prover', 'status'], asProver));
      if (status.profile !== null) break;
      if (Date.now() > end || proverProcess.exitCode !== null) throw new Error('the prover never registered');
      await new Promise((r) => setTimeout(r, 1_000));
    }
    // The operator's glance sees it (loopback needs no operator token when the api has none).
    const status = ok(await tender(['status'])) as {
      health: { status: string };
      overview: { provers: { total: number } };
    };
    expect(status.overview.provers.total).toBeGreaterThanOrEqual(1);
  }, 600_000);

  it('submits jobs, watches them settle and verifies each one on its own', async () => {
    for (let i = 0; i < JOBS; i++) {
      const pixels = Array.from({ length: 16 }, (_, p) => (p * 29 + i * 71) % 256);
      const job = ok(
        await tender(
          [
            'job',
            'submit',
            '--circuit',
            circuitId,
            '--input',
            JSON.stringify({ pixels, salt: String(i + 1) }),
            '--max-fee',
            '0.001',
          ],
          { ...asRequester, TENDER_API_KEY: apiKey },
        ),
      );
      jobIds.push(String(job.id));
    }
    for (const id of jobIds) {
      const settled = ok(await tender(['job', 'watch', id, '--timeout', '300'], { TENDER_API_KEY: apiKey }));
      expect(settled.status).toBe('verified');
      expect(String((settled.assignment as { prover: string }).prover).toLowerCase()).toBe(
        prover.address.toLowerCase(),
      );
      const verified = ok(await tender(['verify', id], { TENDER_API_KEY: apiKey }));
      expect(verified.ok).toBe(true);
      expect((verified.checks as { ok: boolean }[]).every((c) => c.ok)).toBe(true);
    }
    const listed = ok(await tender(['job', 'list', '--status', 'verified'], { TENDER_API_KEY: apiKey })) as {
      items: { id: string }[];
    };
    expect(listed.items.map((j) => j.id).sort()).toEqual([...jobIds].sort());
  }, 600_000);

  it('refuses to verify a job that never settled (exit 4) and cancels it', async () => {
    proverProcess?.kill('SIGINT');
    await new Promise((r) => proverProcess?.once('exit', r));
    expect(proverProcess?.exitCode).toBe(0);
    const job = ok(
      await tender(
        [
          'job',
          'submit',
          '--circuit',
          circuitId,
          '--input',
          JSON.stringify({ pixels: Array(16).fill(9), salt: '9' }),
        ],
        { ...asRequester, TENDER_API_KEY: apiKey },
      ),
    );
    const notYet = await tender(['verify', String(job.id)], { TENDER_API_KEY: apiKey });
    expect(notYet.code).toBe(4);
    expect((notYet.json as { ok: boolean }).ok).toBe(false);
    const cancelled = ok(await tender(['job', 'cancel', String(job.id)], { TENDER_API_KEY: apiKey }));
    expect(cancelled.status).toBe('cancelled');
  }, 600_000);
});
