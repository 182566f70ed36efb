import { Prisma, type Job, type PrismaClient } from '../generated/prisma/client';
import { ConcurrencyLimitError, InsufficientCreditsError } from './errors';
import type { SqlExecutor } from '../sql-executor';
import { retryOnDeadlock } from './deadlock-retry';
import { GroupCommit } from './group-commit';
import { spamRefusal, submitStatement, type SpamAnswer } from './submit-statement';
import { succeedStatement, type Settlement } from './succeed-statement';
import { tenantJobPageQuery, type JobPagePosition } from './tenant-job-page';
import { LedgerRepository, type Tx } from './ledger.repository';
import { enqueueJobEndedWebhook } from './webhooks.repository';

export type JobStatus = 'queued' | 'running' | 'success' | 'failed';
export const UNFINISHED: JobStatus[] = ['queued', 'running'];
/**
 * What finds unfinished rows through an index: finished_at is set exactly when a job succeeds or
 * fails, and a partial index holds the rows where it is null. Status has no index, so that starting
 * a job can update its row in place (migration jobs_status_unindexed).
 */
const UNFINISHED_ROWS = { finishedAt: null } as const;

export interface SubmitJobInput {
  tenantId: string;
  apiKeyId?: string | null;
  service: string;
  kind: string;
  modelId?: string | null;
  request: Prisma.InputJsonValue;
  trackId?: string | null;
  webhookUrl?: string | null;
  idempotencyKey?: string | null;
  price: number;
  /**
   * At most this many unfinished (queued or running) jobs for `apiKeyId`, this one
   * included; over it, submit throws ConcurrencyLimitError and records nothing. Checked on
   * the key's `unfinished_jobs` counter under its row lock, so concurrent submits never exceed it.
   */
  maxUnfinishedForKey?: number | null;
  /**
   * The spam filter's mark, set by the same statement that accepts the job (a job without an
   * idempotency key only): when the bucket already holds a live mark, submit throws
   * SpamRefusedError and records nothing. The mark stays when a later check refuses the job:
   * the caller takes it back (RateLimitsRepository.release).
   */
  spamMark?: SpamMark | null;
}

export interface SpamMark {
  bucket: string;
  windowEndsAt: Date;
  now: Date;
}

/** What the submit statement answers: the key's unfinished jobs before it, and the job (all null when refused). */
type SubmitRow = Omit<Job, 'id'> & { id: number | null; unfinishedBefore: number | null } & SpamAnswer;

export interface ArtifactRecord {
  index: number;
  storageKey: string;
  token: string;
  contentType: string;
  bytes: number;
  expiresAt?: Date | null;
}

/**
 * A job's row is the truth about it. Every transition here is conditional on the job not
 * being finished yet, so a redelivered or duplicated message can never settle a job twice
 * or move its credits twice.
 */
export class JobsRepository {
  private readonly ledger: LedgerRepository;
  // Every delivery starts and settles its job: under load the calls of one process share statements.
  private readonly starts = new GroupCommit<number, boolean>((ids) => this.startMany(ids));
  private readonly settlements = new GroupCommit<Settlement, boolean>((batch) => this.succeedMany(batch));

  /** With `sql`, a submit that needs no transaction skips Prisma and goes straight to the driver (the gateway's hot path). */
  constructor(
    private readonly prisma: PrismaClient,
    private readonly sql?: SqlExecutor,
  ) {
    this.ledger = new LedgerRepository(prisma);
  }

  /** Inserts the job and holds its price, atomically. With an idempotency key, a repeat returns the first job. */
  async submit(input: SubmitJobInput): Promise<{ job: Job; created: boolean }> {
    if (input.idempotencyKey) {
      const existing = await this.findByIdempotencyKey(input.tenantId, input.idempotencyKey);
      if (existing) return { job: existing, created: false };
    }
    if (!input.idempotencyKey) return { job: await this.submitInOneStatement(input), created: true };
    try {
      const job = await this.prisma.$transaction(async (tx) => {
        if (input.apiKeyId) await this.countOnKey(tx, input.apiKeyId, input.maxUnfinishedForKey ?? null);
        const created = await tx.job.create({
          data: {
            tenantId: input.tenantId,
            apiKeyId: input.apiKeyId ?? null,
            service: input.service,
            kind: input.kind,
            modelId: input.modelId ?? null,
            request: input.request,
            trackId: input.trackId ?? null,
            webhookUrl: input.webhookUrl ?? null,
            idempotencyKey: input.idempotencyKey ?? null,
            creditsHeld: input.price,
          },
        });
        if (input.price > 0) await this.ledger.hold(tx, input.tenantId, created.id, input.price);
        return created;
      });
      return { job, created: true };
    } catch (error) {
      // Two requests with one idempotency key raced: the loser answers with the winner's job.
      if (input.idempotencyKey && (error as { code?: string }).code === 'P2002') {
        const existing = await this.findByIdempotencyKey(input.tenantId, input.idempotencyKey);
        if (existing) return { job: existing, created: false };
      }
      throw error;
    }
  }

