/**
 * Parse and validate a POST /api/v5/controlnet body: the generation's fields (read by the
 * generation parser, as text2img, img2img or inpaint) and the ControlNets' (controlnet-fields.ts).
 * Every bad field of both is reported at once.
 */
import type { ControlUnitParams } from '@easel/contracts';
import type { FieldErrors, Parsed } from '../common/request/field-reader';
import { messages } from '../common/request/messages';
import { parseGenerationRequest, type GenerationKind, type GenerationRequest } from '../generation/request';
import { CONTROLNET_REQUEST } from './controlnet-fields';

export interface ControlNetRequest {
  generation: GenerationRequest;
  controlnets: ControlUnitParams[];
  controlImage: string | null;
  autoHint: boolean;
  guessMode: boolean;
}

const given = (body: Record<string, unknown>, name: string) => {
  const v = body[name];
  return v !== undefined && v !== null && v !== '';
};

/** inpaint with a mask; img2img when there is an init image and a strength; else text-to-image under control. */
export function controlledKind(body: Record<string, unknown>): GenerationKind {
  if (given(body, 'mask_image')) return 'inpaint';
  if (given(body, 'init_image') && (given(body, 'strength') || given(body, 'prompt_strength'))) return 'img2img';
  return 'text2img';
}

export function parseControlNetRequest(body: Record<string, unknown>): Parsed<ControlNetRequest> {
  const generation = parseGenerationRequest(controlledKind(body), body);
  const { values: v, fields } = CONTROLNET_REQUEST.read(body);
  if (v.control_guidance_start !== null && v.control_guidance_end !== null && v.control_guidance_start >= v.control_guidance_end) {
    fields.fail('control_guidance_start', 'The control guidance start must be below the control guidance end.');
  }
  if (v.control_image === null && v.init_image === null && !fields.hasErrors('control_image') && !fields.hasErrors('init_image')) {
    fields.fail('control_image', messages.required('control_image') + ' (or an init image to take the hint from)');
  }
  const errors: FieldErrors = { ...(generation.ok ? {} : generation.errors) };
  for (const [name, list] of Object.entries(fields.errors)) errors[name] = [...(errors[name] ?? []), ...list];
  if (!generation.ok || Object.keys(errors).length > 0) return { ok: false, errors };
  const controlnets = v.controlnet_model.map((model, i) => ({
    model,
    type: v.controlnet_type[i] ?? model,
    scale: v.controlnet_conditioning_scale[i] ?? 1,
    guidanceStart: v.control_guidance_start,
    guidanceEnd: v.control_guidance_end,
  }));
  return {
    ok: true,
    value: {
      generation: generation.value,
      controlnets,
      // text-to-image under control reads no init image: it is only the hint's source
      controlImage: v.control_image ?? (generation.value.kind === 'text2img' ? v.init_image : null),
      autoHint: v.auto_hint,
      guessMode: v.guess_mode,
    },
  };
}
