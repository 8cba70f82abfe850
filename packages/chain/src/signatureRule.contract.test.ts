// P4 (issue 10): the api's signature rule (`@tender/sdk` recoverTypedDataSigner) and the deployed
// market accept exactly the same signatures. The market's recovery is observed through `slash`
// (eth_call only): with a valid proof, an accepted prover signature reverts `ProofIsValid`, a
// refused one `InvalidProverSignature` — the check that comes right before.
import { isTenderError } from '@tender/core';
import { recoverTypedDataSigner, SECP256K1_N, signatureRuleViolation } from '@tender/sdk';
import { proofHash, publicSignalsHash } from '@tender/zk';
import fc from 'fast-check';
import { type Hex, keccak256, numberToHex, stringToHex, toHex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toChainError } from './chainError.ts';
import { type JobRequest, jobIdOf, type ProofSubmission, proofSubmissionTypes } from './eip712.ts';
import { tenderMarketAbi } from './generated/TenderMarket.ts';
import {
  buildFixtureCircuit,
  type FixtureCircuit,
  type FixtureProof,
  proveFixtures,
} from './proofFixtures.ts';
import { registerCircuit } from './registerCircuit.ts';
import { startTestMarket, type TestMarket } from './testing/testMarket.ts';

let t: TestMarket;
let square: FixtureCircuit;
let good: FixtureProof;

beforeAll(async () => {
  t = await startTestMarket();
  square = await buildFixtureCircuit('square', 'signature-rule');
  [good] = (await proveFixtures(square, 1)) as [FixtureProof];
  await registerCircuit(t.deployer, t.registry, {
    circuitId: square.circuitId,
    verifyingKey: square.vk,
    metadataHash: keccak256(stringToHex(square.name)),
  });
}, 180_000);
afterAll(async () => {
  await t?.stop();
});

/** Whether the deployed market's signature check takes `signature` from `submission.prover`. */
async function contractAccepts(request: JobRequest, submission: ProofSubmission, signature: Hex) {
  const vk = square.vk;
  try {
    await t.deployer.publicClient.simulateContract({
      address: t.market,
      abi: tenderMarketAbi,
      functionName: 'slash',
      args: [
        request,
        submission,
        signature,
        good.proof,
        good.publicSignals,
        { alpha1: vk.alpha1, beta2: vk.beta2, gamma2: vk.gamma2, delta2: vk.delta2, ic: vk.ic },
      ],
      account: t.challenger.account,
    });
  } catch (error) {
    const mapped = toChainError(error);
    if (isTenderError(mapped, 'TENDER_CHAIN_REVERTED')) {
      if (mapped.details.errorName === 'ProofIsValid') return true;
      if (mapped.details.errorName === 'InvalidProverSignature') return false;
    }
    throw error;
  }
  throw new Error('slash of a valid proof did not revert');
}

const word = (v: bigint) => numberToHex(v, { size: 32 }).slice(2);
const byte = (v: number) => numberToHex(v, { size: 1 }).slice(2);

/** The ways a signature gets bent, from the attack in issue 10 to plain garbage. */
const malleations = [
  'none',
  'high_s', // the valid twin (n - s, other parity)
  'high_s_same_v',
  'v_flipped',
  'v_0_1', // yParity instead of 27/28
  'v_other',
  'compact_2098', // 64 bytes r ‖ yParity‖s
  'trailing_byte',
  'truncated',
  'r_zero',
  's_zero',
  'r_n',
  's_n',
  'r_random',
  'random_65',
] as const;
type Malleation = (typeof malleations)[number];

