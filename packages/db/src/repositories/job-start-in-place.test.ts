import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { applyMigrations } from '../migrate';
import { openPostgresDatabase } from '../postgres-database';
import type { Database } from '../database';
import { JobsRepository } from './jobs.repository';

const POSTGRES_URL = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';

/**
 * Starting a job must update its row in place (HOT: no new entry in any of the jobs table's
 * indexes): under load every job is started once, and an index on status made each start write a
 * new entry in every index of the table (bench/gateway: PostgreSQL's CPU for the worker).
 */
describe('a job started in place (PostgreSQL)', () => {
  let db: Database;
  let jobs: JobsRepository;

  beforeAll(async () => {
    // one connection, so the statistics read below are the backend's that ran the starts
    db = await openPostgresDatabase({ url: `${POSTGRES_URL}?schema=job_hot_${randomBytes(4).toString('hex')}`, maxConnections: 1 });
    await applyMigrations(db.sql);
    jobs = new JobsRepository(db.prisma, db.sql);
  }, 30_000);
  afterAll(async () => {
    const [{ schema }] = await db.sql.query<{ schema: string }>('SELECT current_schema() AS schema');
    await db.sql.exec(`DROP SCHEMA "${schema}" CASCADE`);
    await db.close();
  });

  const updates = async () => {
    const [row] = await db.sql.query<{ all: string; hot: string }>(
      `SELECT n_tup_upd AS all, n_tup_hot_upd AS hot FROM pg_stat_user_tables WHERE relid = 'jobs'::regclass`,
    );
    return { all: Number(row!.all), hot: Number(row!.hot) };
  };
  const flushedUpdates = async (atLeast: number) => {
    for (let i = 0; i < 50; i++) {
      await db.sql.query('SELECT pg_stat_force_next_flush()');
      const seen = await updates();
      if (seen.all >= atLeast) return seen;
      await sleep(20);
    }
    return updates();
  };

  it('writes no index entry, and the started jobs are still found as unfinished', async () => {
    const tenantId = (await db.prisma.tenant.create({ data: { name: 't' } })).id;
    const submitted = [];
    for (let n = 0; n < 5; n++) submitted.push((await jobs.submit({ tenantId, service: 'diffusion', kind: 'text2img', request: { n }, price: 0 })).job);
    const before = await flushedUpdates(0);
    expect(await Promise.all(submitted.map((job) => jobs.start(job.id)))).toEqual([true, true, true, true, true]);
    const after = await flushedUpdates(before.all + 5);
    expect(after.all - before.all).toBe(5);
    expect(after.hot - before.hot).toBe(5);

    expect((await jobs.unfinished()).map((j) => [j.id, j.status])).toEqual(submitted.map((j) => [j.id, 'running']));
    expect(await jobs.countUnfinished({ tenantId })).toBe(5);
    expect(await jobs.succeed(submitted[0]!.id, {}, [])).toBe(true);
    expect((await jobs.unfinished()).map((j) => j.id)).toEqual(submitted.slice(1).map((j) => j.id));
  });
});
