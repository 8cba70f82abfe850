import { readFile } from 'node:fs/promises';

/** One linear combination of an R1CS row: (wire, coefficient) pairs. */
type Lc = [number, bigint][];

/** An R1CS file read whole: the field prime, wire count and every A·w ∘ B·w = C·w row. */
export interface R1cs {
  prime: bigint;
  nWires: number;
  constraints: [Lc, Lc, Lc][];
}

function readLe(buf: Buffer, pos: number, n8: number): bigint {
  let v = 0n;
  for (let i = n8 - 1; i >= 0; i--) v = (v << 8n) | BigInt(buf[pos + i]!);
  return v;
}

/**
 * Reads a circom `.r1cs` file (iden3 binary format: sections of type 1
 * header and 2 constraints). For tests: checking witnesses a dishonest
 * prover might build.
 */
export async function readR1cs(path: string): Promise<R1cs> {
  const buf = await readFile(path);
  if (buf.toString('latin1', 0, 4) !== 'r1cs') throw new Error('not an r1cs file');
  let pos = 8;
  const sections = buf.readUInt32LE(pos);
  pos += 4;
  let header = -1;
  let body = -1;
  for (let s = 0; s < sections; s++) {
    const type = buf.readUInt32LE(pos);
    const size = Number(buf.readBigUInt64LE(pos + 4));
    pos += 12;
    if (type === 1) header = pos;
    if (type === 2) body = pos;
    pos += size;
  }
  const n8 = buf.readUInt32LE(header);
  const prime = readLe(buf, header + 4, n8);
  const nWires = buf.readUInt32LE(header + 4 + n8);
  const nConstraints = buf.readUInt32LE(header + 4 + n8 + 16 + 8);
  const constraints: [Lc, Lc, Lc][] = [];
  let p = body;
  for (let c = 0; c < nConstraints; c++) {
    const row: Lc[] = [];
    for (let m = 0; m < 3; m++) {
      const n = buf.readUInt32LE(p);
      p += 4;
      const lc: Lc = [];
      for (let t = 0; t < n; t++) {
        lc.push([buf.readUInt32LE(p), readLe(buf, p + 4, n8)]);
        p += 4 + n8;
      }
      row.push(lc);
    }
    constraints.push(row as [Lc, Lc, Lc]);
  }
  return { prime, nWires, constraints };
}

/** Indices of the constraints the witness violates (empty when it satisfies them all). */
export function violatedConstraints(r1cs: R1cs, witness: readonly bigint[]): number[] {
  const p = r1cs.prime;
  const ev = (lc: Lc) => lc.reduce((acc, [w, c]) => (acc + c * witness[w]!) % p, 0n);
  const bad: number[] = [];
  r1cs.constraints.forEach(([a, b, c], i) => {
    const lhs = (((ev(a) * ev(b)) % p) + p) % p;
    const rhs = ((ev(c) % p) + p) % p;
    if (lhs !== rhs) bad.push(i);
  });
  return bad;
}

/**
 * Witness index of every signal that survived optimization, by full name
 * (`main.sel[2]`), from circom's `.sym` file (`label,witness,component,name`).
 */
export async function readSymbols(path: string): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const line of (await readFile(path, 'utf8')).split('\n')) {
    const [, wire, , name] = line.split(',');
    if (name !== undefined && Number(wire) >= 0) out.set(name.trim(), Number(wire));
  }
  return out;
}
