import { open } from 'node:fs/promises';
import { TenderError } from '@tender/core';

/** The header section of an `.r1cs` file (iden3 binary format, section type 1). */
export interface R1csHeader {
  /** Field modulus the circuit is defined over. */
  prime: bigint;
  /** Number of wires (witness length), including the constant-one wire. */
  nWires: number;
  /** Public outputs of the main component. */
  nPubOut: number;
  /** Public inputs of the main component. */
  nPubIn: number;
  /** Private inputs of the main component. */
  nPrvIn: number;
  /** Number of labels (signals before optimisation). */
  nLabels: number;
  /** Number of constraints. */
  nConstraints: number;
}

function readLe(bytes: Uint8Array): bigint {
  let v = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[i]!);
  return v;
}

/**
 * Reads the header of an `.r1cs` file without loading its constraints.
 * Throws `TENDER_ARTIFACT_INVALID` when the file is not an r1cs file.
 *
 * @example
 * const { nConstraints, nPubOut, nPubIn } = await readR1csHeader('/tmp/out/circuit.r1cs');
 */
export async function readR1csHeader(r1csPath: string): Promise<R1csHeader> {
  const fh = await open(r1csPath, 'r');
  try {
    const read = async (position: number, length: number): Promise<Buffer> => {
      const buf = Buffer.alloc(length);
      const { bytesRead } = await fh.read(buf, 0, length, position);
      if (bytesRead !== length) throw new Error('unexpected end of file');
      return buf;
    };
    const invalid = (why: string) =>
      new TenderError('TENDER_ARTIFACT_INVALID', `not a valid r1cs file: ${why}`, { details: { r1csPath } });
    const head = await read(0, 12);
    if (head.toString('latin1', 0, 4) !== 'r1cs') throw invalid('bad magic');
    const nSections = head.readUInt32LE(8);
    let pos = 12;
    for (let s = 0; s < nSections; s++) {
      const sh = await read(pos, 12);
      const type = sh.readUInt32LE(0);
      const size = Number(sh.readBigUInt64LE(4));
      pos += 12;
      if (type === 1) {
        const n8 = (await read(pos, 4)).readUInt32LE(0);
        const prime = readLe(await read(pos + 4, n8));
        const rest = await read(pos + 4 + n8, 28);
        return {
          prime,
          nWires: rest.readUInt32LE(0),
          nPubOut: rest.readUInt32LE(4),
          nPubIn: rest.readUInt32LE(8),
          nPrvIn: rest.readUInt32LE(12),
          nLabels: Number(rest.readBigUInt64LE(16)),
          nConstraints: rest.readUInt32LE(24),
        };
      }
      pos += size;
    }
    throw invalid('no header section');
  } finally {
    await fh.close();
  }
}
