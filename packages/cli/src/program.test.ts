import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkCommandLine } from './commandLine.ts';
import { parseAmount } from './context.ts';
import { ExitCode } from './exitCodes.ts';
import type { Io } from './output.ts';
import { buildProgram, runCli } from './program.ts';

/** Runs the CLI in this process with captured output and exactly `env`. */
async function cli(args: string[], env: Record<string, string> = {}) {
  let out = '';
  let err = '';
  const io: Io = {
    out: (t) => {
      out += t;
    },
    err: (t) => {
      err += t;
    },
    tty: false,
  };
  const code = await runCli(args, io, env);
  return {
    code,
    out,
    err,
    json: (() => {
      try {
        return JSON.parse(out);
      } catch {
        return undefined;
      }
    })(),
  };
}

// A throwaway HTTP server standing in for an api that answers with a problem document, and a port
// nothing listens on (closed right after it is found).
let problemUrl: string;
let deadUrl: string;
const server = createServer((req, res) => {
  if (req.url === '/v1/jobs?limit=20') {
    res.writeHead(401, { 'content-type': 'application/problem+json' });
    res.end(
      JSON.stringify({
        status: 401,
        code: 'TENDER_UNAUTHORIZED',
        title: 'Unauthorized',
        detail: 'API key missing or revoked',
      }),
    );
    return;
  }
  res.writeHead(404).end();
});

beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  problemUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const dead = createServer();
  await new Promise<void>((r) => dead.listen(0, '127.0.0.1', r));
  deadUrl = `http://127.0.0.1:${(dead.address() as AddressInfo).port}`;
  await new Promise((r) => dead.close(r));
});
afterAll(() => new Promise((r) => server.close(r)));

describe('tender exit codes and errors', () => {
  it('prints help and the version with exit 0', async () => {
    const help = await cli(['--help']);
    expect(help.code).toBe(ExitCode.ok);
    expect(help.out).toContain('Exit codes:');
    expect((await cli(['--version'])).code).toBe(ExitCode.ok);
    expect((await cli(['job', 'submit', '--help'])).out).toContain('--max-fee');
  });

  it('exits 2 for an unknown command, a missing option or argument, a bad choice or amount', async () => {
    const unknown = await cli(['jobz']);
    expect(unknown.code).toBe(ExitCode.usage);
    expect(unknown.err).toContain("unknown command 'jobz'");
    expect((await cli(['job', 'submit', '--input', '{}'])).code).toBe(ExitCode.usage);
    expect((await cli(['keys', 'revoke'])).code).toBe(ExitCode.usage);
    expect((await cli(['job', 'list', '--status', 'nope'])).code).toBe(ExitCode.usage);
    const amount = await cli(['escrow', 'deposit', 'lots'], { TENDER_API_KEY: 'x' });
    expect(amount.code).toBe(ExitCode.usage);
    expect(amount.err).toBe('error: not an amount: lots (e.g. 0.5, 0.5eth, 2gwei, 1000wei)\n');
  });

  it('exits 3 with one line naming what to set when the key, the sign-in or the api is missing', async () => {
    const noKey = await cli(['login'], { TENDER_API_URL: deadUrl });
    expect(noKey.code).toBe(ExitCode.config);
    expect(noKey.err).toBe('error: no key: set TENDER_PRIVATE_KEY or pass --keystore <file>\n');
    const notSignedIn = await cli(['job', 'list'], {
      TENDER_API_URL: deadUrl,
      TENDER_CONFIG_DIR: '/nonexistent/tender',
    });
    expect(notSignedIn.code).toBe(ExitCode.config);
    expect(notSignedIn.err).toContain('run `tender login` or set TENDER_API_KEY');
    const unreachable = await cli(['job', 'list'], { TENDER_API_URL: deadUrl, TENDER_API_KEY: 'tnd_x' });
    expect(unreachable.code).toBe(ExitCode.config);
    expect(unreachable.err).toMatch(
      /^error: cannot reach the api at http:\/\/127\.0\.0\.1:\d+ .*set TENDER_API_URL or --api-url\n$/,
    );
    const badKey = await cli(['prover', 'status'], { TENDER_API_URL: deadUrl, TENDER_PRIVATE_KEY: '0x1234' });
    expect(badKey.code).toBe(ExitCode.config);
    expect(badKey.err.split('\n')).toHaveLength(2);
  });

  it('exits 1 with the api’s problem code and message, never a stack trace; --json puts the error on stdout', async () => {
    const refused = await cli(['job', 'list'], { TENDER_API_URL: problemUrl, TENDER_API_KEY: 'tnd_revoked' });
    expect(refused.code).toBe(ExitCode.apiError);
    expect(refused.err).toBe('error: TENDER_UNAUTHORIZED: API key missing or revoked\n');
    const json = await cli(['job', 'list', '--json'], {
      TENDER_API_URL: problemUrl,
      TENDER_API_KEY: 'tnd_revoked',
    });
    expect(json.code).toBe(ExitCode.apiError);
    expect(json.json).toEqual({
      error: {
        code: 'TENDER_UNAUTHORIZED',
        message: 'TENDER_UNAUTHORIZED: API key missing or revoked',
        exitCode: 1,
      },
    });
    expect(json.err).toBe('');
  });
});

describe('parseAmount', () => {
  it('reads ether by default and the units it names', () => {
    expect(parseAmount('1')).toBe(10n ** 18n);
    expect(parseAmount('0.5eth')).toBe(5n * 10n ** 17n);
    expect(parseAmount('2gwei')).toBe(2n * 10n ** 9n);
    expect(parseAmount('1000wei')).toBe(1000n);
    expect(() => parseAmount('1.5wei')).toThrow(/whole/);
    expect(() => parseAmount('-1')).toThrow(/not an amount/);
  });
});

describe('checkCommandLine', () => {
  const program = buildProgram({ io: { out: () => {}, err: () => {}, tty: false }, env: {}, exitCode: 0 });
  it('accepts the commands the docs use', () => {
    for (const line of [
      'login',
      'keys create --name ci --scope submit read',
      'escrow deposit 0.5',
      'model compile packages/circuits/models/tiny.json --out tiny-circuit',
      'job submit --circuit 0xabc --input input.json --max-fee 0.001 --wait',
      'verify job_1 --json',
      'prover run --backend external --external-cmd rapidsnark',
      'status --operator-token t',
    ]) {
      expect(checkCommandLine(program, line.split(' ')), line).toBeNull();
    }
  });
  it('names what is wrong with a command line', () => {
    expect(checkCommandLine(program, ['jobs'])).toMatch(/unknown command/);
    expect(checkCommandLine(program, ['job'])).toMatch(/needs a subcommand/);
    expect(checkCommandLine(program, ['job', 'get'])).toMatch(/needs 1 argument/);
    expect(checkCommandLine(program, ['job', 'submit', '--circuit', '0x1'])).toMatch(/needs --input/);
    expect(checkCommandLine(program, ['verify', 'j', '--fast'])).toMatch(/unknown option --fast/);
  });
});
