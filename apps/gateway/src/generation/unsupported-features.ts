import type { FieldErrors, GenerationRequest } from './request';

/**
 * Options of the dialect this deployment cannot honour yet. Asking for one is an error
 * naming the field — never a silently different image.
 */
export function unsupportedFeatures(req: GenerationRequest): FieldErrors {
  const errors: FieldErrors = {};
  const reject = (field: string, asked: boolean) => {
    if (asked) errors[field] = [`The ${field.replace(/_/g, ' ')} option is not available in this deployment.`];
  };
  // highres_fix, panorama, self_attention, multi_lingual and enhance_prompt run in the engine;
  // the ones that need a kind or a model they lack are refused here and in model-capabilities.ts.
  if (req.highresFix && req.kind !== 'text2img') errors.highres_fix = ['The highres fix option is only available for text2img.'];
  if (req.panorama && req.kind === 'inpaint') errors.panorama = ['The panorama option is not available for inpainting.'];
  reject('vae', req.vae !== null);
  return errors;
}

/** What `meta` reports for options accepted but not applied (they never change the pixels). */
export const NOT_APPLIED_META = {
  tomesd: 'no',
};
