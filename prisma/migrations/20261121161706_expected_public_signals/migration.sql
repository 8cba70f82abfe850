-- AlterTable
ALTER TABLE "jobs" ADD COLUMN     "expected_public_signals" TEXT[] DEFAULT ARRAY[]::TEXT[];
