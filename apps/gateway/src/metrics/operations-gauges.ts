import { Gauge, type Registry } from 'prom-client';
import type { Database } from '@easel/db';
import type { ArtifactStore } from '@easel/storage';

/** The window the "recent" gauges look back over. */
export const RECENT_MINUTES = 5;
/** Credits and dead letters are counted over a longer window: they are rarer. */
export const HOUR_MINUTES = 60;

interface Sources {
  db: Database;
  store: ArtifactStore;
  /** Called when a source cannot be read; its gauges keep their last values. */
  failed(source: string): (error: unknown) => void;
}

const rows = <T>(db: Database, text: string) => db.sql.query<T>(text);

/** Two gauges read from one source: a scrape collects them back to back, so one read serves both. */
function sharedPerScrape<T>(read: () => Promise<T>, ttlMs = 250): () => Promise<T> {
  let last: { at: number; value: Promise<T> } | undefined;
  return () => {
    if (!last || Date.now() - last.at > ttlMs) last = { at: Date.now(), value: read() };
    return last.value;
  };
}

/**
 * What operators watch and alert on (deploy/helm/easel's dashboard and PrometheusRules), read from
 * the database on each scrape so every gateway replica reports the deployment's state: queue age by
 * service, jobs ended recently by service and status, their run time, the webhook backlog, dead
 * letters, credits spent by tenant, and the artifact store's free space.
 */
export function registerOperationsGauges(registry: Registry, { db, store, failed }: Sources): void {
  const registers = [registry];
  const read = (source: string, collect: (this: Gauge) => Promise<void>) =>
    function (this: Gauge) {
      return collect.call(this).catch(failed(source));
    };

  new Gauge({
    name: 'easel_queue_oldest_age_seconds',
    help: 'Age of the oldest job still queued, by service (0 when none is queued).',
    labelNames: ['service'],
    registers,
    collect: read('database', async function (this: Gauge) {
      const found = await rows<{ service: string; age: string }>(
        db,
        `SELECT service, EXTRACT(EPOCH FROM now() - min(created_at)) AS age FROM jobs WHERE finished_at IS NULL AND status = 'queued' GROUP BY service`,
      );
      this.reset();
      for (const { service, age } of found) this.set({ service }, Number(age));
    }),
  });

  new Gauge({
    name: 'easel_jobs_ended_recent',
    help: `Jobs that ended in the last ${RECENT_MINUTES} minutes, by service and status (success, failed).`,
    labelNames: ['service', 'status'],
    registers,
    collect: read('database', async function (this: Gauge) {
      const found = await rows<{ service: string; status: string; n: string }>(
        db,
        `SELECT service, status, count(*) AS n FROM jobs WHERE finished_at > now() - interval '${RECENT_MINUTES} minutes' GROUP BY service, status`,
      );
      this.reset();
      for (const { service, status, n } of found) this.set({ service, status }, Number(n));
    }),
  });

  new Gauge({
    name: 'easel_job_run_seconds_recent',
    help: `Mean seconds from a worker's start to the end of the successful jobs of the last ${RECENT_MINUTES} minutes, by service: the worker time a job takes.`,
    labelNames: ['service'],
    registers,
    collect: read('database', async function (this: Gauge) {
      const found = await rows<{ service: string; seconds: string }>(
        db,
        `SELECT service, avg(EXTRACT(EPOCH FROM finished_at - started_at)) AS seconds FROM jobs
          WHERE status = 'success' AND started_at IS NOT NULL AND finished_at > now() - interval '${RECENT_MINUTES} minutes' GROUP BY service`,
      );
      this.reset();
      for (const { service, seconds } of found) this.set({ service }, Number(seconds));
    }),
  });

  new Gauge({
    name: 'easel_jobs_dead_lettered_recent',
    help: `Jobs failed in the last ${HOUR_MINUTES} minutes because every delivery to a worker failed (the bus gave up or a restart interrupted them too often).`,
    registers,
    collect: read('database', async function (this: Gauge) {
      const [row] = await rows<{ n: string }>(
        db,
        `SELECT count(*) AS n FROM jobs WHERE status = 'failed' AND finished_at > now() - interval '${HOUR_MINUTES} minutes'
            AND (error LIKE 'gave up after %' OR error LIKE 'interrupted by a restart%')`,
      );
      this.set(Number(row?.n ?? 0));
    }),
  });

  new Gauge({
    name: 'easel_credits_spent_recent',
    help: `Credits captured by the jobs that succeeded in the last ${HOUR_MINUTES} minutes, by tenant name.`,
    labelNames: ['tenant'],
    registers,
    collect: read('database', async function (this: Gauge) {
      const found = await rows<{ tenant: string; credits: string }>(
        db,
        `SELECT t.name AS tenant, sum(j.credits_held) AS credits FROM jobs j JOIN tenants t ON t.id = j.tenant_id
          WHERE j.status = 'success' AND j.finished_at > now() - interval '${HOUR_MINUTES} minutes' GROUP BY t.name`,
      );
      this.reset();
      for (const { tenant, credits } of found) this.set({ tenant }, Number(credits));
    }),
  });

  const webhooks = sharedPerScrape(() =>
    rows<{ n: string; age: string | null }>(
      db,
      `SELECT count(*) AS n, EXTRACT(EPOCH FROM now() - min(created_at)) AS age FROM webhook_deliveries WHERE status = 'pending'`,
    ),
  );
  new Gauge({
    name: 'easel_webhook_deliveries_pending',
    help: 'Webhook deliveries not yet made (waiting for their next attempt).',
    registers,
    collect: read('database', async function (this: Gauge) {
      this.set(Number((await webhooks())[0]?.n ?? 0));
    }),
  });
  new Gauge({
    name: 'easel_webhook_oldest_pending_age_seconds',
    help: 'Age of the oldest webhook delivery not yet made (0 when none is pending).',
    registers,
    collect: read('database', async function (this: Gauge) {
      this.set(Number((await webhooks())[0]?.age ?? 0));
    }),
  });

  const health = sharedPerScrape(() => store.health());
  new Gauge({
    name: 'easel_artifact_store_writable',
    help: 'Whether the artifact store takes new files (1) or not (0: full, or its writes fail).',
    registers,
    collect: read('store', async function (this: Gauge) {
      this.set((await health()).writable ? 1 : 0);
    }),
  });
  new Gauge({
    name: 'easel_artifact_store_free_bytes',
    help: 'Free bytes for artifacts, where the store knows them (the local filesystem of embedded mode).',
    registers,
    collect: read('store', async function (this: Gauge) {
      const { freeBytes } = await health();
      if (freeBytes !== null) this.set(freeBytes);
    }),
  });
}
