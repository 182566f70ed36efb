/**
 * The body of POST /api/v3/fine_tune (DreamBooth) and /api/v3/lora_fine_tune: the instance images
 * and prompts, the steps and rate, the LoRA's kind. Read with the dialect's tolerance; the parser
 * (training-request.ts) and /openapi.json are both made from this table.
 */
import { FINE_TUNE_KIND, LORA_FINE_TUNE_KIND, LORA_TYPES, TRAINING_LIMITS, TRAINING_TYPES } from '@easel/contracts';
import { coerceStringList } from '../common/request/coercion';
import { COMMON_LIMITS, type FieldReader } from '../common/request/field-reader';
import { field } from '../common/request/fields';
import { messages } from '../common/request/messages';
import { RequestSchema, type FieldSpecs } from '../common/request/request-schema';
import { isImageReference } from '../common/request/shared-fields';
import { looksLikeImage } from '../common/request/image-header';
import { GENERATION_LIMITS } from '../generation/request/generation-limits';
import { readSeed } from '../generation/request/generation-readers';

const L = TRAINING_LIMITS;
const MAX_PROMPT = GENERATION_LIMITS.maxPromptCharacters;

/** `images`: an array (or a comma-separated string) of URLs or base64 images, each checked by its shape and header. */
function readImages(fields: FieldReader, name: string): string[] {
  const raw = fields.get(name);
  if (raw === undefined || raw === null || raw === '') {
    fields.fail(name, messages.required(name));
    return [];
  }
  // A comma-separated string of links is a list too; a lone data: URI holds a comma of its own.
  const items = typeof raw === 'string' && /^\s*data:/i.test(raw) ? [raw] : raw;
  const list = fields.take(name, coerceStringList(items, name));
  if (list === undefined || list === null) return [];
  if (list.length < L.images.min) fields.fail(name, messages.minItems(name, L.images.min));
  if (list.length > L.images.max) fields.fail(name, messages.maxItems(name, L.images.max));
  const images: string[] = [];
  list.forEach((item, i) => {
    const value = item;
    if (!isImageReference(value) || !looksLikeImage(value)) {
      fields.fail(name, `The images item ${i + 1} must be an http(s) URL or a base64-encoded image.`);
      return;
    }
    if (!/^https?:/i.test(value) && (value.length * 3) / 4 > L.imageBytes) {
      fields.fail(name, `The images item ${i + 1} must not be larger than ${L.imageBytes / (1024 * 1024)} MB.`);
      return;
    }
    images.push(value);
  });
  return images;
}

export const TRAINING_FIELDS = {
  key: field.key(),
  instance_prompt: field.text({
    maxLength: MAX_PROMPT,
    required: true,
    description: 'The caption of every instance image, naming the subject with a rare token ("photo of sks dog"); generate with the same token afterwards. Required.',
  }),
  class_prompt: field.text({
    maxLength: MAX_PROMPT,
    description:
      'The subject\'s class ("photo of dog"). fine_tune: prior preservation — the base model draws class images from it and the training keeps them (DreamBooth). Unset: no prior preservation.',
  }),
  base_model_id: field.text({
    maxLength: COMMON_LIMITS.maxIdCharacters,
    description: "The stable_diffusion model trained on (see /api/v4/dreambooth/model_list). Unset: the deployment's default model.",
  }),
  images: field.custom(
    {
      type: 'array',
      minItems: L.images.min,
      maxItems: L.images.max,
      items: { type: 'string', 'x-easel-widget': 'image' },
      description: `The instance images: http(s) URLs (fetched with SSRF protection) or base64 images, ${L.images.min}–${L.images.max} of them (7–8 square crops are a good start); each is centre-cropped to a square at the model's resolution.`,
    },
    readImages,
    { required: true },
  ),
  seed: field.custom(
    field.integer(GENERATION_LIMITS.seed, { default: null, description: 'The training\'s randomness (noise, timesteps, batches): the same images, fields and seed train the same weights. Unset, null or -1: random.' }).schema,
    (fields) => readSeed(fields),
  ),
  training_type: field.choice<string | null, null>(
    Object.fromEntries([...TRAINING_TYPES, 'null'].map((t) => [t, t === 'null' ? null : t])),
    TRAINING_TYPES,
    [...TRAINING_TYPES],
    { default: null, description: 'What the images show: men, female, couple; null: any object. Recorded with the model.' },
  ),
  max_train_steps: field.integer(L.maxTrainSteps, {
    default: null,
    description: `Optimiser steps (batches of 4), at most ${L.maxTrainSteps.max}; billed per step. Unset: 100 per instance image.`,
  }),
  learning_rate: field.number(L.learningRate, {
    default: null,
    description: 'AdamW\'s learning rate. Unset: 1e-4 for lora_fine_tune, 5e-6 for fine_tune (the usual Stable Diffusion values; a small model such as easel-tiny learns in minutes at 2e-3 (LoRA) and 4e-4 (fine_tune)).',
  }),
  negative_prompt: field.text({ maxLength: MAX_PROMPT, description: 'fine_tune: what the class images avoid.' }),
  lora_type: field.choice<string, 'lora'>(
    Object.fromEntries(LORA_TYPES.map((t) => [t, t])),
    LORA_TYPES,
    [...LORA_TYPES],
    { default: 'lora', kinds: [LORA_FINE_TUNE_KIND], description: 'lora: low-rank pairs on the attention and feed-forward layers (and the text encoder\'s attention); lycoris: LoCon, the convolutions too. Both load anywhere kohya LoRAs do.' },
  ),
  rank: field.integer(L.rank, { default: 8, kinds: [LORA_FINE_TUNE_KIND], description: "Easel's addition: the LoRA's rank (network_dim); alpha equals it." }),
  base_model_type: field.choice<string, 'normal'>(
    { normal: 'normal', sdxl: 'sdxl' },
    ['normal', 'sdxl'],
    ['normal', 'sdxl'],
    { default: 'normal', kinds: [LORA_FINE_TUNE_KIND], description: 'normal: SD 1.x/2.x base models. sdxl is not trainable here (a validation error).' },
  ),
  class_images: field.integer(L.classImages, {
    default: 8,
    kinds: [FINE_TUNE_KIND],
    description: "Easel's addition: how many class images prior preservation draws (with class_prompt).",
  }),
  webhook: field.webhook(),
  track_id: field.trackId(),
} satisfies FieldSpecs;

export const TRAINING_REQUEST = new RequestSchema(
  TRAINING_FIELDS,
  'A training: the instance images and their prompt, on a base model. Numbers may be sent as numeric strings; null and "" mean unset; every bad field is reported at once (422).',
);
