import { create } from '@bufbuild/protobuf';
import { TrainRequestSchema, type TrainRequest } from './gen/easel/training/v1/training_pb';
import { MalformedMessageError } from './malformed-message';
import { defineServiceContract } from './service-contract';
import {
  LORA_TYPES,
  TRAINING_KINDS,
  TRAINING_LIMITS,
  TRAINING_SERVICE,
  type TrainingKind,
  type TrainingParams,
} from './training';

export function toTrainRequest(p: TrainingParams): TrainRequest {
  return create(TrainRequestSchema, {
    kind: p.kind,
    baseModelId: p.baseModelId,
    modelId: p.modelId,
    images: p.images,
    instancePrompt: p.instancePrompt,
    classPrompt: p.classPrompt ?? undefined,
    maxTrainSteps: p.maxTrainSteps,
    learningRate: p.learningRate,
    seed: BigInt(p.seed),
    trainingType: p.trainingType,
    loraType: p.loraType,
    rank: p.rank,
    negativePrompt: p.negativePrompt,
    classImages: p.classImages,
  });
}

function within(value: number, range: { min: number; max: number }, name: string): number {
  if (!Number.isFinite(value) || value < range.min || value > range.max)
    throw new MalformedMessageError(`training request has ${name} ${value} (${range.min}-${range.max})`);
  return value;
}

/** Throws MalformedMessageError for a request no trainer should start. */
export function fromTrainRequest(m: TrainRequest): TrainingParams {
  if (!(TRAINING_KINDS as readonly string[]).includes(m.kind))
    throw new MalformedMessageError(`training request has kind "${m.kind}"`);
  if (!m.baseModelId || !m.modelId) throw new MalformedMessageError('training request names no base or new model');
  if (!m.instancePrompt) throw new MalformedMessageError('training request has no instance prompt');
  within(m.images.length, TRAINING_LIMITS.images, 'images');
  const loraType = (LORA_TYPES as readonly string[]).includes(m.loraType) ? (m.loraType as TrainingParams['loraType']) : 'lora';
  return {
    kind: m.kind as TrainingKind,
    baseModelId: m.baseModelId,
    modelId: m.modelId,
    images: [...m.images],
    instancePrompt: m.instancePrompt,
    classPrompt: m.classPrompt ?? null,
    maxTrainSteps: within(m.maxTrainSteps, TRAINING_LIMITS.maxTrainSteps, 'max_train_steps'),
    learningRate: within(m.learningRate, TRAINING_LIMITS.learningRate, 'learning_rate'),
    seed: Number(m.seed),
    trainingType: m.trainingType,
    loraType,
    rank: within(m.rank, TRAINING_LIMITS.rank, 'rank'),
    negativePrompt: m.negativePrompt,
    classImages: within(m.classImages, TRAINING_LIMITS.classImages, 'class_images'),
  };
}

/** The training service on the bus. */
export const TRAINING_CONTRACT = defineServiceContract({
  name: TRAINING_SERVICE,
  kinds: TRAINING_KINDS,
  requestCase: 'training',
  protoFile: 'easel/training/v1/training.proto',
  busOnly: 'a training runs for minutes to hours and must outlive its worker: it is resumed from checkpoints on redelivery, which a direct call cannot be',
  toRequest: toTrainRequest,
  fromRequest: fromTrainRequest,
});
