/** Generation fields whose reading is more than a type and a range. */
import { coerceInteger, coerceNumberList } from '../../common/request/coercion';
import type { FieldReader } from '../../common/request/field-reader';
import { messages } from '../../common/request/messages';
import { GENERATION_LIMITS, type Upscale } from './generation-limits';

export interface SizeLimits {
  maxSide: number;
  maxPixels: number;
}

/**
 * Width and height: integers, multiples of 8, 64 and more each, within the broadest limits of any
 * model (SDXL's: 1536 on a side, 1024² pixels; with panorama, up to 2048 on a side and 2048×768
 * pixels). A model's own, narrower limits are checked once it is known (family-capabilities.ts).
 */
export function readSize(
  fields: FieldReader,
  panorama: boolean,
): { width: number | null; height: number | null } {
  const { sideMultiple, minSide } = GENERATION_LIMITS;
  const limits = panorama ? GENERATION_LIMITS.panorama : GENERATION_LIMITS.large;
  const side = (field: 'width' | 'height'): number | null => {
    const value = fields.take(field, coerceInteger(fields.get(field), field));
    if (value === undefined || value === null) return null;
    if (value % sideMultiple !== 0) fields.fail(field, messages.multipleOf(field, sideMultiple));
    if (value < minSide) fields.fail(field, messages.atLeast(field, minSide));
    return value;
  };
  const width = side('width');
  const height = side('height');
  const wellFormed = !fields.hasErrors('width') && !fields.hasErrors('height');
  for (const [field, message] of sizeLimitErrors({ width, height }, limits, wellFormed))
    fields.fail(field, message);
  return { width, height };
}

/**
 * Each side at most `maxSide`, then (when `checkArea` and both sides are within it) width × height
 * at most `maxPixels`, naming the larger side and how far it may go. A null side is not checked; one
 * side alone cannot break the pixel budget here, the engine checks it against the model's default size.
 */
export function sizeLimitErrors(
  size: { width: number | null; height: number | null },
  { maxSide, maxPixels }: SizeLimits,
  checkArea = true,
): Array<['width' | 'height', string]> {
  const errors: Array<['width' | 'height', string]> = [];
  for (const field of ['width', 'height'] as const) {
    const value = size[field];
    if (value !== null && value > maxSide) errors.push([field, messages.notGreaterThan(field, maxSide)]);
  }
  const { width, height } = size;
  if (checkArea && errors.length === 0 && width !== null && height !== null && width * height > maxPixels) {
    const [field, other, otherValue] =
      width >= height ? (['width', 'height', height] as const) : (['height', 'width', width] as const);
    const ceiling =
      Math.floor(maxPixels / otherValue / GENERATION_LIMITS.sideMultiple) * GENERATION_LIMITS.sideMultiple;
    errors.push([field, messages.areaTooLarge(field, ceiling, other, otherValue)]);
  }
  return errors;
}

/** `seed`: an integer in [0, 2³²−1]; null, "" or absent → random. `-1` also means random (A1111's convention). */
export function readSeed(fields: FieldReader): number | null {
  const value = fields.take('seed', coerceInteger(fields.get('seed'), 'seed'));
  if (value === undefined || value === null || value === -1) return null;
  const { min, max } = GENERATION_LIMITS.seed;
  if (value < min || value > max) {
    fields.fail('seed', messages.between('seed', min, max));
    return null;
  }
  return value;
}

const UPSCALE_ALLOWED = ['no', '2', '3', '4'] as const;

/**
 * `upscale`: no | 2 | 3 | 4, as numbers or strings ("2x" too). "no", false, 0 and 1 (a factor of one)
 * mean no upscaling; "yes"/true mean 2, the factor the public service's yes/no form of the field gave.
 */
export function readUpscale(fields: FieldReader): Upscale | null {
  const raw = fields.get('upscale');
  if (raw === null) return null;
  if (raw === true) return 2;
  if (raw === false) return null;
  if (typeof raw === 'number' || typeof raw === 'string') {
    const word = String(raw).toLowerCase().replace(/x$/, '');
    if (word === 'yes' || word === 'true') return 2;
    if (['no', 'false', 'none'].includes(word)) return null;
    const factor = /^\d+(?:\.0*)?$/.test(word) ? Number(word) : NaN; // "2", "2.0"
    if (factor === 0 || factor === 1) return null;
    if (factor === 2 || factor === 3 || factor === 4) return factor;
  }
  fields.fail('upscale', messages.oneOf('upscale', UPSCALE_ALLOWED));
  return null;
}

/** `model_id`: a string id (a number is read as its decimal string). */
export function readModelId(fields: FieldReader, required: boolean): string | null {
  const raw = fields.get('model_id');
  if (typeof raw === 'number' && Number.isFinite(raw)) return String(raw);
  return fields.text('model_id', GENERATION_LIMITS.maxIdCharacters, required);
}

/**
 * `lora_strength`: one number per `lora_model` entry; one number alone applies to every LoRA; unset → 1
 * each. Given without any `lora_model`, it is ignored.
 */
export function readLoraStrength(fields: FieldReader, loraModel: string[]): number[] {
  const strengths = fields.take(
    'lora_strength',
    coerceNumberList(fields.get('lora_strength'), 'lora_strength'),
  );
  if (strengths === undefined || loraModel.length === 0) return [];
  if (strengths.length === 0) return loraModel.map(() => 1);
  if (strengths.length === 1) return loraModel.map(() => strengths[0]);
  if (strengths.length !== loraModel.length) {
    fields.fail('lora_strength', messages.itemsPer('lora_strength', loraModel.length, 'lora_model'));
  }
  return strengths;
}
