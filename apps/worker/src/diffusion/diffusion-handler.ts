import {
  DIFFUSION_SERVICE,
  OUTPUT_EXTENSIONS,
  type DiffusionParams,
  type JobPayload,
} from '@easel/contracts';
import type { JobContext, JobOutput, ServiceHandler } from '../service-handler';
import type { DiffusionGeneration, GenerationInput } from './diffusion-generation';
import { latentPreviewPng } from './latent-preview';

/** A diffusion job's generation: its params as they are. */
const diffusionInput = (payload: JobPayload): GenerationInput => ({
  tenantId: payload.tenantId,
  modelId: payload.modelId,
  params: payload.params as unknown as DiffusionParams,
});

/**
 * Generation jobs from the bus: text2img / img2img / inpaint (the diffusion service), and every
 * service whose job is a generation with more inputs (controlnet), through `toInput`.
 */
export class DiffusionHandler implements ServiceHandler {
  constructor(
    private readonly generation: DiffusionGeneration,
    readonly service: string = DIFFUSION_SERVICE,
    private readonly toInput: (payload: JobPayload) => GenerationInput = diffusionInput,
  ) {}

  async run(payload: JobPayload, context: JobContext): Promise<JobOutput> {
    let last: { step: number; total: number; phase?: string } = { step: 0, total: 0 };
    // Engine errors say themselves whether they are retryable: the job runner maps them (describeFailure).
    const { result, images, mimeType, format } = await this.generation.run(
      this.toInput(payload),
      {
        signal: context.signal,
        onProgress: ({ step, total, latents, phase }) => {
          last = { step, total, phase };
          context.progress(step, total, latents && (() => latentPreviewPng(latents)), phase);
        },
        // Upscaling and the NSFW check keep the job alive at its last step.
        heartbeat: () => context.progress(last.step, last.total, undefined, last.phase),
      },
    );
    return {
      result: result as unknown as Record<string, unknown>,
      files: images.map((body) => ({ body, contentType: mimeType, extension: OUTPUT_EXTENSIONS[format] })),
    };
  }
}
