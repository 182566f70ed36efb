// The gateway under test, in a process of its own (so the load generator's CPU is not counted
// as the gateway's and --cpu-prof profiles only the gateway): createGateway on DATABASE_URL (a
// schema of this run's own) and JetStream on NATS_URL (a stream prefix of its own), a local
// artifact store in a temp dir and the bundled model catalog. The no-op worker runs in another
// process (worker.mjs). Started by run.mjs over IPC; not meant to be run by hand.
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
// Resolve the workspace packages as the gateway itself does (its node_modules), from their dist/.
const require = createRequire(join(ROOT, 'apps', 'gateway', 'package.json'));
const { createGateway, ApiKeysService } = require(join(ROOT, 'apps', 'gateway', 'dist', 'index.js'));
const { MetricsService } = require(join(ROOT, 'apps', 'gateway', 'dist', 'metrics', 'index.js'));
const { loadConfig } = require('@easel/config');
const { applyMigrations, openPostgresDatabase } = require('@easel/db');
const { JetStreamJobBus } = require('@easel/jobs');
const { LocalArtifactStore } = require('@easel/storage');
const { BundledModelCatalog } = require('@easel/model-store');
const { DIFFUSION_SERVICE } = require('@easel/contracts');

const options = JSON.parse(process.env.BENCH_OPTIONS ?? '{}');
const dir = mkdtempSync(join(tmpdir(), 'easel-bench-gateway-'));
// PostgreSQL: a schema of this run's own (created, migrated, dropped at the end), so runs never see each other's jobs.
const benchSchema = `easel_bench_${process.pid}`;
const streamPrefix = `bench-${process.pid}-`;
const databaseUrl = (() => {
  const url = new URL(process.env.DATABASE_URL);
  url.searchParams.set('schema', benchSchema);
  return url.toString();
})();
const gatewayUrl = new URL(databaseUrl);
gatewayUrl.searchParams.set('application_name', `${options.applicationPrefix}gateway`);
const env = {
  EASEL_SYNC_WINDOW_MS: '0',
  EASEL_LOG_LEVEL: 'error',
  EASEL_INITIAL_CREDITS: '1000000000',
  PORT: '0',
  DATABASE_URL: databaseUrl,
  NATS_URL: process.env.NATS_URL,
  EASEL_STREAM_PREFIX: streamPrefix,
};
const config = loadConfig(env, ROOT);

// On PostgreSQL, count the statements sent and the time until each answered (node-postgres's Client.query,
// which Prisma's adapter and the raw executor both use).
const sqlTime = { statements: 0, ms: 0 };
/** Per statement text (first 110 characters): how often and how long, for --sql. */
const statements = new Map();
{
  const { Client } = createRequire(join(ROOT, 'packages', 'db', 'package.json'))('pg');
  const query = Client.prototype.query;
  Client.prototype.query = function countedQuery(...args) {
    sqlTime.statements++;
    const started = performance.now();
    const text = typeof args[0] === 'string' ? args[0] : (args[0]?.text ?? '?');
    const statement = text.replace(/\s+/g, ' ').trim().slice(0, 110);
    const entry = statements.get(statement) ?? { count: 0, ms: 0 };
    statements.set(statement, entry);
    entry.count++;
    const settle = () => {
      const ms = performance.now() - started;
      sqlTime.ms += ms;
      entry.ms += ms;
    };
    // pg-pool's query hands a callback instead of awaiting the promise.
    const last = args.length - 1;
    if (typeof args[last] === 'function') {
      const callback = args[last];
      args[last] = function timedCallback(...results) {
        settle();
        return callback.apply(this, results);
      };
    }
    const answer = query.apply(this, args);
    if (answer && typeof answer.then === 'function') answer.then(settle, settle);
    return answer;
  };
}

const db = await openPostgresDatabase({ url: gatewayUrl.toString(), maxConnections: options.pool ?? 10 });
await applyMigrations(db.sql);
const bus = await JetStreamJobBus.connect({ servers: process.env.NATS_URL, streamPrefix });
const gateway = await createGateway({
  config,
  db,
  bus,
  store: new LocalArtifactStore(dir),
  catalog: new BundledModelCatalog(config.modelsDir),
});
const url = await gateway.listen(0, '127.0.0.1');
const keys = gateway.app.get(ApiKeysService);
// High limits, so nothing is refused; maxConcurrent 0 leaves the key without a concurrent-jobs cap
// (no per-key lock while inserting). Several keys spread the per-key lock and the per-key counters.
const maxConcurrent = options.maxConcurrent ?? 1_000_000;
const benchKeys = [];
for (let i = 0; i < (options.keys ?? 1); i++) {
  const { key } = await keys.create({
    tenantId: gateway.bootstrap.tenantId,
    name: `bench ${i}`,
    scopes: ['generate'],
    rateLimitPerMinute: 1_000_000_000,
    maxConcurrentJobs: maxConcurrent >= 1 ? maxConcurrent : null,
  });
  benchKeys.push(key);
}
if (maxConcurrent < 1) {
  // No cap at all: the keys inherit the tenant's limits, so lift those too (0 = none).
  await db.sql.query(
    'UPDATE tenants SET max_concurrent_jobs = 0, rate_limit_per_minute = 0 WHERE id = $1::uuid',
    [gateway.bootstrap.tenantId],
  );
}

const metrics = gateway.app.get(MetricsService);
let cpuAtStart = process.cpuUsage();
let eluAtStart = performance.eventLoopUtilization();
let wallAtStart = performance.now();
let sqlAtStart = { ...sqlTime };

process.on('message', async (message) => {
  if (message === 'mark') {
    cpuAtStart = process.cpuUsage();
    eluAtStart = performance.eventLoopUtilization();
    wallAtStart = performance.now();
    sqlAtStart = { ...sqlTime };
    statements.clear();
    process.send({ type: 'marked' });
  } else if (message === 'stats') {
    const wallMs = performance.now() - wallAtStart;
    const cpu = process.cpuUsage(cpuAtStart);
    const elu = performance.eventLoopUtilization(eluAtStart);
    process.send({
      type: 'stats',
      wallMs,
      cpuUserMs: cpu.user / 1000,
      cpuSystemMs: cpu.system / 1000,
      eventLoopUtilization: elu.utilization,
      jobsByState: await metrics.jobCounts(),
      pending: await bus.pending(DIFFUSION_SERVICE, 'default'),
      sql: {
        statements: sqlTime.statements - sqlAtStart.statements,
        ms: sqlTime.ms - sqlAtStart.ms,
        top: [...statements].sort((a, b) => b[1].count - a[1].count).slice(0, 25),
      },
      rssMb: process.memoryUsage().rss / 2 ** 20,
    });
  } else if (message === 'stop') {
    // Let the answers still in flight when the load stopped finish before the database goes away.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await gateway.close();
    await bus.close();
    await db.sql.query(`DROP SCHEMA IF EXISTS "${benchSchema}" CASCADE`);
    await db.close();
    rmSync(dir, { recursive: true, force: true });
    process.disconnect();
    // Leave through a normal exit so --cpu-prof writes its profile.
  }
});

process.send({ type: 'ready', url, keys: benchKeys, pid: process.pid, databaseUrl, streamPrefix });
