import { privateKeyToAccount } from 'viem/accounts';
import { describe, expect, it } from 'vitest';
import { issueSessionToken, verifySessionToken } from './proverAuth.ts';

const address = privateKeyToAccount(`0x${'22'.repeat(32)}`).address;
const other = privateKeyToAccount(`0x${'33'.repeat(32)}`).address;
const secret = 'session secret';
const now = 1_700_000_000_000;

describe('prover session tokens', () => {
  it('name the address they were granted to until they expire', () => {
    const token = issueSessionToken(secret, address, now + 60_000);
    expect(verifySessionToken(secret, token, now)).toBe(address);
    expect(verifySessionToken(secret, token, now + 59_999)).toBe(address);
    expect(verifySessionToken(secret, token, now + 60_000)).toBeNull();
  });

  it('are refused when signed with another secret or when their claims are edited', () => {
    const token = issueSessionToken(secret, address, now + 60_000);
    expect(verifySessionToken('another secret', token, now)).toBeNull();
    const [version, , signature] = token.split('.');
    const forgedClaims = Buffer.from(
      JSON.stringify({ sub: other.toLowerCase(), exp: now + 60_000 }),
    ).toString('base64url');
    expect(verifySessionToken(secret, `${version}.${forgedClaims}.${signature}`, now)).toBeNull();
    const longer = Buffer.from(JSON.stringify({ sub: address.toLowerCase(), exp: now + 10 ** 12 })).toString(
      'base64url',
    );
    expect(verifySessionToken(secret, `${version}.${longer}.${signature}`, now)).toBeNull();
  });

  it('are refused when malformed', () => {
    for (const token of ['', 'v1', 'v1..', 'v2.a.b', 'v1.a.b.c', `v1.${'x'.repeat(10)}.${'y'.repeat(43)}`]) {
      expect(verifySessionToken(secret, token, now)).toBeNull();
    }
  });
});
