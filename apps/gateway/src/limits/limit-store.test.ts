import { randomBytes } from 'node:crypto';
import { applyMigrations, openPostgresDatabase, RateLimitsRepository, type Database } from '@easel/db';
import { openTestDatabase, type TestDatabase } from '../testing/test-gateway';
import { SWEEP_INTERVAL_MS, type LimitStore } from './limit-store';
import { MemoryLimitStore } from './memory-limit-store';
import { PostgresLimitStore } from './postgres-limit-store';

const POSTGRES_URL = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';

/** A clock the test moves by hand. */
class ManualClock {
  now = Date.UTC(2026, 10, 25, 12, 0, 0);
  read = () => this.now;
  advance(ms: number) {
    this.now += ms;
  }
}

interface Target {
  store: LimitStore;
  /** Buckets the store still keeps. */
  size(): Promise<number>;
  /** Waits for work the store does in the background. */
  settle(): Promise<void>;
  close(): Promise<void>;
}

const targets: Array<[string, (clock: ManualClock) => Promise<Target>]> = [
  [
    'in memory',
    (clock) => {
      const store = new MemoryLimitStore(clock.read);
      const internal = store as unknown as { windows: Map<string, unknown> };
      return Promise.resolve({ store, size: () => Promise.resolve(internal.windows.size), settle: () => Promise.resolve(), close: () => Promise.resolve() });
    },
  ],
  [
    'PostgreSQL',
    async (clock) => {
      const db: Database = await openPostgresDatabase({ url: `${POSTGRES_URL}?schema=limits_${randomBytes(4).toString('hex')}`, maxConnections: 10 });
      await applyMigrations(db.sql);
      const repository = new RateLimitsRepository(db.sql);
      const store = new PostgresLimitStore(repository, clock.read);
      return {
        store,
        size: () => repository.count(),
        settle: () => store.idle(),
        async close() {
          await store.idle();
          const [{ schema }] = await db.sql.query<{ schema: string }>('SELECT current_schema() AS schema');
          await db.sql.exec(`DROP SCHEMA "${schema}" CASCADE`);
          await db.close();
        },
      };
    },
  ],
];

