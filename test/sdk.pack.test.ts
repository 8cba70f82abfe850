import { execFile } from 'node:child_process';
import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { devAccounts, tenderMarketAbi } from '@tender/chain';
import { repoRoot } from '@tender/config';
import { createRequester } from '@tender/market';
import { createProverWorker, type ProverWorker, snarkjsBackend } from '@tender/prover';
import { type Hex, parseEther } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MarketStack, startMarketStack } from './support/marketStack.ts';
import { installIntoEmptyProject, packWorkspace } from './support/packWorkspace.ts';

// Issue 8: "A test installs the packed SDK tarball into an empty folder outside the repo and submits and
// verifies a job with it." The script below runs with plain `node` in that folder, against a real stack.
const exec = promisify(execFile);

const SCRIPT = `
import { TenderClient, verifyGroth16 } from '@tender/sdk';
import { privateKeyToAccount } from 'viem/accounts';
const env = process.env;
const account = privateKeyToAccount(env.KEY);
const client = new TenderClient({ baseUrl: env.API, apiKey: env.API_KEY, account });
await client.deposit(10n ** 17n, env.RPC);
const circuit = await client.registerBuiltinCircuit('tiny');
const pixels = Array.from({ length: 16 }, (_, i) => (i * 53 + 7) % 256);
const job = await client.submitJob({ circuitId: circuit.id, input: { pixels, salt: '5' }, maxFee: 10n ** 15n });
const settled = await client.waitForJob(job.id, { until: 'verified', timeoutMs: 240_000 });
const verification = await client.verifyJob(job.id, { rpcUrl: env.RPC });
const notMine = await client.verifyJob(job.id, { rpcUrl: env.RPC, requester: '0x0000000000000000000000000000000000000001' });
const vkey = await client.getVerificationKey(circuit.id);
const swapped = [...settled.proof.publicSignals].reverse();
const tamperedAccepted = verifyGroth16(vkey, settled.proof.proof, swapped);
console.log(JSON.stringify({ jobId: job.id, verification, notMine, tamperedAccepted, inclusionProof: settled.batch.inclusionProof }));
`;

let stack: MarketStack;
let worker: ProverWorker;
let outside: string;
let tarball: string;
let cliTarball: string;
let settledJobId = '';
let requesterApiKey = '';
const requesterKey = generatePrivateKey();
const requester = privateKeyToAccount(requesterKey);

beforeAll(async () => {
  const root = repoRoot();
  // Pack first (the build takes a while on a busy machine), then start the market.
  tarball = await packWorkspace(root, 'packages/sdk');
  cliTarball = await packWorkspace(root, 'packages/cli');
  outside = await installIntoEmptyProject([tarball, cliTarball]);
  stack = await startMarketStack({
    config: { batchSize: 1, batchMaxAgeMs: 1_000, auctionWindowMs: 500 },
    chainIntervalMs: 500,
  });
  const funder = stack.h.deps.publicClient;
  const { createWalletClient, http } = await import('viem');
  const wallet = createWalletClient({
    account: privateKeyToAccount(devAccounts.requesters[2].privateKey),
    chain: funder.chain,
    transport: http(stack.h.anvil.rpcUrl),
  });
  await funder.waitForTransactionReceipt({
    hash: await wallet.sendTransaction({ to: requester.address, value: parseEther('1') }),
  });
  worker = createProverWorker({
    apiUrl: stack.baseUrl,
    account: privateKeyToAccount(devAccounts.provers[2].privateKey),
    kind: 'cpu',
    concurrency: 1,
    backend: snarkjsBackend({ threads: 1 }),
    cacheDir: path.join(stack.dataDir, 'prover'),
    memoryMb: 4_096,
    heartbeatMs: 1_000,
    stake: { amountWei: parseEther('1'), rpcUrl: stack.h.anvil.rpcUrl },
  });
  await worker.start();
}, 900_000);

afterAll(async () => {
  await worker?.stop({ graceMs: 0 });
  await stack?.close();
  if (outside) await rm(outside, { recursive: true, force: true });
  if (tarball) await rm(path.dirname(tarball), { recursive: true, force: true });
  if (cliTarball) await rm(path.dirname(cliTarball), { recursive: true, force: true });
});

