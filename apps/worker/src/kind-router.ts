import type { JobPayload } from '@easel/contracts';
import type { JobContext, JobOutput, ServiceHandler } from './service-handler';

/** One service whose jobs come in several kinds (diffusion: text2img…, super_resolution), each with its handler. */
export class KindRouter implements ServiceHandler {
  constructor(
    readonly service: string,
    private readonly fallback: ServiceHandler,
    private readonly byKind: Record<string, ServiceHandler>,
  ) {}

  run(payload: JobPayload, context: JobContext): Promise<JobOutput> {
    return (this.byKind[payload.kind] ?? this.fallback).run(payload, context);
  }

  async close(): Promise<void> {
    await Promise.all([this.fallback, ...Object.values(this.byKind)].map((h) => h.close?.()));
  }
}
