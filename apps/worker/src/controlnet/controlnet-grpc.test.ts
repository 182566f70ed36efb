import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { create } from '@bufbuild/protobuf';
import * as grpc from '@grpc/grpc-js';
import { service as healthDefinition } from 'grpc-health-check';
import sharp from 'sharp';
import { controlnetv1, diffusionv1 } from '@easel/contracts';
import { DiffusionEngine } from '@easel/engine-diffusion';
import { SafetyChecker } from '@easel/engine-safety';
import { Upscaler } from '@easel/engine-upscale';
import { BundledModelCatalog } from '@easel/model-store';
import { DiffusionGeneration } from '../diffusion/diffusion-generation';
import { GenerationSlots } from '../generation-slots';
import { grpcServiceDefinition, startGrpcServer, type GrpcServerHandle } from '../grpc';
import { MODELS } from '../grpc/test-helpers';
import { controlNetGrpcEntry } from './controlnet-grpc';

/** easel.controlnet.v1.ControlNetService on a catalog of the SD 1.5-shaped random-weight test models. */
describe('ControlNetService over gRPC', () => {
  const engine = new DiffusionEngine({ intraOpNumThreads: 1 });
  const postProcessors = { upscaler: new Upscaler(), safety: new SafetyChecker() };
  const slots = new GenerationSlots(1);
  let dir: string;
  let server: GrpcServerHandle;
  let client: any;
  let address: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'easel-cn-grpc-'));
    await symlink(join(MODELS, 'sd15-random'), join(dir, 'sd15'));
    await symlink(join(MODELS, 'sd15-random-controlnet'), join(dir, 'cn'));
    await writeFile(join(dir, 'bundled.json'), JSON.stringify({ models: [
      { model_id: 'sd15', model_name: 'sd15', category: 'stable_diffusion' },
      { model_id: 'random-canny', model_name: 'cn', category: 'controlnet', path: 'cn' },
    ] }));
    const generation = new DiffusionGeneration({ engine, catalog: new BundledModelCatalog(dir), defaultModel: 'sd15', fetchAllowHosts: [], postProcessors });
    server = await startGrpcServer({ port: 0, host: '127.0.0.1', services: [controlNetGrpcEntry({ generation, engine, slots, device: 'cpu' })] });
    address = `127.0.0.1:${server.port}`;
    const Client = grpc.makeGenericClientConstructor(grpcServiceDefinition(controlnetv1.ControlNetService), 'ControlNetService');
    client = new Client(address, grpc.credentials.createInsecure());
  });
  afterAll(async () => {
    client?.close();
    await server?.close();
    await engine.dispose();
    postProcessors.upscaler.dispose();
    await postProcessors.safety.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  const hint = () => sharp({ create: { width: 64, height: 64, channels: 3, background: '#000' } }).png().toBuffer();
  const generate = (controlnet: string, image: string) =>
    new Promise<{ events: controlnetv1.GenerateEvent[]; error?: grpc.ServiceError }>((resolve) => {
      const request = create(controlnetv1.GenerateRequestSchema, {
        generation: create(diffusionv1.GenerateRequestSchema, { tenantId: 't', prompt: 'a red circle', width: 64, height: 64, steps: 3, samples: 1, guidanceScale: 7.5, clipSkip: 1, seed: 1n, safetyChecker: false }),
        controlnets: [{ controlnetModel: controlnet, controlnetType: 'canny', conditioningScale: 1 }],
        controlImage: image,
        autoHint: true,
      });
      const events: controlnetv1.GenerateEvent[] = [];
      const call = client.generate(request);
      call.on('data', (e: controlnetv1.GenerateEvent) => events.push(e));
      call.on('error', (error: grpc.ServiceError) => resolve({ events, error }));
      call.on('end', () => resolve({ events }));
    });

  it('streams progress, then one result with the image', async () => {
    const { events, error } = await generate('random-canny', (await hint()).toString('base64'));
    expect(error).toBeUndefined();
    expect(events.filter((e) => e.event.case === 'progress').length).toBeGreaterThan(0);
    const result = events.at(-1)!.event;
    expect(result.case).toBe('result');
    const image = (result.value as diffusionv1.GenerateResult).images[0]!;
    expect(await sharp(Buffer.from(image.data)).metadata()).toMatchObject({ width: 64, height: 64 });
  }, 30_000);

  it('an unknown ControlNet is NOT_FOUND naming controlnet_model; a hint that is no image is INVALID_ARGUMENT', async () => {
    const unknown = await generate('nope', (await hint()).toString('base64'));
    expect(unknown.error?.code).toBe(grpc.status.NOT_FOUND);
    expect(unknown.error?.metadata.get('easel-error-field')).toEqual(['controlnet_model']);
    const notImage = await generate('random-canny', Buffer.from('not an image').toString('base64'));
    expect(notImage.error?.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(notImage.error?.metadata.get('easel-error-field')).toEqual(['control_image']);
  }, 30_000);

  it('GetCapacity reports the shared slots; health serves the service', async () => {
    const capacity = await new Promise<controlnetv1.GetCapacityResponse>((resolve, reject) =>
      client.getCapacity(create(controlnetv1.GetCapacityRequestSchema, {}), (e: grpc.ServiceError | null, r: controlnetv1.GetCapacityResponse) => (e ? reject(e) : resolve(r))),
    );
    expect(capacity).toMatchObject({ slotsTotal: 1, slotsBusy: 0, device: 'cpu' });
    const Health = grpc.makeGenericClientConstructor(healthDefinition as unknown as grpc.ServiceDefinition, 'Health');
    const health: any = new Health(address, grpc.credentials.createInsecure());
    const status = await new Promise<any>((resolve, reject) => health.Check({ service: 'easel.controlnet.v1.ControlNetService' }, (e: any, r: any) => (e ? reject(e) : resolve(r))));
    health.close();
    expect(status).toEqual({ status: 'SERVING' });
  });
});
