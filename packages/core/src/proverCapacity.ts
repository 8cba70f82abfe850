/**
 * How much capacity the market believes a prover has. Rule: what a prover
 * declares is bounded twice — by the operator's ceilings (configuration), and
 * by its record: a prover starts with at most `startSlots` concurrent
 * assignments and earns one more slot per `proofsPerSlot` accepted proofs, so
 * nobody can claim 1,024 slots (and win 1,024 auctions at once) before it has
 * shown it proves. Memory is bounded by the ceiling only (it is not observable).
 */
export interface CapacityPolicy {
  /** Most slots any prover may have (configuration). */
  maxSlots: number;
  /** Most memory any prover may declare, MB (configuration). */
  maxMemoryMb: number;
  /** Slots a prover without a record may use. */
  startSlots: number;
  /** Accepted proofs that earn one more slot. */
  proofsPerSlot: number;
}

/** Default {@link CapacityPolicy}: 64 slots, 1 TiB, start at 4, one slot per 20 accepted proofs. */
export const defaultCapacityPolicy: CapacityPolicy = {
  maxSlots: 64,
  maxMemoryMb: 1_048_576,
  startSlots: 4,
  proofsPerSlot: 20,
};

/** A declared capacity and what the market has seen the prover do. */
export interface CapacityClaim {
  slots: number;
  memoryMb: number;
  /** Assignments of this prover that ended `accepted`. */
  acceptedProofs: number;
}

/**
 * The capacity the market uses: declared values clamped to the ceilings and
 * to the slots the prover's record has earned (never below 1). Pure.
 *
 * @example
 * boundedCapacity({ slots: 1024, memoryMb: 2 ** 31 - 1, acceptedProofs: 0 }); // { slots: 4, memoryMb: 1048576 }
 */
export function boundedCapacity(
  claim: CapacityClaim,
  policy: CapacityPolicy = defaultCapacityPolicy,
): { slots: number; memoryMb: number } {
  const earned = policy.startSlots + Math.floor(Math.max(0, claim.acceptedProofs) / policy.proofsPerSlot);
  const slots = Math.max(1, Math.min(claim.slots, policy.maxSlots, earned));
  const memoryMb = Math.max(1, Math.min(claim.memoryMb, policy.maxMemoryMb));
  return { slots, memoryMb };
}
