import { create } from '@bufbuild/protobuf';
import { fromDirectGenerateRequest, fromGenerateRequest } from './diffusion-proto';
import { GenerateRequestSchema } from './gen/easel/diffusion/v1/diffusion_pb';
import { MalformedMessageError } from './malformed-message';

describe('GenerateRequest of a direct gRPC call', () => {
  const bare = create(GenerateRequestSchema, {
    prompt: 'a red circle',
    loraModel: ['striped'],
    loraStrength: [0.5],
    upscale: 2,
  });

  it('leaves samples, steps, guidance and clip skip unset for the engine to default, and reads every other field', () => {
    const params = fromDirectGenerateRequest(bare);
    expect(params).toMatchObject({
      kind: 'text2img',
      prompt: 'a red circle',
      loraModel: ['striped'],
      loraStrength: [0.5],
      upscale: 2,
      safetyChecker: undefined,
    });
    expect([params.samples, params.steps, params.guidanceScale, params.clipSkip]).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('is strict where a job is: the same message from the bus lacks steps', () => {
    expect(() => fromGenerateRequest(bare)).toThrow(MalformedMessageError);
  });

  it('still rejects values out of range', () => {
    expect(() =>
      fromDirectGenerateRequest(create(GenerateRequestSchema, { prompt: 'x', upscale: 5 })),
    ).toThrow(/upscale of 5/);
    expect(() =>
      fromDirectGenerateRequest(create(GenerateRequestSchema, { prompt: 'x', safetyCheckerType: 'sepia' })),
    ).toThrow(/safety_checker_type/);
  });
});
