import { diffusionParams } from '@easel/contracts';
import type { DiffusionGeneration } from '../diffusion/diffusion-generation';

const PER_CALL = 4;

/**
 * DreamBooth's prior preservation: `count` images of the class prompt drawn by the base model
 * itself (seeded from the training's seed), so the trainer keeps what the class looked like.
 */
export async function generateClassImages(
  generation: DiffusionGeneration,
  request: { tenantId: string; modelId: string; prompt: string; negativePrompt: string; size: number; count: number; seed: number },
  signal: AbortSignal,
  heartbeat: () => void,
): Promise<Buffer[]> {
  const images: Buffer[] = [];
  for (let i = 0; images.length < request.count; i++) {
    const params = diffusionParams({
      prompt: request.prompt,
      negativePrompt: request.negativePrompt || null,
      width: request.size,
      height: request.size,
      samples: Math.min(PER_CALL, request.count - images.length),
      seed: request.seed + 1000 + i,
      safetyChecker: false,
    });
    const out = await generation.run({ tenantId: request.tenantId, modelId: request.modelId, params }, { signal, heartbeat, onProgress: heartbeat });
    images.push(...out.images);
  }
  return images;
}
