import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { MalformedMessageError } from './malformed-message';
import { serviceContractForCase, serviceContractForKind, type ServiceParams } from './services';
import { JobPayloadSchema, type JobPayload as JobPayloadMessage } from './gen/easel/jobs/v1/job_pb';

export type { ServiceParams } from './services';

/**
 * One job as the gateway publishes it and a worker reads it. On the bus it is the binary
 * protobuf `easel.jobs.v1.JobPayload`, whose `request` is the service's own request message
 * (services.ts finds the service's contract from the job's kind, and back from the oneof case).
 */
export interface JobPayload<P = ServiceParams> {
  jobId: number;
  tenantId: string;
  kind: string;
  modelId: string | null;
  /** Random per job; the public artifact links are `/output/<artifactToken>/<jobId>-<i>.<ext>`. */
  artifactToken: string;
  params: P;
}

export function encodeJobPayload(payload: JobPayload): Uint8Array {
  const { jobId, tenantId, kind, modelId, artifactToken, params } = payload;
  const contract = serviceContractForKind(kind);
  if (!contract) throw new Error(`cannot encode a job of kind "${kind}": no service runs it`);
  const request = {
    case: contract.requestCase,
    value: contract.toRequest(params, { jobId, tenantId, modelId, artifactToken }),
  } as JobPayloadMessage['request'];
  const message = create(JobPayloadSchema, {
    jobId: BigInt(jobId),
    tenantId,
    kind,
    modelId: modelId ?? undefined,
    artifactToken,
    request,
  });
  return toBinary(JobPayloadSchema, message);
}

/** Throws MalformedMessageError for bytes that are not a complete JobPayload. */
export function decodeJobPayload(data: Uint8Array): JobPayload {
  let message;
  try {
    message = fromBinary(JobPayloadSchema, data);
  } catch (error) {
    throw new MalformedMessageError(
      `malformed job payload: not an easel.jobs.v1.JobPayload (${(error as Error).message})`,
      { cause: error },
    );
  }
  // Arbitrary bytes can parse as unknown fields only: a real job always has these.
  if (message.jobId <= 0n || message.jobId > BigInt(Number.MAX_SAFE_INTEGER))
    throw new MalformedMessageError(`malformed job payload: job_id ${message.jobId}`);
  if (!message.tenantId) throw new MalformedMessageError('malformed job payload: no tenant_id');
  if (!message.kind) throw new MalformedMessageError('malformed job payload: no kind');
  const { request } = message;
  if (request.case === undefined)
    throw new MalformedMessageError('malformed job payload: no service request');
  const contract = serviceContractForCase(request.case);
  if (!contract)
    throw new MalformedMessageError(`malformed job payload: no service reads a "${request.case}" request`);
  let params: ServiceParams;
  try {
    params = contract.fromRequest(request.value as never) as ServiceParams;
  } catch (error) {
    throw new MalformedMessageError(`malformed job payload: ${(error as Error).message}`, { cause: error });
  }
  return {
    jobId: Number(message.jobId),
    tenantId: message.tenantId,
    kind: message.kind,
    modelId: message.modelId ?? null,
    artifactToken: message.artifactToken,
    params,
  };
}

/** The storage key of a job's i-th output, and the file name its public link ends with. */
export const artifactKey = (tenantId: string, jobId: number, index: number, ext: string) =>
  `${tenantId}/${jobId}/${index}.${ext}`;
export const artifactFileName = (jobId: number, index: number, ext: string) => `${jobId}-${index}.${ext}`;
/** Artifact.token of a job's i-th output (unique, unguessable through the job token). */
export const artifactTokenFor = (jobToken: string, index: number) => `${jobToken}.${index}`;
