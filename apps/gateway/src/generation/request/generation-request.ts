/**
 * Parse and validate the body of a generation request (`/api/v3/text2img`, `/img2img`, `/inpaint`
 * and the v4 dreambooth family) into a `GenerationRequest`, or collect every bad field as a
 * Laravel-style error (`{"prompt":["The prompt field is required."]}`). Pure: no I/O, no NestJS;
 * `key` is checked by the caller and fields this endpoint does not know are ignored, as the public
 * service does. The fields are read as GENERATION_FIELDS describes them (the same table
 * documents them in /openapi.json); images and the webhook are checked for shape only.
 */
import type { FieldErrors, Parsed } from '../../common/request/field-reader';
import { messages } from '../../common/request/messages';
import { GENERATION_REQUEST } from './generation-fields';
import type { GenerationKind, GenerationRequest, ParseGenerationOptions } from './generation-limits';
import { readModelId } from './generation-readers';

export { isImageReference } from '../../common/request/shared-fields';
export type { FieldErrors, Parsed } from '../../common/request/field-reader';
export * from './generation-limits';

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
  const { values: v, fields } = GENERATION_REQUEST.read(body, kind);
  const modelId = readModelId(fields, options.requireModelId === true);
  if (fields.hasErrors() || v.prompt === null) return { ok: false, errors: fields.errors };
  return {
    ok: true,
    value: {
      kind,
      prompt: v.prompt,
      negativePrompt: v.negative_prompt,
      width: v.width.width,
      height: v.width.height,
      samples: v.samples,
      steps: v.num_inference_steps,
      guidanceScale: v.guidance_scale,
      seed: v.seed,
      scheduler: v.scheduler,
      useKarrasSigmas: v.use_karras_sigmas,
      algorithmType: v.algorithm_type,
      clipSkip: v.clip_skip,
      strength: v.strength ?? null,
      initImage: v.init_image ?? null,
      maskImage: v.mask_image ?? null,
      base64: v.base64,
      temp: v.temp,
      webhook: v.webhook,
      trackId: v.track_id,
      modelId,
      safetyChecker: v.safety_checker,
      safetyCheckerType: v.safety_checker_type,
      enhancePrompt: v.enhance_prompt,
      multiLingual: v.multi_lingual,
      panorama: v.panorama,
      selfAttention: v.self_attention,
      highresFix: v.highres_fix,
      highresFixStrength: v.highres_fix_strength,
      tomesd: v.tomesd,
      upscale: v.upscale,
      loraModel: v.lora_model,
      loraStrength: v.lora_strength,
      embeddingsModel: v.embeddings_model,
      vae: v.vae,
      refiner: v.refiner,
      refinerModel: null,
      outputFormat: v.output_format,
    },
  };
}
