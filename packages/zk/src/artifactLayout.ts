// Complete structural parses of the two binary circuit artifacts (iden3 binfile format):
// a Groth16 `.zkey` and an `.r1cs`. Every section is length-checked against the header, so a
// truncated, padded or spliced file is refused before anything proves with it.
import { TenderError } from '@tender/core';

/** BN254 base field modulus (G1/G2 coordinates). */
const BN254_Q = 21888242871839275222246405745257275088696311157297823662689037894645226208583n;
/** BN254 scalar field modulus (signals). */
const BN254_R = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;

/** What a complete zkey parse found. */
export interface ZkeyLayout {
  nVars: number;
  nPublic: number;
  domainSize: number;
  /** The A and B matrix entries of section 4, in file order: [matrix 0|1, constraint, signal, value·R² mod r]. */
  coefficients: Buffer;
  nCoefficients: number;
}

/** What a complete r1cs parse found. */
export interface R1csMatrices {
  prime: bigint;
  nWires: number;
  nPubOut: number;
  nPubIn: number;
  nPrvIn: number;
  nConstraints: number;
  /** Section 2 (constraints) as stored: per constraint, linear combinations A, B, C. */
  constraints: Buffer;
  /** Bytes per field element. */
  n8: number;
}

/** A `TENDER_ARTIFACT_INVALID` naming the artifact (`kind`) and the check that failed. */
export function artifactInvalid(
  kind: 'zkey' | 'r1cs' | 'vkey' | 'wasm' | 'sym' | 'sampleInput',
  check: string,
  message: string,
  details: Record<string, unknown> = {},
): TenderError {
  return new TenderError('TENDER_ARTIFACT_INVALID', message, { details: { kind, check, ...details } });
}

function readLe(buf: Buffer, at: number, n: number): bigint {
  let v = 0n;
  for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(buf[at + i]!);
  return v;
}

/** Splits a binfile into its sections, refusing overlaps, gaps, trailing bytes and truncation. */
function sectionsOf(
  buf: Buffer,
  magic: string,
  kind: 'zkey' | 'r1cs',
): Map<number, { at: number; size: number }> {
  const bad = (reason: string) =>
    artifactInvalid(kind, 'structure', `the ${kind} file is malformed: ${reason}`);
  if (buf.length < 12 || buf.toString('latin1', 0, 4) !== magic) throw bad('bad magic');
  const nSections = buf.readUInt32LE(8);
  const sections = new Map<number, { at: number; size: number }>();
  let pos = 12;
  for (let i = 0; i < nSections; i++) {
    if (pos + 12 > buf.length) throw bad('truncated section table');
    const type = buf.readUInt32LE(pos);
    const size = Number(buf.readBigUInt64LE(pos + 4));
    pos += 12;
    if (pos + size > buf.length) throw bad(`section ${type} runs past the end of the file`);
    if (sections.has(type)) throw bad(`section ${type} appears twice`);
    sections.set(type, { at: pos, size });
    pos += size;
  }
  if (pos !== buf.length) throw bad(`${buf.length - pos} bytes after the last section`);
  return sections;
}

/**
 * Parses a whole Groth16 zkey (snarkjs layout, BN254): header, key points, IC,
 * coefficients, the A/B1/B2/C/H query sections and the contributions, each
 * of exactly the size the header implies. Throws `TENDER_ARTIFACT_INVALID`
 * (`kind: 'zkey', check: 'structure'`) otherwise.
 */
