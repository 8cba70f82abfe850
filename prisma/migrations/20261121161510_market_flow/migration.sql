-- AlterTable
ALTER TABLE "auctions" ADD COLUMN     "invited_prover_ids" UUID[] DEFAULT ARRAY[]::UUID[];

-- AlterTable
ALTER TABLE "circuits" ADD COLUMN     "vkey_hash" VARCHAR(66);

-- AlterTable
ALTER TABLE "jobs" ADD COLUMN     "chain_job_id" VARCHAR(66),
ADD COLUMN     "request_nonce" DECIMAL(78,0);

-- AlterTable
ALTER TABLE "requesters" ADD COLUMN     "next_nonce" BIGINT NOT NULL DEFAULT 0;

-- CreateIndex
CREATE UNIQUE INDEX "jobs_chain_job_id_key" ON "jobs"("chain_job_id");
