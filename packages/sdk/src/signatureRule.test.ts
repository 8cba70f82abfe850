import { numberToHex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { describe, expect, it } from 'vitest';
import { recoverMessageSigner, SECP256K1_N, signatureRuleViolation } from './signatureRule.ts';

const account = privateKeyToAccount(`0x${'11'.repeat(32)}`);
const word = (v: bigint) => numberToHex(v, { size: 32 }).slice(2);

describe('signatureRuleViolation', () => {
  it('takes what viem signs and names what is wrong with everything else', async () => {
    const sig = await account.signMessage({ message: 'hello' });
    expect(signatureRuleViolation(sig)).toBeNull();
    const r = BigInt(sig.slice(0, 66));
    const s = BigInt(`0x${sig.slice(66, 130)}`);
    const v = sig.slice(130);
    const cases: [unknown, string][] = [
      [42, 'encoding'],
      ['0xzz', 'encoding'],
      ['0x123', 'encoding'],
      [sig.slice(0, 130), 'length'],
      [`${sig}00`, 'length'],
      [`0x${word(r)}${word(s)}01`, 'v'],
      [`0x${word(0n)}${word(s)}${v}`, 'r'],
      [`0x${word(SECP256K1_N)}${word(s)}${v}`, 'r'],
      [`0x${word(r)}${word(0n)}${v}`, 's'],
      [`0x${word(r)}${word(SECP256K1_N)}${v}`, 's'],
      [`0x${word(r)}${word(SECP256K1_N - s)}${v === '1b' ? '1c' : '1b'}`, 'high_s'],
    ];
    for (const [input, why] of cases) expect(signatureRuleViolation(input), String(input)).toBe(why);
  });

  it('recovers the signer of a canonical signature and nobody from its high-s twin', async () => {
    const sig = await account.signMessage({ message: 'sign in' });
    expect(await recoverMessageSigner('sign in', sig)).toBe(account.address);
    const s = BigInt(`0x${sig.slice(66, 130)}`);
    const twin = `0x${sig.slice(2, 66)}${word(SECP256K1_N - s)}${sig.slice(130) === '1b' ? '1c' : '1b'}`;
    expect(await recoverMessageSigner('sign in', twin)).toBeNull();
  });
});
