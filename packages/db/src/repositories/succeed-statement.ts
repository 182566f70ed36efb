import { Prisma } from '../generated/prisma/client';
import type { ArtifactRecord } from './jobs.repository';

/** A job's success as the worker reports it. `creditsUsed`: what it really cost when that is less than its hold. */
export interface Settlement {
  id: number;
  result: Prisma.InputJsonValue;
  artifacts: ArtifactRecord[];
  creditsUsed?: number | null;
}

/**
 * One statement that settles jobs as succeeded, each only if it has not ended yet: their rows, their
 * artifacts, the capture records of their held credits (and, for a job priced by what it used, the
 * release of the rest of its hold), their webhooks (outbox; the payload is built when sent) and
 * their count off their keys. Answers the ids it settled: a job missing there had already ended (a
 * redelivered or duplicated message), and nothing else was written for it. A second settlement racing
 * this one waits on the job's row and finds it ended. One round trip keeps the keys' rows, which
 * every submit of a key may want, locked only for that long.
 * Ids must be distinct. A refund's ledger row records the tenant's balance after the statement, so a
 * batch should hold at most one job priced by use per tenant (the repository writes those alone).
 */
export function succeedStatement(settlements: Settlement[], now: Date): Prisma.Sql {
  const jobs = settlements.map((s) => ({ id: s.id, result: s.result, credits_used: s.creditsUsed ?? null }));
  const artifacts = settlements.flatMap((s) =>
    s.artifacts.map((a) => ({
      job_id: s.id,
      index: a.index,
      storage_key: a.storageKey,
      token: a.token,
      content_type: a.contentType,
      bytes: a.bytes,
      expires_at: a.expiresAt?.toISOString() ?? null,
    })),
  );
  return Prisma.sql`
    WITH input AS (
      SELECT * FROM jsonb_to_recordset(${JSON.stringify(jobs)}::jsonb) AS i(id int, result jsonb, credits_used numeric)
    ),
    job AS (
      UPDATE jobs SET status = 'success', result = input.result, progress = 1, eta = 0, finished_at = ${now}::timestamptz
      FROM input WHERE jobs.id = input.id AND jobs.status IN ('queued', 'running')
      RETURNING jobs.id, jobs.tenant_id, jobs.api_key_id, jobs.credits_held, jobs.webhook_url, input.credits_used
    ),
    outputs AS (
      INSERT INTO artifacts (id, job_id, tenant_id, index, storage_key, token, content_type, bytes, expires_at)
      SELECT gen_random_uuid(), job.id, job.tenant_id, a.index, a.storage_key, a.token, a.content_type, a.bytes, a.expires_at
      FROM job JOIN jsonb_to_recordset(${JSON.stringify(artifacts)}::jsonb)
        AS a(job_id int, index int, storage_key text, token text, content_type text, bytes int, expires_at timestamptz)
        ON a.job_id = job.id
    ),
    captured AS (
      INSERT INTO ledger_entries (tenant_id, job_id, kind, amount, balance_after)
      SELECT job.tenant_id, job.id, 'capture', 0, tenants.balance FROM job JOIN tenants ON tenants.id = job.tenant_id
      WHERE job.credits_held > 0
    ),
    -- A job priced by what it used (a chat reply's tokens) gives back the rest of its hold.
    refunds AS (
      SELECT tenant_id, id AS job_id, credits_held - credits_used AS amount FROM job
      WHERE credits_used IS NOT NULL AND credits_held > credits_used
    ),
    refunded AS (
      UPDATE tenants SET balance = tenants.balance + r.total
      FROM (SELECT tenant_id, sum(amount) AS total FROM refunds GROUP BY tenant_id) r WHERE tenants.id = r.tenant_id
      RETURNING tenants.id AS tenant_id, tenants.balance
    ),
    refund_entry AS (
      INSERT INTO ledger_entries (tenant_id, job_id, kind, amount, balance_after)
      SELECT refunds.tenant_id, refunds.job_id, 'release', refunds.amount, refunded.balance FROM refunds JOIN refunded USING (tenant_id)
    ),
    webhook AS (
      INSERT INTO webhook_deliveries (job_id, url, payload)
      SELECT job.id, job.webhook_url, '{}'::jsonb FROM job WHERE job.webhook_url IS NOT NULL
    ),
    uncounted AS (
      UPDATE api_keys SET unfinished_jobs = GREATEST(api_keys.unfinished_jobs - k.ended, 0)
      FROM (SELECT api_key_id, count(*)::int AS ended FROM job WHERE api_key_id IS NOT NULL GROUP BY api_key_id) k
      WHERE api_keys.id = k.api_key_id AND api_keys.unfinished_jobs > 0
    )
    SELECT id FROM job`;
}
