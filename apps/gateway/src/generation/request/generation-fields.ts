/**
 * The generation request body (text2img, img2img, inpaint and their dreambooth forms), described
 * once: each field's read (with the dialect's tolerance) and its documentation. The parser
 * (generation-request.ts) and /openapi.json are both made from this table.
 */
import { COMMON_LIMITS } from '../../common/request/field-reader';
import { field, OUTPUT_FORMATS, outputFormatField } from '../../common/request/fields';
import { RequestSchema, type FieldSpec } from '../../common/request/request-schema';
import { tolerantEnum } from '../../common/request/json-schema';
import {
  GENERATION_DEFAULTS as D,
  GENERATION_LIMITS as L,
  type SafetyCheckerType,
} from './generation-limits';
import { readLoraStrength, readSeed, readSize, readUpscale } from './generation-readers';
import { lookupScheduler, SCHEDULER_CLASS_NAMES } from './scheduler-names';

/** Values the parser accepts for its enumerated fields, as documented. */
export const SAFETY_CHECKER_TYPES = ['blank', 'blur', 'pixelate', 'black', 'sensitive_content_text'] as const;
export const DOCUMENTED_OUTPUT_FORMATS = Object.keys(OUTPUT_FORMATS) as (keyof typeof OUTPUT_FORMATS)[];
export const ALGORITHM_TYPES = ['dpmsolver++', 'dpmsolver+++', 'sde-dpmsolver++', 'none'] as const;
export const UPSCALE_VALUES = ['no', '2', '3', '4', '2x', '3x', '4x', 'yes'] as const;

const SAFETY_TYPES: Record<string, SafetyCheckerType> = {
  blank: 'blank',
  blur: 'blur',
  pixelate: 'pixelate',
  black: 'black',
  /** The public service's own default type; its nearest Easel equivalent replaces the image too. */
  sensitive_content_text: 'blank',
};
/** The engine's DPM-Solver variants; "dpmsolver+++" is how the public docs spell the first. */
const ALGORITHMS: Record<string, string | null> = {
  'dpmsolver++': 'dpmsolver++',
  'dpmsolver+++': 'dpmsolver++',
  'sde-dpmsolver++': 'sde-dpmsolver++',
  none: null,
};

/** Options the parser accepts but this deployment refuses when asked for (unsupported-features.ts). */
const NOT_AVAILABLE =
  ' Easel answers a validation error ("The … option is not available in this deployment.") when it is asked for, rather than silently ignoring it.';
const IMAGE_KINDS = ['img2img', 'inpaint'] as const;

const strength = field.custom(
  tolerantNumberSchema(
    L.strength,
    'How far from init_image to go (0 keeps it, 1 ignores it). Unset: 0.8 for img2img, 1 for inpaint.',
  ),
  (fields) => fields.number(fields.firstGiven('strength', 'prompt_strength'), L.strength, null),
  { kinds: IMAGE_KINDS },
);
const embeddingsModel = field.custom(
  field.ids({ description: 'Textual-inversion ids.' + NOT_AVAILABLE }).schema,
  (fields) => fields.ids(fields.firstGiven('embeddings_model', 'embeddings')),
);
const scheduler = field.custom(
  {
    anyOf: [
      { type: 'string', enum: [...SCHEDULER_CLASS_NAMES] },
      { type: 'string', maxLength: COMMON_LIMITS.maxIdCharacters, description: 'an A1111 label or alias' },
      { type: 'null' },
    ],
    examples: ['DPMSolverMultistepScheduler', 'DPM++ 2M Karras', 'Euler a', 'dpmsolver++'],
    description:
      'A diffusers scheduler class name or an A1111 label ("Euler a", "DPM++ 2M Karras", "DPM++ 2M SDE"; a label implies use_karras_sigmas / algorithm_type unless those are sent). Reported in meta.scheduler as the class name. Unset: the model\'s scheduler_config.json.',
  },
  (fields, name) => fields.text(name, COMMON_LIMITS.maxIdCharacters),
);
const labelOf = (earlier: Readonly<Record<string, unknown>>) =>
  typeof earlier.scheduler === 'string' ? lookupScheduler(earlier.scheduler) : null;

