/**
 * Parse and validate the body of a generation request (`/api/v3/text2img`, `/img2img`, `/inpaint`
 * and the v4 dreambooth family) into a `GenerationRequest`, or collect every bad field as a
 * Laravel-style error (`{"prompt":["The prompt field is required."]}`). Pure: no I/O, no NestJS;
 * `key` is checked by the caller and fields this endpoint does not know are ignored, as the public
 * service does. Images and the webhook are checked for shape only; they are fetched elsewhere.
 */
import {
  type Coerced,
  characterCount,
  coerceBoolean,
  coerceInteger,
  coerceNumber,
  coerceNumberList,
  coerceString,
  coerceStringList,
  normalizeInput,
} from './coercion';
import type { DiffusionParams } from '@easel/contracts';
import { checkImageSize } from './image-limits';
import { messages } from './messages';
import { lookupScheduler } from './scheduler-names';

export type GenerationKind = 'text2img' | 'img2img' | 'inpaint';
/** Laravel-style: `{"prompt":["The prompt field is required."]}`. */
export type FieldErrors = Record<string, string[]>;
export type Parsed<T> = { ok: true; value: T } | { ok: false; errors: FieldErrors };

export type SafetyCheckerType = 'blank' | 'blur' | 'pixelate' | 'black';
export type OutputFormat = 'png' | 'jpeg' | 'webp';
export type Upscale = 2 | 3 | 4;

/**
 * A validated generation request: what the diffusion worker needs (`DiffusionParams`, shared
 * with the workers through @easel/contracts) plus what only the gateway acts on.
 */
export interface GenerationRequest extends DiffusionParams {
  base64: boolean;
  webhook: string | null;
  trackId: string | number | null;
  modelId: string | null;
  safetyChecker: boolean;
  safetyCheckerType: SafetyCheckerType;
  enhancePrompt: boolean;
  multiLingual: boolean;
  panorama: boolean;
  selfAttention: boolean;
  highresFix: boolean;
  tomesd: boolean;
  upscale: Upscale | null;
  loraModel: string[];
  /** Same length as `loraModel`. */
  loraStrength: number[];
  embeddingsModel: string[];
  vae: string | null;
}

export interface ParseGenerationOptions {
  /** The v4 dreambooth endpoints need `model_id`. */
  requireModelId?: boolean;
}

/** API.md's limits. */
export const GENERATION_LIMITS = {
  sideMultiple: 8,
  minSide: 64,
  maxSide: 1024,
  /** 1024×768 or 768×1024. */
  maxPixels: 1024 * 768,
  /** With panorama: yes, wide (or tall) images up to 2048 on a side, 2048×768 pixels. */
  panorama: { maxSide: 2048, maxPixels: 2048 * 768 },
  highresFixStrength: { min: 0, max: 1 },
  samples: { min: 1, max: 4 },
  steps: { min: 1, max: 50 },
  guidanceScale: { min: 1, max: 20 },
  clipSkip: { min: 1, max: 2 },
  strength: { min: 0, max: 1 },
  seed: { min: 0, max: 4294967295 },
  /** Long prompts are chunked by 75 tokens as A1111 does; this only bounds the body. */
  maxPromptCharacters: 2000,
  /** model, LoRA, embedding and VAE ids; track_id. */
  maxIdCharacters: 255,
  maxUrlCharacters: 2048,
  /** LoRAs or embeddings in one request. */
  maxAdapters: 8,
} as const;

/**
 * Defaults for fields the client leaves unset (absent, null or ""). The public service's documented
 * defaults where Easel can honour them: samples 1, num_inference_steps 20 and guidance_scale 7.5
 * (its example bodies and `meta`), safety_checker yes, clip_skip 1, upscale no, base64 and temp no.
 */
