-- Starting a job (queued -> running) changes only columns no index reads, so PostgreSQL can update
-- its row in place (a HOT update: no new entry in any of the table's indexes) when its page has
-- room, which a fill factor below 100 leaves. The status index made every start and settlement
-- write an entry in each of the jobs table's indexes.
DROP INDEX "jobs_status_idx";

-- Unfinished jobs are found by finished_at IS NULL (set exactly when a job succeeds or fails): a
-- partial index that only unfinished jobs are in, and that starting a job leaves as it is.
CREATE INDEX "jobs_unfinished_created_at_idx" ON "jobs"("created_at") WHERE "finished_at" IS NULL;

ALTER TABLE "jobs" SET (fillfactor = 70);
