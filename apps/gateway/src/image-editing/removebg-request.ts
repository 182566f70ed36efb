/**
 * The body of `removebg_mask` (`/api/v6/image_editing/removebg_mask`, `/api/v3/removebg_mask`) →
 * `RemoveBackgroundParams`, or every bad field as a Laravel-style error. Pure, like the other parsers.
 */
import { REMOVE_BACKGROUND_KIND, type RemoveBackgroundParams } from '@easel/contracts';
import type { Parsed } from '../common/request/field-reader';
import { field } from '../common/request/fields';
import { RequestSchema, type FieldSpecs } from '../common/request/request-schema';
import { GENERATION_LIMITS } from '../generation/request/generation-limits';
import { readSeed } from '../generation/request/generation-readers';

export interface RemoveBackgroundRequest extends Omit<RemoveBackgroundParams, 'seed'> {
  /** null: drawn by the definition (and reported back). */
  seed: number | null;
  webhook: string | null;
  trackId: string | number | null;
}

/** rembg's ranges and defaults, which the public endpoint's fields come from. */
export const REMOVE_BACKGROUND_LIMITS = {
  foregroundThreshold: { min: 0, max: 240 },
  backgroundThreshold: { min: 0, max: 20 },
  erodeSize: { min: 0, max: 5 },
} as const;
export const REMOVE_BACKGROUND_DEFAULTS = {
  foregroundThreshold: 240,
  backgroundThreshold: 20,
  erodeSize: 5,
} as const;

const L = REMOVE_BACKGROUND_LIMITS;
const D = REMOVE_BACKGROUND_DEFAULTS;

/** Every body field of a removebg_mask request, in the order the parser reads them. */
export const REMOVE_BACKGROUND_FIELDS = {
  key: field.key(),
  image: field.image('The picture whose background is removed', { note: ' At most 1024×1024 pixels.' }),
  only_mask: field.flag({
    default: false,
    description: 'yes: the mask alone (a greyscale PNG, white = the object) instead of the cut-out.',
  }),
  inverse_mask: field.flag({
    default: false,
    description: 'yes: the mask inverted (the background kept, the object made transparent).',
  }),
  alpha_matting: field.flag({
    default: false,
    description:
      "yes: the edge's alpha refined from a trimap with the thresholds and erode size below (a local colour model). no: the same refinement with 240/20 and erode 2.",
  }),
  alpha_matting_foreground_threshold: field.integer(L.foregroundThreshold, {
    default: D.foregroundThreshold,
    description: 'Alpha matting: mask values (0–255) above it are the object for sure.',
  }),
  alpha_matting_background_threshold: field.integer(L.backgroundThreshold, {
    default: D.backgroundThreshold,
    description: 'Alpha matting: mask values below it are background for sure.',
  }),
  alpha_matting_erode_size: field.integer(L.erodeSize, {
    default: D.erodeSize,
    description: 'Alpha matting: pixels the sure regions shrink by before the edge is matted.',
  }),
  post_process_mask: field.flag({
    default: false,
    description: 'yes: specks dropped and small holes in the object filled.',
  }),
  seed: field.custom(
    field.integer(GENERATION_LIMITS.seed, {
      default: null,
      description:
        "GrabCut's colour models start from k-means drawn from it: the same image and seed give the same mask. Unset, null or -1: random, reported back in meta.seed.",
    }).schema,
    (fields) => readSeed(fields),
  ),
  base64: field.flag({ default: false, description: '`output` holds base64 data instead of a URL.' }),
  temp: field.flag({ default: false, description: 'Short-lived output links.' }),
  webhook: field.webhook(),
  track_id: field.trackId(),
} satisfies FieldSpecs;

export const REMOVE_BACKGROUND_REQUEST = new RequestSchema(
  REMOVE_BACKGROUND_FIELDS,
  'Numbers may be sent as numeric strings and flags as yes/no, true/false or 1/0; null and "" mean unset. Unknown fields are ignored. Every bad field is reported at once (422). The output is an RGBA PNG whose background is transparent (or the mask alone with only_mask). Meta reports W, H, seed and foreground_fraction.',
);

export function parseRemoveBackgroundRequest(body: Record<string, unknown>): Parsed<RemoveBackgroundRequest> {
  const { values: v, fields } = REMOVE_BACKGROUND_REQUEST.read(body);
  if (fields.hasErrors() || v.image === null) return { ok: false, errors: fields.errors };
  return {
    ok: true,
    value: {
      kind: REMOVE_BACKGROUND_KIND,
      image: v.image,
      onlyMask: v.only_mask,
      inverseMask: v.inverse_mask,
      alphaMatting: v.alpha_matting,
      alphaMattingForegroundThreshold: v.alpha_matting_foreground_threshold,
      alphaMattingBackgroundThreshold: v.alpha_matting_background_threshold,
      alphaMattingErodeSize: v.alpha_matting_erode_size,
      postProcessMask: v.post_process_mask,
      seed: v.seed,
      base64: v.base64,
      temp: v.temp,
      webhook: v.webhook,
      trackId: v.track_id,
    },
  };
}