describe.each(targets)('LimitStore contract: %s', (_name, open) => {
  const clock = new ManualClock();
  let target: Target;
  let store: LimitStore;
  const bucket = () => `test:${randomBytes(6).toString('hex')}`;

  beforeAll(async () => {
    target = await open(clock);
    store = target.store;
  }, 30_000);
  afterAll(() => target.close());

  it('refuses a second hit within the window (spam filter: limit 1), saying how long is left', async () => {
    const b = bucket();
    const first = await store.hit(b, 1, 30_000);
    expect(first).toEqual({ allowed: true, hits: 1, windowEndsAt: clock.now + 30_000, retryAfterMs: 30_000 });
    clock.advance(12_000);
    const second = await store.hit(b, 1, 30_000);
    expect(second.allowed).toBe(false);
    expect(second.retryAfterMs).toBe(18_000);
    // A refused hit does not extend the window.
    clock.advance(17_999);
    expect((await store.hit(b, 1, 30_000)).allowed).toBe(false);
  });

  it('accepts again once the window has ended, and opens a new window then', async () => {
    const b = bucket();
    expect((await store.hit(b, 1, 30_000)).allowed).toBe(true);
    clock.advance(30_000);
    const again = await store.hit(b, 1, 30_000);
    expect(again).toEqual({ allowed: true, hits: 1, windowEndsAt: clock.now + 30_000, retryAfterMs: 30_000 });
    clock.advance(29_000);
    expect((await store.hit(b, 1, 30_000)).allowed).toBe(false);
  });

  it('counts exactly the limit under 50 parallel hits (requests per minute)', async () => {
    const b = bucket();
    const results = await Promise.all(Array.from({ length: 50 }, () => store.hit(b, 7, 60_000)));
    const allowed = results.filter((r) => r.allowed);
    expect(allowed).toHaveLength(7);
    expect(allowed.map((r) => r.hits).sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    for (const refused of results.filter((r) => !r.allowed)) expect(refused.retryAfterMs).toBe(60_000);
    clock.advance(60_000);
    const next = await Promise.all(Array.from({ length: 10 }, () => store.hit(b, 7, 60_000)));
    expect(next.filter((r) => r.allowed)).toHaveLength(7);
  });

  it('counts exactly a high limit under 1,400 parallel hits (what is left under a whole share counted per hit)', async () => {
    const b = bucket();
    const results = await Promise.all(Array.from({ length: 1400 }, () => store.hit(b, 1290, 60_000)));
    expect(results.filter((r) => r.allowed)).toHaveLength(1290);
    clock.advance(60_000);
    expect((await store.hit(b, 1290, 60_000)).allowed).toBe(true);
  });

  it('keeps different buckets (keys) independent', async () => {
    const [a, b] = [bucket(), bucket()];
    const results = await Promise.all([
      ...Array.from({ length: 20 }, () => store.hit(a, 3, 60_000)),
      ...Array.from({ length: 20 }, () => store.hit(b, 5, 60_000)),
    ]);
    expect(results.slice(0, 20).filter((r) => r.allowed)).toHaveLength(3);
    expect(results.slice(20).filter((r) => r.allowed)).toHaveLength(5);
    expect((await store.hit(bucket(), 1, 30_000)).allowed).toBe(true);
  });

  it('takes a hit back on release, only within the same window', async () => {
    const b = bucket();
    const first = await store.hit(b, 1, 30_000);
    await store.release(b, first.windowEndsAt);
    const second = await store.hit(b, 1, 30_000);
    expect(second.allowed).toBe(true);
    // A stale release (another window) leaves the current one alone.
    await store.release(b, first.windowEndsAt - 1);
    clock.advance(1_000);
    expect((await store.hit(b, 1, 30_000)).allowed).toBe(false);
  });

  it('sweeps buckets whose window has ended', async () => {
    await store.sweep();
    const before = await target.size();
    const fresh = [bucket(), bucket(), bucket()];
    for (const b of fresh) await store.hit(b, 1, 30_000);
    const live = await store.hit(bucket(), 1, 600_000);
    expect(await target.size()).toBe(before + 4);
    clock.advance(60_000); // every window of this suite has ended by now, except `live`
    expect(await store.sweep()).toBeGreaterThanOrEqual(3);
    expect(await target.size()).toBe(1);
    expect(live.allowed).toBe(true);
  });

  it('also sweeps by itself, once the sweep interval has passed', async () => {
    await store.hit(bucket(), 1, 1_000);
    clock.advance(SWEEP_INTERVAL_MS + 600_000);
    await store.hit(bucket(), 1, 1_000); // this hit's bucket is the only one left
    await target.settle();
    expect(await target.size()).toBe(1);
  });
});

describe('PostgresLimitStore: two replicas counting a high limit in shares', () => {
  const clock = new ManualClock();
  let database: TestDatabase;
  let db: Database;
  let repository: RateLimitsRepository;

  beforeAll(async () => {
    database = await openTestDatabase('postgres');
    db = database.db;
    repository = new RateLimitsRepository(db.sql);
  }, 30_000);
  afterAll(() => database.close());

  it('never counts past the limit together, strands at most a share each, and writes the row once per share', async () => {
    const writes = jest.spyOn(repository, 'hit');
    const replicas = [new PostgresLimitStore(repository, clock.read), new PostgresLimitStore(repository, clock.read)];
    const limit = 6400; // a share of 100
    const results = await Promise.all(Array.from({ length: 7000 }, (_, i) => replicas[i % 2].hit('test:shared', limit, 60_000)));
    const allowed = results.filter((r) => r.allowed).length;
    expect(allowed).toBeLessThanOrEqual(limit);
    expect(allowed).toBeGreaterThanOrEqual(limit - 2 * 100);
    const [{ hits }] = await db.sql.query<{ hits: number }>("SELECT hits FROM rate_limit_counters WHERE bucket = 'test:shared'");
    expect(hits).toBeLessThanOrEqual(limit);
    // 64 shares, then per hit for the rest of the window: far fewer writes than the 6,400 hits counted.
    expect(writes.mock.calls.length).toBeLessThan(64 + 2 * (7000 - allowed) + 10);
    writes.mockRestore();
  });
});
