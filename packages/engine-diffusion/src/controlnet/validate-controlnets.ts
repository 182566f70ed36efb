import { InvalidRequestError, UnsupportedFeatureError } from '../errors';
import type { GenerateRequest } from '../pipeline/types';
import { MAX_CONDITIONING_SCALE, MAX_CONTROLNETS } from './controlnet-use';

/** The ControlNet fields of a request, checked with the API's field names. */
export function validateControlNets(req: GenerateRequest): void {
  const uses = req.controlNets ?? [];
  if (uses.length === 0) {
    if (req.guessMode) throw new InvalidRequestError('required', 'controlnet_model', 'guess_mode needs a ControlNet (controlnet_model).');
    return;
  }
  if (uses.length > MAX_CONTROLNETS) throw new InvalidRequestError('too_many_controlnets', 'controlnet_model', `At most ${MAX_CONTROLNETS} ControlNets can be combined.`);
  if (req.panorama) throw new UnsupportedFeatureError('panorama', 'panorama is unsupported with ControlNet.');
  if (req.highresFix) throw new UnsupportedFeatureError('highres_fix', 'highres_fix is unsupported with ControlNet.');
  for (const use of uses) {
    const scale = use.scale ?? 1;
    if (typeof scale !== 'number' || !Number.isFinite(scale) || scale < 0 || scale > MAX_CONDITIONING_SCALE) {
      throw new InvalidRequestError('invalid_conditioning_scale', 'controlnet_conditioning_scale', `Each controlnet_conditioning_scale must be a number between 0 and ${MAX_CONDITIONING_SCALE}.`);
    }
    const start = use.guidanceStart ?? 0;
    const end = use.guidanceEnd ?? 1;
    for (const [field, v] of [['control_guidance_start', start], ['control_guidance_end', end]] as const) {
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 1) throw new InvalidRequestError('invalid_control_guidance', field, `The ${field} field must be between 0 and 1.`);
    }
    if (start >= end) throw new InvalidRequestError('invalid_control_guidance', 'control_guidance_start', 'control_guidance_start must be below control_guidance_end.');
  }
}
