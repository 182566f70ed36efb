import type { Prisma, PrismaClient } from '../generated/prisma/client';

export type WebhookStatus = 'pending' | 'delivered' | 'failed';

/** A delivery a dispatcher has claimed: leased to it until `leaseMs` passes or it reports back. */
export interface ClaimedDelivery {
  id: number;
  jobId: number;
  tenantId: string;
  url: string;
  payload: Prisma.JsonValue;
  /** Attempts including the one this claim starts. */
  attempts: number;
}

/** One row of a job's delivery log, as its tenant may see it. */
export interface DeliveryLogEntry {
  id: number;
  url: string;
  status: WebhookStatus;
  attempts: number;
  payload: Prisma.JsonValue;
  nextAttemptAt: Date;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: Date;
  deliveredAt: Date | null;
}

/**
 * The outbox side: called inside the transaction that settles a job, so the job's end and
 * the webhook it owes are committed together (a crash right after settling loses nothing).
 * The body is built when the delivery is sent; `payload` holds a placeholder until then.
 */
export async function enqueueJobEndedWebhook(
  tx: Prisma.TransactionClient,
  job: { id: number; webhookUrl: string | null },
): Promise<void> {
  if (!job.webhookUrl) return;
  await tx.webhookDelivery.create({ data: { jobId: job.id, url: job.webhookUrl, payload: {} } });
}

/**
 * The webhook outbox. Claims use `FOR UPDATE SKIP LOCKED` and a lease (the row's
 * `next_attempt_at` moves past the send's time limit), so several gateway replicas polling
 * one database never send a delivery twice, and a replica that dies mid-send only delays
 * the delivery until its lease runs out. Every report back names the attempt it claimed, so
 * a replica whose lease ran out cannot overwrite a newer attempt's outcome.
 */
export class WebhooksRepository {
  constructor(private readonly prisma: PrismaClient) {}

  /** Takes up to `limit` due deliveries, counting the attempt now, and leases them for `leaseMs`. */
  async claimDue(limit: number, leaseMs: number): Promise<ClaimedDelivery[]> {
    const rows = await this.prisma.$queryRaw<Array<ClaimedDelivery>>`
      WITH due AS (
        SELECT id FROM webhook_deliveries
        WHERE status = 'pending' AND next_attempt_at <= now()
        ORDER BY next_attempt_at, id
        LIMIT ${limit}
        FOR UPDATE SKIP LOCKED
      ), claimed AS (
        UPDATE webhook_deliveries d
        SET attempts = d.attempts + 1, next_attempt_at = now() + make_interval(secs => ${leaseMs / 1000}::float8)
        FROM due WHERE d.id = due.id
        RETURNING d.id, d.job_id, d.url, d.payload, d.attempts
      )
      SELECT c.id, c.job_id AS "jobId", j.tenant_id::text AS "tenantId", c.url, c.payload, c.attempts
      FROM claimed c JOIN jobs j ON j.id = c.job_id
      ORDER BY c.id`;
    return rows.map((r) => ({
      ...r,
      id: Number(r.id),
      jobId: Number(r.jobId),
      attempts: Number(r.attempts),
    }));
  }

  /** Keeps the body that is being sent, so the delivery log shows it. */
  async savePayload(id: number, attempt: number, payload: Prisma.InputJsonValue): Promise<void> {
    await this.prisma.webhookDelivery.updateMany({
      where: { id, attempts: attempt, status: 'pending' },
      data: { payload },
    });
  }

  /** The receiver accepted the delivery. False when this attempt's lease had already passed to another. */
  async markDelivered(id: number, attempt: number, statusCode: number): Promise<boolean> {
    const { count } = await this.prisma.webhookDelivery.updateMany({
      where: { id, attempts: attempt, status: 'pending' },
      data: { status: 'delivered', lastStatusCode: statusCode, lastError: null, deliveredAt: new Date() },
    });
    return count === 1;
  }

  /**
   * Records a failed attempt: tried again `retryInMs` from now (database time), or, with
   * `retryInMs` null, given up as `failed`.
   */
  async markAttemptFailed(
    id: number,
    attempt: number,
    outcome: { statusCode: number | null; error: string; retryInMs: number | null },
  ): Promise<boolean> {
    const error = outcome.error.slice(0, 1000);
    const count =
      outcome.retryInMs === null
        ? await this.prisma.$executeRaw`
            UPDATE webhook_deliveries SET status = 'failed', last_status_code = ${outcome.statusCode}, last_error = ${error}
            WHERE id = ${id} AND attempts = ${attempt} AND status = 'pending'`
        : await this.prisma.$executeRaw`
            UPDATE webhook_deliveries
            SET last_status_code = ${outcome.statusCode}, last_error = ${error},
                next_attempt_at = now() + make_interval(secs => ${outcome.retryInMs / 1000}::float8)
            WHERE id = ${id} AND attempts = ${attempt} AND status = 'pending'`;
    return count === 1;
  }

  /** A job's deliveries, oldest first; null when the job is not the tenant's (or does not exist). */
  async logForJob(tenantId: string, jobId: number): Promise<DeliveryLogEntry[] | null> {
    const job = await this.prisma.job.findFirst({
      where: { id: jobId, tenantId },
      select: { webhooks: { orderBy: { id: 'asc' } } },
    });
    if (!job) return null;
    return job.webhooks.map((d) => ({
      id: d.id,
      url: d.url,
      status: d.status as WebhookStatus,
      attempts: d.attempts,
      payload: d.payload,
      nextAttemptAt: d.nextAttemptAt,
      lastStatusCode: d.lastStatusCode,
      lastError: d.lastError,
      createdAt: d.createdAt,
      deliveredAt: d.deliveredAt,
    }));
  }
}
