import { tenderAbis, tenderDomain } from '@tender/chain';
import { getRequesterView, requesterEscrow, reserveNonce } from '@tender/market';
import type { MarketView } from '@tender/sdk';
import type { FastifyInstance } from 'fastify';
import type { Abi } from 'viem';
import type { ApiContext } from '../context.ts';
import { requesterAuth, requesterOf } from '../plugins/requesterAuth.ts';

const problem = { $ref: 'Problem#' } as const;
const address = { type: 'string', pattern: '^0x[0-9a-fA-F]{40}$' } as const;

const abi = {
  type: 'array',
  items: { type: 'object', additionalProperties: true },
  description: 'A JSON ABI (generated from the Solidity sources by @tender/chain).',
} as const;

const marketSchema = {
  type: 'object',
  required: ['chainId', 'market', 'registry', 'staking', 'abis', 'eip712Domain'],
  properties: {
    chainId: { type: 'integer', description: 'EVM chain id of the market (EIP-155).' },
    market: {
      ...address,
      description: 'TenderMarket: escrow (deposit, withdraw, balanceOf), settlement, results.',
    },
    registry: { ...address, description: 'CircuitRegistry: verification-key hash per circuit id.' },
    staking: { ...address, description: 'TenderStaking: prover stake, unstake delay, slashing.' },
    rpcUrl: { type: 'string', description: 'The chain RPC the api uses (a client may use its own).' },
    abis: {
      type: 'object',
      required: ['market', 'staking', 'registry'],
      properties: { market: abi, staking: abi, registry: abi },
      description: 'The three contracts’ ABIs.',
    },
    eip712Domain: {
      type: 'object',
      required: ['name', 'version', 'chainId', 'verifyingContract'],
      properties: {
        name: { type: 'string', const: 'Tender', description: 'EIP-712 domain name.' },
        version: { type: 'string', const: '1', description: 'EIP-712 domain version.' },
        chainId: { type: 'integer', description: 'EIP-155 chain id.' },
        verifyingContract: { ...address, description: 'The market contract.' },
      },
      description:
        'The EIP-712 domain of JobRequest (signed by requesters), Bid and ProofSubmission (signed by provers).',
    },
  },
} as const;

const wei = (description: string) => ({ type: 'string', pattern: '^[0-9]+$', description }) as const;

const requesterSchema = {
  type: 'object',
  required: ['id', 'name', 'address', 'nextNonce', 'createdAt', 'escrow'],
  properties: {
    id: { type: 'string', description: "The requester's id (Tender's, not on-chain)." },
    name: { type: 'string', description: 'Display name (the address for requesters created by sign-in).' },
    address: {
      anyOf: [address, { type: 'null' }],
      description: 'The address that signs JobRequests and owns the escrow on-chain.',
    },
    nextNonce: {
      type: 'string',
      pattern: '^[0-9]+$',
      description: 'The next JobRequest nonce POST /v1/requesters/me/nonces hands out.',
    },
    createdAt: { type: 'string', format: 'date-time', description: 'ISO 8601 time (UTC).' },
    escrow: {
      type: 'object',
      required: ['balanceWei', 'pendingWithdrawalWei', 'heldByOpenJobsWei', 'availableWei'],
      properties: {
        balanceWei: wei(
          'Escrow balance in the market contract (balanceOf(address)), wei, read on-chain now.',
        ),
        pendingWithdrawalWei: wei(
          'Withdrawals requested and not yet executed, wei (0 while the contract has none).',
        ),
        heldByOpenJobsWei: wei(
          'The sum of maxFee of open jobs (submitted … batched): what they can still be charged, wei.',
        ),
        availableWei: wei('balance − pending withdrawal − held by open jobs (at least 0), wei.'),
      },
      description:
        'Deposit and withdraw are transactions you sign (TenderMarket.deposit / withdraw); the api never holds your key.',
    },
  },
} as const;

/**
 * `GET /v1/market` (public: the EIP-712 domain and contracts requesters and
 * provers sign for), `GET /v1/requesters/me` and `POST /v1/requesters/me/nonces`
 * (API key).
 */
export async function requesterRoutes(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  const auth = requesterAuth(app, ctx);

  app.get(
    '/v1/market',
    {
      schema: {
        tags: ['market'],
        summary:
          'Chain id and contract addresses (the EIP-712 domain is name Tender, version 1, chainId, market)',
        response: { 200: marketSchema },
      },
    },
    async () => {
      const { deployment, publicClient } = ctx.market;
      const rpcUrl = publicClient.chain.rpcUrls.default.http[0];
      const view: MarketView = {
        chainId: deployment.chainId,
        market: deployment.addresses.market,
        registry: deployment.addresses.registry,
        staking: deployment.addresses.staking,
        ...(rpcUrl === undefined ? {} : { rpcUrl }),
      };
      return {
        ...view,
        abis: { market: tenderAbis.market, staking: tenderAbis.staking, registry: tenderAbis.registry },
        eip712Domain: tenderDomain(deployment.chainId, deployment.addresses.market),
      };
    },
  );

  app.get(
    '/v1/requesters/me',
    {
      onRequest: auth,
      schema: {
        tags: ['requesters'],
        summary: 'The requester this API key or session belongs to, with its escrow',
        response: { 200: requesterSchema, 401: problem, 403: problem },
      },
    },
    async (request) => {
      const principal = requesterOf(request);
      const view = await getRequesterView(ctx.market, principal.requesterId);
      const escrow = await requesterEscrow(
        ctx.market,
        principal.requesterId,
        view.address,
        tenderAbis.market as Abi,
      );
      return { ...view, escrow };
    },
  );

  app.post(
    '/v1/requesters/me/nonces',
    {
      onRequest: auth,
      schema: {
        tags: ['requesters'],
        summary: 'Reserve the next JobRequest nonce (sign it into your next job request)',
        response: {
          201: {
            type: 'object',
            required: ['nonce'],
            properties: {
              nonce: {
                type: 'string',
                pattern: '^[0-9]+$',
                description: 'Sign it into your next JobRequest (decimal).',
              },
            },
          },
          401: problem,
          403: problem,
        },
      },
    },
    async (request, reply) => {
      const nonce = await reserveNonce(ctx.market, requesterOf(request).requesterId);
      return reply.code(201).send({ nonce: nonce.toString() });
    },
  );
}
