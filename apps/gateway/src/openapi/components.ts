/**
 * Response shapes of the dialect (API.md "Error shapes" and the generation answers) as
 * OpenAPI components, with Easel's choices where the public service is silent.
 */
import type { Schema } from '../common/request/json-schema';

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const errorWith = (message: Schema, extra: Record<string, Schema> = {}, required: string[] = []): Schema => ({
  type: 'object',
  required: ['status', 'message', ...required],
  properties: { status: { const: 'error' }, message, ...extra },
});

const OUTPUT_LINK =
  'Links are `<EASEL_PUBLIC_URL>/output/<token>/<job id>-<index>.<ext>`: the token is random per job, so a link is the capability to read the file (no key needed). ext follows output_format (png, jpg, webp). With the S3 store a link answers 302 to a short-lived pre-signed URL; `temp: yes` links expire after EASEL_TEMP_LINK_TTL_S seconds (410).';

export const SCHEMAS: Record<string, Schema> = {
  JobId: {
    type: 'integer',
    minimum: 1,
    description: 'Job ids are numbers; fetch also accepts them as numeric strings.',
  },
  TrackId: {
    anyOf: [{ type: 'string' }, { type: 'number' }],
    description: "The request's track_id, echoed back.",
  },
  GenerationSuccess: {
    type: 'object',
    required: ['status', 'id', 'output', 'meta'],
    properties: {
      status: { const: 'success' },
      generationTime: { type: 'number', description: 'Seconds the worker spent.' },
      id: ref('JobId'),
      output: {
        type: 'array',
        items: { type: 'string' },
        description: `URLs of the images, or base64 data when the request said base64: yes. ${OUTPUT_LINK}`,
      },
      proxy_links: {
        type: 'array',
        items: { type: 'string', format: 'uri' },
        description: 'The same links (always URLs).',
      },
      nsfw_content_detected: { type: 'boolean', description: 'An output (or the init image) was flagged by the NSFW checker and replaced.' },
      meta: {
        type: 'object',
        additionalProperties: true,
        description:
          'Every parameter used: prompt, negative_prompt, W, H, steps, guidance_scale, seed (the one drawn when none was sent), seeds, n_samples, scheduler (diffusers class name), model_id, safety_checker, upscale, clip_skip…; nsfw_scores (one per output) and init_image_nsfw_score when the NSFW checker ran, generated_W/generated_H when upscale changed the size (W, H are the delivered size); what the optional features did (detected_language, translated_prompt, enhanced_prompt, prompt_used, highres_fix_base_size, highres_fix_strength, panorama_windows, sag_scale); and generation_time_by_phase: generationTime split by phase in seconds (total, text_encoder, unet, vae_encode, vae_decode, image_io, and when they ran self_attention, panorama_blend, highres_base, highres_upscale, highres_refine, multi_lingual, enhance_prompt, upscale, safety_checker). super_resolution: url or init_image, scale, model_id, upscale_model, W, H, input_W, input_H.',
      },
      timings: {
        type: 'object',
        additionalProperties: true,
        description:
          "Easel's addition: where the worker's time went, in seconds per phase: total, text_encoder, unet, vae_encode, vae_decode, image_io of the diffusion engine, then upscale and safety_checker when they ran (super_resolution: total, image_io, upscale).",
      },
      track_id: ref('TrackId'),
    },
  },
  GenerationProcessing: {
    type: 'object',
    required: ['status', 'id', 'fetch_result', 'future_links'],
    properties: {
      status: { const: 'processing' },
      tip: { type: 'string' },
      eta: { type: 'number', description: 'Estimated seconds until the job ends.' },
      messege: {
        const: 'Try to fetch request after given estimated time',
        description: 'Misspelled as the service has it.',
      },
      message: {
        const: 'Try to fetch request after given estimated time',
        description: 'The same, spelled right.',
      },
      fetch_result: {
        type: 'string',
        format: 'uri',
        description: 'POST here with {"key"} to get the result.',
      },
      id: ref('JobId'),
      output: { type: 'array', maxItems: 0 },
      future_links: {
        type: 'array',
        items: { type: 'string', format: 'uri' },
        description: `Where the images will be once the job ends successfully. ${OUTPUT_LINK}`,
      },
      meta: { type: 'object' },
      track_id: ref('TrackId'),
    },
  },
  GenerationFailed: {
    type: 'object',
    required: ['status', 'id', 'message', 'output'],
    properties: {
      status: { const: 'failed' },
      id: { anyOf: [ref('JobId'), { const: '' }] },
      message: { const: 'Failed, Try Again' },
      output: { const: '' },
      error: { type: 'string', description: "Easel's addition: why the job failed." },
      track_id: ref('TrackId'),
    },
  },
  ValidationError: errorWith({
    type: 'object',
    additionalProperties: { type: 'array', items: { type: 'string' } },
    description: 'One entry per bad field, Laravel-style sentences.',
    examples: [
      { prompt: ['The prompt field is required.'], width: ['The width must not be greater than 1024.'] },
    ],
  }),
  InvalidApiKey: errorWith(
    { const: 'Invalid Api Key' },
    {
      tip: {
        type: 'string',
        const:
          '1. Make sure you are passing Content-Type: application/json in header. 2. Make sure you are doing POST request with valid JSON. 3. Make sure your JSON does not have error, use jsonlint to validate json array. 4. Make sure you have valid API key.',
      },
    },
    ['tip'],
  ),
  RateLimitExceeded: errorWith(
    { const: 'Rate limit exceeded' },
    {
      tips: {
        type: 'string',
        description:
          'The spam filter (the same body from one key within 30 s), the per-key requests-per-minute limit or the per-key concurrent-jobs limit.',
      },
    },
    ['tips'],
  ),
  ModelNotFound: errorWith({ const: 'Model id not found' }),
  InsufficientCredits: errorWith({ const: 'Insufficient credits' }),
  Error: errorWith({ type: 'string' }),
  KeyBody: {
    type: 'object',
    required: ['key'],
    properties: { key: { type: 'string', description: 'Your API key.' } },
    additionalProperties: true,
  },
  FetchBody: {
    type: 'object',
    required: ['key'],
    properties: {
      key: { type: 'string' },
      request_id: {
        anyOf: [ref('JobId'), { type: 'string', pattern: '^\\s*\\d+\\s*$' }],
        description: 'The job id, when the path has none (a path id wins).',
      },
    },
    additionalProperties: true,
  },
  SystemLoad: {
    type: 'object',
    required: ['queue_num', 'queue_time', 'status'],
    properties: {
      queue_num: { type: 'integer', description: 'Jobs not yet ended.' },
      queue_time: { type: 'number', description: 'Seconds to work through them.' },
      status: { const: 'ok' },
    },
  },
  ModelList: {
    type: 'array',
    items: {
      type: 'object',
      properties: {
        model_id: { type: 'string' },
        model_name: { type: 'string' },
        model_category: { type: 'string' },
        status: { type: 'string', examples: ['model_ready'] },
        visibility: { type: 'string' },
        is_nsfw: { type: 'string' },
      },
    },
  },
  WebhookLogs: {
    type: 'object',
    properties: {
      status: { const: 'success' },
      id: ref('JobId'),
      deliveries: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            id: { type: 'string' },
            url: { type: 'string' },
            event: { const: 'job.ended' },
            status: { type: 'string' },
            attempts: { type: 'integer' },
            last_status_code: { type: ['integer', 'null'] },
            last_error: { type: ['string', 'null'] },
            next_attempt_at: { type: ['string', 'null'], format: 'date-time' },
            created_at: { type: 'string', format: 'date-time' },
            delivered_at: { type: ['string', 'null'], format: 'date-time' },
            payload: { description: 'What was sent (the fetch body); null before the first attempt.' },
          },
        },
      },
    },
  },
  JobList: {
    type: 'object',
    required: ['status', 'jobs', 'next_cursor'],
    properties: {
      status: { const: 'success' },
      jobs: {
        type: 'array',
        description: 'Newest first (created_at, then id).',
        items: {
          type: 'object',
          required: ['id', 'kind', 'status', 'created_at', 'finished_at', 'output', 'thumbnail', 'meta', 'fetch_result'],
          properties: {
            id: ref('JobId'),
            kind: { type: 'string', examples: ['text2img', 'inpaint', 'super_resolution', 'removebg_mask'] },
            status: { enum: ['success', 'processing', 'failed'], description: 'As fetch answers it.' },
            created_at: { type: 'string', format: 'date-time' },
            finished_at: { type: ['string', 'null'], format: 'date-time' },
            output: {
              type: 'array',
              items: { type: 'string', format: 'uri' },
              description: `The output links (empty until the job succeeds; links even when the request said base64). ${OUTPUT_LINK}`,
            },
            thumbnail: {
              type: ['string', 'null'],
              format: 'uri',
              description: 'The first output that is an image (the file itself: no smaller copy is stored); null when there is none.',
            },
            meta: {
              type: 'object',
              additionalProperties: true,
              description: "The success answer's meta (see GenerationSuccess); empty for a job not ended or failed.",
            },
            fetch_result: { type: 'string', format: 'uri', description: "The job's fetch endpoint." },
            error: { type: 'string', description: 'Why a failed job failed.' },
            track_id: ref('TrackId'),
          },
        },
      },
      next_cursor: {
        type: ['string', 'null'],
        description: 'Pass as `cursor` for the next, older page; null on the last page.',
      },
    },
  },
  Health: { type: 'object', properties: { status: { const: 'ok' } } },
};

