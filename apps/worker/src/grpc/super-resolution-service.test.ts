import { create } from '@bufbuild/protobuf';
import * as grpc from '@grpc/grpc-js';
import { superresolutionv1 } from '@easel/contracts';
import { Upscaler } from '@easel/engine-upscale';
import sharp from 'sharp';
import { GenerationSlots } from '../generation-slots';
import { SuperResolution } from '../super-resolution/super-resolution-handler';
import { grpcServiceDefinition, startGrpcServer, type GrpcServerHandle } from './index';
import { superResolutionGrpcEntry } from './super-resolution-service';

/** easel.super_resolution.v1.SuperResolutionService: the bus jobs' path, called directly. */
describe('SuperResolutionService over gRPC', () => {
  const upscaler = new Upscaler();
  const slots = new GenerationSlots(1);
  let server: GrpcServerHandle;
  let client: any;

  beforeAll(async () => {
    server = await startGrpcServer({
      port: 0,
      host: '127.0.0.1',
      services: [superResolutionGrpcEntry(new SuperResolution({ upscaler, fetchAllowHosts: [] }), slots)],
    });
    const Client = grpc.makeGenericClientConstructor(
      grpcServiceDefinition(superresolutionv1.SuperResolutionService),
      'SuperResolutionService',
    );
    client = new Client(`127.0.0.1:${server.port}`, grpc.credentials.createInsecure());
  });
  afterAll(async () => {
    client?.close();
    await server?.close();
    upscaler.dispose();
  });

  const call = (image: Buffer, scale = 2) =>
    new Promise<{ response?: superresolutionv1.SuperResolutionResponse; error?: grpc.ServiceError }>(
      (resolve) => {
        const request = create(superresolutionv1.SuperResolutionRequestSchema, {
          image: image.toString('base64'),
          imageField: 'init_image',
          scale,
          upscaleModel: 'esrgan-slim',
        });
        client.superResolution(
          request,
          (error: grpc.ServiceError | null, response: superresolutionv1.SuperResolutionResponse) =>
            resolve(error ? { error } : { response }),
        );
      },
    );
  const png = (width: number, height: number) =>
    sharp({ create: { width, height, channels: 3, background: '#c22' } })
      .png()
      .toBuffer();

  it('answers the image twice as large, and says what ran', async () => {
    const { response, error } = await call(await png(40, 24));
    expect(error).toBeUndefined();
    expect(response).toMatchObject({
      width: 80,
      height: 48,
      inputWidth: 40,
      inputHeight: 24,
      scale: 2,
      upscaleModel: 'esrgan-slim',
      mimeType: 'image/png',
    });
    const meta = await sharp(Buffer.from(response!.image)).metadata();
    expect([meta.width, meta.height]).toEqual([80, 48]);
  });

  it('an image too small to tile is INVALID_ARGUMENT naming the field', async () => {
    const { error } = await call(await png(1, 1));
    expect(error?.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(error?.metadata.get('easel-error-field')).toEqual(['init_image']);
  });

  it('a scale out of range is INVALID_ARGUMENT before anything runs', async () => {
    const { error } = await call(await png(40, 24), 5);
    expect(error?.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(error?.details).toMatch(/scale of 5/);
  });

  it('while bus jobs hold every slot, a call is RESOURCE_EXHAUSTED', async () => {
    slots.acquire();
    try {
      const { error } = await call(await png(40, 24));
      expect(error?.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
    } finally {
      slots.release();
    }
  });
});
