import { submitProof } from '@tender/market';
import type { Groth16Proof } from '@tender/zk';
import type { FastifyInstance } from 'fastify';
import type { Hex } from 'viem';
import type { ApiContext } from '../context.ts';
import { proverAddressOf, proverAuthHeaders, requireProver } from '../plugins/proverAuth.ts';

const problem = { $ref: 'Problem#' } as const;
const decimal = { type: 'string', pattern: '^[0-9]{1,78}$' } as const;
const g1 = { type: 'array', minItems: 2, maxItems: 3, items: decimal } as const;
const g2 = {
  type: 'array',
  minItems: 2,
  maxItems: 3,
  items: { type: 'array', minItems: 2, maxItems: 2, items: decimal },
} as const;

interface ProofBody {
  proof: Groth16Proof;
  publicSignals: string[];
  signature: string;
}

const proofSchema = {
  tags: ['provers'],
  security: [{ proverSession: [] }],
  summary: 'Submit the proof of an assigned job',
  description:
    'Groth16 proof in snarkjs JSON, public signals as decimal strings, and the EIP-712 ' +
    '`ProofSubmission(bytes32 jobId, bytes32 circuitId, bytes32 proofHash, bytes32 publicSignalsHash, ' +
    'address prover)` signature (jobId = chainJobId; proofHash = keccak256(abi.encode(uint256[8])) of the ' +
    'proof in calldata order; publicSignalsHash = keccak256(abi.encodePacked(uint256[]))). An invalid proof ' +
    'or wrong public signals answer 422 TENDER_PROOF_INVALID: the assignment fails, its collateral is ' +
    'forfeited and the signed submission is kept as slashing evidence.',
  headers: proverAuthHeaders,
  params: {
    type: 'object',
    required: ['id'],
    properties: { id: { type: 'string', format: 'uuid', description: 'job id' } },
  },
  body: {
    type: 'object',
    required: ['proof', 'publicSignals', 'signature'],
    additionalProperties: false,
    properties: {
      proof: {
        type: 'object',
        required: ['pi_a', 'pi_b', 'pi_c'],
        description: 'The Groth16 proof as snarkjs writes it (decimal strings).',
        properties: {
          pi_a: { ...g1, description: 'G1 point A (projective, decimal).' },
          pi_b: { ...g2, description: 'G2 point B (projective, decimal).' },
          pi_c: { ...g1, description: 'G1 point C (projective, decimal).' },
          protocol: { type: 'string', const: 'groth16', description: 'Always groth16.' },
          curve: { type: 'string', const: 'bn128', description: 'Always bn128 (BN254).' },
        },
      },
      publicSignals: {
        type: 'array',
        maxItems: 1024,
        items: decimal,
        description:
          'The public signals (decimal field elements); they must equal the job’s expectedPublicSignals.',
      },
      signature: {
        type: 'string',
        pattern: '^0x[0-9a-fA-F]+$',
        maxLength: 1024,
        description:
          "The prover's EIP-712 signature of ProofSubmission(jobId = chainJobId, circuitId, proofHash, publicSignalsHash, prover).",
      },
    },
  },
  response: {
    200: {
      type: 'object',
      required: ['status'],
      properties: {
        status: { type: 'string', enum: ['valid'], description: 'The proof verified; the job is proven.' },
      },
    },
    400: problem,
    401: problem,
    403: problem,
    404: problem,
    409: problem,
    422: problem,
  },
} as const;

/** `POST /v1/jobs/:id/proof`: the assigned prover's signed proof (→ market `submitProof`). */
export function proofRoutes(app: FastifyInstance, ctx: ApiContext): void {
  app.post<{ Params: { id: string }; Body: ProofBody }>(
    '/v1/jobs/:id/proof',
    { schema: proofSchema, preHandler: requireProver(ctx), bodyLimit: 1_048_576 },
    async (request) =>
      submitProof(ctx.market, {
        jobId: request.params.id,
        proverAddress: proverAddressOf(request),
        proof: request.body.proof,
        publicSignals: request.body.publicSignals,
        signature: request.body.signature as Hex,
      }),
  );
}