const json = (schema: Schema) => ({ 'application/json': { schema } });

export const RESPONSES: Record<string, Schema> = {
  InvalidApiKey: {
    description:
      'A missing or unknown key (401); a wrong Content-Type or a body that is not a JSON object gets the same body with 400.',
    content: json(ref('InvalidApiKey')),
  },
  ValidationError: { description: 'Bad fields, each named.', content: json(ref('ValidationError')) },
  RateLimitExceeded: {
    description: 'Spam filter, requests-per-minute or concurrent-jobs limit of the key.',
    headers: {
      'Retry-After': {
        description: 'Seconds to wait before trying again.',
        schema: { type: 'integer', minimum: 1 },
      },
    },
    content: json(ref('RateLimitExceeded')),
  },
  ModelNotFound: {
    description: "The model_id is unknown to the key's tenant (or missing where required).",
    content: json(ref('ModelNotFound')),
  },
  InsufficientCredits: {
    description: 'The tenant cannot pay for the job.',
    content: json(ref('InsufficientCredits')),
  },
  Forbidden: { description: 'The key lacks the scope the route needs.', content: json(ref('Error')) },
  NotFound: { description: "Not found (or not the key's tenant's).", content: json(ref('Error')) },
};

export const PARAMETERS: Record<string, Schema> = {
  QueryKey: {
    name: 'key',
    in: 'query',
    required: false,
    description:
      'The API key, for clients that cannot send headers (EventSource). Otherwise send `Authorization: Bearer <key>`, which keeps the key out of access logs.',
    schema: { type: 'string' },
  },
  IdempotencyKey: {
    name: 'Idempotency-Key',
    in: 'header',
    required: false,
    description:
      "Easel's addition: a request with the same key (per tenant) returns the first job instead of creating a new one, and is not counted by the spam filter.",
    schema: { type: 'string' },
  },
};
