import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { privateKeyToAccount } from 'viem/accounts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProverClient } from './proverClient.ts';
import type { ProverEvent } from './proverTypes.ts';

// A small HTTP server speaking the api's wire format, to drive the client's protocol handling
// (reconnects, hash checks) where the real api cannot be made to misbehave on purpose. The real
// api and client are tested together in apps/api (routes) and apps/prover (worker).
const account = privateKeyToAccount('0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d');
const circuitId = `0x${'ab'.repeat(32)}`;
let server: Server;
let base: string;
let dir: string;
let handle: (req: IncomingMessage, res: ServerResponse) => void;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'tender-sdk-prover-'));
  server = createServer((req, res) => {
    if (req.url === '/v1/provers/session/nonce') return json(res, { nonce: 'abcdefgh12345678' });
    if (req.url === '/v1/market') return json(res, { chainId: 31337, market: `0x${'11'.repeat(20)}` });
    if (req.url === '/v1/provers/session') {
      return json(res, {
        token: 't',
        expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
        address: '',
      });
    }
    handle(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterEach(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

function json(res: ServerResponse, body: unknown) {
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

const sha = (data: string) => createHash('sha256').update(data).digest('hex');

describe('ProverClient', () => {
  it('reconnects a dropped event stream with backoff and keeps yielding events', async () => {
    let connections = 0;
    handle = (req, res) => {
      expect(req.headers.authorization).toBe('Bearer t');
      connections++;
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const event: ProverEvent = { type: 'cancellation', jobId: `job-${connections}`, reason: 'test' };
      res.write(`: hello\n\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
      if (connections < 3) setTimeout(() => res.destroy(), 20);
    };
    const client = new ProverClient({ baseUrl: base, account });
    const abort = new AbortController();
    const seen: string[] = [];
    const errors: unknown[] = [];
    for await (const event of client.events({
      signal: abort.signal,
      minBackoffMs: 10,
      onError: (e) => errors.push(e),
    })) {
      seen.push(event.jobId);
      if (seen.length === 3) abort.abort();
    }
    expect(seen).toEqual(['job-1', 'job-2', 'job-3']);
    expect(errors.length).toBeGreaterThanOrEqual(2);
  });

  it('keeps an artifact whose bytes match the circuit hash and the ETag, and does not download it twice', async () => {
    const bytes = 'wasm bytes';
    let downloads = 0;
    handle = (req, res) => {
      if (req.url === `/v1/circuits/${circuitId}`) {
        return json(res, { id: circuitId, artifacts: { wasm: { sha256: `0x${sha(bytes)}`, size: 10 } } });
      }
      downloads++;
      res.writeHead(200, { etag: `"0x${sha(bytes)}"` }).end(bytes);
    };
    const client = new ProverClient({ baseUrl: base, account });
    const file = await client.downloadArtifact(circuitId, 'wasm', dir);
    expect(path.basename(file)).toBe(`${sha(bytes)}.wasm`);
    expect(await client.downloadArtifact(circuitId, 'wasm', dir)).toBe(file);
    expect(downloads).toBe(1);
  });

  it('refuses an artifact whose bytes do not match its hash and keeps nothing', async () => {
    handle = (req, res) => {
      if (req.url === `/v1/circuits/${circuitId}`) {
        return json(res, {
          id: circuitId,
          artifacts: { zkey: { sha256: `0x${sha('the real zkey')}`, size: 13 } },
        });
      }
      res.writeHead(200, { etag: `"0x${sha('the real zkey')}"` }).end('a tampered zkey');
    };
    const client = new ProverClient({ baseUrl: base, account });
    await expect(client.downloadArtifact(circuitId, 'zkey', dir)).rejects.toMatchObject({
      code: 'TENDER_ARTIFACT_INVALID',
    });
    expect(await readdir(dir)).toEqual([]);
  });
});
