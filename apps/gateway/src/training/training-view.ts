import type { TrainingParams } from '@easel/contracts';
import { storedRequest } from '../jobs/job-message';
import { outputUrl, type DialectResponse, type JobWithArtifacts } from '../jobs/job-responses';
import { trainingProgress, trainingStatus } from './training-status';

interface TrainingResult {
  model_id: string;
  steps: number;
  loss: number;
  train_seconds: number;
  resumed_from_step?: number;
  log?: string[];
}

/**
 * A training as the dialect shows it, in one body for every moment: the submit answer
 * (`training_status`, `training_id`, `model_id`), the status endpoint (`messege` = the status,
 * `data` = the log/eta text) and the webhook (status, training_status, logs, model_id).
 */
export function trainingBody(job: JobWithArtifacts, publicUrl: string, eta: number): DialectResponse {
  const stored = storedRequest(job);
  const params = stored.params as unknown as TrainingParams;
  const status = trainingStatus(job);
  const progress = trainingProgress(job);
  const result = job.status === 'success' ? (job.result as unknown as TrainingResult) : null;
  const logs = result?.log ?? progress?.log ?? [];
  const step = result?.steps ?? progress?.step ?? 0;
  const total = progress?.total ?? params.maxTrainSteps;
  const loss = result?.loss ?? progress?.loss ?? null;
  const lora = job.artifacts.map((a) => outputUrl(publicUrl, stored.artifactToken, job.id, a.index, stored.extension));
  const data =
    job.status === 'failed'
      ? (job.error ?? 'the training failed')
      : job.status === 'success'
        ? `trained ${step} steps in ${Math.round(result?.train_seconds ?? 0)} s, loss ${loss}`
        : `step ${step} of ${total}${loss === null ? '' : `, loss ${loss}`}, about ${Math.max(1, Math.round(eta))} s left`;
  return {
    httpStatus: 200,
    body: {
      status: job.status === 'failed' ? 'failed' : 'success',
      training_status: status,
      messege: status,
      message: status,
      data,
      training_id: job.id,
      model_id: params.modelId,
      base_model_id: params.baseModelId,
      step,
      total_steps: total,
      loss,
      eta: job.status === 'queued' || job.status === 'running' ? Math.max(1, Math.round(eta)) : 0,
      logs,
      ...(result ? { train_seconds: result.train_seconds, resumed_from_step: result.resumed_from_step ?? 0 } : {}),
      ...(lora.length > 0 ? { lora_link: lora[0] } : {}),
      ...(job.status === 'failed' ? { error: job.error ?? 'the training failed' } : {}),
      ...(job.trackId === null ? {} : { track_id: job.trackId }),
    },
  };
}
