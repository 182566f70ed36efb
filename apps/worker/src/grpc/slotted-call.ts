import { status } from '@grpc/grpc-js';
import { MalformedMessageError } from '@easel/contracts';
import type { GenerationSlots } from '../generation-slots';
import { GrpcError } from './errors';

/**
 * A direct call that runs a service's bus path: its request read into params (a malformed one is
 * INVALID_ARGUMENT), then the work in one of the worker's slots shared with bus jobs (none free:
 * RESOURCE_EXHAUSTED, rather than queueing behind them). `check` runs before a slot is taken (an
 * unknown model is NOT_FOUND whether or not the slots are busy).
 */
export async function slottedCall<Req, Params, Res>(
  request: Req,
  read: (request: Req) => Params,
  slots: GenerationSlots,
  work: (params: Params) => Promise<Res>,
  check?: (params: Params) => Promise<unknown>,
): Promise<Res> {
  let params: Params;
  try {
    params = read(request);
  } catch (error) {
    if (error instanceof MalformedMessageError)
      throw new GrpcError(status.INVALID_ARGUMENT, error.message, undefined, 'invalid_argument');
    throw error;
  }
  await check?.(params);
  if (!slots.tryAcquire())
    throw new GrpcError(
      status.RESOURCE_EXHAUSTED,
      `all ${slots.total} slot(s) are busy; retry later`,
      undefined,
      'no_free_slot',
    );
  try {
    return await work(params);
  } finally {
    slots.release();
  }
}
