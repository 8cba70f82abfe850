import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { type JobRequest, jobIdOf, type SettlementItem, type TenderDomain } from '@tender/chain';
import type { TenderPrisma } from '@tender/db';
import {
  type Groth16Proof,
  type SolidityVerifyingKey,
  toPublicSignals,
  toSolidityProof,
  toSolidityVerifyingKey,
  type VerificationKey,
} from '@tender/zk';
import { getAddress, type Hex } from 'viem';
import { jobRequestOf } from '../proving/slashEvidence.ts';

/** A circuit's verification key in both shapes, loaded once per process. */
export interface LoadedVkey {
  vkey: VerificationKey;
  solidity: SolidityVerifyingKey;
}

/** Verification keys by circuit id, read from the artifact store on first use. */
export class VkeyCache {
  readonly #byCircuit = new Map<string, Promise<LoadedVkey>>();
  readonly #artifactsDir: string | undefined;

  /** @param artifactsDir folder that relative `Circuit.vkeyPath` values are resolved against */
  constructor(artifactsDir?: string) {
    this.#artifactsDir = artifactsDir;
  }

  /** The key of `circuitId` stored at `vkeyPath` (content-addressed, so caching by id is safe). */
  get(circuitId: string, vkeyPath: string): Promise<LoadedVkey> {
    let loaded = this.#byCircuit.get(circuitId);
    if (!loaded) {
      const path = isAbsolute(vkeyPath) ? vkeyPath : resolve(this.#artifactsDir ?? process.cwd(), vkeyPath);
      loaded = readFile(path, 'utf8').then((text) => {
        const vkey = JSON.parse(text) as VerificationKey;
        return { vkey, solidity: toSolidityVerifyingKey(vkey) };
      });
      loaded.catch(() => this.#byCircuit.delete(circuitId));
      this.#byCircuit.set(circuitId, loaded);
    }
    return loaded;
  }
}

/** Everything the batcher knows about one job of a batch. */
export interface SettlementCandidate {
  jobId: string;
  leafIndex: number;
  round: number;
  chainJobId: Hex | null;
  circuitId: Hex;
  webhookUrl: string | null;
  /** The accepted assignment's proof, prover and price; null when the job has none. */
  proof: {
    proofId: string;
    assignmentId: string;
    proverId: string;
    proverAddress: Hex;
    proof: Groth16Proof;
    publicSignals: string[];
    proofHash: Hex;
    publicSignalsHash: Hex;
    proverSignature: Hex;
    priceWei: bigint;
  } | null;
  expectedPublicSignals: string[];
  vkey: LoadedVkey;
  /** The signed request as the contract sees it; null when the job lacks a field of it. */
  request: JobRequest | null;
  requestSignature: Hex | null;
  /** The item to settle, or null with `problem` saying why it cannot be. */
  item: SettlementItem | null;
  problem: string | null;
}

const wei = (value: { toFixed(): string }) => BigInt(value.toFixed());

/**
 * Loads the jobs of a batch in leaf (claim) order with what settling them needs: the signed
 * request (requester address, circuit, input hash, max fee, deadline in unix seconds, nonce,
 * signature), the accepted assignment's price and prover, its valid proof, the circuit's key.
 * A job that cannot be settled (no valid proof, unsigned request, a job id that is not the
 * request's EIP-712 digest) comes back with `item: null` and the `problem`.
 */
export async function loadSettlementCandidates(
  prisma: TenderPrisma,
  batchId: string,
  domain: TenderDomain,
  vkeys: VkeyCache,
): Promise<SettlementCandidate[]> {
  const items = await prisma.batchItem.findMany({
    where: { batchId },
    orderBy: { leafIndex: 'asc' },
    include: {
      job: {
        include: {
          requester: { select: { address: true } },
          circuit: { select: { vkeyPath: true } },
          assignments: {
            where: { status: 'accepted' },
            orderBy: { round: 'desc' },
            take: 1,
            include: {
              prover: { select: { address: true } },
              proofs: { where: { status: 'valid' }, orderBy: { receivedAt: 'desc' }, take: 1 },
            },
          },
        },
      },
    },
  });
  return Promise.all(
    items.map(async ({ job, leafIndex }): Promise<SettlementCandidate> => {
      const vkey = await vkeys.get(job.circuitId, job.circuit.vkeyPath);
      const assignment = job.assignments[0];
      const proofRow = assignment?.proofs[0];
      const proof =
        assignment && proofRow
          ? {
              proofId: proofRow.id,
              assignmentId: assignment.id,
              proverId: assignment.proverId,
              proverAddress: getAddress(assignment.prover.address),
              proof: proofRow.proof as unknown as Groth16Proof,
              publicSignals: proofRow.publicSignals,
              proofHash: proofRow.proofHash as Hex,
              publicSignalsHash: proofRow.publicSignalsHash as Hex,
              proverSignature: proofRow.proverSignature as Hex,
              priceWei: wei(assignment.priceWei),
            }
          : null;
      const base = {
        jobId: job.id,
        leafIndex,
        round: job.round,
        chainJobId: (job.chainJobId as Hex | null) ?? null,
        circuitId: job.circuitId as Hex,
        webhookUrl: job.webhookUrl,
        proof,
        expectedPublicSignals: job.expectedPublicSignals,
        vkey,
        requestSignature: (job.requestSignature as Hex | null) ?? null,
      };
      const fail = (problem: string, request: JobRequest | null = null): SettlementCandidate => ({
        ...base,
        request,
        item: null,
        problem,
      });
      if (!job.requester.address || job.requestNonce === null || !job.requestSignature) {
        return fail('the job has no signed on-chain request (requester address, nonce or signature missing)');
      }
      const request = jobRequestOf(job);
      if (request === null) return fail('the job has no signed on-chain request');
      if (!job.chainJobId || jobIdOf(domain, request).toLowerCase() !== job.chainJobId.toLowerCase()) {
        return fail("the stored chain job id is not the request's EIP-712 digest", request);
      }
      if (!proof) return fail('the job has no valid proof of an accepted assignment', request);
      let solidityProof: SettlementItem['proof'];
      let signals: bigint[];
      try {
        solidityProof = toSolidityProof(proof.proof);
        signals = toPublicSignals(proof.publicSignals);
      } catch (error) {
        // Unparseable proofs are caught by the off-chain batch verification (as invalid).
        return { ...base, request, item: null, problem: `malformed proof: ${(error as Error).message}` };
      }
      return {
        ...base,
        request,
        item: {
          request,
          requestSignature: job.requestSignature as Hex,
          prover: proof.proverAddress,
          price: proof.priceWei,
          proof: solidityProof,
          publicSignals: signals,
          verifyingKey: vkey.solidity,
        },
        problem: null,
      };
    }),
  );
}
