import { create, type MessageInitShape } from '@bufbuild/protobuf';
import * as grpc from '@grpc/grpc-js';
import { videov1 } from '@easel/contracts';
import { BundledModelCatalog } from '@easel/model-store';
import { GenerationSlots } from '../generation-slots';
import { grpcServiceDefinition, startGrpcServer, type GrpcServerHandle } from '../grpc';
import { MODELS } from '../grpc/test-helpers';
import { VideoGeneration } from './video-generation';
import { videoGrpcEntry } from './video-grpc';

/** easel.video.v1.VideoService over the bundled catalog (easel-tiny-motion over easel-tiny): tiny clips. */
describe('VideoService over gRPC', () => {
  const video = new VideoGeneration({ catalog: new BundledModelCatalog(MODELS), defaultModel: 'easel-tiny-motion', fetchAllowHosts: [], session: { intraOpNumThreads: 1 } });
  const slots = new GenerationSlots(1);
  let server: GrpcServerHandle;
  let client: any;

  beforeAll(async () => {
    server = await startGrpcServer({ port: 0, host: '127.0.0.1', services: [videoGrpcEntry(video, slots)] });
    const Client = grpc.makeGenericClientConstructor(grpcServiceDefinition(videov1.VideoService), 'VideoService');
    client = new Client(`127.0.0.1:${server.port}`, grpc.credentials.createInsecure());
  });
  afterAll(async () => {
    client?.close();
    await server?.close();
    await video.close();
  });

  const generate = (fields: MessageInitShape<typeof videov1.GenerateRequestSchema>) =>
    new Promise<{ events: videov1.GenerateResponse[]; error?: grpc.ServiceError }>((resolve) => {
      const request = create(videov1.GenerateRequestSchema, {
        kind: 'text2video',
        prompt: 'a red circle moving to the right on a blue background',
        tenantId: 't',
        numFrames: 3,
        fps: 8,
        width: 64,
        height: 64,
        numInferenceSteps: 2,
        guidanceScale: 7.5,
        minGuidanceScale: 1,
        maxGuidanceScale: 3,
        seed: 4n,
        motionBucketId: 127,
        outputType: 'gif',
        clipSkip: 1,
        ...fields,
      });
      const events: videov1.GenerateResponse[] = [];
      const call = client.generate(request);
      call.on('data', (e: videov1.GenerateResponse) => events.push(e));
      call.on('error', (error: grpc.ServiceError) => resolve({ events, error }));
      call.on('end', () => resolve({ events }));
    });

  it('streams a progress event per step and per frame, then the clip', async () => {
    const { events, error } = await generate({});
    expect(error).toBeUndefined();
    const progress = events.filter((e) => e.event.case === 'progress').map((e) => e.event.value as videov1.VideoProgress);
    expect(progress.map((p) => `${p.phase} ${p.step}/${p.total}`)).toEqual(['denoise 1/5', 'denoise 2/5', 'decode 3/5', 'decode 4/5', 'decode 5/5']);
    const clip = events.at(-1)!.event;
    expect(clip.case).toBe('clip');
    const value = clip.value as videov1.VideoClip;
    expect(value).toMatchObject({ mimeType: 'image/gif', numFrames: 3, width: 64, height: 64, seed: 4n, modelId: 'easel-tiny-motion' });
    expect(Buffer.from(value.video).subarray(0, 6).toString('latin1')).toBe('GIF89a');
  });

  it('a bad size is INVALID_ARGUMENT; an unknown model NOT_FOUND and an image model INVALID_ARGUMENT, naming model_id', async () => {
    expect((await generate({ width: 100 })).error?.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect((await generate({ numFrames: 40 })).error?.code).toBe(grpc.status.INVALID_ARGUMENT);
    for (const [modelId, code] of [['nope', grpc.status.NOT_FOUND], ['easel-tiny', grpc.status.INVALID_ARGUMENT]] as const) {
      const r = await generate({ modelId });
      expect([modelId, r.error?.code]).toEqual([modelId, code]);
      expect(r.error?.metadata.get('easel-error-field')).toEqual(['model_id']);
    }
  });
});