export function parseZkey(buf: Buffer): ZkeyLayout {
  const bad = (reason: string) => artifactInvalid('zkey', 'structure', `the zkey is malformed: ${reason}`);
  const sections = sectionsOf(buf, 'zkey', 'zkey');
  for (const type of sections.keys()) if (type < 1 || type > 10) throw bad(`unknown section ${type}`);
  const need = (type: number) => {
    const s = sections.get(type);
    if (!s) throw bad(`section ${type} is missing`);
    return s;
  };
  const s1 = need(1);
  if (s1.size !== 4 || buf.readUInt32LE(s1.at) !== 1) throw bad('not a Groth16 key');
  const s2 = need(2);
  if (s2.size < 8) throw bad('header too short');
  const n8q = buf.readUInt32LE(s2.at);
  if (n8q !== 32) throw bad('not a BN254 key');
  const q = readLe(buf, s2.at + 4, n8q);
  const n8r = buf.readUInt32LE(s2.at + 4 + n8q);
  if (n8r !== 32) throw bad('not a BN254 key');
  const r = readLe(buf, s2.at + 8 + n8q, n8r);
  if (q !== BN254_Q || r !== BN254_R) throw bad('not a BN254 key');
  const h = s2.at + 8 + n8q + n8r;
  const sG1 = 2 * n8q;
  const sG2 = 4 * n8q;
  if (s2.size !== 8 + n8q + n8r + 12 + 3 * sG1 + 3 * sG2) throw bad('header has the wrong size');
  const nVars = buf.readUInt32LE(h);
  const nPublic = buf.readUInt32LE(h + 4);
  const domainSize = buf.readUInt32LE(h + 8);
  if (domainSize === 0 || (domainSize & (domainSize - 1)) !== 0)
    throw bad('domain size is not a power of two');
  if (nVars < nPublic + 1) throw bad('fewer variables than public signals');
  const expect = (type: number, size: number, what: string) => {
    if (need(type).size !== size) throw bad(`${what} section has ${need(type).size} bytes, expected ${size}`);
  };
  expect(3, (nPublic + 1) * sG1, 'IC');
  const s4 = need(4);
  if (s4.size < 4) throw bad('coefficients section too short');
  const nCoefficients = buf.readUInt32LE(s4.at);
  expect(4, 4 + nCoefficients * (12 + n8r), 'coefficients');
  expect(5, nVars * sG1, 'A');
  expect(6, nVars * sG1, 'B1');
  expect(7, nVars * sG2, 'B2');
  expect(8, (nVars - nPublic - 1) * sG1, 'C');
  expect(9, domainSize * sG1, 'H');
  return {
    nVars,
    nPublic,
    domainSize,
    nCoefficients,
    coefficients: buf.subarray(s4.at + 4, s4.at + s4.size),
  };
}

/**
 * Parses a whole `.r1cs` file: header (BN254 prime) and every constraint's
 * three linear combinations, each term in range, the section ending exactly
 * after the last constraint. Throws `TENDER_ARTIFACT_INVALID`
 * (`kind: 'r1cs', check: 'structure'`) otherwise.
 */
export function parseR1cs(buf: Buffer): R1csMatrices {
  const bad = (reason: string) => artifactInvalid('r1cs', 'structure', `the r1cs is malformed: ${reason}`);
  const sections = sectionsOf(buf, 'r1cs', 'r1cs');
  const s1 = sections.get(1);
  const s2 = sections.get(2);
  if (!s1 || !s2) throw bad('header or constraints section missing');
  const n8 = buf.readUInt32LE(s1.at);
  if (n8 !== 32 || s1.size !== 4 + n8 + 28) throw bad('header has the wrong size');
  const prime = readLe(buf, s1.at + 4, n8);
  if (prime !== BN254_R) throw bad('not a BN254 circuit');
  const h = s1.at + 4 + n8;
  const nWires = buf.readUInt32LE(h);
  const nPubOut = buf.readUInt32LE(h + 4);
  const nPubIn = buf.readUInt32LE(h + 8);
  const nPrvIn = buf.readUInt32LE(h + 12);
  const nConstraints = buf.readUInt32LE(h + 24);
  const end = s2.at + s2.size;
  let pos = s2.at;
  for (let c = 0; c < nConstraints; c++) {
    for (let lc = 0; lc < 3; lc++) {
      if (pos + 4 > end) throw bad(`constraint ${c} is truncated`);
      const n = buf.readUInt32LE(pos);
      pos += 4;
      if (pos + n * (4 + n8) > end) throw bad(`constraint ${c} is truncated`);
      for (let t = 0; t < n; t++) {
        if (buf.readUInt32LE(pos) >= nWires) throw bad(`constraint ${c} uses a wire past the last`);
        if (readLe(buf, pos + 4, n8) >= prime)
          throw bad(`constraint ${c} has a coefficient out of the field`);
        pos += 4 + n8;
      }
    }
  }
  if (pos !== end) throw bad('bytes after the last constraint');
  return { prime, nWires, nPubOut, nPubIn, nPrvIn, nConstraints, constraints: buf.subarray(s2.at, end), n8 };
}