export const GENERATION_DEFAULTS = {
  samples: 1,
  steps: 20,
  guidanceScale: 7.5,
  clipSkip: 1,
  safetyChecker: true,
  /** The overview page: "Any image detected as NSFW will be replaced by a blank image". */
  safetyCheckerType: 'blank',
  /**
   * The public service defaults enhance_prompt (an LLM rewrite of the prompt) to yes. Easel does not
   * rewrite prompts unasked: the same prompt and seed must give the same pixels, and the bundled model
   * is tested on literal prompts ("a red circle"). Clients that want it send "yes".
   */
  enhancePrompt: false,
  multiLingual: false,
  panorama: false,
  selfAttention: false,
  highresFix: false,
  /** Token merging trades fidelity for speed and changes the pixels; off unless asked for. */
  tomesd: false,
  /** Off unless asked for, or implied by a scheduler label such as "DPM++ 2M Karras". */
  useKarrasSigmas: false,
  base64: false,
  temp: false,
  outputFormat: 'png',
} as const satisfies Partial<GenerationRequest>;

const SAFETY_CHECKER_TYPES: readonly SafetyCheckerType[] = ['blank', 'blur', 'pixelate', 'black'];
/** The public service's own default type; its nearest Easel equivalent replaces the image too. */
const SAFETY_CHECKER_TYPE_ALIASES: Record<string, SafetyCheckerType> = { sensitive_content_text: 'blank' };
const OUTPUT_FORMATS: Record<string, OutputFormat> = { png: 'png', jpeg: 'jpeg', jpg: 'jpeg', webp: 'webp' };
/** The engine's DPM-Solver variants; "dpmsolver+++" is how the public docs spell the first. */
const ALGORITHM_TYPES: Record<string, string | null> = {
  'dpmsolver++': 'dpmsolver++',
  'dpmsolver+++': 'dpmsolver++',
  'sde-dpmsolver++': 'sde-dpmsolver++',
  none: null,
};

/** The request body's fields, normalised on read, with the errors found so far. */
export class FieldReader {
  readonly errors: FieldErrors = {};
  private readonly body: Record<string, unknown>;

  constructor(body: unknown) {
    this.body =
      body !== null && typeof body === 'object' && !Array.isArray(body)
        ? (body as Record<string, unknown>)
        : {};
  }

  /** The field's value (trimmed; "" → null); null when absent. Only own properties count. */
  get(field: string): unknown {
    return Object.hasOwn(this.body, field) ? normalizeInput(this.body[field]) : null;
  }

  fail(field: string, message: string): void {
    (this.errors[field] ??= []).push(message);
  }

  hasErrors(field?: string): boolean {
    return field === undefined ? Object.keys(this.errors).length > 0 : field in this.errors;
  }

  /** The coerced value, or undefined after recording its error. */
  take<T>(field: string, coerced: Coerced<T>): T | undefined {
    if (coerced.ok) return coerced.value;
    this.fail(field, coerced.error);
    return undefined;
  }

  /** A boolean flag; unset → `fallback`. */
  flag(field: string, fallback: boolean): boolean {
    return this.take(field, coerceBoolean(this.get(field), field)) ?? fallback;
  }

  /** An integer in [min, max]; unset → `fallback`. */
  integer(field: string, range: { min: number; max: number }, fallback: number): number;
  integer(field: string, range: { min: number; max: number }, fallback: null): number | null;
  integer(field: string, range: { min: number; max: number }, fallback: number | null): number | null {
    const value = this.take(field, coerceInteger(this.get(field), field));
    if (value === undefined || value === null) return fallback;
    return this.inRange(field, value, range) ? value : fallback;
  }

  /** A number in [min, max]; unset → `fallback`. */
  number(field: string, range: { min: number; max: number }, fallback: number): number;
  number(field: string, range: { min: number; max: number }, fallback: null): number | null;
  number(field: string, range: { min: number; max: number }, fallback: number | null): number | null {
    const value = this.take(field, coerceNumber(this.get(field), field));
    if (value === undefined || value === null) return fallback;
    return this.inRange(field, value, range) ? value : fallback;
  }

