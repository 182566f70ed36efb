/**
 * `training` (the v3 fine_tune and lora_fine_tune endpoints): a service of its own (stream, pool,
 * proto/easel/training/v1) whose jobs run a trainer for minutes to hours on the training pool.
 */
export const TRAINING_SERVICE = 'training';
export const FINE_TUNE_KIND = 'fine_tune';
export const LORA_FINE_TUNE_KIND = 'lora_fine_tune';
export const TRAINING_KINDS = [FINE_TUNE_KIND, LORA_FINE_TUNE_KIND] as const;
export type TrainingKind = (typeof TRAINING_KINDS)[number];

export const TRAINING_TYPES = ['men', 'female', 'couple'] as const;
export const LORA_TYPES = ['lora', 'lycoris'] as const;

/** What the gateway accepts and the worker trusts (the same numbers on both sides). */
export const TRAINING_LIMITS = {
  images: { min: 4, max: 30 },
  maxTrainSteps: { min: 1, max: 2000 },
  learningRate: { min: 1e-7, max: 1e-1 },
  rank: { min: 1, max: 128 },
  classImages: { min: 0, max: 64 },
  /** Each instance image (bytes, before decoding). */
  imageBytes: 10 * 1024 * 1024,
} as const;

export interface TrainingParams {
  kind: TrainingKind;
  baseModelId: string;
  /** The new model's id, the tenant's own once the training succeeds. */
  modelId: string;
  /** http(s) URLs, data: URIs or bare base64, as the client sent them; the worker fetches. */
  images: string[];
  instancePrompt: string;
  /** Prior preservation's class (DreamBooth); null: none. */
  classPrompt: string | null;
  maxTrainSteps: number;
  learningRate: number;
  seed: number;
  trainingType: string;
  loraType: (typeof LORA_TYPES)[number];
  rank: number;
  negativePrompt: string;
  classImages: number;
}
