/**
 * The body of a fine_tune / lora_fine_tune request → the training's params (all but the ids the
 * definition assigns), or every bad field as a Laravel-style error. Pure, like the other parsers.
 */
import { FINE_TUNE_KIND, type TrainingKind, type TrainingParams } from '@easel/contracts';
import type { Parsed } from '../common/request/field-reader';
import { TRAINING_REQUEST } from './training-fields';

export interface TrainingRequest extends Omit<TrainingParams, 'baseModelId' | 'modelId' | 'seed'> {
  /** null: the deployment's default model. */
  baseModelId: string | null;
  /** null: drawn by the definition. */
  seed: number | null;
  webhook: string | null;
  trackId: string | number | null;
}

/** The usual Stable Diffusion rates: DreamBooth moves every weight, so it steps far more gently. */
export const DEFAULT_LEARNING_RATE: Record<TrainingKind, number> = { fine_tune: 5e-6, lora_fine_tune: 1e-4 };
export const STEPS_PER_IMAGE = 100;

export function parseTrainingRequest(kind: TrainingKind, body: Record<string, unknown>): Parsed<TrainingRequest> {
  const { values: v, fields } = TRAINING_REQUEST.read(body, kind);
  if (v.base_model_type === 'sdxl') fields.fail('base_model_type', 'Training SDXL models is not available in this deployment; use base_model_type normal.');
  if (fields.hasErrors()) return { ok: false, errors: fields.errors };
  const maxTrainSteps = v.max_train_steps ?? Math.min(2000, STEPS_PER_IMAGE * v.images.length);
  return {
    ok: true,
    value: {
      kind,
      baseModelId: v.base_model_id,
      images: v.images,
      instancePrompt: v.instance_prompt!,
      classPrompt: v.class_prompt,
      maxTrainSteps,
      learningRate: v.learning_rate ?? DEFAULT_LEARNING_RATE[kind],
      seed: v.seed,
      trainingType: v.training_type ?? '',
      loraType: (v.lora_type ?? 'lora') as TrainingParams['loraType'],
      rank: v.rank ?? 8,
      negativePrompt: v.negative_prompt ?? '',
      classImages: kind === FINE_TUNE_KIND && v.class_prompt ? (v.class_images ?? 8) : 0,
      webhook: v.webhook,
      trackId: v.track_id,
    },
  };
}
