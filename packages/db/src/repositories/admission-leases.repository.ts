import { Prisma, type Job, type PrismaClient } from '../generated/prisma/client';
import type { SqlExecutor } from '../sql-executor';
import { refusedByDatabase } from './database-refusal';
import { retryOnDeadlock } from './deadlock-retry';
import type { SubmitJobInput } from './jobs.repository';
import { GroupCommit } from './group-commit';
import { leaseSubmitStatement, type LeaseSubmit } from './lease-submit-statement';
import { spamRefusal, type SpamAnswer } from './submit-statement';

/** What the lease submit statement answers for one submit: the job (all null when not inserted). */
type LeaseSubmitRow = Omit<Job, 'id'> & { id: number | null; n: number } & SpamAnswer;

export interface OpenLeaseInput {
  tenantId: string;
  apiKeyId: string;
  slots: number;
  credits: number;
  /** The key's concurrent-jobs cap (null: none); the lease's slots must fit under it. */
  maxUnfinishedForKey: number | null;
  /** Only open when the balance covers this much (more than the lease takes, so one key's lease does not starve the tenant's others). */
  minBalance: number;
  leaseMs: number;
}

export interface OpenedLease {
  id: number;
  /** How long the lease lasts by the database's clock, in ms (the holder stops using it well before). */
  expiresInMs: number;
  /** The tenant's balance once the lease was taken. */
  balance: number;
}

/**
 * Admission leases (see the AdmissionLease model): a key's room and its tenant's credits in
 * blocks. Every statement is one round trip; the lock order is the key's row, then the tenant's,
 * as in the submit statement and settlement, and the key's row is locked FOR NO KEY UPDATE there
 * too (see submitStatement: a job INSERT's foreign-key check must not wait on it).
 */
export class AdmissionLeasesRepository {
  // A job insert must not run twice: a batch is written again job by job only when the database refused it.
  private readonly submits = new GroupCommit<LeaseSubmit, LeaseSubmitRow | undefined>((batch) => this.submitMany(batch), 64, refusedByDatabase);

  constructor(
    private readonly prisma: PrismaClient,
    private readonly sql?: SqlExecutor,
  ) {}

  /** Takes `slots` of the key's room and `credits` of the tenant's balance, or nothing (null) when either does not fit. */
  async open(input: OpenLeaseInput): Promise<OpenedLease | null> {
    const room =
      input.maxUnfinishedForKey === null
        ? Prisma.sql`TRUE`
        : Prisma.sql`(SELECT unfinished_jobs FROM key_row) + ${input.slots}::int <= ${input.maxUnfinishedForKey}::int`;
    const [row] = await this.query<{ id: number | null; expires_in_ms: number | null; balance: string | null }>(Prisma.sql`
      WITH key_row AS (SELECT unfinished_jobs FROM api_keys WHERE id = ${input.apiKeyId}::uuid FOR NO KEY UPDATE),
      held AS (
        UPDATE tenants SET balance = balance - ${String(input.credits)}::numeric
        WHERE id = ${input.tenantId}::uuid AND balance >= ${String(input.minBalance)}::numeric
          AND EXISTS (SELECT 1 FROM key_row) AND ${room}
        RETURNING balance
      ),
      counted AS (
        UPDATE api_keys SET unfinished_jobs = unfinished_jobs + ${input.slots}::int
        WHERE id = ${input.apiKeyId}::uuid AND EXISTS (SELECT 1 FROM held)
      ),
      lease AS (
        INSERT INTO admission_leases (tenant_id, api_key_id, slots, credits, expires_at)
        SELECT ${input.tenantId}::uuid, ${input.apiKeyId}::uuid, ${input.slots}::int, ${String(input.credits)}::numeric,
               now() + ${input.leaseMs}::int * interval '1 millisecond'
        FROM held
        RETURNING id
      )
      SELECT lease.id, ${input.leaseMs}::int AS expires_in_ms, (SELECT balance::text FROM held) AS balance
      FROM (SELECT 1) AS one LEFT JOIN lease ON TRUE`);
    if (!row || row.id === null) return null;
    return { id: Number(row.id), expiresInMs: Number(row.expires_in_ms), balance: Number(row.balance) };
  }

