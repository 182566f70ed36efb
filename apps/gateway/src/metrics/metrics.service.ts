import { Inject, Injectable, Logger } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { SERVICE_NAMES } from '@easel/contracts';
import type { Database } from '@easel/db';
import type { JobBus } from '@easel/jobs';
import { PoolRouter } from '../jobs/pool-router';
import type { ArtifactStore } from '@easel/storage';
import { ARTIFACT_STORE, DATABASE, JOB_BUS } from '../tokens';
import { registerOperationsGauges } from './operations-gauges';

/** Job states as the jobs table has them; each is reported, 0 included. */
export const JOB_STATES = ['queued', 'running', 'success', 'failed'] as const;

/** Latency buckets (seconds): the gateway's own work is milliseconds; a sync-window answer takes seconds. */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * The gateway's Prometheus metrics, in a registry of its own (several gateways may share a
 * process in tests). Jobs by state and queue depth are read when scraped, never kept up to date.
 */
@Injectable()
export class MetricsService {
  private readonly logger = new Logger('Metrics');
  readonly registry = new Registry();
  readonly httpRequests: Counter<'method' | 'route' | 'status'>;
  readonly httpDuration: Histogram<'method' | 'route'>;
  readonly jobsAccepted: Counter<'route'>;

  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(JOB_BUS) private readonly bus: JobBus,
    @Inject(ARTIFACT_STORE) store: ArtifactStore,
    private readonly pools: PoolRouter,
  ) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.httpRequests = new Counter({
      name: 'easel_http_requests_total',
      help: 'HTTP requests answered, by route pattern, method and status code.',
      labelNames: ['method', 'route', 'status'],
      registers,
    });
    this.httpDuration = new Histogram({
      name: 'easel_http_request_duration_seconds',
      help: 'Time from receiving a request to finishing its answer, by route pattern and method.',
      labelNames: ['method', 'route'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.jobsAccepted = new Counter({
      name: 'easel_jobs_accepted_total',
      help: 'Generation requests answered with a job (success, processing or failed shape), by route pattern.',
      labelNames: ['route'],
      registers,
    });
    const scrapeErrors = new Counter({
      name: 'easel_metrics_scrape_errors_total',
      help: 'Scrapes where the jobs table or the job bus could not be read (their gauges keep the last values).',
      labelNames: ['source'],
      registers,
    });
    const failed = (source: string) => (error: unknown) => {
      scrapeErrors.inc({ source });
      this.logger.warn(
        `${source} unreadable for /metrics: ${error instanceof Error ? error.message : String(error)}`,
      );
    };
    registerOperationsGauges(this.registry, { db, store, failed });
    const readJobs = () => this.jobCounts();
    new Gauge({
      name: 'easel_jobs',
      help: 'Jobs in the database by state (queued, running, success, failed).',
      labelNames: ['state'],
      registers,
      async collect() {
        try {
          const counts = await readJobs();
          for (const state of JOB_STATES) this.set({ state }, counts[state] ?? 0);
          for (const [state, n] of Object.entries(counts))
            if (!(JOB_STATES as readonly string[]).includes(state)) this.set({ state }, n);
        } catch (error) {
          failed('database')(error);
        }
      },
    });
    // Every service, on every pool the gateway routes it to (the names the chart's KEDA triggers watch).
    const queues = SERVICE_NAMES.flatMap((service) =>
      this.pools.poolsOf(service).map((pool) => ({ service, pool })),
    );
    const pending = () =>
      Promise.all(
        queues.map(async (queue) => ({ ...queue, depth: await this.bus.pending(queue.service, queue.pool) })),
      );
    new Gauge({
      name: 'easel_queue_depth',
      help: 'Jobs waiting on the bus for a worker (not counting those being worked on), by service and pool.',
      labelNames: ['service', 'pool'],
      registers,
      async collect() {
        try {
          for (const { service, pool, depth } of await pending()) this.set({ service, pool }, depth);
        } catch (error) {
          failed('bus')(error);
        }
      },
    });
  }

  /** One cheap aggregate over the indexed status column. */
  async jobCounts(): Promise<Record<string, number>> {
    const rows = await this.db.sql.query<{ status: string; n: number | string }>(
      'SELECT status, count(*) AS n FROM jobs GROUP BY status',
    );
    return Object.fromEntries(rows.map((row) => [row.status, Number(row.n)]));
  }

  /** One answered request. `route` is the pattern (`/api/v3/fetch/:id`), never the raw URL. */
  observe(method: string, route: string, status: number, seconds: number): void {
    this.httpRequests.inc({ method, route, status: String(status) });
    this.httpDuration.observe({ method, route }, seconds);
  }

  metrics(): Promise<string> {
    return this.registry.metrics();
  }
}
