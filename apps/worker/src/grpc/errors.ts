import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { describeFailure, ServiceError as EaselServiceError } from '@easel/contracts';
import { ModelNotFoundError } from '../diffusion/diffusion-generation';

/** An error to answer a call with: a gRPC status, and the request field it concerns. */
export class GrpcError extends EaselServiceError {
  constructor(
    readonly status: status,
    message: string,
    field?: string,
    reason?: string,
  ) {
    super(reason ?? 'invalid_argument', message, field === undefined ? {} : { field });
    this.name = 'GrpcError';
  }
}

export const invalidArgument = (field: string, message: string) =>
  new GrpcError(status.INVALID_ARGUMENT, `${field}: ${message}`, field, 'invalid_argument');
export const modelNotFound = (modelId: string, field = 'model_id') =>
  new GrpcError(
    status.NOT_FOUND,
    `${field}: model ${JSON.stringify(modelId)} not found`,
    field,
    'model_not_found',
  );

/** Codes of a broken model directory: not the caller's fault, but retrying will not help. */
const MODEL_CODES = new Set(['model_file_missing', 'model_file_corrupt', 'graph_mismatch']);

/**
 * Map anything a handler threw to a gRPC status, through the one ServiceFailure every service and
 * engine error reads as (describeFailure). Request problems are INVALID_ARGUMENT with the API field
 * name first in the message (`width: The width must be a multiple of 8.`) and in the
 * `easel-error-field` trailer; `easel-error-code` carries the stable code.
 */
export function toServiceError(error: unknown): Partial<ServiceError> {
  const mapped = classify(error);
  const metadata = new Metadata();
  if (mapped.field) metadata.set('easel-error-field', mapped.field);
  metadata.set('easel-error-code', mapped.code);
  return { code: mapped.status, details: mapped.message, metadata };
}

function classify(error: unknown): GrpcError {
  if (error instanceof GrpcError) return error;
  if (error instanceof ModelNotFoundError) return modelNotFound(error.modelId, error.field);
  const failure = describeFailure(error);
  const { code, field, message } = failure;
  const named = field && !message.startsWith(`${field}: `) ? `${field}: ${message}` : message;
  if (code === 'model_not_found') return new GrpcError(status.NOT_FOUND, named, field ?? 'model_id', code);
  if (code === 'cancelled') return new GrpcError(status.CANCELLED, message, undefined, code);
  if (MODEL_CODES.has(code))
    return new GrpcError(status.FAILED_PRECONDITION, `model_id: ${message}`, 'model_id', code);
  if (failure.retryable) return new GrpcError(status.INTERNAL, message, undefined, code);
  // Every other code is about the request (size, steps, scheduler, unsupported feature, an input image...).
  return new GrpcError(status.INVALID_ARGUMENT, named, field, code);
}
