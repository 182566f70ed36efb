import { Inject, Injectable, Logger } from '@nestjs/common';
import { decodeEvent, JOB_ENDED, JOB_PROGRESS, type JobProgressEvent } from '@easel/contracts';
import type { JobBus, JobEvent, Subscription } from '@easel/jobs';
import { NotFoundError } from '../common/api-errors';
import { JOB_BUS } from '../tokens';
import { JobViewService } from './job-view.service';
import { JobsService } from './jobs.service';
import type { SseSink } from './sse-sink';

/** Comment lines this often keep idle streams open through proxies; each also re-reads the job's row. */
export const SSE_HEARTBEAT_MS = 15_000;

/** What a `progress` event's data holds. */
export interface ProgressEventData {
  id: number;
  step: number;
  total: number;
  eta: number;
  /** `data:image/png;base64,...` on the steps that carry one. */
  preview?: string;
  /** The pass of a multi-pass job (`highres_base`, `highres_refine`); step and total count every pass. */
  phase?: string;
}

const progressData = (id: number, p: JobProgressEvent): ProgressEventData => ({
  id,
  step: p.step,
  total: p.total,
  eta: Math.round(p.eta * 100) / 100,
  ...(p.preview ? { preview: `data:image/png;base64,${Buffer.from(p.preview).toString('base64')}` } : {}),
  ...(p.phase ? { phase: p.phase } : {}),
});

/**
 * A job's progress as server-sent events, from the bus (so any gateway replica can serve it):
 * `progress` per step the worker reports, then `end` with the fetch body, then the stream closes.
 */
@Injectable()
export class JobEventStreamService {
  private readonly logger = new Logger('JobEvents');
  /** Settable so tests need not wait 15 s for a heartbeat. */
  heartbeatMs = SSE_HEARTBEAT_MS;

  constructor(
    private readonly jobs: JobsService,
    private readonly views: JobViewService,
    @Inject(JOB_BUS) private readonly bus: JobBus,
  ) {}

  /**
   * Streams the tenant's job until it ends or the client leaves; another tenant's job (or no job)
   * is NotFoundError, thrown before `open` is called so it is answered in the dialect's shape.
   */
  async stream(tenantId: string, rawId: string, open: () => SseSink): Promise<void> {
    const jobId = /^\d{1,15}$/.test(rawId) ? Number(rawId) : NaN;
    if (!Number.isSafeInteger(jobId) || !(await this.jobs.repository.getForTenant(jobId, tenantId))) {
      throw new NotFoundError('Request not found');
    }
    let subscription: Subscription | null = null;
    let closed = false;
    let finish: () => void = () => undefined;
    const finished = new Promise<void>((resolve) => (finish = resolve));
    const close = () => {
      if (closed) return;
      closed = true;
      clearInterval(timer);
      void subscription?.unsubscribe().catch(() => undefined);
      sink.end();
      finish();
    };
    const sendEnd = async () => {
      const { body } = await this.views.describe(tenantId, jobId);
      if (closed) return;
      sink.event('end', body);
      close();
    };
    const forward = async (event: JobEvent) => {
      if (closed) return;
      if (event.type === JOB_ENDED) return sendEnd();
      if (event.type !== JOB_PROGRESS) return;
      const progress = decodeEvent(event.data);
      if ('step' in progress) sink.event('progress', progressData(jobId, progress));
    };
    const endIfEnded = async () => {
      if (closed) return;
      const job = await this.jobs.repository.get(jobId);
      if (!job || (job.status !== 'queued' && job.status !== 'running')) await sendEnd();
    };
    let release: () => void = () => undefined;
    // Events wait here until the row has been read once: an end seen in the row must come first.
    let chain = new Promise<void>((resolve) => (release = resolve));
    const enqueue = (work: () => Promise<void>) => {
      chain = chain.then(work).catch((error: Error) => {
        this.logger.warn(`job ${jobId}: event stream failed (${error.message})`);
        close();
      });
    };
    // Subscribed before the row is read, so an end between the two is not missed.
    subscription = await this.bus
      .subscribeEvents(String(jobId), (event) => enqueue(() => forward(event)))
      .catch((error: Error) => {
        this.logger.warn(
          `job ${jobId}: no event subscription (${error.message}); heartbeats re-read its row`,
        );
        return null;
      });
    const sink = open();
    sink.onClose(close);
    const timer = setInterval(() => {
      sink.comment('heartbeat');
      enqueue(endIfEnded);
    }, this.heartbeatMs);
    enqueue(endIfEnded);
    release();
    await finished;
  }
}
