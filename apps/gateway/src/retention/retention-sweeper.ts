import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { EaselConfig } from '@easel/config';
import { RetentionRepository, type Database, type RetentionDefaults } from '@easel/db';
import type { ArtifactStore } from '@easel/storage';
import { ARTIFACT_STORE, CONFIG, DATABASE } from '../tokens';

/** Rows one batch handles: each batch is one transaction, short enough never to hold locks long. */
export const RETENTION_BATCH = 200;
/** Batches one sweep runs at most; the next sweep goes on where it stopped. */
const MAX_BATCHES = 50;

export interface SweepCounts {
  artifacts: number;
  jobs: number;
  webhookLogs: number;
}

/**
 * Keeps storage bounded: deletes expired `temp` outputs, then outputs and job rows past their
 * tenant's (or the deployment's) retention, then old webhook logs — files from the artifact store
 * first, then their rows, in the same transaction, in bounded batches. Every gateway runs one; an
 * advisory lock lets one replica sweep at a time. A failed file delete rolls its batch back, so no
 * row is lost without its file gone and the next sweep tries again.
 */
@Injectable()
export class RetentionSweeper implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('Retention');
  private readonly repository: RetentionRepository;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;

  constructor(
    @Inject(CONFIG) private readonly config: EaselConfig,
    @Inject(DATABASE) db: Database,
    @Inject(ARTIFACT_STORE) private readonly store: ArtifactStore,
  ) {
    this.repository = new RetentionRepository(db.prisma);
  }

  onModuleInit(): void {
    const every = this.config.EASEL_RETENTION_SWEEP_MS;
    if (every <= 0) return;
    this.timer = setInterval(() => {
      this.running ??= this.sweep()
        .then((counts) => {
          if (counts.artifacts + counts.jobs + counts.webhookLogs > 0)
            this.logger.log(
              `deleted ${counts.artifacts} artifacts, ${counts.jobs} jobs, ${counts.webhookLogs} webhook logs`,
            );
        })
        .catch((error: Error) =>
          this.logger.warn(`retention sweep failed (the next one retries): ${error.message}`),
        )
        .finally(() => (this.running = undefined));
    }, every);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  private get defaults(): RetentionDefaults {
    const c = this.config;
    return {
      artifactsDays: c.EASEL_RETAIN_ARTIFACTS_DAYS,
      jobsDays: c.EASEL_RETAIN_JOBS_DAYS,
      webhookLogsDays: c.EASEL_RETAIN_WEBHOOK_LOGS_DAYS,
    };
  }

  /** One sweep (nothing when another replica holds the sweep lock); what it deleted. */
  async sweep(now = new Date()): Promise<SweepCounts> {
    const counts: SweepCounts = { artifacts: 0, jobs: 0, webhookLogs: 0 };
    for (let i = 0; i < MAX_BATCHES; i++) {
      const done = await this.repository.exclusively(async (tx) => {
        const artifacts = await this.repository.expiredArtifacts(tx, now, this.defaults, RETENTION_BATCH);
        await Promise.all(artifacts.map((a) => this.store.delete(a.storageKey)));
        counts.artifacts += await this.repository.deleteArtifacts(
          tx,
          artifacts.map((a) => a.id),
        );
        if (artifacts.length === RETENTION_BATCH) return false;
        const jobs = await this.repository.expiredJobs(tx, now, this.defaults, RETENTION_BATCH);
        await Promise.all(jobs.flatMap((j) => j.storageKeys).map((key) => this.store.delete(key)));
        counts.jobs += await this.repository.deleteJobs(
          tx,
          jobs.map((j) => j.id),
        );
        if (jobs.length === RETENTION_BATCH) return false;
        const logs = await this.repository.deleteWebhookLogs(tx, now, this.defaults, RETENTION_BATCH);
        counts.webhookLogs += logs;
        return logs < RETENTION_BATCH;
      });
      if (done !== false) break; // finished, or another replica is sweeping
    }
    return counts;
  }
}
