// @tender/db: the Prisma client of Tender's Postgres and the migration runner. Market tables
// are written by @tender/market's stages. Test helpers live in '@tender/db/testing'.
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
export { weiFromDecimal, weiToDecimal } from './wei.ts';
