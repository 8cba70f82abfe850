/**
 * The status enums that have no lifecycle of their own (the ones with a
 * lifecycle live in `*Lifecycle.ts`). Values are spelled exactly like the
 * Prisma enums.
 */

/** Prover hardware classes, like the Prisma `ProverKind` enum. */
export const proverKinds = ['gpu', 'cpu'] as const;
/** A prover's hardware class. */
export type ProverKind = (typeof proverKinds)[number];

/** Proof verification results, like the Prisma `ProofStatus` enum. */
export const proofStatuses = ['received', 'valid', 'invalid'] as const;
/** Where a submitted proof is: received (not yet checked), valid or invalid. */
export type ProofStatus = (typeof proofStatuses)[number];

/** Webhook delivery states, like the Prisma `WebhookDeliveryStatus` enum. */
export const webhookDeliveryStatuses = ['pending', 'delivered', 'failed'] as const;
/** Where one webhook delivery is. */
export type WebhookDeliveryStatus = (typeof webhookDeliveryStatuses)[number];
