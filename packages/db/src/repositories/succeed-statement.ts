import { Prisma } from '../generated/prisma/client';
import type { ArtifactRecord } from './jobs.repository';

/**
 * One statement that settles a job as succeeded, if it has not ended yet: its row, its artifacts,
 * the capture record of its held credits (and, for a job priced by what it used, the release of the
 * rest of its hold), its webhook (outbox; the payload is built when sent)
 * and one unfinished job fewer on its key. Answers `settled` 1, or 0 when the job had already
 * ended (a redelivered or duplicated message): then nothing else is written. A second settlement
 * racing this one waits on the job's row and finds it ended. One round trip keeps the key's row,
 * which every submit of the key may want, locked only for that long.
 */
export function succeedStatement(
  id: number,
  result: Prisma.InputJsonValue,
  artifacts: ArtifactRecord[],
  now: Date,
  creditsUsed: number | null = null,
): Prisma.Sql {
  const rows = artifacts.map((a) => ({
    index: a.index,
    storage_key: a.storageKey,
    token: a.token,
    content_type: a.contentType,
    bytes: a.bytes,
    expires_at: a.expiresAt?.toISOString() ?? null,
  }));
  return Prisma.sql`
    WITH job AS (
      UPDATE jobs SET status = 'success', result = ${JSON.stringify(result)}::jsonb, progress = 1, eta = 0, finished_at = ${now}::timestamptz
      WHERE id = ${id}::int AND status IN ('queued', 'running')
      RETURNING id, tenant_id, api_key_id, credits_held, webhook_url
    ),
    outputs AS (
      INSERT INTO artifacts (id, job_id, tenant_id, index, storage_key, token, content_type, bytes, expires_at)
      SELECT gen_random_uuid(), job.id, job.tenant_id, a.index, a.storage_key, a.token, a.content_type, a.bytes, a.expires_at
      FROM job, jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
        AS a(index int, storage_key text, token text, content_type text, bytes int, expires_at timestamptz)
    ),
    captured AS (
      INSERT INTO ledger_entries (tenant_id, job_id, kind, amount, balance_after)
      SELECT job.tenant_id, job.id, 'capture', 0, tenants.balance FROM job JOIN tenants ON tenants.id = job.tenant_id
      WHERE job.credits_held > 0
    ),
    -- A job priced by what it used (a chat reply's tokens) gives back the rest of its hold.
    refunded AS (
      UPDATE tenants SET balance = tenants.balance + (job.credits_held - ${creditsUsed}::numeric)
      FROM job WHERE tenants.id = job.tenant_id AND ${creditsUsed}::numeric IS NOT NULL AND job.credits_held > ${creditsUsed}::numeric
      RETURNING tenants.id AS tenant_id, tenants.balance, job.id AS job_id, job.credits_held - ${creditsUsed}::numeric AS amount
    ),
    refund_entry AS (
      INSERT INTO ledger_entries (tenant_id, job_id, kind, amount, balance_after)
      SELECT tenant_id, job_id, 'release', amount, balance FROM refunded
    ),
    webhook AS (
      INSERT INTO webhook_deliveries (job_id, url, payload)
      SELECT job.id, job.webhook_url, '{}'::jsonb FROM job WHERE job.webhook_url IS NOT NULL
    ),
    uncounted AS (
      UPDATE api_keys SET unfinished_jobs = unfinished_jobs - 1
      FROM job WHERE api_keys.id = job.api_key_id AND api_keys.unfinished_jobs > 0
    )
    SELECT count(*)::int AS settled FROM job`;
}