  private inRange(field: string, value: number, { min, max }: { min: number; max: number }): boolean {
    if (value >= min && value <= max) return true;
    this.fail(field, messages.between(field, min, max));
    return false;
  }

  /** A string of at most `maxCharacters`; unset → null (or the required error). */
  text(field: string, maxCharacters: number, required = false): string | null {
    const value = this.take(field, coerceString(this.get(field), field));
    if (value === undefined) return null;
    if (value === null) {
      if (required) this.fail(field, messages.required(field));
      return null;
    }
    if (characterCount(value) > maxCharacters) this.fail(field, messages.maxCharacters(field, maxCharacters));
    return value;
  }

  /** One of `allowed` (any letter case), through `aliases`; unset → null. */
  choice<T extends string | null>(
    field: string,
    allowed: Record<string, T>,
    listed: readonly string[],
  ): T | null {
    const value = this.take(field, coerceString(this.get(field), field));
    if (value === undefined || value === null) return null;
    const key = value.toLowerCase();
    if (Object.hasOwn(allowed, key)) return allowed[key];
    this.fail(field, messages.oneOf(field, listed));
    return null;
  }

  /** Ids from a comma-separated list or an array: each ≤ maxIdCharacters, at most maxAdapters. */
  ids(field: string): string[] {
    const list = this.take(field, coerceStringList(this.get(field), field));
    if (list === undefined) return [];
    if (list.length > GENERATION_LIMITS.maxAdapters)
      this.fail(field, messages.maxItems(field, GENERATION_LIMITS.maxAdapters));
    if (list.some((id) => characterCount(id) > GENERATION_LIMITS.maxIdCharacters)) {
      this.fail(field, messages.maxCharacters(field, GENERATION_LIMITS.maxIdCharacters));
    }
    return list;
  }

  /** The first of `fields` the client set (for aliases); the first one when none is set. */
  firstGiven(...fields: string[]): string {
    return fields.find((field) => this.get(field) !== null) ?? fields[0];
  }
}

function isHttpUrl(value: string): boolean {
  if (!/^https?:\/\//i.test(value)) return false;
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}

const DATA_URI = /^data:image\/[a-z0-9.+-]+;base64,([A-Za-z0-9+/_\-\s]+={0,2})$/i;
const BARE_BASE64 = /^[A-Za-z0-9+/_\-\r\n]+={0,2}$/;
/** Shorter than this cannot be an image (a 1×1 PNG is 68 bytes, 92 base64 characters). */
const MIN_BASE64_CHARACTERS = 16;

/** An http(s) URL, a `data:image/...;base64,` URI or bare base64 — judged by its shape only. */
export function isImageReference(value: string): boolean {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value))
    return value.length <= GENERATION_LIMITS.maxUrlCharacters && isHttpUrl(value);
  const payload = DATA_URI.exec(value)?.[1] ?? (/^data:/i.test(value) ? null : value);
  if (payload === null) return false;
  const compact = payload.replace(/\s+/g, '');
  return compact.length >= MIN_BASE64_CHARACTERS && compact.length % 4 !== 1 && BARE_BASE64.test(compact);
}

export function readImage(fields: FieldReader, field: string): string | null {
  const value = fields.take(field, coerceString(fields.get(field), field));
  if (value === undefined) return null;
  if (value === null) {
    fields.fail(field, messages.required(field));
    return null;
  }
  if (!isImageReference(value)) fields.fail(field, messages.image(field));
  else checkImageSize(fields, field, value);
  return value;
}

/**
 * Width and height: integers, multiples of 8, 64–1024 each, and 1024×768 pixels at most together;
 * with panorama, up to 2048 on a side and 2048×768 pixels.
 */
