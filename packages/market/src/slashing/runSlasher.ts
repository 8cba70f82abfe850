import type { OperatorSender } from '@tender/chain';
import { type JobRequest, type ProofSubmission, type TenderDomain, tenderMarketAbi } from '@tender/chain';
import { isTenderError, type SlashStatus, TenderError, transitionSlash } from '@tender/core';
import type { Slash } from '@tender/db';
import { type Groth16Proof, toPublicSignals, toSolidityProof } from '@tender/zk';
import { getAddress, type Hex, parseEventLogs, type TransactionReceipt } from 'viem';
import type { MarketDeps } from '../deps/marketDeps.ts';
import { jobRequestOf, proofSubmissionOf, type SlashEvidenceRecord } from '../proving/slashEvidence.ts';
import type { VkeyCache } from '../settlement/loadSettlementCandidates.ts';

/** What one slasher pass did, by outcome. */
export interface SlasherPass {
  confirmed: string[];
  failed: string[];
  /** Still pending/submitted (transient failure, or a transaction not mined yet). */
  waiting: string[];
}

/** What the slasher needs besides the market deps. */
export interface SlasherContext {
  sender: OperatorSender;
  vkeys: VkeyCache;
  domain: TenderDomain;
  log?: (message: string, data?: Record<string, unknown>) => void;
}

type SlashArgs = readonly [
  JobRequest,
  ProofSubmission,
  Hex,
  ReturnType<typeof toSolidityProof>,
  readonly bigint[],
  { alpha1: never; beta2: never; gamma2: never; delta2: never; ic: never },
];

async function evidenceOf(deps: MarketDeps, ctx: SlasherContext, slash: Slash): Promise<SlashArgs> {
  const row = await deps.prisma.slash.findUniqueOrThrow({
    where: { id: slash.id },
    include: {
      prover: { select: { address: true } },
      proof: true,
      job: { include: { requester: { select: { address: true } }, circuit: { select: { vkeyPath: true } } } },
    },
  });
  const { job } = row;
  const stored = row.evidence as Partial<SlashEvidenceRecord> | null;
  const vk = (await ctx.vkeys.get(job.circuitId, job.circuit.vkeyPath)).solidity;
  let request: JobRequest;
  const fromJob = jobRequestOf(job);
  if (fromJob !== null) {
    request = fromJob;
  } else if (stored?.request) {
    const r = stored.request;
    request = {
      requester: getAddress(r.requester),
      circuitId: r.circuitId,
      inputHash: r.inputHash,
      maxFee: BigInt(r.maxFee),
      deadline: BigInt(r.deadline),
      nonce: BigInt(r.nonce),
    };
  } else {
    throw new TenderError('TENDER_VALIDATION_FAILED', 'slash evidence has no signed job request');
  }
  let submission: ProofSubmission;
  let signature: Hex;
  let proof: Groth16Proof;
  let signals: readonly string[];
  if (row.proof && job.chainJobId) {
    submission = proofSubmissionOf(job.chainJobId as Hex, job.circuitId, row.proof, row.prover.address);
    signature = row.proof.proverSignature as Hex;
    proof = row.proof.proof as unknown as Groth16Proof;
    signals = row.proof.publicSignals;
  } else if (stored?.submission && stored.proverSignature && stored.proof && stored.publicSignals) {
    submission = stored.submission;
    signature = stored.proverSignature;
    proof = stored.proof;
    signals = stored.publicSignals;
  } else {
    throw new TenderError('TENDER_VALIDATION_FAILED', 'slash evidence has no signed proof submission');
  }
  return [request, submission, signature, toSolidityProof(proof), toPublicSignals(signals), vk as never];
}

async function move(
  deps: MarketDeps,
  slash: { id: string; status: SlashStatus },
  to: SlashStatus,
  data: Record<string, unknown>,
): Promise<boolean> {
  const res = await deps.prisma.slash.updateMany({
    where: { id: slash.id, status: slash.status },
    data: { status: to, ...data },
  });
  return res.count === 1;
}

function amountsOf(receipt: TransactionReceipt) {
  const [event] = parseEventLogs({ abi: tenderMarketAbi, eventName: 'ProverSlashed', logs: receipt.logs });
  return event?.args;
}

/**
 * One pass of the slasher: sends `TenderMarket.slash` for each `pending` Slash (evidence: the
 * prover-signed ProofSubmission, proof and public signals of the Slash's Proof row — or, without
 * one, of `Slash.evidence` — and the circuit's key) through the shared operator sender. The row
 * becomes `submitted` with the tx hash before broadcast, then `confirmed` with the amounts of the
 * `ProverSlashed` event. A revert is final: `AlreadySlashed` becomes `confirmed` with the earlier
 * slash's amounts when its event is found (a crash after mining, or another challenger was
 * first) and `failed` otherwise; `ProofIsValid`, `NothingToSlash`, signature/hash mismatches
 * become `failed` with the error name. Never slashes twice: rows are taken by status
 * (optimistically), evidence hashes are unique and the contract refuses a second slash.
 * Transient errors leave the row for the next pass; `submitted` rows are looked up by hash first.
 */
