/**
 * The generation request bodies (text2img, img2img, inpaint and their dreambooth forms), built
 * from the parser's own tables: GENERATION_LIMITS for ranges and GENERATION_DEFAULTS for what an
 * unset field becomes. A limit or default changed there changes the document.
 */
import { GENERATION_DEFAULTS, GENERATION_LIMITS, type GenerationKind } from '../generation/request';
import { SCHEDULER_CLASS_NAMES } from '../generation/request/scheduler-names';
import {
  idList,
  type Schema,
  tolerantEnum,
  tolerantFlag,
  tolerantNumber,
  tolerantString,
} from './json-schema';

const L = GENERATION_LIMITS;
const D = GENERATION_DEFAULTS;
const range = (r: { min: number; max: number }) => ({ minimum: r.min, maximum: r.max });

/** Values the parser accepts for its enumerated fields (checked against the parser in openapi.test.ts). */
export const SAFETY_CHECKER_TYPES = ['blank', 'blur', 'pixelate', 'black', 'sensitive_content_text'] as const;
export const OUTPUT_FORMATS = ['png', 'jpeg', 'jpg', 'webp'] as const;
export const ALGORITHM_TYPES = ['dpmsolver++', 'dpmsolver+++', 'sde-dpmsolver++', 'none'] as const;
export const UPSCALE_VALUES = ['no', '2', '3', '4', '2x', '3x', '4x', 'yes'] as const;

/** Options the parser accepts but this deployment refuses when asked for (unsupported-features.ts). */
const NOT_AVAILABLE =
  ' Easel answers a validation error ("The … option is not available in this deployment.") when it is asked for, rather than silently ignoring it.';

type FieldDoc = { schema: Schema; kinds?: readonly GenerationKind[] };

const IMAGE_KINDS: readonly GenerationKind[] = ['img2img', 'inpaint'];

const image = (what: string): Schema => ({
  type: 'string',
  description: `${what}: an http(s) URL (at most ${L.maxUrlCharacters} characters, fetched with SSRF protection) or a base64-encoded image (bare or as a \`data:image/…;base64,\` URI).`,
});

