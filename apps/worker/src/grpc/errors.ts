import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { describeError } from '@easel/engine-diffusion';
import { ModelNotFoundError } from '../diffusion/diffusion-generation';
import { PermanentJobError } from '../service-handler';

/** An error to answer a call with: a gRPC status, and the request field it concerns. */
export class GrpcError extends Error {
  constructor(
    readonly code: status,
    message: string,
    readonly field?: string,
    readonly reason?: string,
  ) {
    super(message);
    this.name = 'GrpcError';
  }
}

export const invalidArgument = (field: string, message: string) =>
  new GrpcError(status.INVALID_ARGUMENT, `${field}: ${message}`, field, 'invalid_argument');
export const modelNotFound = (modelId: string, field = 'model_id') =>
  new GrpcError(status.NOT_FOUND, `${field}: model ${JSON.stringify(modelId)} not found`, field, 'model_not_found');

/** Engine codes for a broken model directory (not the caller's fault, but retrying will not help). */
const MODEL_CODES = new Set(['model_file_missing', 'model_file_corrupt', 'graph_mismatch']);

/**
 * Map anything a handler threw to a gRPC status. Request problems are INVALID_ARGUMENT with
 * the API field name first in the message (`width: The width must be a multiple of 8.`) and in
 * the `easel-error-field` trailer; `easel-error-code` carries the engine's stable code.
 */
export function toServiceError(error: unknown): Partial<ServiceError> {
  const mapped = classify(error);
  const metadata = new Metadata();
  if (mapped.field) metadata.set('easel-error-field', mapped.field);
  if (mapped.reason) metadata.set('easel-error-code', mapped.reason);
  return { code: mapped.code, details: mapped.message, metadata };
}

function classify(error: unknown): GrpcError {
  if (error instanceof GrpcError) return error;
  if (error instanceof ModelNotFoundError) return modelNotFound(error.modelId, error.field);
  if (error instanceof PermanentJobError) {
    return error.field
      ? invalidArgument(error.field, error.message)
      : new GrpcError(status.INVALID_ARGUMENT, error.message);
  }
  const info = describeError(error);
  if (info.code === 'cancelled') return new GrpcError(status.CANCELLED, info.message, undefined, info.code);
  if (info.code === 'internal' || info.code === 'inference_failed')
    return new GrpcError(status.INTERNAL, info.message, undefined, info.code);
  if (MODEL_CODES.has(info.code))
    return new GrpcError(status.FAILED_PRECONDITION, `model_id: ${info.message}`, 'model_id', info.code);
  // Every other engine code is about the request (size, steps, scheduler, unsupported feature, ...).
  const field = info.field;
  return field
    ? new GrpcError(status.INVALID_ARGUMENT, `${field}: ${info.message}`, field, info.code)
    : new GrpcError(status.INVALID_ARGUMENT, info.message, undefined, info.code);
}
