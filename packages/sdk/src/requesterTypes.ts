/**
 * Wire types of the requester api, as the api sends them (the server builds
 * exactly these shapes). Amounts are wei as decimal strings; `deadline` is
 * unix seconds (it is signed); other times are ISO 8601 strings.
 */
import type { Address, Hex } from 'viem';

/** A job's status (see the job lifecycle in @tender/core). */
export type JobStatus =
  | 'submitted'
  | 'auctioning'
  | 'assigned'
  | 'proving'
  | 'proven'
  | 'batched'
  | 'verified'
  | 'expired'
  | 'cancelled'
  | 'rejected';

/** The statuses a job never leaves. */
export const terminalJobStatuses: readonly JobStatus[] = ['verified', 'expired', 'cancelled', 'rejected'];

/** One input signal of a circuit's main component. */
export interface InputSignalSpec {
  /** Name without `main.`, e.g. `pixels`. */
  name: string;
  /** Flattened element count. */
  size: number;
  public: boolean;
}

/** A registered circuit (`GET /v1/circuits/:id`). */
export interface CircuitView {
  /** bytes32: sha256(wasmSha256 ‖ zkeySha256 ‖ vkeySha256). */
  id: Hex;
  name: string;
  builtin: boolean;
  artifacts: {
    wasm: { sha256: Hex; size: number };
    zkey: { sha256: Hex; size: number };
    vkey: { sha256: Hex; size: number };
  };
  /** keccak256 of the ABI-encoded verifying key, as the on-chain registry stores it. */
  vkeyHash: Hex | null;
  constraints: number;
  /** Public signal names in snarkjs order (outputs, then public inputs). */
  publicSignalNames: string[];
  inputSignals: InputSignalSpec[];
  modelCard: Record<string, unknown> | null;
  /** The registry transaction; null until registered on-chain. */
  registration: { txHash: Hex | null; registeredAt: string } | null;
  createdAt: string;
}

/** One auction round of a job. */
export interface JobAuctionView {
  id: string;
  round: number;
  status: 'open' | 'awarded' | 'no_bids' | 'cancelled';
  opensAt: string;
  closesAt: string;
  closedAt: string | null;
  invited: number;
  bids: number;
}

/** The latest assignment of a job. */
export interface JobAssignmentView {
  id: string;
  round: number;
  prover: Address;
  price: string;
  collateral: string;
  deadline: string;
  status: string;
}

/** The accepted proof of a job. */
export interface JobProofView {
  proof: { pi_a: string[]; pi_b: string[][]; pi_c: string[]; protocol?: string; curve?: string };
  publicSignals: string[];
  proofHash: Hex;
  publicSignalsHash: Hex;
  prover: Address;
  receivedAt: string;
}

/** The settlement of a job: its batch on-chain and its Merkle inclusion proof. */
export interface JobBatchView {
  id: string;
  status: string;
  txHash: Hex | null;
  blockNumber: string | null;
  root: Hex | null;
  chainBatchId: string | null;
  leafIndex: number;
  leafHash: Hex | null;
  /** Sibling hashes from leaf to root (`TenderMarket.verifyInclusion`). */
  inclusionProof: Hex[] | null;
}

/** A job as `GET /v1/jobs/:id` answers it. */
export interface JobView {
  id: string;
  status: JobStatus;
  statusReason: string | null;
  /** The on-chain job id (EIP-712 digest of the signed request). */
  chainJobId: Hex | null;
  circuitId: Hex;
  requester: Address | null;
  input: unknown;
  inputHash: Hex;
  maxFee: string;
  /** Unix seconds. */
  deadline: number;
  nonce: string | null;
  webhookUrl: string | null;
  idempotencyKey: string | null;
  /** Auction round (0 before the first opens). */
  round: number;
  /** The public signals a valid proof must yield (computed from the witness at submission). */
  expectedPublicSignals: string[];
  createdAt: string;
  updatedAt: string;
  provenAt: string | null;
  batchedAt: string | null;
  verifiedAt: string | null;
  auctions: JobAuctionView[];
  assignment: JobAssignmentView | null;
  /** The price of the accepted proof, wei; null until proven. */
  price: string | null;
  proof: JobProofView | null;
  publicSignals: string[] | null;
  batch: JobBatchView | null;
}

/** A job in a listing. */
export interface JobSummary {
  id: string;
  status: JobStatus;
  circuitId: Hex;
  chainJobId: Hex | null;
  maxFee: string;
  deadline: number;
  round: number;
  createdAt: string;
  updatedAt: string;
}

/** A page of `GET /v1/jobs`, newest first. */
export interface JobPage {
  items: JobSummary[];
  /** Pass as `cursor` for the next page; null on the last. */
  nextCursor: string | null;
}

/** `GET /v1/market`: where to sign and settle. */
export interface MarketView {
  chainId: number;
  market: Address;
  registry: Address;
  staking: Address;
  rpcUrl?: string;
  /** The contracts' ABIs (newer apis; the SDK also ships them as `tenderAbis`). */
  abis?: Record<string, unknown>;
  /** The EIP-712 domain job requests, bids and proofs are signed under (newer apis). */
  eip712Domain?: { name: string; version: string; chainId: number; verifyingContract: Address };
}

/** A requester's escrow as the api accounts for it (`GET /v1/requesters/me`), wei as decimal strings. */
export interface RequesterEscrowView {
  /** `TenderMarket.balanceOf(address)`. */
  balanceWei: string;
  /** Requested but not yet completed withdrawals (0 while the market has no withdrawal delay). */
  pendingWithdrawalWei: string;
  /** The most the requester's open jobs can still be charged (their `maxFee`s). */
  heldByOpenJobsWei: string;
  /** What a new job or a withdrawal can use: balance − pending − held (never below 0). */
  availableWei: string;
}

/** The authenticated requester (`GET /v1/requesters/me`). */
export interface RequesterView {
  id: string;
  name: string;
  address: Address | null;
  /** The next nonce `POST /v1/requesters/me/nonces` will hand out. */
  nextNonce: string;
  createdAt: string;
  /** Escrow at a glance (newer apis). */
  escrow?: RequesterEscrowView;
}

/** A live status change on `GET /v1/jobs/:id/events` (`event: status`). */
export interface JobStatusEvent {
  type: 'status';
  jobId: string;
  status: JobStatus;
  /** ms since epoch. */
  at: number;
  round?: number;
  detail?: string;
}
