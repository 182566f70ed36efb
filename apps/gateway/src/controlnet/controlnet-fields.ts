/**
 * The fields POST /api/v5/controlnet adds to a generation's (generation-fields.ts): the
 * ControlNets, their hint and how they act. Read with the dialect's tolerance; the parser
 * (controlnet-request.ts) and /openapi.json are both made from this table.
 */
import { MAX_CONDITIONING_SCALE, MAX_CONTROLNETS } from '@easel/contracts';
import { coerceNumberList } from '../common/request/coercion';
import { COMMON_LIMITS, type FieldReader } from '../common/request/field-reader';
import { field } from '../common/request/fields';
import { messages } from '../common/request/messages';
import { RequestSchema, type FieldSpec } from '../common/request/request-schema';

export const CONTROLNET_LIMITS = {
  controlnets: MAX_CONTROLNETS,
  scale: { min: 0, max: MAX_CONDITIONING_SCALE },
  guidance: { min: 0, max: 1 },
} as const;

/** One value per controlnet_model entry (or one for all when there is one model); unset → `fallback` each. */
function readPerModel(fields: FieldReader, name: string, models: readonly string[], range: { min: number; max: number }, fallback: number): number[] {
  const values = fields.take(name, coerceNumberList(fields.get(name), name));
  if (values === undefined || values.length === 0) return models.map(() => fallback);
  if (values.length !== models.length) {
    fields.fail(name, messages.itemsPer(name, models.length, 'controlnet_model'));
    return models.map(() => fallback);
  }
  if (values.some((v) => v < range.min || v > range.max)) fields.fail(name, messages.between(name, range.min, range.max));
  return values;
}

function readTypes(fields: FieldReader, models: readonly string[]): string[] {
  const types = fields.ids('controlnet_type').map((t) => t.toLowerCase());
  if (types.length === 0) return [...models];
  if (types.length === 1 && models.length > 1) return models.map(() => types[0]!);
  if (types.length !== models.length) fields.fail('controlnet_type', messages.itemsPer('controlnet_type', models.length, 'controlnet_model'));
  return types;
}

/** An image field that null or "" leave unset (the docs' payloads send `"mask_image": null`). */
function optionalImage(what: string, note = ''): FieldSpec<string | null> {
  const image = field.image(what, { note });
  return field.custom(image.schema, (fields, name, earlier) => {
    const value = fields.get(name);
    return value === null || value === undefined || value === '' ? null : image.read(fields, name, earlier);
  });
}

const NOT_AVAILABLE = (name: string) => `The ${name.replace(/_/g, ' ')} option is not available in this deployment.`;

export const CONTROLNET_FIELDS = {
  controlnet_model: field.custom(
    {
      anyOf: [
        { type: 'string', description: 'one id, or a comma-separated list ("canny,segmentation"): multi-ControlNet' },
        { type: 'array', maxItems: MAX_CONTROLNETS, items: { type: 'string', maxLength: COMMON_LIMITS.maxIdCharacters } },
      ],
      examples: ['canny', 'canny,segmentation'],
      description: `ControlNet model ids (category controlnet, see /api/v4/dreambooth/model_list; the bundled ones for easel-tiny: canny, scribble, segmentation). Several, comma-separated, are combined: their residuals are summed, each with its own scale. At most ${MAX_CONTROLNETS}. Required.`,
    },
    (fields, name) => {
      const ids = fields.ids(name);
      if (ids.length === 0 && !fields.hasErrors(name)) fields.fail(name, messages.required(name));
      if (ids.length > MAX_CONTROLNETS) fields.fail(name, messages.maxItems(name, MAX_CONTROLNETS));
      return ids;
    },
    { required: true },
  ),
  controlnet_type: field.custom(
    {
      anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }, { type: 'null' }],
      description:
        "The hint's type per model (comma-separated, one per controlnet_model, or one for all): which preprocessor auto_hint runs — canny (Canny edges, thresholds 50/100), scribble (thick strokes), softedge / hed (soft edges), segmentation / seg (flat colour regions in ADE20K's palette), tile. Unset: each model's id.",
    },
    (fields, _name, earlier) => readTypes(fields, earlier.controlnet_model as string[]),
  ),
  control_image: optionalImage(
    'The hint (an edge map, a scribble, a segmentation...)',
    ' Unset: init_image is the hint (with auto_hint: yes, the hint is made from it). Resized to width × height.',
  ),
  init_image: optionalImage("The image to start from (img2img, when strength is sent) and the hint's source when control_image is unset"),
  auto_hint: field.flag({
    default: false,
    description: "yes: make the hint from the image (control_image, else init_image) with each controlnet_type's preprocessor; no: the image is the hint as it is.",
  }),
  guess_mode: field.flag({
    default: false,
    description:
      "yes: diffusers' guess mode — the ControlNets read only the conditional half of classifier-free guidance and their residuals are ramped from 0.1 (first skip connection) to 1 (middle block), so the hint alone decides more (for an empty or vague prompt).",
  }),
  controlnet_conditioning_scale: field.custom(
    {
      anyOf: [
        { type: 'number', minimum: 0, maximum: MAX_CONDITIONING_SCALE },
        { type: 'string', description: 'a number, or comma-separated numbers, one per controlnet_model ("1, 0.5")' },
        { type: 'array', items: { type: 'number' } },
        { type: 'null' },
      ],
      default: 1,
      description: `How strongly each ControlNet steers (0 = not at all: the picture without it), ${CONTROLNET_LIMITS.scale.min}–${CONTROLNET_LIMITS.scale.max}: one number per controlnet_model entry. Unset: 1 each.`,
    },
    (fields, name, earlier) => readPerModel(fields, name, earlier.controlnet_model as string[], CONTROLNET_LIMITS.scale, 1),
  ),
  control_guidance_start: field.number(CONTROLNET_LIMITS.guidance, {
    default: 0,
    description: "Easel's addition (diffusers' control_guidance_start): the fraction of the steps after which the ControlNets start acting.",
  }),
  control_guidance_end: field.number(CONTROLNET_LIMITS.guidance, {
    default: 1,
    description: "Easel's addition (diffusers' control_guidance_end): the fraction of the steps after which they stop. Must be above control_guidance_start.",
  }),
  ip_adapter_id: field.custom(
    { anyOf: [{ type: 'string' }, { type: 'null' }], description: 'IP-Adapter. ' + NOT_AVAILABLE('ip_adapter_id') + ' (a validation error when sent).' },
    (fields, name) => {
      const id = fields.text(name, COMMON_LIMITS.maxIdCharacters);
      if (id !== null) fields.fail(name, NOT_AVAILABLE(name));
      return id;
    },
  ),
  ip_adapter_scale: field.custom({ anyOf: [{ type: 'number' }, { type: 'string' }, { type: 'null' }], description: 'With ip_adapter_id.' }, () => undefined),
  ip_adapter_image: field.custom({ anyOf: [{ type: 'string' }, { type: 'null' }], description: 'With ip_adapter_id.' }, () => undefined),
} satisfies Record<string, FieldSpec<unknown>>;

export const CONTROLNET_REQUEST = new RequestSchema(
  CONTROLNET_FIELDS,
  'The generation fields of text2img/img2img/inpaint plus the ControlNets. Without strength the init image is only the hint\'s source (text-to-image under control); with init_image and strength, img2img; with mask_image, inpaint. Numbers may be sent as numeric strings and flags as yes/no; null and "" mean unset; every bad field is reported at once (422).',
);
