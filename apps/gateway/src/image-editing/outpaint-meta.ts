import type { DiffusionResult } from '@easel/contracts';
import type { OutpaintRequest } from './outpaint-request';

const isUrl = (value: string) => /^https?:\/\//i.test(value);

/** `meta` of an outpaint answer: the options that ran, the canvas, where the image lies on it, and the seed. */
export function outpaintMeta(params: OutpaintRequest, result: DiffusionResult): Record<string, unknown> {
  const extend = params.outpaint?.extend ?? null;
  return {
    // A base64 input is not echoed back (it may be megabytes).
    image: params.initImage && isUrl(params.initImage) ? params.initImage : null,
    prompt: params.prompt,
    negative_prompt: params.negativePrompt,
    W: result.width,
    H: result.height,
    ...(extend ? { left: extend.left, right: extend.right, top: extend.top, bottom: extend.bottom } : {}),
    overlap_width: params.outpaint?.overlapWidth ?? 0,
    steps: result.steps,
    guidance_scale: params.guidanceScale,
    seed: result.seeds[0],
    scheduler: result.scheduler,
    model_id: result.modelId,
    ...(result.featureMeta ?? {}),
    generated_W: result.generatedWidth,
    generated_H: result.generatedHeight,
    base64: params.base64 ? 'yes' : 'no',
    output_format: 'png',
    ...(result.nsfwScores ? { nsfw_scores: result.nsfwScores } : {}),
    generation_time_by_phase: result.timings,
  };
}
