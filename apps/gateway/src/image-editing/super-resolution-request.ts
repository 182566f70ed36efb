/**
 * The body of `super_resolution` (`/api/v6/image_editing/super_resolution`, `/api/v3/super_resolution`)
 * → `SuperResolutionRequest`, or every bad field as a Laravel-style error. Pure, like the generation parser.
 */
import { SUPER_RESOLUTION_KIND, type SuperResolutionParams } from '@easel/contracts';
import { COMMON_LIMITS, type FieldReader, type Parsed } from '../common/request/field-reader';
import { field, outputFormatField } from '../common/request/fields';
import { messages } from '../common/request/messages';
import { RequestSchema, type FieldSpecs } from '../common/request/request-schema';
import { readImage } from '../common/request/shared-fields';
import { checkSuperResolutionImage } from './super-resolution-image';

export interface SuperResolutionRequest extends SuperResolutionParams {
  webhook: string | null;
  trackId: string | number | null;
  temp: boolean;
  /** The definition resolves `faceModel` from it. */
  faceEnhance: boolean;
}

export const SUPER_RESOLUTION_LIMITS = { scale: { min: 2, max: 4 } } as const;
export const SUPER_RESOLUTION_DEFAULTS = {
  /** Real-ESRGAN's x4 models are what the dialect's model ids name. */
  scale: 4,
  /** The public service's default model id; it maps onto the bundled slim model. */
  modelId: 'realesr-general-x4v3',
  faceEnhance: false,
  base64: false,
  temp: false,
  outputFormat: 'png',
} as const;

/**
 * `model_id` (Real-ESRGAN's names, any letter case) → the bundled model that stands in for it
 * (packages/engine-upscale): the compact general model → esrgan-slim, the RRDB x4plus/x2plus family →
 * esrgan-medium. Anime and face models have no counterpart and are refused.
 */
export const SUPER_RESOLUTION_MODELS: Record<string, 'esrgan-slim' | 'esrgan-medium'> = {
  'realesr-general-x4v3': 'esrgan-slim',
  'realesr-general-wdn-x4v3': 'esrgan-slim',
  RealESRGAN_x4plus: 'esrgan-medium',
  RealESRGAN_x2plus: 'esrgan-medium',
  RealESRNet_x4plus: 'esrgan-medium',
  'esrgan-slim': 'esrgan-slim',
  'esrgan-medium': 'esrgan-medium',
};
export const SUPER_RESOLUTION_MODEL_IDS = Object.keys(SUPER_RESOLUTION_MODELS);
const BY_LOWER_CASE = new Map(
  Object.entries(SUPER_RESOLUTION_MODELS).map(([id, model]) => [id.toLowerCase(), model]),
);
const resolveModel = (id: string) => BY_LOWER_CASE.get(id.toLowerCase()) ?? null;

/** A validation error the gateway answers before queueing (unknown model ids). */
function unsupported(fields: FieldReader, modelId: string | null) {
  if (modelId !== null && resolveModel(modelId) === null)
    fields.fail('model_id', messages.oneOf('model_id', SUPER_RESOLUTION_MODEL_IDS));
}

const D = SUPER_RESOLUTION_DEFAULTS;
const IMAGE_NOTE = ' At most 1024×1024 pixels.';
const models = Object.entries(SUPER_RESOLUTION_MODELS)
  .map(([id, model]) => `${id} → ${model}`)
  .join(', ');

/** Every body field of a super_resolution request, in the order the parser reads them. */
export const SUPER_RESOLUTION_FIELDS = {
  key: field.key(),
  // `url` is the v6 name, `init_image` the v3 one; one of them is required (url is what the schema requires).
  url: field.custom(
    field.image(
      'The image to upscale (the v6 name; `init_image` is the v3 one, one of the two is required)',
      { note: IMAGE_NOTE },
    ).schema,
    (fields) => {
      const imageField = fields.firstGiven('url', 'init_image') as 'url' | 'init_image';
      const image = readImage(fields, imageField);
      if (!fields.hasErrors(imageField)) checkSuperResolutionImage(fields, imageField, image);
      return { imageField, image };
    },
    { required: true },
  ),
  init_image: field.custom(field.image('Alias of url', { note: IMAGE_NOTE }).schema, () => undefined),
  scale: field.integer(SUPER_RESOLUTION_LIMITS.scale, {
    default: D.scale,
    description: 'How many times larger each side gets.',
  }),
  model_id: field.custom(
    {
      anyOf: [{ type: 'string', maxLength: COMMON_LIMITS.maxIdCharacters }, { type: 'null' }],
      default: D.modelId,
      description: `The Real-ESRGAN model id (any letter case), run on the bundled model that stands in for it: ${models}. Others (anime, face models) are refused.`,
    },
    (fields, name) => {
      const raw = fields.get(name);
      return typeof raw === 'number' ? String(raw) : fields.text(name, COMMON_LIMITS.maxIdCharacters);
    },
  ),
  face_enhance: field.flag({
    default: D.faceEnhance,
    description:
      'yes: face restoration after upscaling, by the newest face_restore model the key may use (a GFPGAN- or CodeFormer-style ONNX graph loaded with POST /api/v3/load_model, model_category face_restore), run on the upscaled image taken as one face. No face model is bundled: without one loaded, yes is refused with a validation error naming the field.',
  }),
  base64: field.flag({ default: D.base64, description: '`output` holds base64 data instead of a URL.' }),
  temp: field.flag({ default: D.temp, description: 'Short-lived output links.' }),
  webhook: field.webhook(),
  track_id: field.trackId(),
  output_format: outputFormatField("Easel's addition: the output's format."),
} satisfies FieldSpecs;

export const SUPER_RESOLUTION_REQUEST = new RequestSchema(
  SUPER_RESOLUTION_FIELDS,
  'Numbers may be sent as numeric strings and flags as yes/no, true/false or 1/0; null and "" mean unset. Unknown fields are ignored. Every bad field is reported at once (422). Meta reports W/H (output), input_W/input_H, scale, model_id and upscale_model; timings has upscale.',
);

export function parseSuperResolutionRequest(body: Record<string, unknown>): Parsed<SuperResolutionRequest> {
  const { values: v, fields } = SUPER_RESOLUTION_REQUEST.read(body);
  unsupported(fields, v.model_id);
  const { image, imageField } = v.url;
  if (fields.hasErrors() || image === null) return { ok: false, errors: fields.errors };
  return {
    ok: true,
    value: {
      kind: SUPER_RESOLUTION_KIND,
      image,
      imageField,
      scale: v.scale as 2 | 3 | 4,
      modelId: v.model_id,
      upscaleModel: resolveModel(v.model_id ?? D.modelId) ?? 'esrgan-slim',
      outputFormat: v.output_format,
      base64: v.base64,
      temp: v.temp,
      webhook: v.webhook,
      trackId: v.track_id,
      faceEnhance: v.face_enhance,
      faceModel: null,
    },
  };
}
