import { join } from 'node:path';
import type { DiffusionEngine } from '@easel/engine-diffusion';
import { SafetyChecker } from '@easel/engine-safety';
import { Upscaler } from '@easel/engine-upscale';
import { BundledModelCatalog } from '@easel/model-store';
import { DiffusionGeneration } from '../diffusion/diffusion-generation';
import type { GenerationSlots } from '../generation-slots';
import type { DiffusionServiceOptions } from './diffusion-service';

export const MODELS = join(__dirname, '../../../../models');

/** DiffusionService options over the repo's bundled models (default easel-tiny), as a worker builds them. */
export function bundledServiceOptions(engine: DiffusionEngine, slots?: GenerationSlots): { options: DiffusionServiceOptions; dispose(): Promise<void> } {
  const postProcessors = { upscaler: new Upscaler(), safety: new SafetyChecker() };
  const catalog = new BundledModelCatalog(MODELS);
  const generation = new DiffusionGeneration({ engine, catalog, defaultModel: 'easel-tiny', fetchAllowHosts: [], postProcessors });
  return {
    options: { generation, engine, catalog, maxConcurrent: 1, ...(slots ? { slots } : {}) },
    async dispose() {
      postProcessors.upscaler.dispose();
      await postProcessors.safety.dispose();
    },
  };
}
