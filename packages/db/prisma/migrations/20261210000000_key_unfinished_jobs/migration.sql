-- AlterTable
ALTER TABLE "api_keys" ADD COLUMN     "unfinished_jobs" INTEGER NOT NULL DEFAULT 0;

-- The counter starts at what the jobs table holds.
UPDATE "api_keys" AS k SET "unfinished_jobs" = (
  SELECT count(*) FROM "jobs" AS j WHERE j."api_key_id" = k."id" AND j."status" IN ('queued', 'running'));
