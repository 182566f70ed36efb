/**
 * The body of `object_removal` (`/api/v6/image_editing/object_removal`, `/api/v3/object_removal`) →
 * `ObjectRemovalParams`: `image` and either `mask_image` or a prompt that names the object's colour.
 */
import {
  OBJECT_REMOVAL_COLOUR_ALIASES,
  OBJECT_REMOVAL_COLOURS,
  OBJECT_REMOVAL_KIND,
  OBJECT_REMOVAL_LIMITS,
  type ObjectRemovalParams,
} from '@easel/contracts';
import type { Parsed } from '../common/request/field-reader';
import { field } from '../common/request/fields';
import { base64ImageSize } from '../common/request/image-header';
import { messages } from '../common/request/messages';
import { RequestSchema, type FieldSpecs } from '../common/request/request-schema';
import { readImage } from '../common/request/shared-fields';

export interface ObjectRemovalRequest extends ObjectRemovalParams {
  webhook: string | null;
  trackId: string | number | null;
}

export const OBJECT_REMOVAL_DEFAULTS = { maskDilate: 4, fillRadius: 8 } as const;
const COLOUR_NAMES = [...Object.keys(OBJECT_REMOVAL_COLOURS), ...Object.keys(OBJECT_REMOVAL_COLOUR_ALIASES)];

/** The first colour word of a prompt ("remove the red circle" → red), canonical; null when it names none. */
export function colourOfPrompt(prompt: string): string | null {
  for (const word of prompt.toLowerCase().split(/[^a-z]+/)) {
    if (word in OBJECT_REMOVAL_COLOURS) return word;
    const alias = OBJECT_REMOVAL_COLOUR_ALIASES[word];
    if (alias) return alias;
  }
  return null;
}

/** Every body field of an object_removal request, in the order the parser reads them. */
export const OBJECT_REMOVAL_FIELDS = {
  key: field.key(),
  image: field.image('The picture to remove an object from', { note: ' At most 1024×1024 pixels.' }),
  mask_image: field.custom(
    field.image('What to remove (white), the size of image; or leave it out and name the colour in prompt')
      .schema,
    (fields, name) => {
      const raw = fields.get(name);
      return raw === undefined || raw === null || raw === '' ? null : readImage(fields, name);
    },
  ),
  prompt: field.text({
    maxLength: 500,
    description: `Without mask_image: the object to remove, named by its colour ("remove the red circle"); every pixel nearer to that colour than to any other of ${COLOUR_NAMES.join(', ')} is removed. Shape words are not read.`,
  }),
  mask_dilate: field.integer(OBJECT_REMOVAL_LIMITS.maskDilate, {
    default: OBJECT_REMOVAL_DEFAULTS.maskDilate,
    description:
      "Easel's addition: pixels the mask grows by before the fill, taking the object's soft edge (and a halo) with it.",
  }),
  fill_radius: field.integer(OBJECT_REMOVAL_LIMITS.fillRadius, {
    default: OBJECT_REMOVAL_DEFAULTS.fillRadius,
    description:
      "Easel's addition: the neighbourhood (pixels) each filled pixel is taken from (OpenCV inpaint's radius).",
  }),
  base64: field.flag({ default: false, description: '`output` holds base64 data instead of a URL.' }),
  temp: field.flag({ default: false, description: 'Short-lived output links.' }),
  webhook: field.webhook(),
  track_id: field.trackId(),
} satisfies FieldSpecs;

export const OBJECT_REMOVAL_REQUEST = new RequestSchema(
  OBJECT_REMOVAL_FIELDS,
  'Numbers may be sent as numeric strings and flags as yes/no, true/false or 1/0; null and "" mean unset. Unknown fields are ignored. Every bad field is reported at once (422). The hole is filled from what surrounds it (OpenCV\'s Telea inpainting); the output is a PNG of the image\'s size. Meta reports W, H, colour (when the prompt named it) and mask_fraction.',
);

export function parseObjectRemovalRequest(body: Record<string, unknown>): Parsed<ObjectRemovalRequest> {
  const { values: v, fields } = OBJECT_REMOVAL_REQUEST.read(body);
  if (v.image === null && !fields.hasErrors('image')) fields.fail('image', messages.required('image'));
  let colour: string | null = null;
  if (v.mask_image === null && !fields.hasErrors('mask_image') && !fields.hasErrors('prompt')) {
    colour = v.prompt === null ? null : colourOfPrompt(v.prompt);
    if (v.prompt === null)
      fields.fail('mask_image', 'The mask image field is required when prompt names no colour.');
    else if (colour === null)
      fields.fail(
        'prompt',
        `The prompt must name the object's colour (${COLOUR_NAMES.join(', ')}) when no mask_image is sent.`,
      );
  }
  if (
    v.image !== null &&
    v.mask_image !== null &&
    !fields.hasErrors('image') &&
    !fields.hasErrors('mask_image')
  ) {
    const image = base64ImageSize(v.image);
    const mask = base64ImageSize(v.mask_image);
    if (image && mask && (image.width !== mask.width || image.height !== mask.height))
      fields.fail('mask_image', messages.maskSize(image, mask).replace('init image', 'image'));
  }
  if (fields.hasErrors() || v.image === null) return { ok: false, errors: fields.errors };
  return {
    ok: true,
    value: {
      kind: OBJECT_REMOVAL_KIND,
      image: v.image,
      maskImage: v.mask_image,
      colour,
      maskDilate: v.mask_dilate,
      fillRadius: v.fill_radius,
      base64: v.base64,
      temp: v.temp,
      webhook: v.webhook,
      trackId: v.track_id,
    },
  };
}
