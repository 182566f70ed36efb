import { Prisma } from '../generated/prisma/client';
import { SpamRefusedError } from './errors';
import type { SubmitJobInput } from './jobs.repository';

/** The job row as `RETURNING` gives it, in the Prisma model's field names. */
export const JOB_COLUMNS = Prisma.raw(
  [
    'id',
    'tenant_id AS "tenantId"',
    'api_key_id AS "apiKeyId"',
    'service',
    'kind',
    'status',
    'model_id AS "modelId"',
    'request',
    'result',
    'error',
    'track_id AS "trackId"',
    'webhook_url AS "webhookUrl"',
    'idempotency_key AS "idempotencyKey"',
    'credits_held AS "creditsHeld"',
    'attempts',
    'progress',
    'eta',
    'progress_detail AS "progressDetail"',
    'created_at AS "createdAt"',
    'started_at AS "startedAt"',
    'finished_at AS "finishedAt"',
    'lease_id AS "leaseId"',
  ].join(', '),
);

/**
 * One statement that accepts a job: checks the key's room (when it has a limit) on its
 * `unfinished_jobs` counter, debits the price from the tenant's balance only if it covers it,
 * counts the job on its key, inserts the job and its `hold` ledger row. Either all of it happens
 * or none; the answer row says which check failed (job columns null). With a limit the key's row
 * is locked first (the lock reads its newest count), so concurrent submits never pass the cap;
 * the lock order — key, then tenant — is the one settlement uses too (see JobsRepository.fail).
 * The lock is FOR NO KEY UPDATE (what the counter's UPDATE takes anyway), not FOR UPDATE: a job
 * INSERT's foreign-key check takes KEY SHARE on the key's row, which FOR UPDATE blocks: submits
 * under an admission lease queued behind plain submits on their key, and CI saw the two deadlock.
 */
export function submitStatement(input: SubmitJobInput): Prisma.Sql {
  const limit = input.apiKeyId && input.maxUnfinishedForKey != null ? input.maxUnfinishedForKey : null;
  // The key's row is locked first even without a limit: the tenant's row is only ever locked after it.
  const room = input.apiKeyId
    ? Prisma.sql`SELECT unfinished_jobs AS unfinished FROM api_keys WHERE id = ${input.apiKeyId}::uuid FOR NO KEY UPDATE`
    : Prisma.sql`SELECT NULL::int AS unfinished`;
  const hasRoom =
    limit === null
      ? Prisma.sql`(SELECT count(*) FROM room) >= 0`
      : Prisma.sql`(SELECT unfinished FROM room) < ${limit}::int`;
  const price = String(input.price);
  return Prisma.sql`
    WITH room AS (${room}),
    spam AS (${spamMarkInsert(input, hasRoom)}),
    held AS (
      UPDATE tenants SET balance = balance - ${price}::numeric
      WHERE id = ${input.tenantId}::uuid AND balance >= ${price}::numeric AND ${hasRoom} AND EXISTS (SELECT 1 FROM spam)
      RETURNING balance
    ),
    counted AS (
      UPDATE api_keys SET unfinished_jobs = unfinished_jobs + 1
      WHERE id = ${input.apiKeyId ?? null}::uuid AND EXISTS (SELECT 1 FROM held)
    ),
    job AS (${insertJob(input, Prisma.sql`NULL::int FROM held`)}),
    entry AS (
      INSERT INTO ledger_entries (tenant_id, job_id, kind, amount, balance_after)
      SELECT job."tenantId", job.id, 'hold', -${price}::numeric, held.balance FROM job, held
      WHERE ${price}::numeric > 0
    )
    SELECT (SELECT unfinished FROM room) AS "unfinishedBefore", ${spamColumns(input, hasRoom)}, job.* FROM (SELECT 1) AS one LEFT JOIN job ON TRUE`;
}

/** What a statement that sets the spam mark answers about it. */
export interface SpamAnswer {
  spamRefused: boolean;
  /** The live mark's window end when refused (null when it was set concurrently and is not visible). */
  spamWindowEndsAt: Date | string | null;
}

/**
 * Sets the spam filter's mark (a rate_limit_counters row with 1 hit, like RateLimitsRepository.hit
 * with limit 1) when `gate` holds, answering one row when set; without a mark to set, one row always.
 */
export function spamMarkInsert(input: SubmitJobInput, gate: Prisma.Sql): Prisma.Sql {
  const mark = input.spamMark;
  if (!mark) return Prisma.sql`SELECT 1 WHERE ${gate}`;
  return Prisma.sql`
      INSERT INTO rate_limit_counters AS c (bucket, hits, window_ends_at)
      SELECT ${mark.bucket}, 1, ${mark.windowEndsAt}::timestamptz WHERE ${gate}
      ON CONFLICT (bucket) DO UPDATE SET hits = 1, window_ends_at = EXCLUDED.window_ends_at
      WHERE c.window_ends_at <= ${mark.now}::timestamptz OR c.hits < 1
      RETURNING 1`;
}

/** The SpamAnswer columns, for a statement with a `spam` CTE gated by `gate` (refused: the gate held, no mark set). */
export function spamColumns(input: SubmitJobInput, gate: Prisma.Sql = Prisma.sql`TRUE`): Prisma.Sql {
  const mark = input.spamMark;
  if (!mark) return Prisma.sql`FALSE AS "spamRefused", NULL::timestamptz AS "spamWindowEndsAt"`;
  return Prisma.sql`(${gate}) AND NOT EXISTS (SELECT 1 FROM spam) AS "spamRefused",
      (SELECT window_ends_at FROM rate_limit_counters WHERE bucket = ${mark.bucket}) AS "spamWindowEndsAt"`;
}

export function spamRefusal(answer: SpamAnswer): SpamRefusedError | null {
  if (!answer.spamRefused) return null;
  return new SpamRefusedError(answer.spamWindowEndsAt === null ? null : new Date(answer.spamWindowEndsAt));
}

/**
 * The INSERT of the job's row (answering it as JOB_COLUMNS); `leaseAndSource` is the lease_id
 * expression and the FROM clause that gates the insert. (Jobs under a lease go in together:
 * leaseSubmitStatement.)
 */
export function insertJob(input: SubmitJobInput, leaseAndSource: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`
      INSERT INTO jobs (tenant_id, api_key_id, service, kind, model_id, request, track_id, webhook_url, idempotency_key, credits_held, lease_id)
      SELECT ${input.tenantId}::uuid, ${input.apiKeyId ?? null}::uuid, ${input.service}, ${input.kind}, ${input.modelId ?? null},
             ${JSON.stringify(input.request)}::jsonb, ${input.trackId ?? null}, ${input.webhookUrl ?? null}, ${input.idempotencyKey ?? null},
             ${String(input.price)}::numeric, ${leaseAndSource}
      RETURNING ${JOB_COLUMNS}`;
}