function readSize(fields: FieldReader, panorama: boolean): { width: number | null; height: number | null } {
  const { sideMultiple, minSide } = GENERATION_LIMITS;
  const { maxSide, maxPixels } = panorama ? GENERATION_LIMITS.panorama : GENERATION_LIMITS;
  const side = (field: 'width' | 'height'): number | null => {
    const value = fields.take(field, coerceInteger(fields.get(field), field));
    if (value === undefined || value === null) return null;
    if (value % sideMultiple !== 0) fields.fail(field, messages.multipleOf(field, sideMultiple));
    if (value < minSide) fields.fail(field, messages.atLeast(field, minSide));
    else if (value > maxSide) fields.fail(field, messages.notGreaterThan(field, maxSide));
    return value;
  };
  const width = side('width');
  const height = side('height');
  // One side alone cannot break the pixel budget here; the engine checks it against the model's default size.
  if (
    width !== null &&
    height !== null &&
    !fields.hasErrors('width') &&
    !fields.hasErrors('height') &&
    width * height > maxPixels
  ) {
    const [field, other, otherValue] =
      width >= height ? (['width', 'height', height] as const) : (['height', 'width', width] as const);
    const ceiling = Math.floor(maxPixels / otherValue / sideMultiple) * sideMultiple;
    fields.fail(field, messages.areaTooLarge(field, ceiling, other, otherValue));
  }
  return { width, height };
}