describe('the packed @tender/sdk, installed outside the repository', () => {
  it('ships built JavaScript and declarations only, and leaves the repository manifest on the sources', async () => {
    const installed = path.join(outside, 'node_modules', '@tender', 'sdk');
    const manifest = JSON.parse(await readFile(path.join(installed, 'package.json'), 'utf8'));
    expect(manifest.exports['.']).toEqual({ types: './dist/index.d.ts', default: './dist/index.js' });
    expect(manifest.private).toBeUndefined();
    await expect(stat(path.join(installed, 'dist', 'index.d.ts'))).resolves.toBeTruthy();
    await expect(stat(path.join(installed, 'src'))).rejects.toThrow();
    const repoManifest = JSON.parse(
      await readFile(path.join(repoRoot(), 'packages/sdk/package.json'), 'utf8'),
    );
    expect(repoManifest.exports['.'].default).toBe('./src/index.ts');
  });

  it('brings no server dependency (no Prisma, snarkjs, fastify or other @tender package)', async () => {
    const modules = path.join(outside, 'node_modules');
    for (const name of ['snarkjs', 'fastify', '@prisma/client', 'prisma', 'bullmq', 'ioredis']) {
      await expect(stat(path.join(modules, name)), name).rejects.toThrow();
    }
    const { readdir } = await import('node:fs/promises');
    expect((await readdir(path.join(modules, '@tender'))).sort()).toEqual(['cli', 'sdk']);
  });

  it('submits a job with plain node and verifies it without trusting the api', async () => {
    const { apiKey } = await createRequester(stack.h.deps, {
      name: 'sdk outside',
      address: requester.address,
    });
    requesterApiKey = apiKey;
    await writeFile(path.join(outside, 'run.mjs'), SCRIPT);
    const { stdout } = await exec(process.execPath, ['run.mjs'], {
      cwd: outside,
      env: {
        PATH: process.env.PATH,
        KEY: requesterKey,
        API: stack.baseUrl,
        API_KEY: apiKey,
        RPC: stack.h.anvil.rpcUrl,
      },
      timeout: 300_000,
      maxBuffer: 16 * 2 ** 20,
    });
    const out = JSON.parse(stdout.trim().split('\n').pop() as string);
    settledJobId = out.jobId;
    expect(out.tamperedAccepted).toBe(false);
    // Asked to check it is someone else's job, the same verification fails on the request.
    expect(out.notMine.ok).toBe(false);
    expect(out.notMine.checks.find((c: { name: string }) => c.name === 'request').ok).toBe(false);
    expect(out.verification.ok).toBe(true);
    expect(out.verification.checks.map((c: { name: string; ok: boolean }) => [c.name, c.ok])).toEqual([
      ['settled', true],
      ['request', true],
      ['verificationKey', true],
      ['proof', true],
      ['inclusion', true],
    ]);
    // The same fact, read here from the contract independently of the SDK.
    const v = out.verification;
    const included = await stack.h.deps.publicClient.readContract({
      address: stack.h.deployment.addresses.market,
      abi: tenderMarketAbi,
      functionName: 'verifyInclusion',
      args: [
        BigInt(v.chainBatchId),
        v.chainJobId as Hex,
        v.circuitId as Hex,
        v.publicSignalsHash as Hex,
        out.inclusionProof as Hex[],
      ],
    });
    expect(included).toBe(true);
  });

  it('the packed tender CLI runs there too and verifies the job (exit 0), or names what is missing (exit 3)', async () => {
    expect(settledJobId).not.toBe('');
    const bin = path.join(outside, 'node_modules', '.bin', 'tender');
    const env = {
      PATH: process.env.PATH,
      TENDER_API_URL: stack.baseUrl,
      TENDER_RPC_URL: stack.h.anvil.rpcUrl,
      TENDER_API_KEY: requesterApiKey,
      TENDER_CONFIG_DIR: path.join(outside, '.tender-config'),
    };
    const run = (args: string[]) =>
      exec(bin, args, { cwd: outside, env, timeout: 120_000 }).then(
        ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
        (error: { code: number; stdout: string; stderr: string }) => error,
      );
    const verified = await run(['verify', settledJobId, '--json']);
    expect(verified.code, `${verified.stdout}${verified.stderr}`).toBe(0);
    const verification = JSON.parse(verified.stdout);
    expect(verification.ok).toBe(true);
    expect(verification.jobId).toBe(settledJobId);
    const noKey = await run(['escrow', 'deposit', '1']);
    expect(noKey.code).toBe(3);
    expect(noKey.stderr).toBe('error: no key: set TENDER_PRIVATE_KEY or pass --keystore <file>\n');
  });
});
