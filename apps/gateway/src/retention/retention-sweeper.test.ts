import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@easel/config';
import { JobsRepository, LedgerRepository, RetentionRepository, type Database } from '@easel/db';
import { startS3Server, type TestS3Server } from '@easel/testing';
import { LocalArtifactStore, S3ArtifactStore, type ArtifactStore } from '@easel/storage';
import { openTestDatabase, type TestDatabase } from '../testing/test-gateway';
import { RetentionSweeper } from './retention-sweeper';

const DAY = 24 * 3600 * 1000;
const NOW = new Date();
const ago = (days: number) => new Date(NOW.getTime() - days * DAY);

interface Setup {
  db: Database;
  store: ArtifactStore;
  close(): Promise<void>;
}

const setups: Array<[string, () => Promise<Setup>]> = [
  [
    'PGlite + local files',
    async () => {
      const test: TestDatabase = await openTestDatabase('embedded');
      const dir = await mkdtemp(join(tmpdir(), 'easel-retention-'));
      return {
        db: test.db,
        store: new LocalArtifactStore(dir, 0),
        close: async () => (await test.close(), await rm(dir, { recursive: true, force: true })),
      };
    },
  ],
  [
    'PostgreSQL + S3',
    async () => {
      const test = await openTestDatabase('postgres');
      const s3: TestS3Server = await startS3Server();
      const store = await S3ArtifactStore.open({
        ...s3,
        bucket: `retention-${randomBytes(3).toString('hex')}`,
        createBucket: true,
      });
      return { db: test.db, store, close: async () => (await test.close(), await s3.stop()) };
    },
  ],
];

