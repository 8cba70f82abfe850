/**
 * Wire types of the prover protocol, as the api sends and takes them. Amounts
 * are wei as decimal strings, times in events are ms since epoch, signed
 * fields (Bid.expiresAt) are unix seconds. Declared here rather than imported
 * from the server packages so that the sdk stays light.
 */

/** A 0x-prefixed hex string. */
export type Hex = `0x${string}`;

/** An invitation to bid in an auction round. */
export interface InvitationEvent {
  type: 'invitation';
  auctionId: string;
  jobId: string;
  chainJobId: Hex;
  circuitId: string;
  round: number;
  /** Most the requester pays, wei. */
  maxFee: string;
  /** Collateral locked if this prover wins, wei. */
  collateral: string;
  /** The job's deadline, ms since epoch. */
  jobDeadline: number;
  /** When the auction stops taking bids, ms since epoch. */
  closesAt: number;
  constraints: number;
}

/** The prover won an auction: prove `input` before `deadline`. */
export interface AwardEvent {
  type: 'award';
  assignmentId: string;
  auctionId: string;
  jobId: string;
  chainJobId: Hex;
  circuitId: string;
  /** Awarded price, wei. */
  price: string;
  /** Assignment deadline, ms since epoch. */
  deadline: number;
  input: unknown;
}

/** An invitation or an assignment was withdrawn (lost auction, cancelled job, re-auction). */
export interface CancellationEvent {
  type: 'cancellation';
  jobId: string;
  assignmentId?: string;
  auctionId?: string;
  reason: string;
}

/** What `GET /v1/provers/me/events` streams. */
export type ProverEvent = InvitationEvent | AwardEvent | CancellationEvent;

/** GPU or CPU prover. */
export type ProverKind = 'gpu' | 'cpu';

/** What a prover registers (`POST /v1/provers`). */
export interface ProverCapacity {
  kind: ProverKind;
  /** Assignments it proves at once. */
  maxConcurrency: number;
  memoryMb: number;
  /** Largest circuit it takes. */
  maxConstraints: number;
  /** Circuit ids whose artifacts it already caches (preferred in auctions). */
  cachedCircuitIds?: string[];
  /** The least it bids, wei. */
  priceFloorWei?: bigint;
  name?: string;
}

/** A registered prover as the api shows it (`GET /v1/provers/me`). */
export interface ProverProfile {
  id: string;
  address: string;
  kind: ProverKind;
  maxConcurrency: number;
  memoryMb: number;
  maxConstraints: number;
  cachedCircuitIds: string[];
  /** wei */
  priceFloorWei: string;
  [field: string]: unknown;
}

/** A stored bid as the api answers it. */
export interface BidReceipt {
  id: string;
  auctionId: string;
  [field: string]: unknown;
}

/** A Groth16 proof in snarkjs's JSON shape (decimal strings). */
export interface Groth16ProofJson {
  pi_a: readonly string[];
  pi_b: readonly (readonly string[])[];
  pi_c: readonly string[];
  protocol?: string;
  curve?: string;
}

/** A prover session (`POST /v1/provers/session`). */
export interface ProverSession {
  token: string;
  /** ISO 8601. */
  expiresAt: string;
  address: Hex;
}

/** The kinds of circuit artifact the api serves. */
export type ArtifactKind = 'wasm' | 'zkey' | 'vkey';
