import type { JobPayload } from '@easel/contracts';
import { JobsRepository } from '@easel/db';
import {
  JobRunner,
  PermanentJobError,
  type JobContext,
  type JobOutput,
  type ServiceHandler,
} from '@easel/worker';
import type { TestGateway } from './test-gateway';

/** A 1×1 PNG: what the scripted service "draws". */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGP4z8DwHwAFAAH/iZk9HQAAAABJRU5ErkJggg==',
  'base64',
);

/**
 * The diffusion service without the engine: one PNG per sample at once, or a permanent
 * failure for a prompt that contains "fail". Runs under the worker's real JobRunner, so jobs
 * settle (artifacts, credits, webhooks) exactly as in production.
 */
export interface ScriptedProgress {
  /** Steps reported (each with a preview the reporter may send), ~300 ms apart so none is throttled away. */
  steps: number;
  /** Awaited before the first step: lets a test connect a listener first. */
  before?: (jobId: number) => Promise<void>;
}

/** What the engine names the passes of a highres_fix job: the first half of the steps, then the rest. */
const highresPhase = (step: number, steps: number) =>
  step <= Math.ceil(steps / 2) ? 'highres_base' : 'highres_refine';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

class ScriptedDiffusion implements ServiceHandler {
  readonly service = 'diffusion';
  constructor(private readonly progress?: ScriptedProgress) {}

  async run(payload: JobPayload, context: JobContext): Promise<JobOutput> {
    const params = payload.params as { prompt?: string; samples?: number; highresFix?: boolean };
    if (this.progress) {
      await this.progress.before?.(payload.jobId);
      for (let step = 1; step <= this.progress.steps; step++) {
        if (step > 1) await sleep(300);
        const phase = params.highresFix ? highresPhase(step, this.progress.steps) : undefined;
        context.progress(step, this.progress.steps, async () => PNG, phase);
      }
    }
    if (params.prompt?.includes('fail')) throw new PermanentJobError('scripted failure');
    const samples = params.samples ?? 1;
    return {
      result: {
        seeds: Array.from({ length: samples }, (_, i) => i + 1),
        width: 1,
        height: 1,
        steps: 1,
        scheduler: 'DPMSolverMultistepScheduler',
        modelId: payload.modelId ?? 'easel-tiny',
        format: 'png',
        generationTime: 0,
        nsfwContentDetected: false,
        timings: {},
      },
      files: Array.from({ length: samples }, () => ({
        body: PNG,
        contentType: 'image/png',
        extension: 'png',
      })),
    };
  }
}

export async function startScriptedWorker(
  harness: TestGateway,
  options: { concurrency?: number; tempArtifactSeconds?: number; progress?: ScriptedProgress } = {},
): Promise<JobRunner> {
  const runner = new JobRunner({
    bus: harness.bus,
    jobs: new JobsRepository(harness.db.prisma),
    store: harness.store,
    handler: new ScriptedDiffusion(options.progress),
    pool: 'default',
    concurrency: options.concurrency ?? 8,
    ackWaitMs: 30_000,
    maxDeliver: 3,
    tempArtifactSeconds: options.tempArtifactSeconds,
  });
  await runner.start();
  return runner;
}
