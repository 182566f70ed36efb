import { Injectable } from '@nestjs/common';
import { TRAINING_KINDS, type TrainingParams } from '@easel/contracts';
import { NotFoundError, ValidationError } from '../common/api-errors';
import { parseFetchId } from '../common/request/fetch-id';
import { storedRequest } from '../jobs/job-message';
import type { DialectResponse, JobWithArtifacts } from '../jobs/job-responses';
import { JobViewService } from '../jobs/job-view.service';
import { JobsService } from '../jobs/jobs.service';
import type { Principal } from '../keys/principal';
import { ModelsService } from '../models/models.service';

export const CANCELLED_BY_CLIENT = 'cancelled by the client (cancel_training)';

/** fine_tune_status, cancel_training and delete_training: a tenant's own trainings only. */
@Injectable()
export class TrainingService {
  constructor(
    private readonly jobs: JobsService,
    private readonly view: JobViewService,
    private readonly models: ModelsService,
  ) {}

  async status(principal: Principal, pathId: string | undefined, body: Record<string, unknown>): Promise<DialectResponse> {
    return this.view.render(await this.training(principal, pathId, body));
  }

  /** Ends a queued or running training (credits released; its worker stops the trainer within seconds). */
  async cancel(principal: Principal, pathId: string | undefined, body: Record<string, unknown>) {
    const job = await this.training(principal, pathId, body);
    if (!(await this.jobs.failJob(job.id, CANCELLED_BY_CLIENT))) {
      return { status: 'error', message: `The training ${job.id} has already ended (${job.status === 'success' ? 'model_ready' : 'failed'}).`, training_id: job.id };
    }
    return { status: 'success', message: 'Training cancelled', training_id: job.id };
  }

  /** Cancels the training if it runs and deletes the model it made; the training's record stays. */
  async delete(principal: Principal, pathId: string | undefined, body: Record<string, unknown>) {
    const job = await this.training(principal, pathId, body);
    await this.jobs.failJob(job.id, CANCELLED_BY_CLIENT);
    const { modelId } = storedRequest(job).params as unknown as TrainingParams;
    const deleted = await this.models.deleteOwn(principal.tenantId, modelId);
    return { status: 'success', message: deleted ? 'Training and its model deleted' : 'Training deleted (it had made no model)', training_id: job.id, model_id: modelId };
  }

  private async training(principal: Principal, pathId: string | undefined, body: Record<string, unknown>): Promise<JobWithArtifacts> {
    const fromBody = body && typeof body === 'object' && body.training_id != null ? String(body.training_id) : undefined;
    const id = parseFetchId(pathId ?? fromBody, {});
    if (!id.ok) throw new ValidationError({ training_id: Object.values(id.errors).flat() });
    const job = (await this.jobs.repository.getForTenant(id.value, principal.tenantId)) as JobWithArtifacts | null;
    if (!job || !(TRAINING_KINDS as readonly string[]).includes(job.kind)) throw new NotFoundError('Training not found');
    return job;
  }
}
