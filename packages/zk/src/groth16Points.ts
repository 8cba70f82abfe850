import { type BnCurve, buildBn128, type PointBuf } from 'ffjavascript';
import { BN254_BASE_FIELD, SNARK_SCALAR_FIELD } from './calldata.ts';
import { InvalidProofError } from './InvalidProofError.ts';
import type { Groth16Proof, VerificationKey } from './types.ts';

let curvePromise: Promise<BnCurve> | undefined;

/**
 * The BN254 curve engine used for checks and batch verification, built
 * single-threaded: it starts no worker threads, so it never keeps the
 * process alive and needs no shutdown.
 */
export function bn128(): Promise<BnCurve> {
  curvePromise ??= buildBn128(true);
  return curvePromise;
}

/** A verification key checked and converted to curve points. */
export interface ParsedVkey {
  /** Canonical words of every point (for transcripts and identity). */
  words: bigint[];
  alpha: PointBuf;
  beta: PointBuf;
  gamma: PointBuf;
  delta: PointBuf;
  /** IC points, affine, concatenated (64 bytes each) for multi-exponentiation. */
  ic: Uint8Array;
  nPublic: number;
}

/** A proof checked and converted to curve points. */
export interface ParsedProof {
  words: bigint[];
  a: PointBuf;
  b: PointBuf;
  c: PointBuf;
}

function coord(value: unknown, what: string): bigint {
  if (typeof value !== 'string' || !/^[0-9]{1,80}$/.test(value)) {
    throw new InvalidProofError(`${what} is not a decimal integer`);
  }
  const v = BigInt(value);
  if (v >= BN254_BASE_FIELD) throw new InvalidProofError(`${what} is not below the base field modulus`);
  return v;
}

function projectiveOne(p: readonly unknown[], what: string, one: readonly string[]): void {
  const z = p[2];
  if (z === undefined) return;
  const ok = Array.isArray(z) ? z[0] === one[0] && z[1] === one[1] : z === one[0];
  if (!ok) throw new InvalidProofError(`${what} is not in affine form`);
}

function g1(curve: BnCurve, p: unknown, what: string, words: bigint[]): PointBuf {
  if (!Array.isArray(p) || p.length < 2 || p.length > 3)
    throw new InvalidProofError(`${what} is not a G1 point`);
  projectiveOne(p, what, ['1']);
  const x = coord(p[0], `${what}.x`);
  const y = coord(p[1], `${what}.y`);
  words.push(x, y);
  const point = curve.G1.fromObject([x, y, 1n]);
  if (!curve.G1.isValid(point)) throw new InvalidProofError(`${what} is not on the curve`);
  return point;
}

function g2(curve: BnCurve, p: unknown, what: string, words: bigint[]): PointBuf {
  if (!Array.isArray(p) || p.length < 2 || p.length > 3)
    throw new InvalidProofError(`${what} is not a G2 point`);
  projectiveOne(p, what, ['1', '0']);
  const [px, py] = p as unknown[];
  if (!Array.isArray(px) || !Array.isArray(py) || px.length !== 2 || py.length !== 2) {
    throw new InvalidProofError(`${what} is not a G2 point`);
  }
  const x = [coord(px[0], `${what}.x.c0`), coord(px[1], `${what}.x.c1`)] as const;
  const y = [coord(py[0], `${what}.y.c0`), coord(py[1], `${what}.y.c1`)] as const;
  words.push(x[0], x[1], y[0], y[1]);
  const point = curve.G2.fromObject([x, y, [1n, 0n]]);
  if (!curve.G2.isValid(point)) throw new InvalidProofError(`${what} is not on the curve`);
  // G2 has a cofactor: a point on the twist must also be in the order-r subgroup (EIP-197 checks this).
  if (!inG2Subgroup(curve, point, x, y)) throw new InvalidProofError(`${what} is not in the G2 subgroup`);
  return point;
}

type Fp2 = readonly [bigint, bigint];
const P = BN254_BASE_FIELD;
const mod = (a: bigint) => ((a % P) + P) % P;
const fp2Mul = (a: Fp2, b: Fp2): Fp2 => [mod(a[0] * b[0] - a[1] * b[1]), mod(a[0] * b[1] + a[1] * b[0])];
function fp2Pow(x: Fp2, e: bigint): Fp2 {
  let result: Fp2 = [1n, 0n];
  let base = x;
  for (let k = e; k > 0n; k >>= 1n) {
    if (k & 1n) result = fp2Mul(result, base);
    base = fp2Mul(base, base);
  }
  return result;
}
// The untwist-Frobenius-twist endomorphism ψ(x, y) = (conj(x)·ξ^((p−1)/3), conj(y)·ξ^((p−1)/2)), ξ = 9 + i.
const XI: Fp2 = [9n, 1n];
const PSI_X = fp2Pow(XI, (P - 1n) / 3n);
const PSI_Y = fp2Pow(XI, (P - 1n) / 2n);
// BN254's curve parameter u; on G2, ψ acts as multiplication by 6u².
const SIX_U_SQUARED = 6n * 4965661367192848881n ** 2n;