function malleate(sig: Hex, how: Malleation, noise: bigint): Hex {
  const r = BigInt(`0x${sig.slice(2, 66)}`);
  const s = BigInt(`0x${sig.slice(66, 130)}`);
  const v = Number.parseInt(sig.slice(130, 132), 16);
  const other = v === 27 ? 28 : 27;
  const of = (rr: bigint, ss: bigint, vv: number): Hex => `0x${word(rr)}${word(ss)}${byte(vv)}`;
  switch (how) {
    case 'none':
      return sig;
    case 'high_s':
      return of(r, SECP256K1_N - s, other);
    case 'high_s_same_v':
      return of(r, SECP256K1_N - s, v);
    case 'v_flipped':
      return of(r, s, other);
    case 'v_0_1':
      return of(r, s, v - 27);
    case 'v_other':
      return of(r, s, Number(noise % 256n) === 27 ? 29 : Number(noise % 256n));
    case 'compact_2098':
      return `0x${word(r)}${word(s | (BigInt(v - 27) << 255n))}`;
    case 'trailing_byte':
      return `${sig}${byte(Number(noise % 256n))}`;
    case 'truncated':
      return sig.slice(0, 2 + 2 * Number(noise % 65n)) as Hex;
    case 'r_zero':
      return of(0n, s, v);
    case 's_zero':
      return of(r, 0n, v);
    case 'r_n':
      return of(SECP256K1_N + (noise % 2n ** 32n), s, v);
    case 's_n':
      return of(r, SECP256K1_N + (noise % 2n ** 32n), v);
    case 'r_random':
      return of(noise % 2n ** 256n, s, v);
    case 'random_65':
      return of(noise % 2n ** 256n, (noise * 7919n) % 2n ** 256n, 27 + Number(noise % 2n));
  }
}

describe('one signature rule (api = contract)', () => {
  it('accepts exactly the signatures the deployed market accepts, over random keys, messages and malleations', async () => {
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.bigInt({ min: 1n, max: SECP256K1_N - 1n }),
        fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
        fc.bigInt({ min: 1n, max: 2n ** 128n }),
        fc.constantFrom(...malleations),
        fc.bigInt({ min: 0n, max: 2n ** 256n - 1n }),
        async (key, nonce, maxFee, how, noise) => {
          const account = privateKeyToAccount(numberToHex(key, { size: 32 }));
          const request: JobRequest = {
            requester: privateKeyToAccount(numberToHex((key % (SECP256K1_N - 2n)) + 1n, { size: 32 }))
              .address,
            circuitId: square.circuitId,
            inputHash: keccak256(toHex(nonce)),
            maxFee,
            deadline: 4_000_000_000n,
            nonce,
          };
          const submission: ProofSubmission = {
            jobId: jobIdOf(t.domain, request),
            circuitId: square.circuitId,
            proofHash: proofHash(good.proof),
            publicSignalsHash: publicSignalsHash(good.publicSignals),
            prover: account.address,
          };
          const typed = {
            domain: t.domain,
            types: proofSubmissionTypes,
            primaryType: 'ProofSubmission',
            message: submission,
          } as const;
          const signed = await account.signTypedData(typed);
          expect(signatureRuleViolation(signed)).toBeNull(); // viem signs in the canonical form
          const signature = malleate(signed, how, noise);
          const api = (await recoverTypedDataSigner(typed, signature)) === account.address;
          const chain = await contractAccepts(request, submission, signature);
          expect({ how, signature, api }).toEqual({ how, signature, api: chain });
          if (api) accepted++;
        },
      ),
      { numRuns: 120 },
    );
    expect(accepted).toBeGreaterThan(0); // the property saw both sides
  }, 300_000);

  it('refuses the high-s twin that plain ecrecover (and viem) would take', async () => {
    const account = privateKeyToAccount(`0x${'42'.repeat(32)}`);
    const request: JobRequest = {
      requester: account.address,
      circuitId: square.circuitId,
      inputHash: keccak256('0x01'),
      maxFee: 1n,
      deadline: 4_000_000_000n,
      nonce: 1n,
    };
    const submission: ProofSubmission = {
      jobId: jobIdOf(t.domain, request),
      circuitId: square.circuitId,
      proofHash: proofHash(good.proof),
      publicSignalsHash: publicSignalsHash(good.publicSignals),
      prover: account.address,
    };
    const typed = {
      domain: t.domain,
      types: proofSubmissionTypes,
      primaryType: 'ProofSubmission',
      message: submission,
    } as const;
    const signed = await account.signTypedData(typed);
    const twin = malleate(signed, 'high_s', 0n);
    expect(signatureRuleViolation(twin)).toBe('high_s');
    expect(await recoverTypedDataSigner(typed, twin)).toBeNull();
    expect(await contractAccepts(request, submission, twin)).toBe(false);
    expect(await recoverTypedDataSigner(typed, signed)).toBe(account.address);
    expect(await contractAccepts(request, submission, signed)).toBe(true);
  });
});
