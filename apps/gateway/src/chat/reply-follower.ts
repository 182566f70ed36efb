import { decodeEvent, JOB_ENDED, JOB_PROGRESS } from '@easel/contracts';
import type { JobBus, Subscription } from '@easel/jobs';

/** How often a follower re-reads the job's row, in case the bus lost its end (NATS reconnecting). */
const ROW_CHECK_MS = 2_000;

/**
 * A chat job's reply as it is written: the text pieces of its progress events, in order, then its
 * end. Attached before the job is published (JobsService.submit's `beforePublish`), so no piece
 * is missed; the job's row is re-read now and then, so a lost end event cannot hang the stream.
 */
export class ReplyFollower {
  private readonly pieces: string[] = [];
  private ended = false;
  private wake: () => void = () => undefined;
  private subscription: Subscription | null = null;

  private constructor(private readonly hasEnded: () => Promise<boolean>) {}

  static async attach(bus: JobBus, jobId: number, hasEnded: () => Promise<boolean>): Promise<ReplyFollower> {
    const follower = new ReplyFollower(hasEnded);
    follower.subscription = await bus
      .subscribeEvents(String(jobId), (event) => {
        if (event.type === JOB_ENDED) return follower.end();
        if (event.type !== JOB_PROGRESS) return;
        const progress = decodeEvent(event.data);
        if ('text' in progress && progress.text) {
          follower.pieces.push(progress.text);
          follower.wake();
        }
      })
      .catch(() => null); // no subscription: the row checks still end the stream, with the whole reply at once
    return follower;
  }

  /** The reply's pieces as they come; returns once the job has ended (its last pieces included). */
  async *text(signal: AbortSignal): AsyncGenerator<string> {
    const timer = setInterval(() => {
      void this.hasEnded()
        .then((ended) => ended && this.end())
        .catch(() => undefined);
    }, ROW_CHECK_MS);
    // One listener for the whole reply (one per wait would pile up over thousands of tokens).
    const onAbort = () => this.wake();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      while (!signal.aborted) {
        while (this.pieces.length > 0) yield this.pieces.shift()!;
        if (this.ended) return;
        await new Promise<void>((resolve) => {
          this.wake = resolve;
          if (signal.aborted) resolve(); // it came while a piece was being written out
        });
      }
    } finally {
      clearInterval(timer);
      signal.removeEventListener('abort', onAbort);
      await this.stop();
    }
  }

  async stop(): Promise<void> {
    const subscription = this.subscription;
    this.subscription = null;
    await subscription?.unsubscribe().catch(() => undefined);
  }

  private end(): void {
    this.ended = true;
    this.wake();
  }
}
