import { MODEL_ID_PATTERN, type LoadModelRequest, type ModelCategory } from '@easel/model-store';
import { isUnsafeText } from '../common/safe-text';
import type { FieldErrors } from '../common/request/field-reader';
import { messages } from '../common/request/messages';

const CATEGORIES: readonly ModelCategory[] = ['stable_diffusion', 'lora', 'embeddings', 'face_restore', 'llm', 'voice'];
const FORMATS = ['diffusers', 'safetensors', 'ckpt', 'onnx', 'gguf'] as const;
/** What a category's files are when model_format is not sent. */
const DEFAULT_FORMAT: Record<ModelCategory, (typeof FORMATS)[number]> = {
  stable_diffusion: 'diffusers',
  lora: 'safetensors',
  embeddings: 'safetensors',
  controlnet: 'onnx',
  face_restore: 'onnx',
  llm: 'gguf',
  video: 'onnx',
  '3d': 'onnx',
  voice: 'onnx',
};
const VISIBILITIES = ['private', 'public'] as const;

type Parsed<T> = { ok: true; value: T } | { ok: false; errors: FieldErrors };

function text(body: Record<string, unknown>, field: string, errors: FieldErrors): string | null {
  const v = body[field];
  if (v === undefined || v === null || v === '') return null;
  if (typeof v === 'number') return String(v);
  if (typeof v !== 'string') {
    errors[field] = [messages.string(field)];
    return null;
  }
  if (isUnsafeText(v)) {
    errors[field] = [messages.unsafeText(field)];
    return null;
  }
  return v.trim();
}

/** `model_id` of model_reload / delete_model: required, a valid id. */
export function parseModelId(body: Record<string, unknown>): Parsed<string> {
  const errors: FieldErrors = {};
  const id = text(body, 'model_id', errors);
  if (!errors.model_id && id === null) errors.model_id = [messages.required('model_id')];
  if (id !== null && !MODEL_ID_PATTERN.test(id)) errors.model_id = ['The model id may contain only letters, digits, ".", "_" and "-" (at most 128).'];
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, value: id! };
}

/** POST /api/v3/load_model: `url`, `model_id`, `model_category`, `model_format`, `model_visibility`, `revision`. */
export function parseLoadModelRequest(body: Record<string, unknown>, tenantId: string): Parsed<LoadModelRequest> {
  const idParsed = parseModelId(body);
  const errors: FieldErrors = idParsed.ok ? {} : { ...idParsed.errors };
  const url = text(body, 'url', errors);
  if (!errors.url && url === null) errors.url = [messages.required('url')];
  if (url !== null && !/^https?:\/\/\S+$/i.test(url)) errors.url = [messages.url('url')];
  const pick = <T extends string>(field: string, allowed: readonly T[], fallback: T): T => {
    const v = text(body, field, errors);
    if (v === null) return fallback;
    if (!(allowed as readonly string[]).includes(v.toLowerCase())) {
      errors[field] = [messages.oneOf(field, allowed)];
      return fallback;
    }
    return v.toLowerCase() as T;
  };
  const category = pick('model_category', CATEGORIES, 'stable_diffusion');
  const format = pick('model_format', FORMATS, DEFAULT_FORMAT[category]);
  const visibility = pick('model_visibility', VISIBILITIES, 'private');
  const revision = text(body, 'revision', errors);
  if (revision !== null && revision.length > 200) errors.revision = [messages.maxCharacters('revision', 200)];
  if (Object.keys(errors).length > 0 || !idParsed.ok) return { ok: false, errors };
  return { ok: true, value: { tenantId, modelId: idParsed.value, category, format, visibility, url: url!, revision } };
}
