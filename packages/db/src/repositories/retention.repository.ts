import type { Prisma, PrismaClient } from '../generated/prisma/client';

/** The deployment's retention in days (0: keep forever); each tenant may override any of them. */
export interface RetentionDefaults {
  artifactsDays: number;
  jobsDays: number;
  webhookLogsDays: number;
}

export interface ExpiredArtifact {
  id: string;
  storageKey: string;
}

export interface ExpiredJob {
  id: number;
  storageKeys: string[];
}

/** Only one sweeper at a time across gateway replicas: a transaction-scoped advisory lock. */
const SWEEP_LOCK = 7_346_201;

/**
 * What retention may delete, found in bounded batches and only among ended jobs (a running job's
 * files are never touched): `temp` outputs whose links expired, artifacts and job rows older than
 * their tenant's (or the deployment's) retention, and old webhook delivery logs. Ledger rows stay:
 * their job reference becomes null, so every tenant's ledger still sums to its balance.
 */
export class RetentionRepository {
  constructor(private readonly prisma: PrismaClient) {}

  /** Runs `work` in a transaction holding the sweep lock; null when another sweeper holds it. */
  async exclusively<T>(work: (tx: Prisma.TransactionClient) => Promise<T>): Promise<T | null> {
    return this.prisma.$transaction(async (tx) => {
      const [{ locked }] = await tx.$queryRaw<Array<{ locked: boolean }>>`SELECT pg_try_advisory_xact_lock(${SWEEP_LOCK}::bigint) AS locked`;
      return locked ? work(tx) : null;
    });
  }

  expiredArtifacts(tx: Prisma.TransactionClient, now: Date, defaults: RetentionDefaults, limit: number): Promise<ExpiredArtifact[]> {
    return tx.$queryRaw<ExpiredArtifact[]>`
      SELECT a.id, a.storage_key AS "storageKey"
        FROM artifacts a JOIN jobs j ON j.id = a.job_id JOIN tenants t ON t.id = j.tenant_id
       WHERE j.status IN ('success', 'failed')
         AND ((a.expires_at IS NOT NULL AND a.expires_at <= ${now})
           OR (COALESCE(t.retain_artifacts_days, ${defaults.artifactsDays}::int) > 0
               AND j.finished_at < ${now}::timestamptz - make_interval(days => COALESCE(t.retain_artifacts_days, ${defaults.artifactsDays}::int))))
       ORDER BY a.created_at
       LIMIT ${limit}::int
       FOR UPDATE OF a SKIP LOCKED`;
  }

  async deleteArtifacts(tx: Prisma.TransactionClient, ids: string[]): Promise<number> {
    if (ids.length === 0) return 0;
    return (await tx.artifact.deleteMany({ where: { id: { in: ids } } })).count;
  }

  async expiredJobs(tx: Prisma.TransactionClient, now: Date, defaults: RetentionDefaults, limit: number): Promise<ExpiredJob[]> {
    const rows = await tx.$queryRaw<Array<{ id: number; storageKeys: string[] | null }>>`
      SELECT j.id, (SELECT array_agg(a.storage_key) FROM artifacts a WHERE a.job_id = j.id) AS "storageKeys"
        FROM jobs j JOIN tenants t ON t.id = j.tenant_id
       WHERE j.status IN ('success', 'failed')
         AND COALESCE(t.retain_jobs_days, ${defaults.jobsDays}::int) > 0
         AND j.finished_at < ${now}::timestamptz - make_interval(days => COALESCE(t.retain_jobs_days, ${defaults.jobsDays}::int))
       ORDER BY j.finished_at
       LIMIT ${limit}::int
       FOR UPDATE OF j SKIP LOCKED`;
    return rows.map((r) => ({ id: Number(r.id), storageKeys: r.storageKeys ?? [] }));
  }

  /** Deletes the job rows with their artifacts and webhook logs (cascade); ledger rows keep a null job. */
  async deleteJobs(tx: Prisma.TransactionClient, ids: number[]): Promise<number> {
    if (ids.length === 0) return 0;
    return (await tx.job.deleteMany({ where: { id: { in: ids } } })).count;
  }

  /** Delivered or given-up webhook deliveries older than their tenant's retention; pending ones stay. */
  async deleteWebhookLogs(tx: Prisma.TransactionClient, now: Date, defaults: RetentionDefaults, limit: number): Promise<number> {
    return tx.$executeRaw`
      DELETE FROM webhook_deliveries WHERE id IN (
        SELECT d.id FROM webhook_deliveries d JOIN jobs j ON j.id = d.job_id JOIN tenants t ON t.id = j.tenant_id
         WHERE d.status <> 'pending'
           AND COALESCE(t.retain_webhook_logs_days, ${defaults.webhookLogsDays}::int) > 0
           AND d.created_at < ${now}::timestamptz - make_interval(days => COALESCE(t.retain_webhook_logs_days, ${defaults.webhookLogsDays}::int))
         ORDER BY d.id LIMIT ${limit}::int)`;
  }
}
