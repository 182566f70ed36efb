import { describeFailure, ServiceError } from './service-error';

describe('describeFailure', () => {
  it('keeps a ServiceError as it is', () => {
    expect(
      describeFailure(new ServiceError('model_not_found', 'Model id not found', { field: 'model_id' })),
    ).toEqual({
      code: 'model_not_found',
      message: 'Model id not found',
      field: 'model_id',
      retryable: false,
    });
    expect(
      describeFailure(new ServiceError('inference_failed', 'the unet graph failed', { retryable: true }))
        .retryable,
    ).toBe(true);
  });

  it("reads an engine's own error by its code, field and retryable", () => {
    const engine = Object.assign(new Error('The width must be a multiple of 8.'), {
      code: 'invalid_size',
      field: 'width',
    });
    expect(describeFailure(engine)).toEqual({
      code: 'invalid_size',
      message: 'The width must be a multiple of 8.',
      field: 'width',
      retryable: false,
    });
    expect(
      describeFailure(Object.assign(new Error('x'), { code: 'inference_failed', retryable: true })).retryable,
    ).toBe(true);
  });

  it('calls anything else internal and retryable (a numeric errno code is not a service code)', () => {
    expect(describeFailure(new Error('socket hang up'))).toEqual({
      code: 'internal',
      message: 'socket hang up',
      retryable: true,
    });
    expect(describeFailure(Object.assign(new Error('EPIPE'), { code: 32 }))).toMatchObject({
      code: 'internal',
      retryable: true,
    });
    expect(
      describeFailure(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })),
    ).toMatchObject({ code: 'internal', retryable: true });
    expect(describeFailure('boom')).toEqual({ code: 'internal', message: 'boom', retryable: true });
  });
});
