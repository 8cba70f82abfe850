import { type Account, type Address, type Hex, keccak256, toHex } from 'viem';
import { type JobRequest, jobRequestTypes, type TenderDomain } from './eip712.ts';
import type { FixtureCircuit, FixtureProof } from './proofFixtures.ts';
import type { SettlementItem } from './settlementEncoding.ts';

/** Signs a job request as its requester (EIP-712, Tender domain). */
export async function signJobRequest(
  account: Account,
  domain: TenderDomain,
  request: JobRequest,
): Promise<Hex> {
  if (!account.signTypedData) throw new Error('account cannot sign typed data');
  return account.signTypedData({
    domain,
    types: jobRequestTypes,
    primaryType: 'JobRequest',
    message: request,
  });
}

/**
 * Builds a signed settlement item for a fixture proof. Test/bench helper.
 * `inputHash` is a hash of the nonce: distinct per item and as costly in calldata as a real one.
 */
export async function fixtureItem(opts: {
  domain: TenderDomain;
  requester: Account;
  prover: Address;
  circuit: Pick<FixtureCircuit, 'circuitId' | 'vk'>;
  proof: FixtureProof;
  nonce: bigint;
  price?: bigint;
  maxFee?: bigint;
  deadline?: bigint;
}): Promise<SettlementItem> {
  const maxFee = opts.maxFee ?? 10n ** 15n;
  const request: JobRequest = {
    requester: opts.requester.address,
    circuitId: opts.circuit.circuitId,
    inputHash: keccak256(toHex(opts.nonce, { size: 32 })),
    maxFee,
    deadline: opts.deadline ?? 4_000_000_000n,
    nonce: opts.nonce,
  };
  return {
    request,
    requestSignature: await signJobRequest(opts.requester, opts.domain, request),
    prover: opts.prover,
    price: opts.price ?? (maxFee * 9n) / 10n,
    proof: opts.proof.proof,
    publicSignals: opts.proof.publicSignals,
    verifyingKey: opts.circuit.vk,
  };
}
