-- AlterTable
ALTER TABLE "jobs" ADD COLUMN     "progress_detail" JSONB;
