// Helpers for the settlement-side tests (not exported from the package): a harness market with
// the `tiny` circuit registered on-chain, requester escrow deposited and provers staked (real
// transactions), and proven jobs inserted with real requester-signed JobRequests, real Groth16
// proofs and prover-signed ProofSubmissions.
import {
  type ChainConnection,
  connectChain,
  type DevAccount,
  devAccounts,
  type JobRequest,
  jobIdOf,
  jobRequestTypes,
  OperatorSender,
  type TenderDomain,
  tenderDomain,
  tenderMarketAbi,
} from '@tender/chain';
import {
  type Groth16Proof,
  Prover,
  proofHash,
  publicSignalsHash,
  toPublicSignals,
  toSolidityProof,
} from '@tender/zk';
import { type Address, getAddress, type Hex, keccak256, stringToHex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { ensureCircuitOnChain } from '../circuits/ensureCircuitOnChain.ts';
import type { MarketConfig } from '../deps/marketConfig.ts';

import { insertTinyCircuit, signSubmission, stake } from './auctionKit.ts';
import { createMarketHarness, type MarketHarness } from './marketHarness.ts';

export const ETH = 10n ** 18n;

/** A test market ready to settle. */
export interface SettlementKit {
  h: MarketHarness;
  domain: TenderDomain;
  operator: ChainConnection;
  sender: OperatorSender;
  circuitId: Hex;
  /** Requesters 0 and 1 deposited 1 ETH of escrow each; requester 2 deposited nothing. */
  requesters: { account: DevAccount; id: string }[];
  /** Provers 0..2 staked the minimum stake. */
  provers: { account: DevAccount; id: string }[];
  /** A real proof of the `tiny` circuit on the input seeded by `n`, and its public signals. */
  prove(n: number): Promise<{ input: unknown; proof: Groth16Proof; publicSignals: string[] }>;
  insertProvenJob(opts: ProvenJobOptions): Promise<ProvenJob>;
  /** The market balance (escrow / earnings) of an address. */
  balanceOf(address: Address): Promise<bigint>;
  close(): Promise<void>;
}

export interface ProvenJobOptions {
  requester: number;
  prover: number;
  /** Input seed (distinct per job). */
  n: number;
  priceWei?: bigint;
  maxFeeWei?: bigint;
  webhookUrl?: string;
  /** Submit the proof of another input with this job's signals (invalid, but signed). */
  corrupt?: boolean;
}

export interface ProvenJob {
  jobId: string;
  chainJobId: Hex;
  request: JobRequest;
  priceWei: bigint;
  proverAddress: Address;
  publicSignals: string[];
}

/**
 * Starts the kit. `config` goes to the harness (e.g. `{ batchMaxAgeMs: 0 }` to cut at once).
 */
export async function createSettlementKit(config: Partial<MarketConfig> = {}): Promise<SettlementKit> {
  const h = await createMarketHarness({ config });
  const prover = new Prover();
  try {
    const connect = (a: DevAccount) =>
      connectChain({ rpcUrl: h.anvil.rpcUrl, privateKey: a.privateKey, chainId: h.anvil.chainId });
    const operator = await connect(devAccounts.operator);
    const domain = tenderDomain(h.deployment.chainId, h.deployment.addresses.market);
    const tiny = await insertTinyCircuit(h.deps.prisma);
    const circuitId = tiny.row.id as Hex;
    await ensureCircuitOnChain(h.deps, operator.walletClient, {
      circuitId,
      vkey: tiny.built.vkey,
      metadataHash: keccak256(stringToHex('tiny')),
    });
    const requesters: SettlementKit['requesters'] = [];
    for (const [i, account] of devAccounts.requesters.entries()) {
      if (i < 2) {
        const c = await connect(account);
        const hash = await c.walletClient.writeContract({
          address: h.deployment.addresses.market,
          abi: tenderMarketAbi,
          functionName: 'deposit',
          value: ETH,
        });
        await c.publicClient.waitForTransactionReceipt({ hash });
      }
      const row = await h.deps.prisma.requester.create({
        data: { name: `requester ${i}`, address: account.address.toLowerCase() },
      });
      requesters.push({ account, id: row.id });
    }
    const provers: SettlementKit['provers'] = [];
    for (const account of devAccounts.provers) {
      await stake(h, account, h.deployment.params.minimumStake);
      const row = await h.deps.prisma.prover.create({
        data: {
          address: account.address.toLowerCase(),
          kind: 'cpu',
          memoryMb: 4096,
          maxConstraints: 100_000,
          lastHeartbeatAt: new Date(),
        },
      });
      provers.push({ account, id: row.id });
    }
    const nonces = new Map<number, bigint>();
    const prove = async (n: number) => {
      const { input } = await tiny.inputFor(n);
      const { proof, publicSignals } = await prover.prove(tiny.built, input);
      return { input, proof, publicSignals };
    };
    const kit: SettlementKit = {
      h,
      domain,
      operator,
      sender: new OperatorSender(operator, { pollMs: 50 }),
      circuitId,
      requesters,
      provers,
      prove,
      async insertProvenJob(opts) {
        const requester = requesters[opts.requester]!;
        const proverRow = provers[opts.prover]!;
        const nonce = nonces.get(opts.requester) ?? 0n;
        nonces.set(opts.requester, nonce + 1n);
        const maxFee = opts.maxFeeWei ?? 2n * 10n ** 15n;
        const price = opts.priceWei ?? 10n ** 15n;
        const real = await prove(opts.n);
        const proofOf = opts.corrupt ? (await prove(opts.n + 1000)).proof : real.proof;
        const deadline = BigInt(Math.floor(Date.now() / 1000) + 3600);
        const request: JobRequest = {
          requester: getAddress(requester.account.address),
          circuitId,
          inputHash: keccak256(stringToHex(JSON.stringify(real.input))),
          maxFee,
          deadline,
          nonce,
        };
        const requestSignature = await privateKeyToAccount(requester.account.privateKey).signTypedData({
          domain,
          types: jobRequestTypes,
          primaryType: 'JobRequest',
          message: request,
        });
        const chainJobId = jobIdOf(domain, request);
        const proverSignature = await signSubmission(h, proverRow.account, {
          chainJobId,
          circuitId,
          proof: proofOf,
          publicSignals: real.publicSignals,
        });
        const hashes = {
          proofHash: proofHash(toSolidityProof(proofOf)),
          publicSignalsHash: publicSignalsHash(toPublicSignals(real.publicSignals)),
        };
        const now = new Date();
        const job = await h.deps.prisma.job.create({
          data: {
            requesterId: requester.id,
            circuitId,
            input: real.input as object,
            inputHash: request.inputHash,
            maxFeeWei: maxFee.toString(),
            deadline: new Date(Number(deadline) * 1000),
            webhookUrl: opts.webhookUrl ?? null,
            requestSignature,
            chainJobId,
            requestNonce: nonce.toString(),
            expectedPublicSignals: real.publicSignals,
            status: 'proven',
            round: 1,
            provenAt: now,
          },
        });
        const auction = await h.deps.prisma.auction.create({
          data: {
            jobId: job.id,
            round: 1,
            status: 'awarded',
            opensAt: now,
            closesAt: now,
            closedAt: now,
            invitedProverIds: [proverRow.id],
          },
        });
        const assignment = await h.deps.prisma.assignment.create({
          data: {
            jobId: job.id,
            auctionId: auction.id,
            proverId: proverRow.id,
            round: 1,
            priceWei: price.toString(),
            collateralLockedWei: '0',
            deadline: new Date(now.getTime() + 60_000),
            status: 'accepted',
            finishedAt: now,
          },
        });
        await h.deps.prisma.proof.create({
          data: {
            assignmentId: assignment.id,
            jobId: job.id,
            proverId: proverRow.id,
            proof: proofOf as unknown as object,
            publicSignals: real.publicSignals,
            proofHash: hashes.proofHash,
            publicSignalsHash: hashes.publicSignalsHash,
            proverSignature,
            status: 'valid',
            verifiedAt: now,
          },
        });
        return {
          jobId: job.id,
          chainJobId,
          request,
          priceWei: price,
          proverAddress: getAddress(proverRow.account.address),
          publicSignals: real.publicSignals,
        };
      },
      balanceOf: (address) =>
        h.deps.publicClient.readContract({
          address: h.deployment.addresses.market,
          abi: tenderMarketAbi,
          functionName: 'balanceOf',
          args: [address],
        }),
      async close() {
        await prover.close();
        await h.close();
      },
    };
    return kit;
  } catch (error) {
    await prover.close();
    await h.close();
    throw error;
  }
}
