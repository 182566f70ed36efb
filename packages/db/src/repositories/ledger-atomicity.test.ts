import type { Database } from '../database';
import { closeTestDatabase, testDatabases } from './test-databases.test-support';
import { JobsRepository } from './jobs.repository';
import { LedgerRepository } from './ledger.repository';

const targets = testDatabases('ledger_atomic');

/**
 * Every path that moves money, with the ledger insert failing after the balance has changed
 * (a trigger on ledger_entries raises, as a NUL in a note or a lost connection would): the
 * call fails, and the tenant's ledger still sums to its balance, which did not move.
 */
describe.each(targets)(
  'the ledger stays equal to the balance when its row cannot be written (%s)',
  (_name, open) => {
    let db: Database;
    let jobs: JobsRepository;
    let ledger: LedgerRepository;
    let tenantId: string;

    beforeAll(async () => {
      db = await open();
      await db.sql.exec(`
      CREATE TABLE ledger_insert_fails_for (tenant_id uuid PRIMARY KEY);
      CREATE FUNCTION injected_ledger_failure() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF EXISTS (SELECT 1 FROM ledger_insert_fails_for WHERE tenant_id = NEW.tenant_id) THEN
          RAISE EXCEPTION 'injected failure between the balance change and its ledger row';
        END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER injected_ledger_failure BEFORE INSERT ON ledger_entries
        FOR EACH ROW EXECUTE FUNCTION injected_ledger_failure();`);
      jobs = new JobsRepository(db.prisma);
      ledger = new LedgerRepository(db.prisma);
    });
    afterAll(() => closeTestDatabase(db));
    beforeEach(async () => {
      tenantId = (await db.prisma.tenant.create({ data: { name: `t${Math.random()}` } })).id;
      await ledger.grant(tenantId, 10, 'test credits');
    });

    const failLedgerInserts = () =>
      db.sql.query('INSERT INTO ledger_insert_fails_for VALUES ($1::uuid)', [tenantId]);
    const submit = (idempotencyKey?: string) =>
      jobs.submit({
        tenantId,
        service: 'diffusion',
        kind: 'text2img',
        request: { prompt: 'x' },
        price: 4,
        idempotencyKey,
      });
    const expectBalance = async (balance: string) => {
      expect(await ledger.balance(tenantId)).toBe(balance);
      expect(await ledger.ledgerSum(tenantId)).toBe(balance);
    };

    it('a grant (enterprise credits/add) keeps neither the balance change nor half of it', async () => {
      await failLedgerInserts();
      await expect(ledger.grant(tenantId, 1, 'more')).rejects.toThrow(/injected failure/);
      await expectBalance('10.000');
    });

    it('a grant inside a caller transaction (a new tenant with initial credits) is undone with it', async () => {
      await failLedgerInserts();
      await expect(
        db.prisma.$transaction((tx) => ledger.grant(tenantId, 1, 'initial credits', tx)),
      ).rejects.toThrow(/injected failure/);
      await expectBalance('10.000');
    });

    it('a hold on submit (one statement) debits nothing and leaves no job', async () => {
      await failLedgerInserts();
      await expect(submit()).rejects.toThrow(/injected failure/);
      await expectBalance('10.000');
      expect(await db.prisma.job.count({ where: { tenantId } })).toBe(0);
    });

    it('a hold on submit with an Idempotency-Key (a transaction) debits nothing and leaves no job', async () => {
      await failLedgerInserts();
      await expect(submit('idem-1')).rejects.toThrow(/injected failure/);
      await expectBalance('10.000');
      expect(await db.prisma.job.count({ where: { tenantId } })).toBe(0);
    });

    it('a hold called without a transaction is still atomic', async () => {
      const { job } = await jobs.submit({
        tenantId,
        service: 'diffusion',
        kind: 'text2img',
        request: {},
        price: 0,
      });
      await failLedgerInserts();
      await expect(ledger.hold(db.prisma, tenantId, job.id, 3)).rejects.toThrow(/injected failure/);
      await expectBalance('10.000');
    });

    it('a capture on success leaves the job unsettled and the hold in place', async () => {
      const { job } = await submit();
      await failLedgerInserts();
      await expect(jobs.succeed(job.id, { ok: true }, [])).rejects.toThrow(/injected failure/);
      await expectBalance('6.000');
      expect((await jobs.get(job.id))?.status).toBe('queued');
    });

    it('a release (the refund of a failed job) gives nothing back without its row, and can be retried', async () => {
      const { job } = await submit();
      await failLedgerInserts();
      await expect(jobs.fail(job.id, 'boom')).rejects.toThrow(/injected failure/);
      await expectBalance('6.000');
      expect((await jobs.get(job.id))?.status).toBe('queued');
      await db.sql.query('DELETE FROM ledger_insert_fails_for WHERE tenant_id = $1::uuid', [tenantId]);
      expect(await jobs.fail(job.id, 'boom')).toBe(true);
      await expectBalance('10.000');
    });
  },
);
