import { Inject, Injectable } from '@nestjs/common';
import type { EaselConfig } from '@easel/config';
import type { ArtifactStore } from '@easel/storage';
import { NotFoundError } from '../common/api-errors';
import { ARTIFACT_STORE, CONFIG } from '../tokens';
import { storedRequest } from './job-message';
import {
  failedBody,
  processingBody,
  successBody,
  type DialectResponse,
  type JobWithArtifacts,
} from './job-responses';
import { JobsService } from './jobs.service';
import { ServiceRegistry } from './service-registry';

/** A job of any service as the dialect shows it (fetch, the submit answer, the webhook body). */
@Injectable()
export class JobViewService {
  constructor(
    private readonly jobs: JobsService,
    private readonly registry: ServiceRegistry,
    @Inject(CONFIG) private readonly config: EaselConfig,
    @Inject(ARTIFACT_STORE) private readonly store: ArtifactStore,
  ) {}

  /** The success, processing or failed body of a tenant's job; another tenant's job is not found. */
  async describe(tenantId: string, jobId: number): Promise<DialectResponse> {
    const job = (await this.jobs.repository.getForTenant(jobId, tenantId)) as JobWithArtifacts | null;
    if (!job) throw new NotFoundError('Request not found');
    return this.render(job);
  }

  /** The body of a job row already in hand (the caller checked its tenant). */
  async render(job: JobWithArtifacts): Promise<DialectResponse> {
    const { publicUrl } = this.config;
    const definition = this.registry.forKind(job.kind);
    if (definition.render) return definition.render(job, { publicUrl, eta: job.status === 'success' || job.status === 'failed' ? 0 : await this.eta(job) });
    if (job.status === 'success') {
      const wantsBase64 = (storedRequest(job).params as { base64?: boolean }).base64 === true;
      const base64 = wantsBase64
        ? await Promise.all(
            job.artifacts.map(async (a) => (await this.store.getBuffer(a.storageKey)).toString('base64')),
          )
        : undefined;
      const familyFields = definition.successFields?.bind(definition);
      return successBody(job, publicUrl, definition.successMeta(job), base64, definition.extraOutputs, familyFields && ((links) => familyFields(job, links)));
    }
    if (job.status === 'failed') return failedBody(job);
    return processingBody(job, publicUrl, await this.eta(job), definition.fetchPath);
  }

  /** Seconds until the job ends: what its worker last reported, else queue position × mean job time. */
  private async eta(job: JobWithArtifacts): Promise<number> {
    if (job.status === 'running' && job.eta !== null) return job.eta;
    const { jobs, jobSeconds } = await this.jobs.recentQueueEstimate();
    return jobSeconds * Math.max(1, jobs);
  }
}