/**
 * Checks that a zkey was set up for this r1cs: its variable and public counts,
 * its domain (the smallest power of two above constraints + public + 1, as
 * snarkjs sizes it) and its A/B coefficients — exactly the r1cs's A and B
 * matrices, plus the identity rows snarkjs adds for the public signals, in
 * snarkjs's order and Montgomery encoding. Throws `TENDER_ARTIFACT_INVALID`
 * (`kind: 'zkey', check: 'r1cs_match'`) naming the first difference.
 */
export function assertZkeyMatchesR1cs(zkey: ZkeyLayout, r1cs: R1csMatrices): void {
  const mismatch = (what: string, details: Record<string, unknown> = {}) =>
    artifactInvalid('zkey', 'r1cs_match', `the zkey was not set up for this r1cs: ${what}`, {
      reason: 'r1cs_mismatch',
      ...details,
    });
  const nPublic = r1cs.nPubOut + r1cs.nPubIn;
  if (zkey.nVars !== r1cs.nWires) throw mismatch('variable count', { zkey: zkey.nVars, r1cs: r1cs.nWires });
  if (zkey.nPublic !== nPublic) throw mismatch('public signal count', { zkey: zkey.nPublic, r1cs: nPublic });
  let domain = 1;
  while (domain < r1cs.nConstraints + nPublic + 1) domain *= 2;
  if (zkey.domainSize !== domain) throw mismatch('domain size', { zkey: zkey.domainSize, expected: domain });
  const n8 = r1cs.n8;
  const R = (1n << BigInt(n8 * 8)) % r1cs.prime;
  const R2 = (R * R) % r1cs.prime;
  const c = zkey.coefficients;
  const stride = 12 + n8;
  let k = 0;
  const expectEntry = (matrix: number, constraint: number, signal: number, value: bigint) => {
    if (k >= zkey.nCoefficients) throw mismatch('fewer coefficients than the r1cs has');
    const at = k * stride;
    if (
      c.readUInt32LE(at) !== matrix ||
      c.readUInt32LE(at + 4) !== constraint ||
      c.readUInt32LE(at + 8) !== signal ||
      readLe(c, at + 12, n8) !== (value * R2) % r1cs.prime
    ) {
      throw mismatch('a coefficient differs', { coefficient: k, constraint });
    }
    k++;
  };
  const buf = r1cs.constraints;
  let pos = 0;
  for (let constraint = 0; constraint < r1cs.nConstraints; constraint++) {
    for (let lc = 0; lc < 3; lc++) {
      const n = buf.readUInt32LE(pos);
      pos += 4;
      for (let t = 0; t < n; t++) {
        const signal = buf.readUInt32LE(pos);
        const value = readLe(buf, pos + 4, n8);
        pos += 4 + n8;
        if (lc < 2) expectEntry(lc, constraint, signal, value);
      }
    }
  }
  for (let s = 0; s <= nPublic; s++) expectEntry(0, r1cs.nConstraints + s, s, 1n);
  if (k !== zkey.nCoefficients) throw mismatch('more coefficients than the r1cs has');
}