describe.each(setups)('retention on %s', (_name, open) => {
  let setup: Setup;
  let sweeper: RetentionSweeper;
  let jobs: JobsRepository;
  let ledger: LedgerRepository;
  const tenants: Record<string, string> = {};

  beforeAll(async () => {
    setup = await open();
    jobs = new JobsRepository(setup.db.prisma);
    ledger = new LedgerRepository(setup.db.prisma);
    const config = loadConfig({
      EASEL_RETAIN_ARTIFACTS_DAYS: '7',
      EASEL_RETAIN_JOBS_DAYS: '30',
      EASEL_RETAIN_WEBHOOK_LOGS_DAYS: '10',
      EASEL_RETENTION_SWEEP_MS: '0',
    });
    sweeper = new RetentionSweeper(config, setup.db, setup.store);
    for (const name of ['defaults', 'brief']) {
      tenants[name] = (await setup.db.prisma.tenant.create({ data: { name } })).id;
      await ledger.grant(tenants[name], 100);
    }
    // The brief tenant keeps files a day and jobs three.
    await setup.db.prisma.tenant.update({
      where: { id: tenants.brief },
      data: { retainArtifactsDays: 1, retainJobsDays: 3 },
    });
  }, 60_000);
  afterAll(() => setup?.close());

  let n = 0;
  /** A job that ended `endedDaysAgo` days ago (or is still running) with one output file. */
  async function job(tenant: string, endedDaysAgo: number | 'running', options: { expiresAt?: Date } = {}) {
    const id = (
      await jobs.submit({
        tenantId: tenants[tenant],
        service: 'diffusion',
        kind: 'text2img',
        request: { prompt: 'x' } as never,
        price: 1,
      })
    ).job.id;
    await jobs.start(id);
    const key = `${tenants[tenant]}/${id}/0.png`;
    await setup.store.put(key, Buffer.from(`image ${++n}`), { contentType: 'image/png' });
    if (endedDaysAgo === 'running') return { id, key };
    await jobs.succeed(id, { seeds: [1] }, [
      {
        index: 0,
        storageKey: key,
        token: `t${id}-${n}`,
        contentType: 'image/png',
        bytes: 7,
        expiresAt: options.expiresAt ?? null,
      },
    ]);
    await setup.db.sql.query('UPDATE jobs SET finished_at = $1 WHERE id = $2', [ago(endedDaysAgo), id]);
    return { id, key };
  }

  const exists = async (key: string) => (await setup.store.head(key)) !== null;
  const jobExists = async (id: number) => (await setup.db.prisma.job.findUnique({ where: { id } })) !== null;
  const artifactRows = async (id: number) => setup.db.prisma.artifact.count({ where: { jobId: id } });

  it('deletes what retention no longer keeps, and nothing else; the ledger still equals the balance', async () => {
    const oldFiles = await job('defaults', 10); // files past 7 days, row within 30
    const tempExpired = await job('defaults', 2, { expiresAt: ago(1) });
    const tempLive = await job('defaults', 0.01, { expiresAt: new Date(NOW.getTime() + DAY) });
    const recent = await job('defaults', 2);
    const ancient = await job('defaults', 40);
    const running = await job('defaults', 'running');
    await setup.db.sql.query('UPDATE jobs SET created_at = $1, started_at = $1 WHERE id = $2', [
      ago(60),
      running.id,
    ]);
    const briefFiles = await job('brief', 2);
    const briefRow = await job('brief', 5);
    // Webhook logs: one delivered 20 days ago goes, a pending one of the same age stays.
    await setup.db.prisma.webhookDelivery.create({
      data: {
        jobId: recent.id,
        url: 'https://example.com/hook',
        payload: {},
        status: 'delivered',
        createdAt: ago(20),
      },
    });
    await setup.db.prisma.webhookDelivery.create({
      data: {
        jobId: recent.id,
        url: 'https://example.com/hook',
        payload: {},
        status: 'pending',
        createdAt: ago(20),
      },
    });
    const ledgerRows = await setup.db.prisma.ledgerEntry.count();

    const counts = await sweeper.sweep(NOW);

    // Five files (the two jobs deleted whole had theirs past retention too), two job rows, one log.
    expect(counts).toEqual({ artifacts: 5, jobs: 2, webhookLogs: 1 });
    // Files and rows gone together.
    for (const gone of [oldFiles, tempExpired, briefFiles]) {
      expect([
        gone.id,
        await exists(gone.key),
        await artifactRows(gone.id),
        await jobExists(gone.id),
      ]).toEqual([gone.id, false, 0, true]);
    }
    for (const gone of [ancient, briefRow])
      expect([gone.id, await exists(gone.key), await jobExists(gone.id)]).toEqual([gone.id, false, false]);
    // Kept: a live temp link, recent files, and the running job's file however old the job.
    for (const kept of [tempLive, recent, running])
      expect([kept.id, await exists(kept.key), await jobExists(kept.id)]).toEqual([kept.id, true, true]);
    expect(
      await setup.db.prisma.webhookDelivery.findMany({
        where: { jobId: recent.id },
        select: { status: true },
      }),
    ).toEqual([{ status: 'pending' }]);
    // Money: no ledger row deleted, and each tenant's rows still sum to its balance.
    expect(await setup.db.prisma.ledgerEntry.count()).toBe(ledgerRows);
    for (const id of Object.values(tenants))
      expect(await ledger.ledgerSum(id)).toBe(await ledger.balance(id));

    // A second sweep finds nothing more.
    expect(await sweeper.sweep(NOW)).toEqual({ artifacts: 0, jobs: 0, webhookLogs: 0 });
  }, 60_000);

  it('a file the store will not delete keeps its row for the next sweep', async () => {
    const stuck = await job('defaults', 10);
    const refusing = Object.create(setup.store) as ArtifactStore;
    refusing.delete = async () => {
      throw new Error('S3 said no');
    };
    const config = loadConfig({ EASEL_RETAIN_ARTIFACTS_DAYS: '7', EASEL_RETENTION_SWEEP_MS: '0' });
    await expect(new RetentionSweeper(config, setup.db, refusing).sweep(NOW)).rejects.toThrow('S3 said no');
    expect(await artifactRows(stuck.id)).toBe(1);
    expect((await new RetentionSweeper(config, setup.db, setup.store).sweep(NOW)).artifacts).toBe(1);
    expect(await exists(stuck.key)).toBe(false);
  });

  if (_name.startsWith('PostgreSQL')) {
    it('one replica sweeps at a time: while another holds the sweep lock, a sweep deletes nothing', async () => {
      const waiting = await job('defaults', 10);
      let release: () => void = () => undefined;
      const held = new RetentionRepository(setup.db.prisma).exclusively(
        () => new Promise<void>((r) => (release = r)),
      );
      await new Promise((r) => setTimeout(r, 200));
      expect(await sweeper.sweep(NOW)).toEqual({ artifacts: 0, jobs: 0, webhookLogs: 0 });
      release();
      await held;
      expect((await sweeper.sweep(NOW)).artifacts).toBe(1);
      expect(await exists(waiting.key)).toBe(false);
    });
  }
});
