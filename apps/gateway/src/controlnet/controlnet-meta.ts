import type { ControlNetParams } from '@easel/contracts';
import { generationMeta } from '../generation/diffusion-meta';
import type { GenerationRequest } from '../generation/request';
import { storedRequest } from '../jobs/job-message';
import type { JobWithArtifacts } from '../jobs/job-responses';
import { yesNo, isUrl } from '../common/meta-values';


/** `meta` of a finished controlnet job: the generation's, then the ControlNets as the request named them. */
export function controlNetMeta(job: JobWithArtifacts): Record<string, unknown> {
  const params = storedRequest(job).params as unknown as ControlNetParams & { generation: GenerationRequest };
  const units = params.controlnets;
  return {
    ...generationMeta(job, params.generation),
    controlnet_model: units.map((u) => u.model).join(','),
    controlnet_type: units.map((u) => u.type).join(','),
    controlnet_conditioning_scale: units.map((u) => u.scale).join(','),
    control_guidance_start: units[0]?.guidanceStart ?? 0,
    control_guidance_end: units[0]?.guidanceEnd ?? 1,
    auto_hint: yesNo(params.autoHint),
    guess_mode: yesNo(params.guessMode),
    strength: params.generation.kind === 'text2img' ? null : params.generation.strength,
    control_image: isUrl(params.controlImage) ? params.controlImage : null,
  };
}