export async function runSlasher(deps: MarketDeps, ctx: SlasherContext, limit = 10): Promise<SlasherPass> {
  const pass: SlasherPass = { confirmed: [], failed: [], waiting: [] };
  const rows = await deps.prisma.slash.findMany({
    where: { status: { in: ['pending', 'submitted'] } },
    orderBy: { createdAt: 'asc' },
    take: limit,
  });
  for (const row of rows) {
    const outcome = await slashOne(deps, ctx, row).catch((error: unknown) => {
      ctx.log?.('slash attempt failed, will retry', { slashId: row.id, error: (error as Error).message });
      return 'waiting' as const;
    });
    pass[outcome].push(row.id);
  }
  return pass;
}

async function slashOne(
  deps: MarketDeps,
  ctx: SlasherContext,
  row: Slash,
): Promise<'confirmed' | 'failed' | 'waiting'> {
  let current: { id: string; status: SlashStatus } = { id: row.id, status: row.status };
  const confirm = async (receipt: TransactionReceipt, hash: Hex, note: string | null = null) => {
    const args = amountsOf(receipt);
    if (!args) {
      await move(deps, current, transitionSlash(current.status, 'slash_failed'), {
        error: 'no ProverSlashed event in the receipt',
      });
      return 'failed' as const;
    }
    const to =
      current.status === 'pending' ? 'confirmed' : transitionSlash(current.status, 'slash_confirmed');
    await move(deps, current, to, {
      txHash: hash,
      blockNumber: receipt.blockNumber,
      slashedWei: args.amount.toString(),
      challengerRewardWei: args.toChallenger.toString(),
      requesterRewardWei: args.toRequester.toString(),
      error: note,
    });
    await deps.events.operator({
      type: 'slash',
      at: deps.now(),
      id: row.id,
      status: 'confirmed',
      detail: { txHash: hash, slashedWei: args.amount.toString(), proverId: row.proverId, jobId: row.jobId },
    });
    return 'confirmed' as const;
  };
  const fail = async (error: string) => {
    await move(deps, current, transitionSlash(current.status, 'slash_failed'), { error });
    await deps.events.operator({
      type: 'slash',
      at: deps.now(),
      id: row.id,
      status: 'failed',
      detail: { error },
    });
    return 'failed' as const;
  };

  if (row.status === 'submitted' && row.txHash) {
    const receipt = await ctx.sender.receiptOf(row.txHash as Hex);
    if (receipt) {
      return receipt.status === 'success'
        ? confirm(receipt, row.txHash as Hex)
        : fail('slash transaction reverted on-chain');
    }
    if (await ctx.sender.isPending(row.txHash as Hex)) return 'waiting';
  }

  if ((row.evidence as { kind?: unknown } | null)?.kind === 'public_signals_mismatch') {
    // The proof verifies for other signals than the job's: the contract would answer ProofIsValid.
    return fail('not slashable on-chain: the proof verifies, only for other public signals');
  }
  let args: SlashArgs;
  try {
    args = await evidenceOf(deps, ctx, row);
  } catch (error) {
    return fail(`unusable evidence: ${(error as Error).message}`);
  }
  try {
    const sent = await ctx.sender.send(
      {
        address: deps.deployment.addresses.market,
        abi: tenderMarketAbi,
        functionName: 'slash',
        args: args as never,
      },
      async ({ hash }) => {
        const to =
          current.status === 'pending' ? transitionSlash('pending', 'evidence_submitted') : 'submitted';
        await deps.prisma.slash.updateMany({
          where: { id: row.id, status: current.status },
          data: { status: to, txHash: hash },
        });
        current = { id: row.id, status: to };
      },
    );
    return confirm(sent.receipt, sent.hash);
  } catch (error) {
    if (!isTenderError(error, 'TENDER_CHAIN_REVERTED')) throw error;
    const errorName = String((error.details as { errorName?: string }).errorName ?? 'unknown');
    if (errorName === 'AlreadySlashed') {
      const submission = args[1];
      const [earlier] = await deps.publicClient.getContractEvents({
        address: deps.deployment.addresses.market,
        abi: tenderMarketAbi,
        eventName: 'ProverSlashed',
        args: { jobId: submission.jobId, prover: submission.prover },
        fromBlock: deps.deployment.blockNumber,
      });
      if (earlier?.transactionHash) {
        const receipt = await deps.publicClient.getTransactionReceipt({ hash: earlier.transactionHash });
        const by =
          earlier.args.challenger?.toLowerCase() === ctx.sender.address.toLowerCase()
            ? 'us'
            : earlier.args.challenger;
        return confirm(receipt, earlier.transactionHash, `already slashed (by ${by})`);
      }
    }
    return fail(`slash reverted: ${errorName}`);
  }
}
