import { encodeEvent, JOB_PROGRESS, type JobProgressEvent } from '@easel/contracts';
import type { JobsRepository } from '@easel/db';
import type { JobBus, JobDelivery } from '@easel/jobs';
import type { ProgressDetail } from './service-handler';

/** Draws a preview of the job's current state (a small PNG), or undefined when it has none. */
export type PreviewSource = () => Promise<Uint8Array | undefined>;

/** Steps between two previews: drawing and sending one costs more than a plain step event. */
const PREVIEW_EVERY_STEPS = 3;

/**
 * Forwards a job's steps to the bus (events + ack-deadline heartbeat) and the database
 * (progress, eta), at most once per `intervalMs` so a fast model does not flood either.
 * Events that carry a preview wait for it to be drawn; events leave in step order. The first
 * step of a new phase (the highres fix's refine pass) is always sent, with a preview, so a
 * watcher sees the pass begin however short it is.
 */
export class ProgressReporter {
  private readonly startedAt = performance.now();
  private lastSent = -Infinity;
  private lastPreviewStep = -Infinity;
  private lastPhase: string | undefined;
  private pending: Promise<unknown> = Promise.resolve();
  private events: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly bus: JobBus,
    private readonly jobs: JobsRepository,
    private readonly delivery: JobDelivery,
    private readonly jobId: number,
    private readonly intervalMs = 250,
  ) {}

  step(step: number, total: number, preview?: PreviewSource, phase?: string, detail: ProgressDetail = {}): void {
    const now = performance.now();
    const newPhase = phase !== this.lastPhase;
    const throttled = step < total && !newPhase && now - this.lastSent < this.intervalMs;
    if (throttled && detail.text !== undefined) {
      // A reply's text streams as it comes; only the database waits for the interval.
      const event: JobProgressEvent = { step, total, eta: 0, text: detail.text };
      this.events = this.events.then(() => this.publish(event, undefined));
      this.pending = Promise.all([this.pending, this.events]).catch(() => undefined);
      return;
    }
    if (throttled) return;
    this.lastSent = now;
    this.lastPhase = phase;
    const elapsed = (now - this.startedAt) / 1000;
    const eta = detail.eta ?? (step > 0 ? (elapsed / step) * (total - step) : 0);
    const due = newPhase || step - this.lastPreviewStep >= PREVIEW_EVERY_STEPS;
    const drawn = preview && due ? preview() : undefined;
    if (drawn) this.lastPreviewStep = step;
    const event: JobProgressEvent = {
      step,
      total,
      eta,
      ...(phase === undefined ? {} : { phase }),
      ...(detail.loss === undefined ? {} : { loss: detail.loss }),
      ...(detail.text === undefined ? {} : { text: detail.text }),
    };
    this.events = this.events.then(() => this.publish(event, drawn));
    this.pending = Promise.all([
      this.pending,
      this.delivery.inProgress(),
      this.events,
      this.jobs.reportProgress(this.jobId, step / total, eta, detail.record as never),
    ]).catch(() => undefined); // progress is best-effort; the job's outcome is what counts
  }

  private async publish(event: JobProgressEvent, drawn: Promise<Uint8Array | undefined> | undefined) {
    const preview = await drawn?.catch(() => undefined); // a preview that fails to draw is left out
    const data = encodeEvent(preview ? { ...event, preview } : event);
    await this.bus
      .publishEvent({ jobId: String(this.jobId), type: JOB_PROGRESS, data })
      .catch(() => undefined);
  }

  /** Waits for reports already sent, so none lands after the job has ended. */
  flush(): Promise<unknown> {
    return this.pending;
  }
}
