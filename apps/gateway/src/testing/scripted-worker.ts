import type { JobPayload } from '@easel/contracts';
import { JobsRepository } from '@easel/db';
import { JobRunner, PermanentJobError, type JobOutput, type ServiceHandler } from '@easel/worker';
import type { TestGateway } from './test-gateway';

/** A 1×1 PNG: what the scripted service "draws". */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGP4z8DwHwAFAAH/iZk9HQAAAABJRU5ErkJggg==', 'base64');

/**
 * The diffusion service without the engine: one PNG per sample at once, or a permanent
 * failure for a prompt that contains "fail". Runs under the worker's real JobRunner, so jobs
 * settle (artifacts, credits, webhooks) exactly as in production.
 */
class ScriptedDiffusion implements ServiceHandler {
  readonly service = 'diffusion';
  async run(payload: JobPayload): Promise<JobOutput> {
    const params = payload.params as { prompt?: string; samples?: number };
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
      files: Array.from({ length: samples }, () => ({ body: PNG, contentType: 'image/png', extension: 'png' })),
    };
  }
}

export async function startScriptedWorker(harness: TestGateway, options: { concurrency?: number; tempArtifactSeconds?: number } = {}): Promise<JobRunner> {
  const runner = new JobRunner({
    bus: harness.bus,
    jobs: new JobsRepository(harness.db.prisma),
    store: harness.store,
    handler: new ScriptedDiffusion(),
    pool: 'default',
    concurrency: options.concurrency ?? 8,
    ackWaitMs: 30_000,
    maxDeliver: 3,
    tempArtifactSeconds: options.tempArtifactSeconds,
  });
  await runner.start();
  return runner;
}
