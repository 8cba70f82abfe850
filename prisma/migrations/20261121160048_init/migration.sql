-- CreateEnum
CREATE TYPE "job_status" AS ENUM ('submitted', 'auctioning', 'assigned', 'proving', 'proven', 'batched', 'verified', 'expired', 'cancelled', 'rejected');

-- CreateEnum
CREATE TYPE "auction_status" AS ENUM ('open', 'awarded', 'no_bids', 'cancelled');

-- CreateEnum
CREATE TYPE "assignment_status" AS ENUM ('awarded', 'proving', 'submitted', 'accepted', 'failed_invalid', 'failed_deadline', 'abandoned', 'cancelled');

-- CreateEnum
CREATE TYPE "proof_status" AS ENUM ('received', 'valid', 'invalid');

-- CreateEnum
CREATE TYPE "batch_status" AS ENUM ('pending', 'submitted', 'confirmed', 'failed');

-- CreateEnum
CREATE TYPE "slash_status" AS ENUM ('pending', 'submitted', 'confirmed', 'failed');

-- CreateEnum
CREATE TYPE "prover_kind" AS ENUM ('gpu', 'cpu');

-- CreateEnum
CREATE TYPE "webhook_delivery_status" AS ENUM ('pending', 'delivered', 'failed');

-- CreateTable
CREATE TABLE "requesters" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "address" VARCHAR(42),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "requesters_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "api_keys" (
    "id" UUID NOT NULL,
    "requester_id" UUID NOT NULL,
    "prefix" VARCHAR(32) NOT NULL,
    "key_hash" CHAR(64) NOT NULL,
    "name" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_used_at" TIMESTAMPTZ(3),
    "expires_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),

    CONSTRAINT "api_keys_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "circuits" (
    "id" VARCHAR(66) NOT NULL,
    "name" TEXT NOT NULL,
    "requester_id" UUID,
    "builtin" BOOLEAN NOT NULL DEFAULT false,
    "wasm_sha256" CHAR(64) NOT NULL,
    "wasm_size" BIGINT NOT NULL,
    "wasm_path" TEXT NOT NULL,
    "zkey_sha256" CHAR(64) NOT NULL,
    "zkey_size" BIGINT NOT NULL,
    "zkey_path" TEXT NOT NULL,
    "vkey_sha256" CHAR(64) NOT NULL,
    "vkey_size" BIGINT NOT NULL,
    "vkey_path" TEXT NOT NULL,
    "constraints" INTEGER NOT NULL,
    "public_signal_names" TEXT[],
    "input_spec" JSONB NOT NULL,
    "model_card" JSONB,
    "registration_tx_hash" VARCHAR(66),
    "registered_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "circuits_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "jobs" (
    "id" UUID NOT NULL,
    "requester_id" UUID NOT NULL,
    "circuit_id" VARCHAR(66) NOT NULL,
    "input" JSONB NOT NULL,
    "input_hash" VARCHAR(66) NOT NULL,
    "max_fee_wei" DECIMAL(78,0) NOT NULL,
    "deadline" TIMESTAMPTZ(3) NOT NULL,
    "webhook_url" TEXT,
    "idempotency_key" VARCHAR(255),
    "request_signature" TEXT,
    "status" "job_status" NOT NULL DEFAULT 'submitted',
    "status_reason" TEXT,
    "round" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "proven_at" TIMESTAMPTZ(3),
    "batched_at" TIMESTAMPTZ(3),
    "verified_at" TIMESTAMPTZ(3),

    CONSTRAINT "jobs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "auctions" (
    "id" UUID NOT NULL,
    "job_id" UUID NOT NULL,
    "round" INTEGER NOT NULL,
    "status" "auction_status" NOT NULL DEFAULT 'open',
    "opens_at" TIMESTAMPTZ(3) NOT NULL,
    "closes_at" TIMESTAMPTZ(3) NOT NULL,
    "closed_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "auctions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "bids" (
    "id" UUID NOT NULL,
    "auction_id" UUID NOT NULL,
    "prover_id" UUID NOT NULL,
    "price_wei" DECIMAL(78,0) NOT NULL,
    "eta_ms" INTEGER NOT NULL,
    "collateral_wei" DECIMAL(78,0) NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "signature" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "bids_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "assignments" (
    "id" UUID NOT NULL,
    "job_id" UUID NOT NULL,
    "auction_id" UUID NOT NULL,
    "bid_id" UUID,
    "prover_id" UUID NOT NULL,
    "round" INTEGER NOT NULL,
    "price_wei" DECIMAL(78,0) NOT NULL,
    "collateral_locked_wei" DECIMAL(78,0) NOT NULL,
    "deadline" TIMESTAMPTZ(3) NOT NULL,
    "status" "assignment_status" NOT NULL DEFAULT 'awarded',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "assignments_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "proofs" (
    "id" UUID NOT NULL,
    "assignment_id" UUID NOT NULL,
    "job_id" UUID NOT NULL,
    "prover_id" UUID NOT NULL,
    "proof" JSONB NOT NULL,
    "public_signals" TEXT[],
    "proof_hash" VARCHAR(66) NOT NULL,
    "public_signals_hash" VARCHAR(66) NOT NULL,
    "prover_signature" TEXT NOT NULL,
    "status" "proof_status" NOT NULL DEFAULT 'received',
    "verify_error" TEXT,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "verified_at" TIMESTAMPTZ(3),

    CONSTRAINT "proofs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "provers" (
    "id" UUID NOT NULL,
    "address" VARCHAR(42) NOT NULL,
    "name" TEXT,
    "kind" "prover_kind" NOT NULL,
    "max_concurrency" INTEGER NOT NULL DEFAULT 1,
    "memory_mb" INTEGER NOT NULL,
    "max_constraints" INTEGER NOT NULL,
    "cached_circuit_ids" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "price_floor_wei" DECIMAL(78,0) NOT NULL DEFAULT 0,
    "reliability" DOUBLE PRECISION NOT NULL DEFAULT 1,
    "collateral_total_wei" DECIMAL(78,0) NOT NULL DEFAULT 0,
    "collateral_locked_wei" DECIMAL(78,0) NOT NULL DEFAULT 0,
    "stake_wei" DECIMAL(78,0) NOT NULL DEFAULT 0,
    "stake_seen_block" BIGINT,
    "last_heartbeat_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "provers_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "batches" (
    "id" UUID NOT NULL,
    "status" "batch_status" NOT NULL DEFAULT 'pending',
    "size" INTEGER NOT NULL,
    "merkle_root" VARCHAR(66),
    "tx_hash" VARCHAR(66),
    "block_number" BIGINT,
    "gas_used" BIGINT,
    "chain_batch_id" BIGINT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "submitted_at" TIMESTAMPTZ(3),
    "confirmed_at" TIMESTAMPTZ(3),

    CONSTRAINT "batches_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "batch_items" (
    "id" UUID NOT NULL,
    "batch_id" UUID NOT NULL,
    "job_id" UUID NOT NULL,
    "leaf_index" INTEGER NOT NULL,
    "leaf_hash" VARCHAR(66),
    "merkle_proof" JSONB,

    CONSTRAINT "batch_items_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "slashes" (
    "id" UUID NOT NULL,
    "prover_id" UUID NOT NULL,
    "job_id" UUID NOT NULL,
    "assignment_id" UUID,
    "proof_id" UUID,
    "evidence" JSONB NOT NULL,
    "evidence_hash" VARCHAR(66) NOT NULL,
    "status" "slash_status" NOT NULL DEFAULT 'pending',
    "tx_hash" VARCHAR(66),
    "block_number" BIGINT,
    "slashed_wei" DECIMAL(78,0),
    "challenger_reward_wei" DECIMAL(78,0),
    "requester_reward_wei" DECIMAL(78,0),
    "error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "slashes_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "chain_cursors" (
    "name" TEXT NOT NULL,
    "block_number" BIGINT NOT NULL,
    "block_hash" VARCHAR(66) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "chain_cursors_pkey" PRIMARY KEY ("name")
);

-- CreateTable
CREATE TABLE "chain_events" (
    "id" UUID NOT NULL,
    "chain_id" INTEGER NOT NULL,
    "contract" VARCHAR(42) NOT NULL,
    "event_name" TEXT NOT NULL,
    "block_number" BIGINT NOT NULL,
    "block_hash" VARCHAR(66) NOT NULL,
    "tx_hash" VARCHAR(66) NOT NULL,
    "log_index" INTEGER NOT NULL,
    "args" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "chain_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "webhook_deliveries" (
    "id" UUID NOT NULL,
    "job_id" UUID NOT NULL,
    "url" TEXT NOT NULL,
    "event" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "status" "webhook_delivery_status" NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_status_code" INTEGER,
    "last_error" TEXT,
    "delivered_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "webhook_deliveries_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "job_events" (
    "id" BIGSERIAL NOT NULL,
    "job_id" UUID NOT NULL,
    "from_status" "job_status",
    "to_status" "job_status" NOT NULL,
    "round" INTEGER NOT NULL,
    "reason" TEXT,
    "data" JSONB,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "job_events_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "requesters_address_key" ON "requesters"("address");

-- CreateIndex
CREATE UNIQUE INDEX "api_keys_prefix_key" ON "api_keys"("prefix");

-- CreateIndex
CREATE INDEX "api_keys_requester_id_idx" ON "api_keys"("requester_id");

-- CreateIndex
CREATE INDEX "circuits_requester_id_idx" ON "circuits"("requester_id");

-- CreateIndex
CREATE INDEX "jobs_status_proven_at_idx" ON "jobs"("status", "proven_at");

-- CreateIndex
CREATE INDEX "jobs_status_deadline_idx" ON "jobs"("status", "deadline");

-- CreateIndex
CREATE INDEX "jobs_requester_id_created_at_idx" ON "jobs"("requester_id", "created_at");

-- CreateIndex
CREATE INDEX "jobs_circuit_id_idx" ON "jobs"("circuit_id");

-- CreateIndex
CREATE UNIQUE INDEX "jobs_requester_id_idempotency_key_key" ON "jobs"("requester_id", "idempotency_key");

-- CreateIndex
CREATE INDEX "auctions_status_closes_at_idx" ON "auctions"("status", "closes_at");

-- CreateIndex
CREATE UNIQUE INDEX "auctions_job_id_round_key" ON "auctions"("job_id", "round");

-- CreateIndex
CREATE INDEX "bids_auction_id_price_wei_idx" ON "bids"("auction_id", "price_wei");

-- CreateIndex
CREATE INDEX "bids_prover_id_idx" ON "bids"("prover_id");

-- CreateIndex
CREATE UNIQUE INDEX "bids_auction_id_prover_id_key" ON "bids"("auction_id", "prover_id");

-- CreateIndex
CREATE UNIQUE INDEX "assignments_auction_id_key" ON "assignments"("auction_id");

-- CreateIndex
CREATE UNIQUE INDEX "assignments_bid_id_key" ON "assignments"("bid_id");

-- CreateIndex
CREATE INDEX "assignments_job_id_idx" ON "assignments"("job_id");

-- CreateIndex
CREATE INDEX "assignments_prover_id_status_idx" ON "assignments"("prover_id", "status");

-- CreateIndex
CREATE INDEX "assignments_status_deadline_idx" ON "assignments"("status", "deadline");

-- CreateIndex
CREATE INDEX "proofs_assignment_id_idx" ON "proofs"("assignment_id");

-- CreateIndex
CREATE INDEX "proofs_job_id_idx" ON "proofs"("job_id");

-- CreateIndex
CREATE INDEX "proofs_status_received_at_idx" ON "proofs"("status", "received_at");

-- CreateIndex
CREATE UNIQUE INDEX "provers_address_key" ON "provers"("address");

-- CreateIndex
CREATE INDEX "provers_last_heartbeat_at_idx" ON "provers"("last_heartbeat_at");

-- CreateIndex
CREATE UNIQUE INDEX "batches_tx_hash_key" ON "batches"("tx_hash");

-- CreateIndex
CREATE INDEX "batches_status_created_at_idx" ON "batches"("status", "created_at");

-- CreateIndex
CREATE INDEX "batch_items_job_id_idx" ON "batch_items"("job_id");

-- CreateIndex
CREATE UNIQUE INDEX "batch_items_batch_id_leaf_index_key" ON "batch_items"("batch_id", "leaf_index");

-- CreateIndex
CREATE UNIQUE INDEX "batch_items_batch_id_job_id_key" ON "batch_items"("batch_id", "job_id");

-- CreateIndex
CREATE UNIQUE INDEX "slashes_evidence_hash_key" ON "slashes"("evidence_hash");

-- CreateIndex
CREATE INDEX "slashes_status_created_at_idx" ON "slashes"("status", "created_at");

-- CreateIndex
CREATE INDEX "slashes_prover_id_idx" ON "slashes"("prover_id");

-- CreateIndex
CREATE INDEX "slashes_job_id_idx" ON "slashes"("job_id");

-- CreateIndex
CREATE INDEX "chain_events_event_name_block_number_idx" ON "chain_events"("event_name", "block_number");

-- CreateIndex
CREATE INDEX "chain_events_block_number_idx" ON "chain_events"("block_number");

-- CreateIndex
CREATE UNIQUE INDEX "chain_events_tx_hash_log_index_key" ON "chain_events"("tx_hash", "log_index");

-- CreateIndex
CREATE INDEX "webhook_deliveries_status_next_attempt_at_idx" ON "webhook_deliveries"("status", "next_attempt_at");

-- CreateIndex
CREATE INDEX "webhook_deliveries_job_id_idx" ON "webhook_deliveries"("job_id");

-- CreateIndex
CREATE INDEX "job_events_job_id_id_idx" ON "job_events"("job_id", "id");

-- AddForeignKey
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_requester_id_fkey" FOREIGN KEY ("requester_id") REFERENCES "requesters"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "circuits" ADD CONSTRAINT "circuits_requester_id_fkey" FOREIGN KEY ("requester_id") REFERENCES "requesters"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "jobs" ADD CONSTRAINT "jobs_requester_id_fkey" FOREIGN KEY ("requester_id") REFERENCES "requesters"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "jobs" ADD CONSTRAINT "jobs_circuit_id_fkey" FOREIGN KEY ("circuit_id") REFERENCES "circuits"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "auctions" ADD CONSTRAINT "auctions_job_id_fkey" FOREIGN KEY ("job_id") REFERENCES "jobs"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "bids" ADD CONSTRAINT "bids_auction_id_fkey" FOREIGN KEY ("auction_id") REFERENCES "auctions"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "bids" ADD CONSTRAINT "bids_prover_id_fkey" FOREIGN KEY ("prover_id") REFERENCES "provers"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "assignments" ADD CONSTRAINT "assignments_job_id_fkey" FOREIGN KEY ("job_id") REFERENCES "jobs"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "assignments" ADD CONSTRAINT "assignments_auction_id_fkey" FOREIGN KEY ("auction_id") REFERENCES "auctions"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "assignments" ADD CONSTRAINT "assignments_bid_id_fkey" FOREIGN KEY ("bid_id") REFERENCES "bids"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "assignments" ADD CONSTRAINT "assignments_prover_id_fkey" FOREIGN KEY ("prover_id") REFERENCES "provers"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "proofs" ADD CONSTRAINT "proofs_assignment_id_fkey" FOREIGN KEY ("assignment_id") REFERENCES "assignments"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "proofs" ADD CONSTRAINT "proofs_job_id_fkey" FOREIGN KEY ("job_id") REFERENCES "jobs"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "proofs" ADD CONSTRAINT "proofs_prover_id_fkey" FOREIGN KEY ("prover_id") REFERENCES "provers"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "batch_items" ADD CONSTRAINT "batch_items_batch_id_fkey" FOREIGN KEY ("batch_id") REFERENCES "batches"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "batch_items" ADD CONSTRAINT "batch_items_job_id_fkey" FOREIGN KEY ("job_id") REFERENCES "jobs"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "slashes" ADD CONSTRAINT "slashes_prover_id_fkey" FOREIGN KEY ("prover_id") REFERENCES "provers"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "slashes" ADD CONSTRAINT "slashes_job_id_fkey" FOREIGN KEY ("job_id") REFERENCES "jobs"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "slashes" ADD CONSTRAINT "slashes_assignment_id_fkey" FOREIGN KEY ("assignment_id") REFERENCES "assignments"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "slashes" ADD CONSTRAINT "slashes_proof_id_fkey" FOREIGN KEY ("proof_id") REFERENCES "proofs"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_job_id_fkey" FOREIGN KEY ("job_id") REFERENCES "jobs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "job_events" ADD CONSTRAINT "job_events_job_id_fkey" FOREIGN KEY ("job_id") REFERENCES "jobs"("id") ON DELETE CASCADE ON UPDATE CASCADE;