/** `seed`: an integer in [0, 2³²−1]; null, "" or absent → random. `-1` also means random (A1111's convention). */
function readSeed(fields: FieldReader): number | null {
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
function readUpscale(fields: FieldReader): Upscale | null {
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

export function readWebhook(fields: FieldReader): string | null {
  const value = fields.take('webhook', coerceString(fields.get('webhook'), 'webhook'));
  if (value === undefined || value === null) return null;
  if (value.length > GENERATION_LIMITS.maxUrlCharacters)
    fields.fail('webhook', messages.maxCharacters('webhook', GENERATION_LIMITS.maxUrlCharacters));
  else if (!isHttpUrl(value)) fields.fail('webhook', messages.url('webhook'));
  return value;
}

/** `track_id`: a string (≤ 255 characters) or a finite number, echoed back as it came. */
export function readTrackId(fields: FieldReader): string | number | null {
  const value = fields.get('track_id');
  if (value === null) return null;
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string') {
    if (characterCount(value) > GENERATION_LIMITS.maxIdCharacters) {
      fields.fail('track_id', messages.maxCharacters('track_id', GENERATION_LIMITS.maxIdCharacters));
    }
    return value;
  }
  fields.fail('track_id', messages.stringOrNumber('track_id'));
  return null;
}

/** `model_id`: a string id (a number is read as its decimal string). */
function readModelId(fields: FieldReader, required: boolean): string | null {
  const raw = fields.get('model_id');
  if (typeof raw === 'number' && Number.isFinite(raw)) return String(raw);
  return fields.text('model_id', GENERATION_LIMITS.maxIdCharacters, required);
}

/**
 * `lora_strength`: one number per `lora_model` entry; one number alone applies to every LoRA; unset → 1
 * each. Given without any `lora_model`, it is ignored.
 */
function readLoraStrength(fields: FieldReader, loraModel: string[]): number[] {
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

/** `true` when the errors are exactly "model_id is required": the service answers that with "Model id not found". */
export function isOnlyMissingModelId(errors: FieldErrors): boolean {
  const keys = Object.keys(errors);
  return (
    keys.length === 1 && keys[0] === 'model_id' && errors.model_id.includes(messages.required('model_id'))
  );
}

export function parseGenerationRequest(
  kind: GenerationKind,
  body: Record<string, unknown>,
  options: ParseGenerationOptions = {},
): Parsed<GenerationRequest> {
  const fields = new FieldReader(body);
  const L = GENERATION_LIMITS;
  const D = GENERATION_DEFAULTS;

  const prompt = fields.text('prompt', L.maxPromptCharacters, true);
  const negativePrompt = fields.text('negative_prompt', L.maxPromptCharacters);
  const modelId = readModelId(fields, options.requireModelId === true);

  let initImage: string | null = null;
  let maskImage: string | null = null;
  let strength: number | null = null;
  if (kind === 'img2img' || kind === 'inpaint') {
    initImage = readImage(fields, 'init_image');
    if (kind === 'inpaint') maskImage = readImage(fields, 'mask_image');
    strength = fields.number(fields.firstGiven('strength', 'prompt_strength'), L.strength, null);
  }

  const panorama = fields.flag('panorama', D.panorama);
  const { width, height } = readSize(fields, panorama);
  const samples = fields.integer('samples', L.samples, D.samples);
  const steps = fields.integer('num_inference_steps', L.steps, D.steps);
  const guidanceScale = fields.number('guidance_scale', L.guidanceScale, D.guidanceScale);
  const seed = readSeed(fields);

  const scheduler = fields.text('scheduler', L.maxIdCharacters);
  const label = scheduler === null ? null : lookupScheduler(scheduler);
  // A label's implied options ("DPM++ 2M Karras", "DPM++ 2M SDE") apply unless the client set the field.
  const useKarrasSigmas = fields.flag('use_karras_sigmas', label?.karras ?? D.useKarrasSigmas);
  const algorithmType =
    fields.get('algorithm_type') === null
      ? (label?.algorithmType ?? null)
      : fields.choice('algorithm_type', ALGORITHM_TYPES, ['dpmsolver++', 'sde-dpmsolver++', 'none']);
  const clipSkip = fields.integer('clip_skip', L.clipSkip, D.clipSkip);

  const safetyChecker = fields.flag('safety_checker', D.safetyChecker);
  const safetyCheckerType =
    fields.choice(
      'safety_checker_type',
      {
        ...Object.fromEntries(SAFETY_CHECKER_TYPES.map((type) => [type, type])),
        ...SAFETY_CHECKER_TYPE_ALIASES,
      },
      SAFETY_CHECKER_TYPES,
    ) ?? D.safetyCheckerType;
  const enhancePrompt = fields.flag('enhance_prompt', D.enhancePrompt);
  const multiLingual = fields.flag('multi_lingual', D.multiLingual);
  const selfAttention = fields.flag('self_attention', D.selfAttention);
  const upscale = readUpscale(fields);
  const highresFix = fields.flag('highres_fix', D.highresFix);
  const highresFixStrength = fields.number('highres_fix_strength', L.highresFixStrength, null);
  const tomesd = fields.flag('tomesd', D.tomesd);

  const loraModel = fields.ids('lora_model');
  const loraStrength = readLoraStrength(fields, loraModel);
  const embeddingsModel = fields.ids(fields.firstGiven('embeddings_model', 'embeddings'));
  const vae = fields.text('vae', L.maxIdCharacters);

  const base64 = fields.flag('base64', D.base64);
  const temp = fields.flag('temp', D.temp);
  const webhook = readWebhook(fields);
  const trackId = readTrackId(fields);
  const outputFormat =
    fields.choice('output_format', OUTPUT_FORMATS, ['png', 'jpeg', 'webp']) ?? D.outputFormat;

  if (fields.hasErrors() || prompt === null) return { ok: false, errors: fields.errors };
  return {
    ok: true,
    value: {
      kind,
      prompt,
      negativePrompt,
      width,
      height,
      samples,
      steps,
      guidanceScale,
      seed,
      scheduler,
      useKarrasSigmas,
      algorithmType,
      clipSkip,
      strength,
      initImage,
      maskImage,
      base64,
      temp,
      webhook,
      trackId,
      modelId,
      safetyChecker,
      safetyCheckerType,
      enhancePrompt,
      multiLingual,
      panorama,
      selfAttention,
      highresFix,
      highresFixStrength,
      tomesd,
      upscale,
      loraModel,
      loraStrength,
      embeddingsModel,
      vae,
      outputFormat,
    },
  };
}
