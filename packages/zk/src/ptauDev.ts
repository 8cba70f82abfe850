import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { TenderError } from '@tender/core';
import { curves, powersOfTau } from 'snarkjs';
import { sha256File } from './artifacts.ts';

/**
 * Makes a phase-2-ready BN254 powers-of-tau file of `2^power` with snarkjs: a new accumulator, one
 * contribution with random entropy, a beacon, and the phase-2 preparation. One contributor: the
 * result is for development only. Slow (on two cores about 2 minutes for 2^12, 24 for 2^15, 40 for
 * 2^16; it roughly doubles per power), so no test runs it. Returns the file's sha256 (hex, no 0x).
 *
 * @example
 * const sha256 = await makeDevPtau(16, '.tender/ptau/pot16.ptau', console.log);
 */
export async function makeDevPtau(
  power: number,
  outFile: string,
  log: (line: string) => void = () => {},
): Promise<string> {
  if (!Number.isInteger(power) || power < 1 || power > 28) {
    throw new TenderError('TENDER_VALIDATION_FAILED', `ptau power must be an integer 1..28, got ${power}`, {
      details: { power },
    });
  }
  const work = `${outFile}.tmp-${process.pid}`;
  await mkdir(work, { recursive: true });
  const curve = await curves.getCurveFromName('bn128');
  try {
    const step = (name: string) => path.join(work, `${name}.ptau`);
    log(`powersoftau new bn128 ${power}`);
    await powersOfTau.newAccumulator(curve, power, step('0000'));
    log('contribute (random entropy)');
    await powersOfTau.contribute(step('0000'), step('0001'), 'tender dev', randomBytes(32).toString('hex'));
    log('beacon');
    await powersOfTau.beacon(
      step('0001'),
      step('beacon'),
      'tender dev beacon',
      randomBytes(32).toString('hex'),
      10,
    );
    log('prepare phase 2 (the longest step)');
    await powersOfTau.preparePhase2(step('beacon'), step('final'));
    await rename(step('final'), outFile);
  } finally {
    await curve.terminate();
    await rm(work, { recursive: true, force: true });
  }
  return (await sha256File(outFile)).slice(2);
}
