import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { TenderError } from '@tender/core';
import { zKey } from 'snarkjs';
import { type Sha256Hex, sha256Bytes, sha256File } from './artifacts.ts';
import { readR1csHeader } from './r1csHeader.ts';
import type { VerificationKey } from './types.ts';

/** Options of {@link setupGroth16}. */
export interface SetupOptions {
  /** The circuit's `.r1cs` file. */
  r1csPath: string;
  /** A prepared (phase-2 ready) BN254 powers-of-tau file. */
  ptauPath: string;
  /** Expected sha256 of the ptau file (hex, with or without 0x); checked before use. */
  ptauSha256?: string;
  /** Cache root: outputs go to `<outDir>/<setup key>/` so a second identical setup is instant. */
  outDir: string;
  /** Entropy of the phase-2 contribution; random when omitted (the first result is then reused). */
  entropy?: string;
}

/** What {@link setupGroth16} produced. */
export interface SetupResult {
  zkeyPath: string;
  vkeyPath: string;
  vkey: VerificationKey;
}

/** Reads the power of a ptau file and whether it was prepared for phase 2. */
async function readPtauHeader(ptauPath: string): Promise<{ power: number; prepared: boolean }> {
  const fh = await open(ptauPath, 'r');
  try {
    const buf = Buffer.alloc(12);
    await fh.read(buf, 0, 12, 0);
    if (buf.toString('latin1', 0, 4) !== 'ptau') {
      throw new TenderError('TENDER_PTAU_MISMATCH', 'not a powers-of-tau file', { details: { ptauPath } });
    }
    const nSections = buf.readUInt32LE(8);
    let pos = 12;
    let power = 0;
    let prepared = false;
    for (let s = 0; s < nSections; s++) {
      const sh = Buffer.alloc(12);
      await fh.read(sh, 0, 12, pos);
      const type = sh.readUInt32LE(0);
      const size = Number(sh.readBigUInt64LE(4));
      pos += 12;
      if (type === 1) {
        const h = Buffer.alloc(4);
        await fh.read(h, 0, 4, pos);
        const n8 = h.readUInt32LE(0);
        await fh.read(h, 0, 4, pos + 4 + n8);
        power = h.readUInt32LE(0);
      }
      if (type === 12) prepared = true;
      pos += size;
    }
    return { power, prepared };
  } finally {
    await fh.close();
  }
}

async function exists(p: string): Promise<boolean> {
  return stat(p).then(
    () => true,
    () => false,
  );
}

function ensureZkeyWritten(result: unknown, step: string): void {
  // snarkjs reports some failures (wrong curve, circuit too big, unprepared ptau) by returning -1 or false.
  if (result === -1 || result === false) {
    throw new TenderError('TENDER_INTERNAL', `snarkjs ${step} failed`, { details: { step } });
  }
}

/**
 * Groth16 setup from a prepared powers-of-tau file: checks the ptau's sha256
 * (`TENDER_PTAU_MISMATCH`) and size (`TENDER_PTAU_TOO_SMALL`), creates the
 * initial zkey, adds one phase-2 contribution and a beacon, and exports the
 * verification key. Outputs are cached under `<outDir>/<key>/` where the key
 * hashes the r1cs, the ptau and the entropy, so a repeated setup is instant.
 *
 * @example
 * const { path, sha256 } = devPtau(12);
 * const { zkeyPath, vkey } = await setupGroth16({ r1csPath, ptauPath: path, ptauSha256: sha256, outDir });
 */
export async function setupGroth16(opts: SetupOptions): Promise<SetupResult> {
  const ptauSha = (await sha256File(opts.ptauPath)).slice(2);
  if (opts.ptauSha256 !== undefined && opts.ptauSha256.replace(/^0x/, '').toLowerCase() !== ptauSha) {
    throw new TenderError('TENDER_PTAU_MISMATCH', 'powers-of-tau file does not match its expected sha256', {
      details: { ptauPath: opts.ptauPath, expected: opts.ptauSha256, actual: `0x${ptauSha}` },
    });
  }
  const header = await readR1csHeader(opts.r1csPath);
  const ptau = await readPtauHeader(opts.ptauPath);
  const n = header.nConstraints + header.nPubIn + header.nPubOut + 1;
  const needed = Math.ceil(Math.log2(Math.max(n, 2)));
  if (needed > ptau.power || !ptau.prepared) {
    throw new TenderError(
      'TENDER_PTAU_TOO_SMALL',
      ptau.prepared
        ? `circuit needs a powers-of-tau of power ${needed}, file has ${ptau.power}`
        : 'powers-of-tau file is not prepared for phase 2',
      { details: { ptauPath: opts.ptauPath, needed, power: ptau.power, constraints: header.nConstraints } },
    );
  }

  const r1csSha = (await sha256File(opts.r1csPath)).slice(2);
  const key: Sha256Hex = sha256Bytes(`tender.groth16.setup.v1|${r1csSha}|${ptauSha}|${opts.entropy ?? ''}`);
  const dir = path.join(path.resolve(opts.outDir), key.slice(2, 18));
  const zkeyPath = path.join(dir, 'circuit_final.zkey');
  const vkeyPath = path.join(dir, 'verification_key.json');
  if ((await exists(zkeyPath)) && (await exists(vkeyPath))) {
    return { zkeyPath, vkeyPath, vkey: JSON.parse(await readFile(vkeyPath, 'utf8')) as VerificationKey };
  }

  // Build in a private folder and rename it into place, so concurrent setups never see half-written files.
  const work = `${dir}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  await mkdir(work, { recursive: true });
  try {
    const z0 = path.join(work, 'circuit_0000.zkey');
    const z1 = path.join(work, 'circuit_0001.zkey');
    const zf = path.join(work, 'circuit_final.zkey');
    ensureZkeyWritten(await zKey.newZKey(opts.r1csPath, opts.ptauPath, z0), 'zkey new');
    const entropy = opts.entropy ?? randomBytes(32).toString('hex');
    ensureZkeyWritten(
      await zKey.contribute(z0, z1, 'tender phase-2 contribution', entropy),
      'zkey contribute',
    );
    const beaconHash = sha256Bytes(`tender.beacon|${r1csSha}|${ptauSha}`).slice(2);
    ensureZkeyWritten(await zKey.beacon(z1, zf, 'tender final beacon', beaconHash, 10), 'zkey beacon');
    const vkey = await zKey.exportVerificationKey(zf);
    await writeFile(path.join(work, 'verification_key.json'), `${JSON.stringify(vkey, null, 2)}\n`);
    await rm(z0);
    await rm(z1);
    await rename(work, dir).catch(async (error: NodeJS.ErrnoException) => {
      // Another process finished the same setup first: keep theirs.
      if (error.code !== 'ENOTEMPTY' && error.code !== 'EEXIST') throw error;
    });
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  return { zkeyPath, vkeyPath, vkey: JSON.parse(await readFile(vkeyPath, 'utf8')) as VerificationKey };
}
