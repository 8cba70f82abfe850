import { type Address, concatHex, encodeAbiParameters, type Hex, keccak256 } from 'viem';
import { circuitRegistryAbi, tenderMarketAbi } from './abis.ts';
import { type Groth16VerificationKey, verifyGroth16 } from './groth16Verify.ts';
import { inputHashOf } from './inputHash.ts';
import { publicSignalsHashOf } from './proverHashes.ts';
import type { TenderClient } from './requesterClient.ts';
import { marketPublicClient } from './requesterEscrow.ts';
import { jobRequestDigest, marketDomain } from './requesterTypedData.ts';
import type { JobView } from './requesterTypes.ts';

/** Options of {@link verifyJob}. */
export interface VerifyJobOptions {
  /** Your own JSON-RPC endpoint of the market's chain: every on-chain fact is read through it. */
  rpcUrl: string;
  /** The market contract (default: the address `GET /v1/market` names; pass it to trust the api less). */
  market?: Address;
  /** The requester the job must belong to (default: not checked). */
  requester?: Address;
}

/** One check of {@link verifyJob}. */
export interface VerificationCheck {
  name: 'settled' | 'request' | 'verificationKey' | 'proof' | 'inclusion';
  ok: boolean;
  detail: string;
}

/** What {@link verifyJob} found. `ok` only when every check passed. */
export interface JobVerification {
  ok: boolean;
  jobId: string;
  chainJobId: Hex | null;
  circuitId: Hex;
  chainBatchId: string | null;
  leafIndex: number | null;
  publicSignals: string[] | null;
  publicSignalsHash: Hex | null;
  /** `keccak256(chainJobId ‖ circuitId ‖ publicSignalsHash)`, recomputed here. */
  leaf: Hex | null;
  checks: VerificationCheck[];
}

const toBig = (s: string) => BigInt(s);
const g1 = (p: string[]) => [toBig(p[0] as string), toBig(p[1] as string)] as const;
// EIP-197 order: imaginary part first.
const g2 = (p: string[][]) =>
  [
    [toBig(p[0]?.[1] as string), toBig(p[0]?.[0] as string)],
    [toBig(p[1]?.[1] as string), toBig(p[1]?.[0] as string)],
  ] as const;

/**
 * The hash `CircuitRegistry` stores for a snarkjs verification key:
 * `keccak256(abi.encode(alpha1, beta2, gamma2, delta2, ic))` with G2 points in EIP-197 order.
 */
export function verificationKeyHash(vkey: Groth16VerificationKey): Hex {
  return keccak256(
    encodeAbiParameters(
      [
        { type: 'uint256[2]' },
        { type: 'uint256[2][2]' },
        { type: 'uint256[2][2]' },
        { type: 'uint256[2][2]' },
        { type: 'uint256[2][]' },
      ],
      [
        g1(vkey.vk_alpha_1),
        g2(vkey.vk_beta_2),
        g2(vkey.vk_gamma_2),
        g2(vkey.vk_delta_2),
        vkey.IC.map((p) => g1(p)),
      ],
    ),
  );
}

/** The Merkle leaf `TenderMarket` records for a result (`keccak256(abi.encode(jobId, circuitId, psHash))`). */
export function resultLeafOf(chainJobId: Hex, circuitId: Hex, publicSignalsHash: Hex): Hex {
  return keccak256(concatHex([chainJobId, circuitId, publicSignalsHash]));
}

const fail = (name: VerificationCheck['name'], detail: string): VerificationCheck => ({
  name,
  ok: false,
  detail,
});

/**
 * Checks a settled job without trusting the api: fetches the job and its
 * circuit's verification key from the api, then
 * 1. `request` — recomputes the on-chain job id (the EIP-712 digest of the signed JobRequest, with
 *    the input hash recomputed from the input) under the market's domain and the chain id the RPC reports;
 * 2. `verificationKey` — hashes the key as the registry does and compares it with
 *    `CircuitRegistry.vkHashOf(circuitId)` read on-chain (the registry the market contract names);
 * 3. `proof` — verifies the Groth16 proof against that key and the public signals, locally (pure JS);
 * 4. `inclusion` — recomputes the public-signals hash and calls `TenderMarket.verifyInclusion`
 *    (batch id, job id, circuit id, hash, Merkle path) through `rpcUrl`.
 * A job not yet `verified` fails the `settled` check. Never throws for a bad proof; throws for an
 * unreachable api or RPC.
 *
 * @example
 * const v = await verifyJob(client, job.id, { rpcUrl: 'https://my-node.example' });
 * if (!v.ok) console.error(v.checks.filter((c) => !c.ok));
 */
