/**
 * The body of `super_resolution` (`/api/v6/image_editing/super_resolution`, `/api/v3/super_resolution`)
 * → `SuperResolutionRequest`, or every bad field as a Laravel-style error. Pure, like the generation parser.
 */
import { SUPER_RESOLUTION_KIND, type SuperResolutionParams } from '@easel/contracts';
import { type FieldErrors, FieldReader, GENERATION_LIMITS, type Parsed, readImage, readTrackId, readWebhook } from '../generation/request/generation-request';
import { messages } from '../generation/request/messages';
import { checkSuperResolutionImage } from './super-resolution-image';

export interface SuperResolutionRequest extends SuperResolutionParams {
  webhook: string | null;
  trackId: string | number | null;
  temp: boolean;
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
const BY_LOWER_CASE = new Map(Object.entries(SUPER_RESOLUTION_MODELS).map(([id, model]) => [id.toLowerCase(), model]));
const resolveModel = (id: string) => BY_LOWER_CASE.get(id.toLowerCase()) ?? null;
const OUTPUT_FORMATS = { png: 'png', jpeg: 'jpeg', jpg: 'jpeg', webp: 'webp' } as const;

/** A validation error the gateway answers before queueing (unsupported options, unknown model ids). */
function unsupported(fields: FieldReader, faceEnhance: boolean, modelId: string | null) {
  if (faceEnhance) fields.fail('face_enhance', 'The face enhance option is not available in this deployment (no face-restoration model is bundled); send face_enhance: no.');
  if (modelId !== null && resolveModel(modelId) === null) fields.fail('model_id', messages.oneOf('model_id', SUPER_RESOLUTION_MODEL_IDS));
}

export function parseSuperResolutionRequest(body: Record<string, unknown>): Parsed<SuperResolutionRequest> {
  const fields = new FieldReader(body);
  const D = SUPER_RESOLUTION_DEFAULTS;
  // `url` is the v6 name, `init_image` the v3 one; one of them is required.
  const imageField = fields.firstGiven('url', 'init_image') as 'url' | 'init_image';
  const image = readImage(fields, imageField);
  if (!fields.hasErrors(imageField)) checkSuperResolutionImage(fields, imageField, image);
  const scale = fields.integer('scale', SUPER_RESOLUTION_LIMITS.scale, D.scale) as 2 | 3 | 4;
  const rawModelId = fields.get('model_id');
  const modelId = typeof rawModelId === 'number' ? String(rawModelId) : fields.text('model_id', GENERATION_LIMITS.maxIdCharacters);
  const faceEnhance = fields.flag('face_enhance', D.faceEnhance);
  const base64 = fields.flag('base64', D.base64);
  const temp = fields.flag('temp', D.temp);
  const webhook = readWebhook(fields);
  const trackId = readTrackId(fields);
  const outputFormat = fields.choice('output_format', OUTPUT_FORMATS, ['png', 'jpeg', 'webp']) ?? D.outputFormat;
  unsupported(fields, faceEnhance, modelId);
  if (fields.hasErrors() || image === null) return { ok: false, errors: fields.errors as FieldErrors };
  return {
    ok: true,
    value: {
      kind: SUPER_RESOLUTION_KIND,
      image,
      imageField,
      scale,
      modelId,
      upscaleModel: resolveModel(modelId ?? D.modelId) ?? 'esrgan-slim',
      outputFormat,
      base64,
      temp,
      webhook,
      trackId,
      faceEnhance,
    },
  };
}
