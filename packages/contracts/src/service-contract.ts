import type { JobPayload as JobPayloadMessage } from './gen/easel/jobs/v1/job_pb';

/** The cases of JobPayload's `request` oneof: one per service. */
export type RequestCase = Exclude<JobPayloadMessage['request']['case'], undefined>;
/** The protobuf request message a case carries. */
export type RequestOf<C extends RequestCase> = Extract<JobPayloadMessage['request'], { case: C }>['value'];

/** Who a job belongs to: the service requests that repeat it (diffusion's GenerateRequest) take it from here. */
export interface JobIdentity {
  jobId: number;
  tenantId: string;
  modelId: string | null;
  artifactToken: string;
}

/**
 * One service as gateway and workers both see it on the bus: its name (the stream
 * `<prefix><name>`, the subjects `<prefix>jobs.<name>.<pool>`, EASEL_SERVICES), the job kinds it
 * runs, and how its params travel as its own protobuf request inside JobPayload.
 */
export interface ServiceContract<
  C extends RequestCase = RequestCase,
  P extends { kind: string } = { kind: string },
> {
  readonly name: string;
  readonly kinds: readonly string[];
  readonly requestCase: C;
  /** The proto file that declares the service (proto/<protoFile>). */
  readonly protoFile: string;
  /**
   * Why the service takes work from the bus only, with no direct gRPC call (training: a job of hours
   * that must survive its worker and resume from checkpoints). Unset: it has a gRPC service too.
   */
  readonly busOnly?: string;
  toRequest(params: P, identity: JobIdentity): RequestOf<C>;
  /** Throws MalformedMessageError when a field is missing or out of range. */
  fromRequest(message: RequestOf<C>): P;
}

export const defineServiceContract = <C extends RequestCase, P extends { kind: string }>(
  contract: ServiceContract<C, P>,
) => contract;
