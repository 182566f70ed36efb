/**
 * The body of `outpaint` (`/api/v6/image_editing/outpaint`, `/api/v3/outpaint`) → the diffusion
 * service's `DiffusionParams` of kind `outpaint`, or every bad field as a Laravel-style error.
 */
import { OUTPAINT_KIND, type DiffusionParams, type OutpaintSides } from '@easel/contracts';
import { COMMON_LIMITS, type Parsed } from '../common/request/field-reader';
import { field } from '../common/request/fields';
import { base64ImageSize } from '../common/request/image-header';
import { messages } from '../common/request/messages';
import { RequestSchema, type FieldSpecs } from '../common/request/request-schema';
import { GENERATION_LIMITS } from '../generation/request/generation-limits';
import { readSeed } from '../generation/request/generation-readers';

/** API.md's outpaint limits, and Easel's per-side form. */
export const OUTPAINT_LIMITS = {
  side: { min: 64, max: 1440 },
  extend: { min: 0, max: 1024 },
  overlapWidth: { min: 0, max: 42 },
  steps: { min: 1, max: 30 },
  guidanceScale: GENERATION_LIMITS.guidanceScale,
} as const;
export const OUTPAINT_DEFAULTS = {
  prompt: 'high quality',
  negativePrompt: 'low quality',
  width: 1280,
  height: 720,
  overlapWidth: 10,
  steps: 10,
  guidanceScale: 8,
} as const;

export interface OutpaintRequest extends DiffusionParams {
  /** null: the deployment's default model. */
  modelId: string | null;
  base64: boolean;
  webhook: string | null;
  trackId: string | number | null;
}

const L = OUTPAINT_LIMITS;
const D = OUTPAINT_DEFAULTS;
const SIDES = ['left', 'right', 'top', 'bottom'] as const;

const sideField = (side: string) =>
  field.integer(L.extend, {
    default: 0,
    description: `Easel's addition: pixels the canvas grows by on the ${side}. When any of left/right/top/bottom is set, the canvas is the image grown by them (at most ${L.side.max} on a side) and width/height are not used.`,
  });

/** Every body field of an outpaint request, in the order the parser reads them. */
export const OUTPAINT_FIELDS = {
  key: field.key(),
  image: field.image('The picture to extend', { note: ' At most 1440 pixels on a side.' }),
  prompt: field.text({
    maxLength: GENERATION_LIMITS.maxPromptCharacters,
    description: `What the new area shows. Unset: "${D.prompt}".`,
  }),
  negative_prompt: field.text({
    maxLength: GENERATION_LIMITS.maxPromptCharacters,
    description: `What to avoid. Unset: "${D.negativePrompt}".`,
  }),
  width: field.integer(L.side, {
    default: D.width,
    description:
      'The canvas width in pixels; the image is centred on it (scaled down to fit, aspect kept, if it is larger — then meta.image_scale < 1 and its pixels are resampled).',
  }),
  height: field.integer(L.side, {
    default: D.height,
    description: 'The canvas height in pixels; see width.',
  }),
  left: sideField('left'),
  right: sideField('right'),
  top: sideField('top'),
  bottom: sideField('bottom'),
  overlap_width: field.integer(L.overlapWidth, {
    default: D.overlapWidth,
    description:
      'Pixels of the image along each new edge that are repainted with the fill and blended into it (a linear ramp), hiding the seam. Every other pixel of the image is kept exactly.',
  }),
  num_inference_steps: field.custom(
    field.integer(L.steps, { default: D.steps, description: 'Denoising steps (also `steps`).' }).schema,
    (fields) => fields.integer(fields.firstGiven('num_inference_steps', 'steps'), L.steps, D.steps),
  ),
  steps: field.custom(
    field.integer(L.steps, { default: D.steps, description: 'Alias of num_inference_steps.' }).schema,
    () => undefined,
  ),
  guidance_scale: field.number(L.guidanceScale, {
    default: D.guidanceScale,
    description: 'Classifier-free guidance scale.',
  }),
  seed: field.custom(
    field.integer(GENERATION_LIMITS.seed, {
      default: null,
      description:
        'Same image, parameters and seed give the same pixels. Unset, null or -1: random, in meta.seed.',
    }).schema,
    (fields) => readSeed(fields),
  ),
  model_id: field.custom(
    {
      anyOf: [{ type: 'string', maxLength: COMMON_LIMITS.maxIdCharacters }, { type: 'null' }],
      description:
        "Easel's addition: the Stable Diffusion model that fills (a plain or an inpainting UNet). Unset: the deployment's default model.",
    },
    (fields, name) => fields.text(name, COMMON_LIMITS.maxIdCharacters),
  ),
  base64: field.flag({ default: false, description: '`output` holds base64 data instead of a URL.' }),
  temp: field.flag({ default: false, description: 'Short-lived output links.' }),
  webhook: field.webhook(),
  track_id: field.trackId(),
} satisfies FieldSpecs;

