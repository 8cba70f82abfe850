import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { TenderDeployment } from '@tender/chain';
import { TenderError } from '@tender/core';

/**
 * Writes a deployment (contract addresses, chain id, parameters) as JSON,
 * atomically (write to a temp file, then rename). bigints become decimal strings.
 */
export async function writeDeploymentFile(path: string, deployment: TenderDeployment): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const json = JSON.stringify(
    deployment,
    (_key, value) => (typeof value === 'bigint' ? value.toString() : value),
    2,
  );
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, `${json}\n`);
  await rename(tmp, path);
}

/** Reads a deployment file written by {@link writeDeploymentFile}; null when it does not exist. */
export async function readDeploymentFile(path: string): Promise<TenderDeployment | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  try {
    const raw = JSON.parse(text);
    return {
      ...raw,
      blockNumber: BigInt(raw.blockNumber),
      params: {
        ...raw.params,
        minimumStake: BigInt(raw.params.minimumStake),
        unstakeDelaySec: BigInt(raw.params.unstakeDelaySec),
        // deployments written before audit mode have no audit parameters (and no audit address)
        ...(raw.params.auditMinBond === undefined
          ? {}
          : {
              auditMinBond: BigInt(raw.params.auditMinBond),
              auditSampleDelayBlocks: BigInt(raw.params.auditSampleDelayBlocks),
              auditRevealWindowSec: BigInt(raw.params.auditRevealWindowSec),
            }),
      },
    };
  } catch (error) {
    throw new TenderError(
      'TENDER_CONFIG_INVALID',
      `TENDER_DEPLOYMENT_FILE: ${path} is not a deployment file`,
      {
        details: { variable: 'TENDER_DEPLOYMENT_FILE', path },
        cause: error,
      },
    );
  }
}