/** Every body field of a generation request, in the order the parser reads them. */
export const GENERATION_FIELDS: Record<string, FieldDoc> = {
  key: { schema: { type: 'string', description: 'Your API key.' } },
  prompt: {
    schema: {
      type: 'string',
      maxLength: L.maxPromptCharacters,
      description:
        'What to draw. Longer than 77 CLIP tokens (after weighting is folded) is chunked by 75 tokens as A1111 does. Required.',
    },
  },
  negative_prompt: {
    schema: tolerantString({ maxLength: L.maxPromptCharacters, description: 'What to avoid.' }),
  },
  model_id: {
    schema: {
      anyOf: [{ type: 'string', maxLength: L.maxIdCharacters }, { type: 'number' }, { type: 'null' }],
      description:
        'The model to use (see /api/v4/dreambooth/model_list). Unset: the deployment\'s default model (EASEL_DEFAULT_MODEL). Required on the dreambooth endpoints, which answer "Model id not found" without it.',
    },
  },
  init_image: { schema: image('The starting image'), kinds: IMAGE_KINDS },
  mask_image: { schema: image('The mask (white = repaint)'), kinds: ['inpaint'] },
  strength: {
    schema: tolerantNumber({
      ...range(L.strength),
      description:
        'How far from init_image to go (0 keeps it, 1 ignores it). Unset: 0.8 for img2img, 1 for inpaint.',
    }),
    kinds: IMAGE_KINDS,
  },
  prompt_strength: {
    schema: tolerantNumber({
      ...range(L.strength),
      description: 'Alias of strength (strength wins when both are sent).',
    }),
    kinds: IMAGE_KINDS,
  },
  width: {
    schema: tolerantNumber({
      integer: true,
      minimum: L.minSide,
      maximum: L.maxSide,
      multipleOf: L.sideMultiple,
      description: `Pixels, a multiple of ${L.sideMultiple}; width × height at most ${L.maxPixels} (1024×768 or 768×1024). With panorama: yes, up to ${L.panorama.maxSide} and ${L.panorama.maxPixels} pixels. Unset: the model's native size.`,
    }),
  },
  height: {
    schema: tolerantNumber({
      integer: true,
      minimum: L.minSide,
      maximum: L.maxSide,
      multipleOf: L.sideMultiple,
      description: `Pixels, a multiple of ${L.sideMultiple}; see width. Unset: the model's native size.`,
    }),
  },
  samples: {
    schema: tolerantNumber({
      integer: true,
      ...range(L.samples),
      default: D.samples,
      description: 'Images to generate.',
    }),
  },
  num_inference_steps: {
    schema: tolerantNumber({
      integer: true,
      ...range(L.steps),
      default: D.steps,
      description: 'Denoising steps.',
    }),
  },
  guidance_scale: {
    schema: tolerantNumber({
      ...range(L.guidanceScale),
      default: D.guidanceScale,
      description: 'Classifier-free guidance scale.',
    }),
  },
  seed: {
    schema: tolerantNumber({
      integer: true,
      ...range(L.seed),
      extra: [{ const: -1, description: '-1 (or "-1"): random, as A1111 has it' }],
      description:
        'Same model, parameters and seed give the same pixels. Unset, null or -1: random, reported back in meta.seed.',
    }),
  },
  scheduler: {
    schema: {
      anyOf: [
        { type: 'string', enum: [...SCHEDULER_CLASS_NAMES] },
        { type: 'string', maxLength: L.maxIdCharacters, description: 'an A1111 label or alias' },
        { type: 'null' },
      ],
      examples: ['DPMSolverMultistepScheduler', 'DPM++ 2M Karras', 'Euler a', 'dpmsolver++'],
      description:
        'A diffusers scheduler class name or an A1111 label ("Euler a", "DPM++ 2M Karras", "DPM++ 2M SDE"; a label implies use_karras_sigmas / algorithm_type unless those are sent). Reported in meta.scheduler as the class name. Unset: the model\'s scheduler_config.json.',
    },
  },
  use_karras_sigmas: {
    schema: tolerantFlag({
      default: D.useKarrasSigmas,
      description: 'Karras noise schedule (implied by a "… Karras" label).',
    }),
  },
  algorithm_type: {
    schema: tolerantEnum(ALGORITHM_TYPES, {
      description:
        'DPM-Solver variant ("dpmsolver+++" is the public docs\' spelling of dpmsolver++; "none" unsets it).',
    }),
  },
  clip_skip: { schema: tolerantNumber({ integer: true, ...range(L.clipSkip), default: D.clipSkip }) },
  safety_checker: {
    schema: tolerantFlag({
      default: D.safetyChecker,
      description:
        "NSFW check (nsfwjs's MobileNetV2 classifier) of every output, after upscale, and of init_image. An output whose score P(hentai)+P(porn)+P(sexy) exceeds the deployment's EASEL_NSFW_THRESHOLD (default 0.5) is replaced as safety_checker_type says and nsfw_content_detected is true; a flagged init_image has every output replaced. meta.nsfw_scores holds each output's score, meta.init_image_nsfw_score the init image's; timings.safety_checker the seconds it took.",
    }),
  },
  safety_checker_type: {
    schema: tolerantEnum(SAFETY_CHECKER_TYPES, {
      default: D.safetyCheckerType,
      description:
        "What replaces an NSFW image, at its size: blank (white), black, blur (Gaussian, σ = a tenth of the longer side) or pixelate (8 blocks across). sensitive_content_text (the service's own default) is read as blank.",
    }),
  },
  enhance_prompt: {
    schema: tolerantFlag({
      default: D.enhancePrompt,
      description:
        "Easel's choice: default no (the service defaults to yes; Easel never rewrites a prompt unasked). yes: a deterministic rewrite into the bundled model's caption phrasing (same input → same output; no LLM): whitespace collapsed, vocabulary synonyms folded (center → centre, big → large, upper → top…), an article before a bare leading object, \"on blue\" → \"on a blue background\". meta.enhanced_prompt shows the result.",
    }),
  },
  multi_lingual: {
    schema: tolerantFlag({
      default: D.multiLingual,
      description:
        "yes: detect the prompt's language (tinyld, offline) and, for French, Spanish, German, Italian or Portuguese, translate it to English with Easel's dictionary of the bundled model's vocabulary (colours, shapes, positions, sizes, \"on a … background\", articles and prepositions; unknown words are kept). No npm package ships an offline translation model. English and other languages pass unchanged. The negative prompt is translated with the prompt's language. meta: detected_language, translated (yes/no), translated_prompt, translated_negative_prompt, untranslated_words, prompt_used, prompt_note.",
    }),
  },
  panorama: {
    schema: tolerantFlag({
      default: D.panorama,
      description: `yes: MultiDiffusion — the latent is denoised in overlapping windows of the model's native size (stride: an eighth of the window, 8 latent cells for SD 1.5), their outputs averaged per cell at every step, so wide (or tall) images keep the model's scale. Allows width or height up to ${L.panorama.maxSide} and ${L.panorama.maxPixels} pixels (2048×768). Not for inpaint. meta.panorama_windows: windows per step.`,
    }),
  },
  self_attention: {
    schema: tolerantFlag({
      default: D.selfAttention,
      description:
        "yes: self-attention guidance (Hong et al. 2022; diffusers' StableDiffusionSAGPipeline, sag_scale 0.75): the predicted x0 is blurred where the UNet's mid-block self-attention concentrates, re-noised and run again, and the guided output moves away from that degraded prediction. Needs a UNet exporting mid_attention_probs (the bundled easel-tiny does); other models get a validation error naming self_attention. meta.sag_scale.",
    }),
  },
  upscale: {
    schema: {
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
  },
  highres_fix: {
    schema: tolerantFlag({
      default: D.highresFix,
      description:
        "text2img only. yes: generate at a base size (the target scaled so its short side is the model's native side, rounded to 64 px), upscale the image (Lanczos-3), then img2img at width × height with highres_fix_strength. meta: highres_fix_base_size, highres_fix_strength, highres_fix_upscaler, highres_fix_applied (no when the target is not larger than the base).",
    }),
  },
  highres_fix_strength: {
    schema: tolerantNumber({
      ...range(L.highresFixStrength),
      description:
        "Easel's addition: the highres fix's denoising strength (0 keeps the upscaled base image, 1 ignores it). Unset: 0.35 (on the bundled model 0.4 already split an object at 2× its native size).",
    }),
  },
  tomesd: {
    schema: tolerantFlag({
      default: D.tomesd,
      description: 'Token merging. Accepted, not applied (meta reports "no").',
    }),
  },
  lora_model: {
    schema: idList({
      maxItems: L.maxAdapters,
      maxLength: L.maxIdCharacters,
      description: 'LoRA model ids.' + NOT_AVAILABLE,
    }),
  },
  lora_strength: {
    schema: {
      anyOf: [
        { type: 'string', description: 'comma-separated numbers ("0.6, 0.8")' },
        { type: 'number' },
        { type: 'array', items: { anyOf: [{ type: 'number' }, { type: 'string' }] } },
        { type: 'null' },
      ],
      description: 'One strength per lora_model entry, or one for all. Unset: 1 each.',
    },
  },
  embeddings_model: {
    schema: idList({
      maxItems: L.maxAdapters,
      maxLength: L.maxIdCharacters,
      description: 'Textual-inversion ids.' + NOT_AVAILABLE,
    }),
  },
  embeddings: { schema: idList({ description: 'Alias of embeddings_model (embeddings_model wins).' }) },
  vae: { schema: tolerantString({ maxLength: L.maxIdCharacters, description: 'A VAE id.' + NOT_AVAILABLE }) },
  base64: {
    schema: tolerantFlag({
      default: D.base64,
      description: 'yes: `output` holds base64 data instead of URLs.',
    }),
  },
  temp: { schema: tolerantFlag({ default: D.temp, description: 'yes: short-lived artifact URLs (valid EASEL_TEMP_LINK_TTL_S seconds, default 3600, after the job ends; then 410).' }) },
  webhook: {
    schema: tolerantString({
      maxLength: L.maxUrlCharacters,
      format: 'uri',
      description:
        'http(s) URL called once the job ends with the body fetch would return, signed (`Easel-Signature: t=…,v1=HMAC-SHA256`) and retried with backoff from an outbox.',
    }),
  },
  track_id: {
    schema: {
      anyOf: [{ type: 'string', maxLength: L.maxIdCharacters }, { type: 'number' }, { type: 'null' }],
      description: 'Echoed back in responses and webhooks as it came.',
    },
  },
  output_format: {
    schema: tolerantEnum(OUTPUT_FORMATS, {
      default: D.outputFormat,
      description:
        "Easel's addition: the image format, and the extension of the output links (png, jpg, webp).",
    }),
  },
};

/** The JSON Schema of a generation request body of one kind. */
export function generationRequestSchema(kind: GenerationKind, requireModelId: boolean): Schema {
  const properties: Record<string, Schema> = {};
  for (const [name, field] of Object.entries(GENERATION_FIELDS)) {
    if (field.kinds && !field.kinds.includes(kind)) continue;
    properties[name] = field.schema;
  }
  const required = ['key', 'prompt'];
  if (kind !== 'text2img') required.push('init_image');
  if (kind === 'inpaint') required.push('mask_image');
  if (requireModelId) required.push('model_id');
  return {
    type: 'object',
    description:
      'Numbers may be sent as numeric strings and flags as yes/no, true/false or 1/0; null and "" mean unset. Unknown fields are ignored. Every bad field is reported at once (422).',
    required,
    properties,
    additionalProperties: true,
  };
}