export async function verifyJob(
  client: TenderClient,
  jobId: string,
  opts: VerifyJobOptions,
): Promise<JobVerification> {
  const job: JobView = await client.getJob(jobId);
  const market = await client.getMarket();
  const marketAddress = opts.market ?? market.market;
  const { publicClient } = marketPublicClient(market, opts.rpcUrl);
  const result: JobVerification = {
    ok: false,
    jobId: job.id,
    chainJobId: job.chainJobId,
    circuitId: job.circuitId,
    chainBatchId: job.batch?.chainBatchId ?? null,
    leafIndex: job.batch?.leafIndex ?? null,
    publicSignals: job.proof?.publicSignals ?? null,
    publicSignalsHash: null,
    leaf: null,
    checks: [],
  };
  const checks = result.checks;
  const batch = job.batch;
  if (
    job.status !== 'verified' ||
    job.proof === null ||
    job.chainJobId === null ||
    batch === null ||
    batch.chainBatchId === null ||
    batch.inclusionProof === null
  ) {
    checks.push(fail('settled', `job ${job.id} is ${job.status}, not settled on-chain yet`));
    return result;
  }
  checks.push({ name: 'settled', ok: true, detail: `batch ${batch.chainBatchId}, leaf ${batch.leafIndex}` });

  // 1. The job id on-chain commits to requester, circuit, input, fee, deadline and nonce.
  const chainId = await publicClient.getChainId();
  if (job.requester === null || job.nonce === null) {
    checks.push(fail('request', 'the api gave no requester or nonce to recompute the job id from'));
  } else {
    const inputHash = inputHashOf(job.input as Record<string, unknown>);
    const digest = jobRequestDigest(marketDomain(chainId, marketAddress), {
      requester: job.requester,
      circuitId: job.circuitId,
      inputHash,
      maxFee: BigInt(job.maxFee),
      deadline: BigInt(job.deadline),
      nonce: BigInt(job.nonce),
    });
    const wrongRequester =
      opts.requester !== undefined && opts.requester.toLowerCase() !== job.requester.toLowerCase();
    checks.push(
      digest.toLowerCase() !== job.chainJobId.toLowerCase()
        ? fail('request', `the job id ${job.chainJobId} is not the digest of its request (${digest})`)
        : wrongRequester
          ? fail('request', `the job was requested by ${job.requester}, not ${opts.requester}`)
          : { name: 'request', ok: true, detail: `job id = EIP-712 digest on chain ${chainId}` },
    );
  }

  // 2. The verification key is the one registered on-chain for the circuit.
  let vkeyError = '';
  const vkey = await client.getVerificationKey(job.circuitId).catch((error: unknown) => {
    vkeyError = (error as Error).message;
    return null;
  });
  let vkeyOk = false;
  if (vkey === null) {
    checks.push(fail('verificationKey', `could not fetch the verification key: ${vkeyError}`));
  } else {
    const registry = await publicClient.readContract({
      address: marketAddress,
      abi: tenderMarketAbi,
      functionName: 'registry',
    });
    const onChain = await publicClient.readContract({
      address: registry,
      abi: circuitRegistryAbi,
      functionName: 'vkHashOf',
      args: [job.circuitId],
    });
    let local: Hex | null = null;
    try {
      local = verificationKeyHash(vkey);
    } catch {
      // malformed key
    }
    vkeyOk = local !== null && local.toLowerCase() === onChain.toLowerCase();
    checks.push(
      vkeyOk
        ? { name: 'verificationKey', ok: true, detail: `hash ${onChain} as registered in ${registry}` }
        : fail('verificationKey', `key hash ${local ?? 'unreadable'} ≠ registry's ${onChain}`),
    );
  }

  // 3. The proof verifies under that key.
  const { proof, publicSignals } = job.proof;
  const proofOk = vkey !== null && verifyGroth16(vkey, proof, publicSignals);
  checks.push(
    proofOk
      ? {
          name: 'proof',
          ok: true,
          detail: `Groth16 proof verified locally (${publicSignals.length} signals)`,
        }
      : fail('proof', 'the Groth16 proof does not verify against the verification key'),
  );

  // 4. The result (job id, circuit, public signals) is in the settled batch's Merkle root on-chain.
  const psHash = publicSignalsHashOf(publicSignals);
  result.publicSignalsHash = psHash;
  result.leaf = resultLeafOf(job.chainJobId, job.circuitId, psHash);
  const included = await publicClient
    .readContract({
      address: marketAddress,
      abi: tenderMarketAbi,
      functionName: 'verifyInclusion',
      args: [BigInt(batch.chainBatchId), job.chainJobId, job.circuitId, psHash, batch.inclusionProof],
    })
    .catch((error: unknown) => {
      checks.push(fail('inclusion', `verifyInclusion reverted: ${(error as Error).message.split('\n')[0]}`));
      return null;
    });
  if (included !== null) {
    checks.push(
      included
        ? { name: 'inclusion', ok: true, detail: `verifyInclusion(${batch.chainBatchId}, …) = true` }
        : fail('inclusion', `verifyInclusion(${batch.chainBatchId}, …) = false`),
    );
  }
  result.ok = checks.length === 5 && checks.every((c) => c.ok) && vkeyOk && proofOk;
  return result;
}
