import { createHash } from 'node:crypto';
import type { BnCurve, PointBuf } from 'ffjavascript';
import { SNARK_SCALAR_FIELD } from './calldata.ts';
import {
  bn128,
  type ParsedProof,
  type ParsedVkey,
  parseProof,
  parseSignals,
  parseVkey,
} from './groth16Points.ts';
import type { Groth16Proof, VerificationKey } from './types.ts';

/** One proof to check in a batch; batches may mix circuits (verification keys). */
export interface BatchItem {
  vkey: VerificationKey;
  publicSignals: readonly string[];
  proof: Groth16Proof;
}

/** The outcome of {@link batchVerify}. */
export type BatchVerifyResult = { ok: true } | { ok: false; invalid: number[] };

interface Prepared {
  index: number;
  group: number;
  proof: ParsedProof;
  signals: bigint[];
  r: bigint;
}

const R = SNARK_SCALAR_FIELD;
const TAG = 'tender.groth16.batchVerify.v1';

function word(h: ReturnType<typeof createHash>, v: bigint): void {
  h.update(Buffer.from(v.toString(16).padStart(64, '0'), 'hex'));
}

function le(v: bigint, bytes: number, out: Uint8Array, offset: number): void {
  let x = v;
  for (let i = 0; i < bytes; i++) {
    out[offset + i] = Number(x & 0xffn);
    x >>= 8n;
  }
}

/**
 * The batch's random coefficients: `r_i` = first 128 bits of
 * `sha256(sha256(transcript) ‖ i)`, where the transcript holds every
 * verification key, proof and public signal of the batch in order. Nothing a
 * submitter controls picks them apart from the statement itself.
 */
function coefficients(
  items: readonly (Omit<Prepared, 'r'> | undefined)[],
  vkeys: readonly ParsedVkey[],
): bigint[] {
  const h = createHash('sha256');
  h.update(TAG);
  word(h, BigInt(items.length));
  for (const [i, it] of items.entries()) {
    word(h, BigInt(i));
    if (!it) {
      h.update('invalid');
      continue;
    }
    const vk = vkeys[it.group]!;
    word(h, BigInt(vk.words.length));
    for (const w of vk.words) word(h, w);
    for (const w of it.proof.words) word(h, w);
    word(h, BigInt(it.signals.length));
    for (const s of it.signals) word(h, s);
  }
  const seed = h.digest();
  return items.map((_, i) => {
    const d = createHash('sha256').update(seed).update(String(i)).digest();
    const r = BigInt(`0x${d.subarray(0, 16).toString('hex')}`);
    return r === 0n ? 1n : r;
  });
}

/**
 * One randomized pairing check over a subset:
 * Π e(r_i·A_i, B_i) · Π_vk [ e(−(Σr_i)·α, β) · e(−Σ r_i·vkx_i, γ) · e(−Σ r_i·C_i, δ) ] == 1,
 * with the r_i folded into the public-signal scalars so each key needs one
 * multi-exponentiation over its IC points.
 */
async function check(
  curve: BnCurve,
  subset: readonly Prepared[],
  vkeys: readonly ParsedVkey[],
): Promise<boolean> {
  const { G1 } = curve;
  const pairs: PointBuf[] = [];
  const groups = new Map<number, Prepared[]>();
  for (const it of subset) {
    pairs.push(G1.timesScalar(it.proof.a, it.r), it.proof.b);
    const g = groups.get(it.group);
    if (g) g.push(it);
    else groups.set(it.group, [it]);
  }
  for (const [group, members] of groups) {
    const vk = vkeys[group]!;
    const icScalars = new Array<bigint>(vk.nPublic + 1).fill(0n);
    const cBases = new Uint8Array(64 * members.length);
    const cScalars = new Uint8Array(16 * members.length);
    members.forEach((it, k) => {
      icScalars[0] = (icScalars[0]! + it.r) % R;
      it.signals.forEach((s, j) => {
        icScalars[j + 1] = (icScalars[j + 1]! + it.r * s) % R;
      });
      cBases.set(G1.toAffine(it.proof.c), 64 * k);
      le(it.r, 16, cScalars, 16 * k);
    });
    const icBuf = new Uint8Array(32 * icScalars.length);
    icScalars.forEach((s, j) => {
      le(s, 32, icBuf, 32 * j);
    });
    const vkx = await G1.multiExpAffine(vk.ic, icBuf);
    const sumC = await G1.multiExpAffine(cBases, cScalars);
    const alphaR = G1.timesScalar(vk.alpha, icScalars[0]!);
    pairs.push(G1.neg(alphaR), vk.beta, G1.neg(vkx), vk.gamma, G1.neg(sumC), vk.delta);
  }
  return curve.pairingEq(...pairs);
}

/**
 * Verifies many Groth16 proofs (possibly of different circuits) with one
 * randomized pairing check — a random linear combination whose coefficients
 * are a hash of the whole batch transcript — and, when that fails, finds the
 * invalid proofs by bisection. Malformed proofs (bad encoding, points off the
 * curve or outside the subgroup, signals out of field or of the wrong count)
 * are reported invalid without a pairing. Agrees with `verifyProof` per item.
 *
 * @example
 * const res = await batchVerify(submissions.map((s) => ({ vkey, publicSignals: s.publicSignals, proof: s.proof })));
 * if (!res.ok) console.log('bad proofs at', res.invalid);
 */
export async function batchVerify(items: readonly BatchItem[]): Promise<BatchVerifyResult> {
  const curve = await bn128();
  const invalid = new Set<number>();
  const vkeys: ParsedVkey[] = [];
  const vkeyIndex = new Map<object, number>();
  const vkeyByWords = new Map<string, number>();
  const vkeyFailed = new Set<object>();
  const parsed = items.map((item, index): Omit<Prepared, 'r'> | undefined => {
    try {
      let group = vkeyIndex.get(item.vkey);
      if (group === undefined) {
        if (vkeyFailed.has(item.vkey)) throw new Error('invalid verification key');
        try {
          const vk = parseVkey(curve, item.vkey);
          const key = vk.words.join(',');
          group = vkeyByWords.get(key);
          if (group === undefined) {
            group = vkeys.push(vk) - 1;
            vkeyByWords.set(key, group);
          }
          vkeyIndex.set(item.vkey, group);
        } catch (error) {
          vkeyFailed.add(item.vkey);
          throw error;
        }
      }
      const proof = parseProof(curve, item.proof);
      const signals = parseSignals(item.publicSignals, vkeys[group]!.nPublic);
      return { index, group, proof, signals };
    } catch {
      invalid.add(index);
      return undefined;
    }
  });
  const rs = coefficients(parsed, vkeys);
  const prepared = parsed.flatMap((p, i) => (p ? [{ ...p, r: rs[i]! }] : []));

  const bisect = async (subset: Prepared[], knownBad: boolean): Promise<void> => {
    if (subset.length === 0) return;
    if (!knownBad && (await check(curve, subset, vkeys))) return;
    if (subset.length === 1) {
      invalid.add(subset[0]!.index);
      return;
    }
    const mid = subset.length >> 1;
    const left = subset.slice(0, mid);
    const right = subset.slice(mid);
    const leftOk = await check(curve, left, vkeys);
    if (!leftOk) await bisect(left, true);
    // The whole subset failed: if the left half passed, the right half must hold a bad proof.
    await bisect(right, leftOk);
  };
  await bisect(prepared, false);

  return invalid.size === 0 ? { ok: true } : { ok: false, invalid: [...invalid].sort((a, b) => a - b) };
}
