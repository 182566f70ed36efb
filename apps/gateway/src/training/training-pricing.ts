import type { TrainingKind } from '@easel/contracts';

/** Credits per optimiser step: DreamBooth moves every UNet weight, a LoRA a few low-rank pairs. */
export const TRAINING_CREDITS_PER_STEP: Record<TrainingKind, number> = { fine_tune: 0.02, lora_fine_tune: 0.01 };

export const trainingPrice = (kind: TrainingKind, steps: number) =>
  Math.round(TRAINING_CREDITS_PER_STEP[kind] * steps * 1000) / 1000;