  async get(id: number): Promise<Job | null> {
    return this.prisma.job.findUnique({ where: { id } });
  }

  /** A job as its tenant may see it; another tenant's job is indistinguishable from a missing one. */
  async getForTenant(id: number, tenantId: string): Promise<(Job & { artifacts: ArtifactRecord[] }) | null> {
    const job = await this.prisma.job.findFirst({
      where: { id, tenantId },
      include: { artifacts: { orderBy: { index: 'asc' } } },
    });
    return job;
  }

  /**
   * A page of the tenant's jobs with their artifacts, newest first (created_at, then id), strictly
   * after `after` when given. Only the tenant's own rows are read: the tenant is in both queries.
   */
  async listForTenant(
    tenantId: string,
    limit: number,
    after?: JobPagePosition,
  ): Promise<Array<Job & { artifacts: ArtifactRecord[] }>> {
    const page = await this.prisma.$queryRaw<{ id: number }[]>(tenantJobPageQuery(tenantId, limit, after));
    if (page.length === 0) return [];
    const jobs = await this.prisma.job.findMany({
      where: { tenantId, id: { in: page.map((row) => row.id) } },
      include: { artifacts: { orderBy: { index: 'asc' } } },
    });
    const byId = new Map(jobs.map((job) => [job.id, job]));
    // A row deleted between the two reads (retention) is left out rather than failing the page.
    return page.flatMap((row) => byId.get(row.id) ?? []);
  }

  /** Marks a delivery as started. False when the job already ended (a late duplicate): do not run it. */
  start(id: number): Promise<boolean> {
    return this.starts.run(id);
  }

  async reportProgress(id: number, progress: number, eta: number | null, detail?: Prisma.InputJsonValue): Promise<void> {
    await this.prisma.job.updateMany({
      where: { id, status: 'running' },
      data: { progress, eta, ...(detail === undefined ? {} : { progressDetail: detail }) },
    });
  }

  /**
   * Settles a job as succeeded: result, artifacts, the capture of its held credits and its webhook (outbox), in one statement
   * shared with the other settlements that arrive while one is being written.
   * `creditsUsed`: what the job really cost when that is less than its hold (a chat reply's tokens); the rest is released.
   */
  async succeed(id: number, result: Prisma.InputJsonValue, artifacts: ArtifactRecord[], creditsUsed: number | null = null): Promise<boolean> {
    const settlement = { id, result, artifacts, creditsUsed };
    // A refund's ledger row records the balance after its statement: a job priced by use is settled alone.
    if (creditsUsed !== null) return (await this.succeedMany([settlement]))[0]!;
    return this.settlements.run(settlement);
  }

  /** Settles a job as failed, gives its held credits back and owes its webhook (outbox). */
  async fail(id: number, error: string): Promise<boolean> {
    return this.prisma.$transaction(async (tx) => {
      const job = await tx.job.findUnique({ where: { id } });
      if (!job || !UNFINISHED.includes(job.status as JobStatus)) return false;
      const { count } = await tx.job.updateMany({
        where: { id, status: { in: UNFINISHED } },
        data: { status: 'failed', error, finishedAt: new Date() },
      });
      if (count !== 1) return false;
      // Before the tenant's row: submits lock the key, then the tenant; the same order cannot deadlock.
      await this.uncountOnKey(tx, job);
      const held = Number(job.creditsHeld);
      if (held > 0) await this.ledger.release(tx, job.tenantId, id, held);
      await enqueueJobEndedWebhook(tx, job);
      return true;
    });
  }

  async unfinished(): Promise<Job[]> {
    return this.prisma.job.findMany({ where: { ...UNFINISHED_ROWS, status: { in: UNFINISHED } }, orderBy: { id: 'asc' } });
  }

  /**
   * Jobs written between `from` and `to` (by the database's clock) that no delivery has started:
   * where a submit whose answer was lost in flight left its job, if it committed.
   */
  async unstartedCreatedBetween(from: Date, to: Date): Promise<Job[]> {
    return this.prisma.job.findMany({
      where: { ...UNFINISHED_ROWS, status: 'queued', attempts: 0, createdAt: { gte: from, lte: to } },
      orderBy: { id: 'asc' },
    });
  }

  async countUnfinished(filter: { tenantId?: string; apiKeyId?: string } = {}): Promise<number> {
    return this.prisma.job.count({ where: { ...UNFINISHED_ROWS, status: { in: UNFINISHED }, ...filter } });
  }

