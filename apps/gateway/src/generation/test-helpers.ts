import { join } from 'node:path';
import type { ModelEntry } from '@easel/model-store';
import { parseGenerationRequest, type GenerationKind, type GenerationRequest } from './request';

/** A valid request of `kind` with `body`'s fields (tests of what a model can do). */
export function parse(body: Record<string, unknown>, kind: GenerationKind = 'text2img'): GenerationRequest {
  const result = parseGenerationRequest(kind, { prompt: 'a red circle', ...body });
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.value;
}

export const MODELS = join(__dirname, '..', '..', '..', '..', 'models');

/** A ready public model of the repository's models/ (or at `location`). */
export const model = (id: string, location = join(MODELS, id)): ModelEntry => ({
  modelId: id,
  name: id,
  category: 'stable_diffusion',
  visibility: 'public',
  status: 'ready',
  location,
  tenantId: null,
});
