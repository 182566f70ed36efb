import { basename } from 'node:path';
import type { DiffusionEngine } from '@easel/engine-diffusion';
import type { DiffusionGeneration } from '../diffusion/diffusion-generation';
import type { GenerationSlots } from '../generation-slots';

/** The fields of every generation service's GetCapacity answer (diffusion, controlnet): slots, loaded model ids, device. */
export function generationCapacity(slots: GenerationSlots, engine: DiffusionEngine, generation: DiffusionGeneration, device: string) {
  return {
    slotsTotal: slots.total,
    slotsBusy: slots.busy,
    loadedModels: engine.loadedModels().map((dir) => generation.modelIdOf(dir) ?? basename(dir)),
    device,
  };
}
