import { Prisma } from '../generated/prisma/client';
import type { Database } from '../database';
import { closeTestDatabase, testDatabases } from './test-databases.test-support';
import { JobsRepository } from './jobs.repository';
import { tenantJobPageQuery } from './tenant-job-page';

const targets = testDatabases('job_page');

describe.each(targets)("a tenant's jobs, page by page, on %s", (name, open) => {
  let db: Database;
  let jobs: JobsRepository;
  let mine: string;
  let theirs: string;
  /** Tenant `mine`'s job ids, newest first, as the listing must return them. */
  let expected: number[];

  beforeAll(async () => {
    db = await open();
    jobs = new JobsRepository(db.prisma);
    mine = (await db.prisma.tenant.create({ data: { name: 'mine' } })).id;
    theirs = (await db.prisma.tenant.create({ data: { name: 'theirs' } })).id;
    const at = (second: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, second, 123));
    // Interleaved tenants, and three of mine in one millisecond: the id must break the tie.
    const seconds = [1, 2, 2, 2, 3, 4, 5, 6, 7];
    const created: Array<{ id: number; tenantId: string; second: number }> = [];
    for (const [i, second] of seconds.entries()) {
      for (const tenantId of i % 3 === 1 ? [theirs, mine] : [mine, theirs]) {
        const job = await db.prisma.job.create({
          data: { tenantId, service: 'diffusion', kind: 'text2img', request: {}, createdAt: at(second) },
        });
        created.push({ id: job.id, tenantId, second });
      }
    }
    expected = created
      .filter((j) => j.tenantId === mine)
      .sort((a, b) => b.second - a.second || b.id - a.id)
      .map((j) => j.id);
  });
  afterAll(() => closeTestDatabase(db));

  it("walks every one of the tenant's jobs once, newest first, and none of another tenant's", async () => {
    const seen: number[] = [];
    let after: { createdAt: Date; id: number } | undefined;
    for (;;) {
      const page = await jobs.listForTenant(mine, 2, after);
      if (page.length === 0) break;
      expect(page.length).toBeLessThanOrEqual(2);
      expect(page.every((job) => job.tenantId === mine)).toBe(true);
      seen.push(...page.map((job) => job.id));
      const last = page.at(-1)!;
      after = { createdAt: last.createdAt, id: last.id };
    }
    expect(seen).toEqual(expected);
    expect(expected).toHaveLength(9);
  });

  it('returns the artifacts with each job, in index order', async () => {
    const [newest] = expected;
    await db.prisma.artifact.createMany({
      data: [1, 0].map((index) => ({
        jobId: newest,
        tenantId: mine,
        index,
        storageKey: `k-${name}-${index}`,
        token: `t-${name}-${index}`,
        contentType: 'image/png',
        bytes: 1,
      })),
    });
    const [first] = await jobs.listForTenant(mine, 1);
    expect(first.id).toBe(newest);
    expect(first.artifacts.map((a) => a.index)).toEqual([0, 1]);
  });

  it('is empty for a tenant without jobs', async () => {
    const lonely = (await db.prisma.tenant.create({ data: { name: 'lonely' } })).id;
    expect(await jobs.listForTenant(lonely, 10)).toEqual([]);
  });

  if (name === 'PostgreSQL') {
    it('bounds the index scan at the cursor instead of filtering the newer rows', async () => {
      const [{ id, createdAt }] = await jobs.listForTenant(mine, 1);
      const plan = await db.prisma.$transaction(async (tx) => {
        // The table is tiny: make the planner show the plan it picks for a big one.
        await tx.$executeRawUnsafe('SET LOCAL enable_seqscan = off');
        await tx.$executeRawUnsafe('SET LOCAL enable_bitmapscan = off');
        const rows = await tx.$queryRaw<Array<{ 'QUERY PLAN': string }>>(
          Prisma.sql`EXPLAIN ${tenantJobPageQuery(mine, 20, { createdAt, id })}`,
        );
        return rows.map((row) => row['QUERY PLAN']).join('\n');
      });
      expect(plan).toMatch(/Index Scan Backward using jobs_tenant_id_created_at_idx/);
      expect(plan).toMatch(/Index Cond: \(\(tenant_id = .*\) AND \(created_at <= /);
    });
  }
});
