// @tender/db: the Prisma client of Tender's Postgres, the migration runner and
// intent-named repositories. Test helpers live in '@tender/db/testing'.
export type { TenderPrisma, TenderQueryable, TenderTx } from './client.ts';
export { createDb, type DbConfig, type TenderDb } from './createDb.ts';
export type {
  ApiKey,
  Assignment,
  Auction,
  Batch,
  BatchItem,
  Bid,
  ChainCursor,
  ChainEvent,
  Circuit,
  Job,
  JobEvent,
  Prisma,
  Proof,
  Prover,
  Requester,
  Slash,
  WebhookDelivery,
} from './generated/prisma/client.ts';
export {
  AssignmentStatus,
  AuctionStatus,
  BatchStatus,
  JobStatus,
  ProofStatus,
  ProverKind,
  SlashStatus,
  WebhookDeliveryStatus,
} from './generated/prisma/enums.ts';
export { type HeldLease, type LeaseOptions, tryAcquireLease } from './leaderLease.ts';
export {
  type MigrateOptions,
  type MigrateResult,
  migrate,
  migratePostgres,
  PRISMA_ADVISORY_LOCK_KEY,
} from './migrate.ts';
export {
  type MigrationConnection,
  pgliteMigrationConnection,
  pgMigrationConnection,
} from './migrationConnection.ts';
export {
  checksumMatches,
  type LocalMigration,
  type MigrationsFolder,
  migrationChecksum,
  readMigrationsFolder,
} from './migrationsFolder.ts';
export { defaultMigrationsDir, defaultPgliteDir, defaultSchemaPath } from './paths.ts';
export {
  type ClaimedBatch,
  type ClaimedJob,
  type ClaimOptions,
  claimProvenJobsForBatch,
} from './repositories/claimProvenJobsForBatch.ts';
export { type CreatedJob, createJob, type NewJob } from './repositories/createJob.ts';
export { type JobRecord, toJobRecord } from './repositories/jobRecord.ts';
export { type CollateralBalance, lockCollateral, releaseCollateral } from './repositories/lockCollateral.ts';
export { type BidRecord, type NewBid, recordBid, toBidRecord } from './repositories/recordBid.ts';
export { type JobTransition, transitionJob } from './repositories/transitionJob.ts';
export { weiFromDecimal, weiToDecimal } from './wei.ts';