/**
 * G2 subgroup membership for BN254 via the endomorphism test ψ(Q) = [6u²]Q
 * (Scott, "A note on group membership tests", 2021): a 128-bit scalar
 * multiplication instead of the 254-bit [r]Q = O check.
 */
function inG2Subgroup(curve: BnCurve, point: PointBuf, x: Fp2, y: Fp2): boolean {
  const psi = curve.G2.fromObject([
    fp2Mul([x[0], mod(-x[1])], PSI_X),
    fp2Mul([y[0], mod(-y[1])], PSI_Y),
    [1n, 0n],
  ]);
  return curve.G2.eq(psi, curve.G2.timesScalar(point, SIX_U_SQUARED));
}

const byObject = new WeakMap<object, ParsedVkey | InvalidProofError>();
const byText = new Map<string, ParsedVkey | InvalidProofError>();
const MAX_CACHED_KEYS = 256;

/**
 * Checks a verification key (every point well formed, on the curve, in its
 * subgroup) and converts it to curve points. Results (and failures) are
 * cached per key, since keys repeat across proofs.
 */
export function parseVkey(curve: BnCurve, vkey: VerificationKey): ParsedVkey {
  const isObject = typeof vkey === 'object' && vkey !== null;
  let cached = isObject ? byObject.get(vkey) : undefined;
  const text = cached || !isObject ? undefined : JSON.stringify(vkey);
  if (!cached && text !== undefined) cached = byText.get(text);
  if (!cached) {
    try {
      cached = parseVkeyUncached(curve, vkey);
    } catch (error) {
      if (!(error instanceof InvalidProofError)) throw error;
      cached = error;
    }
    if (text !== undefined) {
      if (byText.size >= MAX_CACHED_KEYS) byText.delete(byText.keys().next().value!);
      byText.set(text, cached);
    }
  }
  if (isObject) byObject.set(vkey, cached);
  if (cached instanceof InvalidProofError) throw cached;
  return cached;
}

function parseVkeyUncached(curve: BnCurve, vkey: VerificationKey): ParsedVkey {
  if (typeof vkey !== 'object' || vkey === null) throw new InvalidProofError('verification key is missing');
  if (vkey.protocol !== undefined && vkey.protocol !== 'groth16') {
    throw new InvalidProofError('verification key is not a groth16 key');
  }
  const words: bigint[] = [];
  const alpha = g1(curve, vkey.vk_alpha_1, 'vk_alpha_1', words);
  const beta = g2(curve, vkey.vk_beta_2, 'vk_beta_2', words);
  const gamma = g2(curve, vkey.vk_gamma_2, 'vk_gamma_2', words);
  const delta = g2(curve, vkey.vk_delta_2, 'vk_delta_2', words);
  if (!Array.isArray(vkey.IC) || vkey.IC.length < 1)
    throw new InvalidProofError('verification key has no IC');
  const ic = new Uint8Array(64 * vkey.IC.length);
  vkey.IC.forEach((p, i) => {
    ic.set(g1(curve, p, `IC[${i}]`, words), 64 * i);
  });
  return { words, alpha, beta, gamma, delta, ic, nPublic: vkey.IC.length - 1 };
}

/** Checks a proof's three points (well formed, on the curve, B in the G2 subgroup). */
export function parseProof(curve: BnCurve, proof: Groth16Proof): ParsedProof {
  if (typeof proof !== 'object' || proof === null) throw new InvalidProofError('proof is missing');
  const words: bigint[] = [];
  const a = g1(curve, proof.pi_a, 'pi_a', words);
  const b = g2(curve, proof.pi_b, 'pi_b', words);
  const c = g1(curve, proof.pi_c, 'pi_c', words);
  return { words, a, b, c };
}

/** Checks public signals: the count the key expects, each a decimal integer below the scalar field modulus. */
export function parseSignals(signals: readonly string[], nPublic: number): bigint[] {
  if (!Array.isArray(signals) || signals.length !== nPublic) {
    throw new InvalidProofError(
      `expected ${nPublic} public signal(s), got ${Array.isArray(signals) ? signals.length : 'none'}`,
    );
  }
  return signals.map((s, i) => {
    if (typeof s !== 'string' || !/^[0-9]{1,80}$/.test(s)) {
      throw new InvalidProofError(`publicSignals[${i}] is not a decimal integer`);
    }
    const v = BigInt(s);
    if (v >= SNARK_SCALAR_FIELD) {
      throw new InvalidProofError(`publicSignals[${i}] is not below the scalar field modulus`);
    }
    return v;
  });
}
