import { SetMetadata } from '@nestjs/common';
import type { Job } from '@easel/db';
import type { Schema } from '../common/request/json-schema';
import type { Principal } from '../keys/principal';
import type { DialectResponse, JobWithArtifacts } from './job-responses';

/** A validated request, ready to be admitted, priced and queued. */
export interface PreparedJob {
  kind: string;
  modelId: string | null;
  /** The service's params (what its contract encodes for the bus). */
  params: Record<string, unknown>;
  /** How many files the job writes (the `future_links` of a processing answer). */
  outputs: number;
  extension: string;
  /** Values that `meta` must show differently from the request (what was really done). */
  metaOverrides?: Record<string, unknown>;
  price: number;
  trackId: string | number | null;
  webhook: string | null;
}

export interface SubmitOptions {
  /** The v4 dreambooth endpoints need `model_id`. */
  requireModelId?: boolean;
  idempotencyKey?: string | null;
  /** How long the answer waits for the job to end (default EASEL_SYNC_WINDOW_MS; 0 for trainings, which never end that soon). */
  syncWindowMs?: number;
  /** false: the spam filter leaves the request alone (see AdmitOptions.spamFilter). */
  spamFilter?: boolean;
  /** Runs once the job's row exists, before it is published (a stream subscribes to its events here). */
  beforePublish?: (job: Job) => Promise<void>;
}

/**
 * One service as the gateway sees it: which job kinds it takes, how a request body of each
 * becomes a priced job (validation, model checks, price), and how a finished job's `meta`
 * reads. The job's life around it (limits, credits, the row, the bus, the sync window, fetch,
 * webhooks) is the jobs module's, written once for every service.
 */
export interface ServiceDefinition {
  /** The service on the bus (@easel/contracts SERVICE_CONTRACTS) that runs these kinds. */
  readonly service: string;
  readonly kinds: readonly string[];
  /** What a job costs, in a sentence (shown with each of the service's operations in /openapi.json). */
  readonly pricing: string;
  /** Where the family's jobs are fetched (`fetch_result`); unset: /api/v3/fetch. */
  /**
   * Names of the files a job writes after its `outputs` (a mesh's `preview` PNG and `turntable` GIF): the success
   * answer gives each its own field instead of listing it in `output`. Unset: every file is an output.
   */
  readonly extraOutputs?: readonly string[];
  readonly fetchPath?: string;
  /** Throws the dialect's errors (ValidationError, ModelNotFoundError...) for a request it refuses. */
  prepare(
    principal: Principal,
    kind: string,
    body: Record<string, unknown>,
    options: SubmitOptions,
  ): Promise<PreparedJob>;
  /** `meta` of the success answer. */
  successMeta(job: JobWithArtifacts): Record<string, unknown>;
  /** Top-level fields of the family's own in the success answer (voice: `links`, `audio_time`), given its output links. */
  successFields?(job: JobWithArtifacts, links: string[]): Record<string, unknown>;
  /** The JSON Schema of the body `prepare` reads for `kind` (made from the same field table). */
  requestSchema(kind: string, options: SubmitOptions): Schema;
  /**
   * A family whose answers have a shape of their own (training's `training_status`): the body of
   * its job in any state, for the submit answer, its fetch and its webhook. Unset: the image shapes.
   */
  render?(job: JobWithArtifacts, context: { publicUrl: string; eta: number }): DialectResponse;
}

export const SERVICE_DEFINITION = Symbol('easel:service-definition');

/** Marks a provider as a ServiceDefinition: the ServiceRegistry finds it (no list to edit). */
export const DefinesService = () => SetMetadata(SERVICE_DEFINITION, true);