function tolerantNumberSchema(r: { min: number; max: number }, description: string) {
  return field.number(r, { default: null, description }).schema;
}

const sideSchema = (description: string) =>
  field.integer(
    { min: L.minSide, max: L.large.maxSide },
    { default: null, description, schema: { multipleOf: L.sideMultiple } },
  ).schema;

/** Every body field of a generation request, in the order the parser reads them. */
export const GENERATION_FIELDS = {
  key: field.key(),
  prompt: field.text({
    maxLength: L.maxPromptCharacters,
    required: true,
    description:
      'What to draw. Longer than 77 CLIP tokens (after weighting is folded) is chunked by 75 tokens as A1111 does. Required.',
  }),
  negative_prompt: field.text({ maxLength: L.maxPromptCharacters, description: 'What to avoid.' }),
  model_id: field.custom(
    {
      anyOf: [
        { type: 'string', maxLength: COMMON_LIMITS.maxIdCharacters },
        { type: 'number' },
        { type: 'null' },
      ],
      description:
        'The model to use (see /api/v4/dreambooth/model_list). Unset: the deployment\'s default model (EASEL_DEFAULT_MODEL). Required on the dreambooth endpoints, which answer "Model id not found" without it.',
    },
    // Required or not is the endpoint's option, applied by the parser.
    () => undefined,
  ),
  init_image: field.image('The starting image', { kinds: IMAGE_KINDS }),
  mask_image: field.image('The mask (white = repaint)', { kinds: ['inpaint'] }),
  strength,
  prompt_strength: field.alias(strength, 'Alias of strength (strength wins when both are sent).', {
    kinds: IMAGE_KINDS,
  }),
  panorama: field.flag({
    default: D.panorama,
    description: `yes: MultiDiffusion — the latent is denoised in overlapping windows of the model's native size (stride: an eighth of the window, 8 latent cells for SD 1.5), their outputs averaged per cell at every step, so wide (or tall) images keep the model's scale. Allows width or height up to ${L.panorama.maxSide} and ${L.panorama.maxPixels} pixels (2048×768). Not for inpaint. meta.panorama_windows: windows per step.`,
  }),
  // Both sides are read, and checked together, by width's read: its value is { width, height }.
  width: field.custom(
    sideSchema(
      `Pixels, a multiple of ${L.sideMultiple}. SD 1.x/2.x models: up to ${L.maxSide} on a side, width × height at most ${L.maxPixels} (1024×768 or 768×1024). SDXL and FLUX models (model_list's model_family sdxl, flux): up to ${L.large.maxSide} on a side and ${L.large.maxPixels} pixels (1024×1024 and SDXL's aspect buckets: 1152×896, 1216×832, 1344×768, 1536×640 and their transposes). With panorama: yes, up to ${L.panorama.maxSide} and ${L.panorama.maxPixels} pixels. Unset: the model's native size.`,
    ),
    (fields, _name, earlier) => readSize(fields, earlier.panorama === true),
  ),
  height: field.custom(
    sideSchema(`Pixels, a multiple of ${L.sideMultiple}; see width. Unset: the model's native size.`),
    () => undefined,
  ),
  samples: field.integer(L.samples, { default: D.samples, description: 'Images to generate.' }),
  num_inference_steps: field.integer(L.steps, { default: D.steps, description: 'Denoising steps.' }),
  guidance_scale: field.number(L.guidanceScale, {
    default: D.guidanceScale,
    description: 'Classifier-free guidance scale.',
  }),
  seed: field.custom(
    field.integer(L.seed, {
      default: null,
      description:
        'Same model, parameters and seed give the same pixels. Unset, null or -1: random, reported back in meta.seed.',
      schema: { extra: [{ const: -1, description: '-1 (or "-1"): random, as A1111 has it' }] },
    }).schema,
    (fields) => readSeed(fields),
  ),
  scheduler,
  // A label's implied options ("DPM++ 2M Karras", "DPM++ 2M SDE") apply unless the client set the field.
  use_karras_sigmas: field.custom(
    field.flag({
      default: D.useKarrasSigmas,
      description: 'Karras noise schedule (implied by a "… Karras" label).',
    }).schema,
    (fields, name, earlier) => fields.flag(name, labelOf(earlier)?.karras ?? D.useKarrasSigmas),
  ),
  algorithm_type: field.custom(
    tolerantEnum(ALGORITHM_TYPES, {
      description:
        'DPM-Solver variant ("dpmsolver+++" is the public docs\' spelling of dpmsolver++; "none" unsets it).',
    }),
    (fields, name, earlier) =>
      fields.get(name) === null
        ? (labelOf(earlier)?.algorithmType ?? null)
        : fields.choice(name, ALGORITHMS, ['dpmsolver++', 'sde-dpmsolver++', 'none']),
  ),
  clip_skip: field.integer(L.clipSkip, { default: D.clipSkip }),
  safety_checker: field.flag({
    default: D.safetyChecker,
    description:
      "NSFW check (nsfwjs's MobileNetV2 classifier) of every output, after upscale, and of init_image. An output whose score P(hentai)+P(porn)+P(sexy) exceeds the deployment's EASEL_NSFW_THRESHOLD (default 0.5) is replaced as safety_checker_type says and nsfw_content_detected is true; a flagged init_image has every output replaced. meta.nsfw_scores holds each output's score, meta.init_image_nsfw_score the init image's; timings.safety_checker the seconds it took.",
  }),
  safety_checker_type: field.choice<SafetyCheckerType, SafetyCheckerType>(
    SAFETY_TYPES,
    ['blank', 'blur', 'pixelate', 'black'],
    SAFETY_CHECKER_TYPES,
    {
      default: D.safetyCheckerType,
      description:
        "What replaces an NSFW image, at its size: blank (white), black, blur (Gaussian, σ = a tenth of the longer side) or pixelate (8 blocks across). sensitive_content_text (the service's own default) is read as blank.",
    },
  ),
  enhance_prompt: field.flag({
    default: D.enhancePrompt,
    description:
      'Easel\'s choice: default no (the service defaults to yes; Easel never rewrites a prompt unasked). yes: a deterministic rewrite into the bundled model\'s caption phrasing (same input → same output; no LLM): whitespace collapsed, vocabulary synonyms folded (center → centre, big → large, upper → top…), an article before a bare leading object, "on blue" → "on a blue background". meta.enhanced_prompt shows the result.',
  }),
  multi_lingual: field.flag({
    default: D.multiLingual,
    description:
      "yes: detect the prompt's language (tinyld, offline) and, for French, Spanish, German, Italian or Portuguese, translate it to English with Easel's dictionary of the bundled model's vocabulary (colours, shapes, positions, sizes, \"on a … background\", articles and prepositions; unknown words are kept). No npm package ships an offline translation model. English and other languages pass unchanged. The negative prompt is translated with the prompt's language. meta: detected_language, translated (yes/no), translated_prompt, translated_negative_prompt, untranslated_words, prompt_used, prompt_note.",
  }),
  self_attention: field.flag({
    default: D.selfAttention,
    description:
      "yes: self-attention guidance (Hong et al. 2022; diffusers' StableDiffusionSAGPipeline, sag_scale 0.75): the predicted x0 is blurred where the UNet's mid-block self-attention concentrates, re-noised and run again, and the guided output moves away from that degraded prediction. Needs a UNet exporting mid_attention_probs (the bundled easel-tiny does); other models get a validation error naming self_attention. meta.sag_scale.",
  }),
  upscale: field.custom(
    {
      anyOf: [
        { type: 'integer', enum: [0, 1, 2, 3, 4] },
        { type: 'boolean' },
        { type: 'string', enum: [...UPSCALE_VALUES] },
        { type: 'null' },
      ],
      default: 'no',
      description:
        'ESRGAN-family upscaling of every output after generation (the bundled esrgan-slim model), before the NSFW check: no | 2 | 3 | 4 ("2x" and "2.0" too; yes/true mean 2; 0, 1, false mean no). meta.W/H are the delivered size, meta.generated_W/H the size generated; timings.upscale the seconds it took. Priced by the upscaled megapixels.',
    },
    (fields) => readUpscale(fields),
  ),
  highres_fix: field.flag({
    default: D.highresFix,
    description:
      "text2img only. yes: generate at a base size (the target scaled so its short side is the model's native side, rounded to 64 px), upscale the image (Lanczos-3), then img2img at width × height with highres_fix_strength. meta: highres_fix_base_size, highres_fix_strength, highres_fix_upscaler, highres_fix_applied (no when the target is not larger than the base).",
  }),
  highres_fix_strength: field.number(L.highresFixStrength, {
    default: null,
    description:
      "Easel's addition: the highres fix's denoising strength (0 keeps the upscaled base image, 1 ignores it). Unset: 0.35 (on the bundled model 0.4 already split an object at 2× its native size).",
  }),
  tomesd: field.flag({
    default: D.tomesd,
    description: 'Token merging. Accepted, not applied (meta reports "no").',
  }),
  lora_model: field.ids({ description: 'LoRA model ids.' + NOT_AVAILABLE }),
  lora_strength: field.custom(
    {
      anyOf: [
        { type: 'string', description: 'comma-separated numbers ("0.6, 0.8")' },
        { type: 'number' },
        { type: 'array', items: { anyOf: [{ type: 'number' }, { type: 'string' }] } },
        { type: 'null' },
      ],
      description: 'One strength per lora_model entry, or one for all. Unset: 1 each.',
    },
    (fields, _name, earlier) => readLoraStrength(fields, earlier.lora_model as string[]),
  ),
  embeddings_model: embeddingsModel,
  embeddings: field.alias(field.ids({}), 'Alias of embeddings_model (embeddings_model wins).'),
  vae: field.text({ maxLength: COMMON_LIMITS.maxIdCharacters, description: 'A VAE id.' + NOT_AVAILABLE }),
  refiner: field.flag({
    default: D.refiner,
    description:
      "SDXL base models only. yes: the model's paired refiner denoises the last fifth of the schedule from the base's latents (diffusers' denoising_end / denoising_start 0.8) and decodes. The pairing is the base's model_index.json key \"_easel_refiner\": the model_id of an SDXL refiner this tenant may use (the test model sdxl-random names sdxl-refiner-random). A model of another family, a base naming no refiner, or a refiner that is not ready is a validation error naming refiner. meta: refiner_model, refiner_applied, refiner_switch_at, refiner_base_steps, refiner_steps.",
  }),
  base64: field.flag({ default: D.base64, description: 'yes: `output` holds base64 data instead of URLs.' }),
  temp: field.flag({
    default: D.temp,
    description:
      'yes: short-lived artifact URLs (valid EASEL_TEMP_LINK_TTL_S seconds, default 3600, after the job ends; then 410).',
  }),
  webhook: field.webhook(),
  track_id: field.trackId(),
  output_format: outputFormatField(
    "Easel's addition: the image format, and the extension of the output links (png, jpg, webp).",
  ),
} satisfies Record<string, FieldSpec<unknown>>;

export const GENERATION_REQUEST = new RequestSchema(
  GENERATION_FIELDS,
  'Numbers may be sent as numeric strings and flags as yes/no, true/false or 1/0; null and "" mean unset. Unknown fields are ignored. Every bad field is reported at once (422).',
);
