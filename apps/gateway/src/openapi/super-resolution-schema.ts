/** The super_resolution request body, built from its parser's tables. */
import { GENERATION_LIMITS } from '../generation/request';
import {
  SUPER_RESOLUTION_DEFAULTS as D,
  SUPER_RESOLUTION_LIMITS as L,
  SUPER_RESOLUTION_MODELS,
} from '../image-editing/super-resolution-request';
import { type Schema, tolerantEnum, tolerantFlag, tolerantNumber } from './json-schema';
import { GENERATION_FIELDS, OUTPUT_FORMATS } from './generation-schema';

const image = (what: string): Schema => ({
  type: 'string',
  description: `${what}: an http(s) URL (at most ${GENERATION_LIMITS.maxUrlCharacters} characters, fetched with SSRF protection) or a base64-encoded image (bare or as a \`data:image/…;base64,\` URI). At most 1024×1024 pixels.`,
});

const models = Object.entries(SUPER_RESOLUTION_MODELS)
  .map(([id, model]) => `${id} → ${model}`)
  .join(', ');

/** Every body field of a super_resolution request, in the order the parser reads them. */
export const SUPER_RESOLUTION_FIELDS: Record<string, Schema> = {
  key: { type: 'string', description: 'Your API key.' },
  url: image('The image to upscale (the v6 name; `init_image` is the v3 one, one of the two is required)'),
  init_image: image('Alias of url'),
  scale: tolerantNumber({ integer: true, minimum: L.scale.min, maximum: L.scale.max, default: D.scale, description: 'How many times larger each side gets.' }),
  model_id: {
    anyOf: [{ type: 'string', maxLength: GENERATION_LIMITS.maxIdCharacters }, { type: 'null' }],
    default: D.modelId,
    description: `The Real-ESRGAN model id (any letter case), run on the bundled model that stands in for it: ${models}. Others (anime, face models) are refused.`,
  },
  face_enhance: tolerantFlag({
    default: D.faceEnhance,
    description: 'Face restoration (GFPGAN). No face model is bundled: yes is refused with a validation error naming the field.',
  }),
  base64: tolerantFlag({ default: D.base64, description: '`output` holds base64 data instead of a URL.' }),
  temp: tolerantFlag({ default: D.temp, description: 'Short-lived output links.' }),
  webhook: GENERATION_FIELDS.webhook.schema,
  track_id: GENERATION_FIELDS.track_id.schema,
  output_format: tolerantEnum(OUTPUT_FORMATS, { default: D.outputFormat, description: "Easel's addition: the output's format." }),
};

export function superResolutionRequestSchema(): Schema {
  return {
    type: 'object',
    description:
      'Numbers may be sent as numeric strings and flags as yes/no, true/false or 1/0; null and "" mean unset. Unknown fields are ignored. Every bad field is reported at once (422). Meta reports W/H (output), input_W/input_H, scale, model_id and upscale_model; timings has upscale.',
    required: ['key', 'url'],
    properties: SUPER_RESOLUTION_FIELDS,
    additionalProperties: true,
  };
}