  /** Mean run time of the most recent successful jobs, in seconds (null before the first one). */
  async recentMeanSeconds(sample = 20): Promise<number | null> {
    const jobs = await this.prisma.job.findMany({
      where: { status: 'success', startedAt: { not: null }, finishedAt: { not: null } },
      orderBy: { id: 'desc' },
      take: sample,
      select: { startedAt: true, finishedAt: true },
    });
    if (jobs.length === 0) return null;
    const total = jobs.reduce((sum, j) => sum + (j.finishedAt!.getTime() - j.startedAt!.getTime()), 0);
    return total / jobs.length / 1000;
  }

  /** The fast path of submit (no idempotency key to race on): the checks, the job, its hold and its count on the key in one statement. */
  private async submitInOneStatement(input: SubmitJobInput): Promise<Job> {
    const statement = submitStatement(input);
    const limited = Boolean(input.apiKeyId) && input.maxUnfinishedForKey != null;
    // Two submits on one key can deadlock with a submit under an admission lease; PostgreSQL aborts one statement whole.
    const [row] = await retryOnDeadlock(() => this.perJob<SubmitRow>(statement));
    if (row.id !== null) {
      const { unfinishedBefore: _, spamRefused: __, spamWindowEndsAt: ___, ...job } = row;
      return { ...job, creditsHeld: new Prisma.Decimal(String(job.creditsHeld)) } as Job;
    }
    const spam = spamRefusal(row);
    if (spam) throw spam;
    if (limited && row.unfinishedBefore !== null && row.unfinishedBefore >= input.maxUnfinishedForKey!) {
      throw new ConcurrencyLimitError(input.maxUnfinishedForKey!, row.unfinishedBefore);
    }
    throw new InsufficientCreditsError();
  }

  /** Counts a new job on its key (locking the key's row for the transaction), or throws ConcurrencyLimitError at `limit`. */
  private async countOnKey(tx: Tx, apiKeyId: string, limit: number | null): Promise<void> {
    const counted = await tx.$executeRaw`
      UPDATE api_keys SET unfinished_jobs = unfinished_jobs + 1
      WHERE id = ${apiKeyId}::uuid AND (${limit}::int IS NULL OR unfinished_jobs < ${limit}::int)`;
    if (counted === 1 || limit === null) return;
    const key = await tx.apiKey.findUnique({ where: { id: apiKeyId }, select: { unfinishedJobs: true } });
    if (key) throw new ConcurrencyLimitError(limit, key.unfinishedJobs);
  }

  /** A job ended: its key has one unfinished job fewer. */
  private async uncountOnKey(tx: Tx, job: Job): Promise<void> {
    if (!job.apiKeyId) return;
    await tx.$executeRaw`UPDATE api_keys SET unfinished_jobs = unfinished_jobs - 1 WHERE id = ${job.apiKeyId}::uuid AND unfinished_jobs > 0`;
  }

  /**
   * Marks deliveries as started in one statement. A job asked twice in one batch is started once (its
   * attempts counted once) and both answers are true, as two deliveries one after the other would both be.
   */
  private async startMany(ids: number[]): Promise<boolean[]> {
    // On PostgreSQL it goes straight to pg: Prisma's query compiler cost bench/gateway's no-op worker more CPU than the statement.
    const rows = await retryOnDeadlock(() =>
      this.perJob<{ id: number }>(Prisma.sql`
        UPDATE jobs SET status = 'running', started_at = ${new Date()}::timestamptz, attempts = attempts + 1
        WHERE id = ANY(${ids}::int[]) AND status IN ('queued', 'running') RETURNING id`),
    );
    const started = new Set(rows.map((row) => Number(row.id)));
    return ids.map((id) => started.has(id));
  }

  /** Settles jobs in one statement. A job settled twice in one batch is settled by its first call; the later ones answer false, as they would after it. */
  private async succeedMany(batch: Settlement[]): Promise<boolean[]> {
    const firstCall = new Map<number, Settlement>();
    for (const settlement of batch) if (!firstCall.has(settlement.id)) firstCall.set(settlement.id, settlement);
    // The statement is atomic: a deadlock's victim was rolled back whole and runs again.
    const rows = await retryOnDeadlock(() => this.perJob<{ id: number }>(succeedStatement([...firstCall.values()], new Date())));
    const settled = new Set(rows.map((row) => Number(row.id)));
    return batch.map((settlement) => firstCall.get(settlement.id) === settlement && settled.has(settlement.id));
  }

  /**
   * Runs one of the statements every job runs (start, submit, succeed: a handful of fixed texts whose
   * values are parameters): prepared on PostgreSQL, through Prisma on the embedded database.
   */
  private async perJob<Row>(statement: Prisma.Sql): Promise<Row[]> {
    return this.sql
      ? this.sql.query<Row>(statement.text, statement.values, { prepare: true })
      : this.prisma.$queryRaw<Row[]>(statement);
  }

  private findByIdempotencyKey(tenantId: string, idempotencyKey: string) {
    return this.prisma.job.findUnique({ where: { tenantId_idempotencyKey: { tenantId, idempotencyKey } } });
  }
}
