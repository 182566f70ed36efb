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
  reject('upscale', req.upscale !== null);
  reject('highres_fix', req.highresFix);
  reject('panorama', req.panorama);
  reject('self_attention', req.selfAttention);
  reject('multi_lingual', req.multiLingual);
  reject('enhance_prompt', req.enhancePrompt);
  reject('vae', req.vae !== null);
  return errors;
}

/** What `meta` reports for options accepted but not applied (they never change the pixels). */
export const NOT_APPLIED_META = {
  // No NSFW classifier is installed yet: say so instead of echoing "yes".
  safety_checker: 'no',
  tomesd: 'no',
};