export const OUTPAINT_REQUEST = new RequestSchema(
  OUTPAINT_FIELDS,
  'Numbers may be sent as numeric strings and flags as yes/no, true/false or 1/0; null and "" mean unset. Unknown fields are ignored. Every bad field is reported at once (422). The output is a PNG of the canvas: the image where it was placed, the new area drawn by the diffusion model (inpainting with the prompt). Meta reports W, H, the image\'s place (image_x, image_y, image_W, image_H, image_scale), the size the model drew at (generated_W, generated_H) and seed.',
);

/** A base64 image whose header is known: the grown canvas must stay within the side limit. */
function checkCanvas(
  fields: { fail(field: string, message: string): void },
  image: string,
  extend: OutpaintSides | null,
): void {
  const size = extend ? base64ImageSize(image) : null;
  if (!size || !extend) return;
  const width = size.width + extend.left + extend.right;
  const height = size.height + extend.top + extend.bottom;
  const max = L.side.max;
  if (width > max)
    fields.fail(
      extend.right > 0 ? 'right' : 'left',
      `The canvas (image width + left + right) must not be greater than ${max}; it is ${width}.`,
    );
  if (height > max)
    fields.fail(
      extend.bottom > 0 ? 'bottom' : 'top',
      `The canvas (image height + top + bottom) must not be greater than ${max}; it is ${height}.`,
    );
}

export function parseOutpaintRequest(body: Record<string, unknown>): Parsed<OutpaintRequest> {
  const { values: v, fields } = OUTPAINT_REQUEST.read(body);
  const sides = { left: v.left, right: v.right, top: v.top, bottom: v.bottom };
  const extend = SIDES.some((s) => sides[s] > 0) ? sides : null;
  if (v.image !== null && !fields.hasErrors('image')) checkCanvas(fields, v.image, extend);
  if (fields.hasErrors() || v.image === null) {
    if (v.image === null && !fields.hasErrors('image')) fields.fail('image', messages.required('image'));
    return { ok: false, errors: fields.errors };
  }
  return {
    ok: true,
    value: {
      kind: OUTPAINT_KIND,
      prompt: v.prompt ?? D.prompt,
      negativePrompt: v.negative_prompt ?? D.negativePrompt,
      width: v.width,
      height: v.height,
      samples: 1,
      steps: v.num_inference_steps,
      guidanceScale: v.guidance_scale,
      seed: v.seed,
      scheduler: null,
      useKarrasSigmas: false,
      algorithmType: null,
      clipSkip: 1,
      strength: null,
      initImage: v.image,
      maskImage: null,
      outputFormat: 'png',
      temp: v.temp,
      outpaint: { extend, overlapWidth: v.overlap_width },
      base64: v.base64,
      webhook: v.webhook,
      trackId: v.track_id,
      modelId: v.model_id,
    },
  };
}
