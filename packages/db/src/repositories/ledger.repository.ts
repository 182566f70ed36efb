import type { Prisma, PrismaClient } from '../generated/prisma/client';
import { InsufficientCreditsError, TenantNotFoundError } from './errors';

/** A Prisma client or an open transaction on one. */
export type Tx = Prisma.TransactionClient | PrismaClient;

/**
 * The credits ledger. A tenant's balance is what it can spend now; every movement is one
 * ledger row whose amount the balance moved by, so a tenant's rows always sum to its
 * balance. A job's price is held (debited) when it is accepted, captured (a zero-amount
 * record) when it succeeds and released (credited back) when it fails. A balance change and
 * its row are written in one transaction: the caller's, or one of their own when given none.
 */
export class LedgerRepository {
  constructor(private readonly prisma: PrismaClient) {}

  async grant(tenantId: string, amount: number, note = '', tx: Tx = this.prisma): Promise<string> {
    return this.move(tx, tenantId, null, 'grant', amount, note);
  }

  /** Debits the tenant or throws InsufficientCreditsError; the balance never goes below zero. */
  async hold(tx: Tx, tenantId: string, jobId: number, amount: number): Promise<void> {
    await this.atomically(tx, async (t) => {
      const rows = await t.$queryRaw<Array<{ balance: string }>>`
        UPDATE tenants SET balance = balance - ${amount}::numeric
        WHERE id = ${tenantId}::uuid AND balance >= ${amount}::numeric
        RETURNING balance::text AS balance`;
      if (rows.length === 0) throw new InsufficientCreditsError();
      await t.ledgerEntry.create({
        data: { tenantId, jobId, kind: 'hold', amount: -amount, balanceAfter: rows[0].balance },
      });
    });
  }

  async capture(tx: Tx, tenantId: string, jobId: number): Promise<void> {
    const [row] = await tx.$queryRaw<Array<{ balance: string }>>`
      SELECT balance::text AS balance FROM tenants WHERE id = ${tenantId}::uuid`;
    if (!row) throw new TenantNotFoundError(tenantId);
    await tx.ledgerEntry.create({
      data: { tenantId, jobId, kind: 'capture', amount: 0, balanceAfter: row.balance },
    });
  }

  async release(tx: Tx, tenantId: string, jobId: number, amount: number): Promise<void> {
    await this.move(tx, tenantId, jobId, 'release', amount, '');
  }

  /**
   * What the tenant can spend: its balance plus the credits its open admission leases took and
   * their jobs have not used yet (they come back when a lease closes), so that it always equals
   * the ledger's sum.
   */
  async balance(tenantId: string): Promise<string> {
    const [row] = await this.prisma.$queryRaw<Array<{ balance: string }>>`
      SELECT (t.balance + COALESCE((
        SELECT sum(l.credits - (SELECT COALESCE(sum(j.credits_held), 0) FROM jobs j WHERE j.lease_id = l.id))
        FROM admission_leases l WHERE l.tenant_id = t.id), 0))::numeric(18,3)::text AS balance
      FROM tenants t WHERE t.id = ${tenantId}::uuid`;
    if (!row) throw new TenantNotFoundError(tenantId);
    return row.balance;
  }

  /** The sum of a tenant's ledger rows, which must equal its balance. */
  async ledgerSum(tenantId: string): Promise<string> {
    const [{ sum }] = await this.prisma.$queryRaw<Array<{ sum: string }>>`
      SELECT COALESCE(SUM(amount), 0)::numeric(18,3)::text AS sum FROM ledger_entries WHERE tenant_id = ${tenantId}::uuid`;
    return sum;
  }

  /** Runs `work` in the caller's transaction, or in a new one when given the bare client. */
  private atomically<T>(tx: Tx, work: (t: Prisma.TransactionClient) => Promise<T>): Promise<T> {
    return tx === this.prisma ? this.prisma.$transaction(work) : work(tx);
  }

  private async move(
    tx: Tx,
    tenantId: string,
    jobId: number | null,
    kind: string,
    amount: number,
    note: string,
  ) {
    return this.atomically(tx, async (t) => {
      const rows = await t.$queryRaw<Array<{ balance: string }>>`
        UPDATE tenants SET balance = balance + ${amount}::numeric WHERE id = ${tenantId}::uuid
        RETURNING balance::text AS balance`;
      if (rows.length === 0) throw new TenantNotFoundError(tenantId);
      await t.ledgerEntry.create({
        data: { tenantId, jobId, kind, amount, balanceAfter: rows[0].balance, note },
      });
      return rows[0].balance;
    });
  }
}
