import { randomBytes, randomInt } from 'node:crypto';
import { Inject, Injectable, Optional } from '@nestjs/common';
import type { EaselConfig } from '@easel/config';
import { TRAINING_KINDS, TRAINING_SERVICE, type TrainingKind, type TrainingParams } from '@easel/contracts';
import type { ModelCatalog, ModelStore } from '@easel/model-store';
import { TrainingUnavailableError, ValidationError } from '../common/api-errors';
import type { Schema } from '../common/request/json-schema';
import type { DialectResponse, JobWithArtifacts } from '../jobs/job-responses';
import { DefinesService, type PreparedJob, type ServiceDefinition } from '../jobs/service-definition';
import type { Principal } from '../keys/principal';
import { CONFIG, MODEL_CATALOG, MODEL_STORE, TRAINER_PROBLEM } from '../tokens';
import { privateUrlMessage, privateUrls } from '../common/request/private-urls';
import { TRAINING_REQUEST } from './training-fields';
import { TRAINING_CREDITS_PER_STEP, trainingPrice } from './training-pricing';
import { parseTrainingRequest } from './training-request';
import { trainingBody } from './training-view';

const MODEL_ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const newModelId = () => Array.from(randomBytes(10), (b) => MODEL_ID_ALPHABET[b % MODEL_ID_ALPHABET.length]).join('');

/** POST /api/v3/fine_tune and /api/v3/lora_fine_tune on the training service. */
@Injectable()
@DefinesService()
export class TrainingDefinition implements ServiceDefinition {
  readonly service = TRAINING_SERVICE;
  readonly kinds = TRAINING_KINDS;
  readonly fetchPath = '/api/v3/fine_tune_status';
  readonly pricing = `${TRAINING_CREDITS_PER_STEP.lora_fine_tune} credit per step for lora_fine_tune, ${TRAINING_CREDITS_PER_STEP.fine_tune} for fine_tune (max_train_steps). Held when the training is accepted, captured when the model is ready, released when it fails or is cancelled.`;

  constructor(
    @Inject(CONFIG) private readonly config: EaselConfig,
    @Inject(MODEL_CATALOG) private readonly catalog: ModelCatalog,
    @Optional() @Inject(MODEL_STORE) private readonly store?: ModelStore,
    @Optional() @Inject(TRAINER_PROBLEM) private readonly trainerProblem?: () => Promise<string | null>,
  ) {}

  async prepare(principal: Principal, kind: string, body: Record<string, unknown>): Promise<PreparedJob> {
    const parsed = parseTrainingRequest(kind as TrainingKind, body);
    if (!parsed.ok) throw new ValidationError(parsed.errors);
    const { webhook, trackId, ...request } = parsed.value;
    const refused = privateUrls(request.images, this.config.fetchAllowHosts);
    if (refused.length > 0) throw new ValidationError({ images: refused.map((n) => privateUrlMessage(`images item ${n}`)) });
    if (!this.store) throw new TrainingUnavailableError('Training needs a model store to keep the trained models in; this deployment has none.');
    const problem = (await this.trainerProblem?.()) ?? null;
    if (problem) throw new TrainingUnavailableError(problem);
    const baseModelId = request.baseModelId ?? this.config.EASEL_DEFAULT_MODEL;
    const base = await this.catalog.find(principal.tenantId, baseModelId);
    if (!base || base.category !== 'stable_diffusion') {
      throw new ValidationError({ base_model_id: [`The base model ${baseModelId} was not found: it is not a Stable Diffusion model this key may use (see /api/v4/dreambooth/model_list).`] });
    }
    let modelId = newModelId();
    while (!(await this.store.isFree(principal.tenantId, modelId))) modelId = newModelId();
    const params: TrainingParams = { ...request, baseModelId, modelId, seed: request.seed ?? randomInt(0, 2 ** 32) };
    return {
      kind,
      modelId: baseModelId,
      params: params as unknown as Record<string, unknown>,
      outputs: kind === 'lora_fine_tune' ? 1 : 0,
      extension: 'safetensors',
      price: trainingPrice(kind as TrainingKind, params.maxTrainSteps),
      trackId,
      webhook,
    };
  }

  successMeta(): Record<string, unknown> {
    return {};
  }

  render(job: JobWithArtifacts, context: { publicUrl: string; eta: number }): DialectResponse {
    return trainingBody(job, context.publicUrl, context.eta);
  }

  requestSchema(kind: string): Schema {
    return TRAINING_REQUEST.jsonSchema(kind);
  }
}
