import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { TenderError } from '@tender/core';
import { zKey } from 'snarkjs';
import { terminateCurves } from './verify.ts';

const require = createRequire(import.meta.url);

interface SolidityExporter {
  exportSolidityVerifier(zkey: string, templates: { groth16: string }, logger?: unknown): Promise<string>;
}

/**
 * The Solidity source of snarkjs's Groth16 verifier for a zkey — the same contract
 * `snarkjs zkey export solidityverifier` writes (contract `Groth16Verifier`,
 * `verifyProof(uint[2], uint[2][2], uint[2], uint[n]) returns (bool)`). Used as the
 * single-proof baseline of the gas benchmark. Terminates snarkjs's curve workers afterwards.
 *
 * @example
 * const source = await exportSolidityVerifier(setup.zkeyPath);
 */
export async function exportSolidityVerifier(zkeyPath: string): Promise<string> {
  // snarkjs's package `exports` hides package.json; resolve its entry and walk up to the templates.
  const main = require.resolve('snarkjs');
  const root = dirname(dirname(main));
  const template = await readFile(join(root, 'templates', 'verifier_groth16.sol.ejs'), 'utf8');
  try {
    return await (zKey as unknown as SolidityExporter).exportSolidityVerifier(zkeyPath, {
      groth16: template,
    });
  } catch (error) {
    throw new TenderError('TENDER_ARTIFACT_INVALID', 'exporting the Solidity verifier failed', {
      details: { zkeyPath },
      cause: error,
    });
  } finally {
    await terminateCurves();
  }
}
