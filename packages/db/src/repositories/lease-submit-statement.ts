import { Prisma } from '../generated/prisma/client';
import type { SubmitJobInput } from './jobs.repository';
import { JOB_COLUMNS } from './submit-statement';

/** A job to insert under an admission lease whose slot and credits its submit already took. */
export interface LeaseSubmit {
  input: SubmitJobInput;
  leaseId: number;
  /** What the tenant's balance would be with the lease closed now: the hold's `balance_after`. */
  balanceAfter: number;
}

/**
 * One statement that inserts jobs under their admission leases: each job, with its `hold` ledger
 * row and its spam mark, only if its lease is still open and its mark is not live — what
 * AdmissionLeasesRepository.submit did for one job, for many (group commit: under load one round
 * trip, one plan and one commit for the jobs that arrived together).
 *
 * Answers one row per submit, in order (`n`): the job's columns (null when it was not inserted),
 * `spamRefused` and the live mark's `spamWindowEndsAt`. Ids are drawn from the jobs' sequence
 * first, so each answer is matched to its submit by id, not by the order of RETURNING.
 *
 * A spam mark expires by the latest `now` of the batch's marks (they were read within the same
 * few milliseconds). Two submits with the same mark in one batch make PostgreSQL refuse the whole
 * statement (ON CONFLICT cannot touch a row twice): GroupCommit then writes each alone, and the
 * second is refused as it would have been.
 */
export function leaseSubmitStatement(submits: readonly LeaseSubmit[]): Prisma.Sql {
  const rows = submits.map(({ input, leaseId, balanceAfter }, n) => ({
    n,
    lease_id: leaseId,
    tenant_id: input.tenantId,
    api_key_id: input.apiKeyId ?? null,
    service: input.service,
    kind: input.kind,
    model_id: input.modelId ?? null,
    request: input.request,
    track_id: input.trackId ?? null,
    webhook_url: input.webhookUrl ?? null,
    idempotency_key: input.idempotencyKey ?? null,
    price: String(input.price),
    balance_after: String(balanceAfter),
    spam_bucket: input.spamMark?.bucket ?? null,
    spam_window_ends_at: input.spamMark?.windowEndsAt.toISOString() ?? null,
  }));
  const marks = submits.flatMap((s) => (s.input.spamMark ? [s.input.spamMark.now.getTime()] : []));
  const now = new Date(marks.length > 0 ? Math.max(...marks) : 0);
  return Prisma.sql`
    WITH input AS (
      SELECT * FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS i(
        n int, lease_id int, tenant_id uuid, api_key_id uuid, service text, kind text, model_id text, request jsonb,
        track_id text, webhook_url text, idempotency_key text, price numeric, balance_after numeric,
        spam_bucket text, spam_window_ends_at timestamptz)
    ),
    leased AS (
      SELECT input.* FROM input
      WHERE EXISTS (SELECT 1 FROM admission_leases l WHERE l.id = input.lease_id AND l.expires_at > now())
    ),
    spam AS (
      INSERT INTO rate_limit_counters AS c (bucket, hits, window_ends_at)
      SELECT spam_bucket, 1, spam_window_ends_at FROM leased WHERE spam_bucket IS NOT NULL
      ON CONFLICT (bucket) DO UPDATE SET hits = 1, window_ends_at = EXCLUDED.window_ends_at
      WHERE c.window_ends_at <= ${now}::timestamptz OR c.hits < 1
      RETURNING bucket
    ),
    accepted AS (
      SELECT nextval(pg_get_serial_sequence('jobs', 'id'))::int AS id, leased.* FROM leased
      WHERE leased.spam_bucket IS NULL OR leased.spam_bucket IN (SELECT bucket FROM spam)
    ),
    job AS (
      INSERT INTO jobs (id, tenant_id, api_key_id, service, kind, model_id, request, track_id, webhook_url, idempotency_key, credits_held, lease_id)
      SELECT id, tenant_id, api_key_id, service, kind, model_id, request, track_id, webhook_url, idempotency_key, price, lease_id FROM accepted
      RETURNING ${JOB_COLUMNS}
    ),
    entry AS (
      INSERT INTO ledger_entries (tenant_id, job_id, kind, amount, balance_after)
      SELECT job."tenantId", job.id, 'hold', -accepted.price, accepted.balance_after FROM job JOIN accepted ON accepted.id = job.id
      WHERE accepted.price > 0
    )
    SELECT input.n,
           (leased.n IS NOT NULL AND input.spam_bucket IS NOT NULL AND accepted.n IS NULL) AS "spamRefused",
           (SELECT window_ends_at FROM rate_limit_counters r WHERE r.bucket = input.spam_bucket) AS "spamWindowEndsAt",
           job.*
    FROM input
      LEFT JOIN leased ON leased.n = input.n
      LEFT JOIN accepted ON accepted.n = input.n
      LEFT JOIN job ON job.id = accepted.id
    ORDER BY input.n`;
}
