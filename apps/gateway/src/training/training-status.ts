import type { Job } from '@easel/db';

/** The dialect's walk of a training (API.md, Training), read off the job row. */
export type TrainingStatus =
  | 'deploying_gpu'
  | 'training_started'
  | 'training_success'
  | 'trained_model_uploading'
  | 'model_ready'
  | 'failed';

export interface TrainingProgress {
  step: number;
  total: number;
  loss: number | null;
  log: string[];
}

export function trainingProgress(job: Job): TrainingProgress | null {
  const detail = job.progressDetail as Partial<TrainingProgress> | null;
  if (!detail || typeof detail.step !== 'number' || typeof detail.total !== 'number') return null;
  return { step: detail.step, total: detail.total, loss: typeof detail.loss === 'number' ? detail.loss : null, log: Array.isArray(detail.log) ? detail.log.map(String) : [] };
}

export function trainingStatus(job: Job): TrainingStatus {
  if (job.status === 'success') return 'model_ready';
  if (job.status === 'failed') return 'failed';
  if (job.status === 'queued') return 'deploying_gpu';
  const progress = trainingProgress(job);
  if (progress && progress.step >= progress.total) return 'trained_model_uploading';
  return 'training_started';
}
