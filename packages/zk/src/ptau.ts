import { fileURLToPath } from 'node:url';
import { TenderError } from '@tender/core';

/** A powers-of-tau file and the sha256 (hex, no 0x) it must have; `setupGroth16` checks it before use. */
export interface PtauFile {
  path: string;
  sha256: string;
}

/** Powers of the development ptau files committed in `packages/zk/ptau/`. */
export type DevPtauPower = 12 | 15;

/** The committed development powers, smallest first. */
export const devPtauPowers: readonly DevPtauPower[] = [12, 15];

/**
 * Folder of the committed development ptau files (`packages/zk/ptau/`), computed from this
 * file's location so that a bare clone needs nothing beside it.
 */
export const devPtauDir: string = fileURLToPath(new URL('../ptau/', import.meta.url)).replace(/\/$/, '');

// Pinned: a file that does not hash to this is refused by setupGroth16 (TENDER_PTAU_MISMATCH).
const devPtauSha256: Record<DevPtauPower, string> = {
  12: 'bf0a3d3e228d0ee8ee1be25fc13017ee42bd457912e2b0a09448ef97532f294a',
  15: '49536385c66b8f2d6c5e20a5da36b7a7c4b8dbadbfc1c2dbf25d6611d9dd5a68',
};

/**
 * The committed development powers-of-tau file of the given power
 * (`packages/zk/ptau/pot<power>.ptau`) and its pinned sha256. One contributor plus a
 * beacon: the toxic waste may be known, so never use these in production
 * (configure `TENDER_PTAU_FILE`, see docs/ceremony.md).
 *
 * @example
 * const { path, sha256 } = devPtau(12);
 * await setupGroth16({ r1csPath, ptauPath: path, ptauSha256: sha256, outDir });
 */
export function devPtau(power: DevPtauPower): PtauFile {
  const sha256 = devPtauSha256[power];
  if (sha256 === undefined) {
    throw new TenderError('TENDER_PTAU_TOO_SMALL', `no development ptau of power ${power}`, {
      details: { power, committed: devPtauPowers },
    });
  }
  return { path: `${devPtauDir}/pot${power}.ptau`, sha256 };
}
