import type { ControlNetParams, JobPayload } from '@easel/contracts';
import type { GenerationInput } from '../diffusion/diffusion-generation';

/** A controlnet job (or direct call) as the diffusion generation it is, with its ControlNets. */
export function controlNetInput(tenantId: string, modelId: string | null, params: ControlNetParams): GenerationInput {
  const { generation, controlnets, controlImage, autoHint, guessMode } = params;
  return { tenantId, modelId, params: generation, control: { controlnets, controlImage, autoHint, guessMode } };
}

export const controlNetJobInput = (payload: JobPayload): GenerationInput =>
  controlNetInput(payload.tenantId, payload.modelId, payload.params as unknown as ControlNetParams);