  /**
   * Inserts the job under the lease with its `hold` ledger row (the credits left the balance with
   * the lease) and its spam mark (throwing SpamRefusedError when one is live); null when the lease
   * has expired or was closed. `balanceAfter` is what the balance would be with the lease closed
   * now. Submits that arrive while others are being written share the next statement.
   */
  async submit(input: SubmitJobInput, leaseId: number, balanceAfter: number): Promise<Job | null> {
    const row = await this.submits.run({ input, leaseId, balanceAfter });
    const spam = row ? spamRefusal(row) : null;
    if (spam) throw spam;
    if (!row || row.id === null) return null;
    const { n: _, spamRefused: __, spamWindowEndsAt: ___, ...job } = row;
    return { ...job, creditsHeld: new Prisma.Decimal(String(job.creditsHeld)) } as Job;
  }

  private async submitMany(batch: LeaseSubmit[]): Promise<Array<LeaseSubmitRow | undefined>> {
    const rows = await this.query<LeaseSubmitRow>(leaseSubmitStatement(batch));
    const byIndex = new Map(rows.map((row) => [Number(row.n), row]));
    return batch.map((_, n) => byIndex.get(n));
  }

  /**
   * Closes the lease: gives the key back the slots and the tenant the credits its jobs did not
   * use. Once only (the row is deleted in the same statement); false when it was already closed.
   */
  async close(leaseId: number): Promise<boolean> {
    const [row] = await this.query<{ closed: number }>(closeStatement(Prisma.sql`id = ${leaseId}::int`));
    return Number(row?.closed ?? 0) > 0;
  }

  /** Closes the leases that expired (their holder died, or forgot): returns how many. */
  async closeExpired(): Promise<number> {
    const [row] = await this.query<{ closed: number }>(closeStatement(Prisma.sql`expires_at <= now()`));
    return Number(row?.closed ?? 0);
  }

  /**
   * Every lease statement has a fixed text (values are parameters) and the per-job one runs on every job: prepared.
   * Each is one self-committing statement, so a deadlock victim is run again: two replicas opening leases on one key
   * while their jobs' foreign-key checks share its row do deadlock in PostgreSQL's tuple-lock queue (CI saw an open
   * fail with every request waiting on it, and a close fail and hold its unused slots until the lease expired).
   */
  private async query<Row>(statement: Prisma.Sql): Promise<Row[]> {
    return retryOnDeadlock(() =>
      this.sql ? this.sql.query<Row>(statement.text, statement.values, { prepare: true }) : this.prisma.$queryRaw<Row[]>(statement),
    );
  }
}

/**
 * Deletes the leases `which` selects and gives back what their jobs did not use: slots to the
 * key (its row first, the house's lock order), credits to the tenant.
 */
function closeStatement(which: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`
    WITH gone AS (DELETE FROM admission_leases WHERE ${which} RETURNING id, tenant_id, api_key_id, slots, credits),
    used AS (
      SELECT gone.id, gone.tenant_id, gone.api_key_id,
             gone.slots - (SELECT count(*) FROM jobs WHERE jobs.lease_id = gone.id) AS slots_back,
             gone.credits - (SELECT COALESCE(sum(credits_held), 0) FROM jobs WHERE jobs.lease_id = gone.id) AS credits_back
      FROM gone
    ),
    slots AS (
      UPDATE api_keys SET unfinished_jobs = GREATEST(0, unfinished_jobs - back.n)
      FROM (SELECT api_key_id, sum(slots_back)::int AS n FROM used GROUP BY api_key_id) AS back
      WHERE api_keys.id = back.api_key_id
      RETURNING api_keys.id
    ),
    credits AS (
      -- Reading slots' rows makes the keys' update run first (sibling CTEs run in no given order).
      UPDATE tenants SET balance = balance + back.amount
      FROM (SELECT tenant_id, sum(credits_back) AS amount FROM used GROUP BY tenant_id) AS back,
           (SELECT count(*) FROM slots) AS keys_first
      WHERE tenants.id = back.tenant_id
    )
    SELECT count(*)::int AS closed FROM used`;
}
